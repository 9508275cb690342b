import type { EvidenceRef } from '../snapshot/outcome.ts';
import type { Evaluation } from './types.ts';
import type { Snapshot } from '../snapshot/model.ts';
import { FINDINGS_SCHEMA } from '../pack/pack-paths.ts';

/** Pack-relative pointer to one raw record: `raw/<acct>/<service>/<region>.jsonl#<callId>`. */
export function evidencePath(ref: EvidenceRef): string {
  return `${ref.file}#${ref.callId}`;
}

/** The shape of `findings/findings.json` (schema `evidence-pack/findings@1`). */
export type FindingsDocument = ReturnType<typeof findingsDocument>;

/** A recorded call as cited by a cross-check: where it is, which operation, AWS's request id. */
function citation(ref: EvidenceRef): { record: string; operation: string; requestId: string | null } {
  return { record: evidencePath(ref), operation: ref.operation, requestId: ref.requestId ?? null };
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
              b.checks.map((c) => ({
                checkId: c.checkId,
                resource: { arn: b.bucketArn, name: b.bucket, accountId: b.accountId, region: b.region },
                status: c.status,
                reason: c.reason,
                brokenWindows: c.brokenWindows,
                unknownWindows: c.unknownWindows,
                evidence: [...new Set(c.evidence.map(evidencePath))],
              })),
            ),
          },
        }
      : {}),
  };
}
