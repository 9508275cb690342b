import type { EvidenceRef } from '../snapshot/outcome.ts';
import type { Evaluation } from './types.ts';
import type { Snapshot } from '../snapshot/model.ts';
import type { ChangeEvent, PeriodCheckResult } from '../period/types.ts';
import { FINDINGS_SCHEMA } from '../pack/pack-paths.ts';

/** Pack-relative pointer to one raw record: `raw/<service>/<region>.jsonl#<callId>`. */
export function evidencePath(ref: EvidenceRef): string {
  return `${ref.file}#${ref.callId}`;
}

/** The shape of `findings/findings.json` (schema `evidence-pack/findings@1`). */
export type FindingsDocument = ReturnType<typeof findingsDocument>;

/** A recorded call as cited by a cross-check: where it is, which operation, AWS's request id. */
function citation(ref: EvidenceRef): { record: string; operation: string; requestId: string | null } {
  return { record: evidencePath(ref), operation: ref.operation, requestId: ref.requestId ?? null };
}

/** A CloudTrail event as findings.json cites it: what, when, who, which request, which record. */
function eventCitation(e: ChangeEvent) {
  return {
    eventName: e.eventName,
    eventTime: e.eventTime,
    userArn: e.userArn ?? null,
    requestId: e.requestId ?? null,
    eventId: e.eventId,
    record: evidencePath(e.evidence),
  };
}

/** The findings document as stored in the pack. */
export function findingsDocument(snapshot: Snapshot, evaluation: Evaluation) {
  return {
    schema: FINDINGS_SCHEMA,
    runId: snapshot.runId,
    evaluatedAt: evaluation.evaluatedAt,
    criteria: evaluation.criteria,
    results: evaluation.findings.map((f) => ({
      checkId: f.checkId,
      title: f.title,
      criteria: f.criteria,
      severity: f.severity,
      resource: f.resource,
      status: f.status,
      reason: f.reason,
      evidence: [...new Set(f.evidence.map(evidencePath))],
      ...(f.deviation
        ? {
            deviation: {
              from: f.deviation.from,
              to: f.deviation.to,
              durationMs: f.deviation.durationMs,
              openAtPeriodStart: f.deviation.openAtPeriodStart,
              openAtPeriodEnd: f.deviation.openAtPeriodEnd,
              opened: f.deviation.opened ? eventCitation(f.deviation.opened) : null,
              closed: f.deviation.closed ? eventCitation(f.deviation.closed) : null,
            },
          }
        : {}),
    })),
    exceptions: evaluation.exceptions,
    summary: evaluation.summary,
    crossChecks: evaluation.crossChecks.map((x) => ({
      kind: x.kind,
      resource: x.resource,
      subject: x.subject,
      summary: x.summary,
      checks: x.checks,
      sources: x.sources.map((s) => ({
        source: s.source,
        says: s.says,
        evidence: s.evidence.map(citation),
        ...(s.screenshots ? { screenshots: s.screenshots } : {}),
      })),
    })),
    ...(evaluation.period
      ? {
          period: {
            start: evaluation.period.start,
            end: evaluation.period.end,
            results: evaluation.period.buckets.flatMap((b) =>
              b.checks.map((c) =>
                periodResultJson(c, {
                  arn: b.bucketArn,
                  name: b.bucket,
                  accountId: b.accountId,
                  region: b.region,
                }),
              ),
            ),
            // Account Block Public Access, KMS keys and trails over the period (absent in older packs).
            ...(evaluation.period.resources
              ? {
                  resourceResults: evaluation.period.resources.flatMap((r) =>
                    r.checks.map((c) =>
                      periodResultJson(c, {
                        type: r.resourceType,
                        arn: r.arn,
                        name: r.name,
                        resourceId: r.resourceId,
                        accountId: r.accountId,
                        region: r.region,
                      }),
                    ),
                  ),
                }
              : {}),
            // Trail logging, recorder recording and rule compliance over the period.
            monitoring: (evaluation.period.monitoring ?? []).map((m) => periodResultJson(m, m.resource)),
            counts: evaluation.period.counts ?? null,
            reconciliation: (evaluation.period.reconciliation ?? []).map((r) => ({
              resource: { arn: r.bucketArn, name: r.bucket, accountId: r.accountId, region: r.region },
              setting: r.setting,
              recorded: r.recorded,
              live: r.live,
              checks: r.checks,
              events: r.events.map(eventCitation),
              explained: r.events.length > 0,
              evidence: r.evidence.map(citation),
              // Not explained: the write-event pages searched, as one range of records.
              searched: r.searched
                ? {
                    file: r.searched.file,
                    operation: r.searched.operation,
                    fromRecord: `${r.searched.file}#${r.searched.firstCallId}`,
                    toRecord: `${r.searched.file}#${r.searched.lastCallId}`,
                    pages: r.searched.pages,
                  }
                : null,
            })),
          },
        }
      : {}),
  };
}

/** One period verdict as findings.json lists it: status, windows with their events, citations. */
function periodResultJson(c: Omit<PeriodCheckResult, 'checkId'> & { checkId: string }, resource: object) {
  return {
    checkId: c.checkId,
    resource,
    status: c.status,
    ...(c.cause ? { cause: c.cause } : {}),
    reason: c.reason,
    brokenWindows: c.brokenWindows.map((w) => ({
      from: w.from,
      to: w.to,
      reason: w.reason,
      opened: w.opened ? eventCitation(w.opened) : null,
      closed: w.closed ? eventCitation(w.closed) : null,
      evidence: (w.evidence ?? []).map(citation),
    })),
    unknownWindows: c.unknownWindows.map((w) => ({ from: w.from, to: w.to, reason: w.reason })),
    evidence: c.evidence.map(citation),
  };
}
