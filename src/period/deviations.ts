import type { CheckResult } from '../checks/types.ts';
import type { EvidenceRef } from '../snapshot/outcome.ts';
import { dateLabel, durationLabel } from './windows.ts';
import type { ChangeEvent, Deviation, PeriodCheckResult, PeriodEvaluation, PeriodWindow } from './types.ts';

/** A period deviation as a check result, before criteria and metadata are attached. */
export type DeviationResult = CheckResult & { deviation: Deviation };

function who(e: ChangeEvent): string {
  const rid = e.requestId ? `, request id ${e.requestId}` : '';
  return `${e.eventName} by ${e.userArn ?? 'an unknown principal'} at ${dateLabel(e.eventTime)}${rid}`;
}

function sentence(checkId: string, w: PeriodWindow, d: Deviation): string {
  const reason = w.reason.replace(/\.$/, '');
  // A rule's result changes by Config's evaluation, not by an API call CloudTrail could record.
  const byConfig = checkId === 'config.rule-compliant';
  const unexplained = (verb: string) =>
    byConfig
      ? `${verb} by a result AWS Config's rule evaluation recorded (the compliance record is cited).`
      : `${verb} by a change CloudTrail has no event for.`;
  const opened = d.openAtPeriodStart
    ? 'It was already broken when the period began.'
    : d.opened
      ? `Opened by ${who(d.opened)}.`
      : unexplained('Opened');
  const closed = d.openAtPeriodEnd
    ? 'It was still broken at the period end.'
    : d.closed
      ? `Closed by ${who(d.closed)}.`
      : unexplained('Closed');
  return `Broken during the audit period from ${dateLabel(d.from)} to ${dateLabel(d.to)} (${durationLabel(d.durationMs)}): ${reason}. ${opened} ${closed}`;
}

function deviationOf(
  checkId: string,
  resource: DeviationResult['resource'],
  w: PeriodWindow,
  fallback: readonly EvidenceRef[],
  start: number,
  end: number,
): DeviationResult {
  const from = Date.parse(w.from);
  const to = Date.parse(w.to);
  const deviation: Deviation = {
    from: w.from,
    to: w.to,
    durationMs: to - from,
    openAtPeriodStart: from <= start,
    openAtPeriodEnd: to >= end,
    ...(w.opened ? { opened: w.opened } : {}),
    ...(w.closed ? { closed: w.closed } : {}),
  };
  const evidence: EvidenceRef[] = [
    ...(w.evidence ?? fallback),
    ...(w.opened ? [w.opened.evidence] : []),
    ...(w.closed ? [w.closed.evidence] : []),
  ];
  return {
    checkId,
    resource,
    status: 'fail',
    reason: sentence(checkId, w, deviation),
    evidence: [...new Map(evidence.map((e) => [`${e.file}#${e.callId}`, e])).values()],
    deviation,
  };
}

/**
 * Every broken window over the period, as a failing result of its check (one per window): of each
 * bucket's settings, and of the monitoring controls (trail logging, recorder recording, rule
 * compliance). These are the deviations an auditor of a Type II report counts as exceptions.
 */
export function deviationResults(period: PeriodEvaluation): DeviationResult[] {
  const start = Date.parse(period.start);
  const end = Date.parse(period.end);
  const resources = (period.resources ?? []).map((r) => ({
    resource: { arn: r.arn, type: r.resourceType, accountId: r.accountId, region: r.region, name: r.name },
    checks: r.checks as PeriodCheckResult<string>[],
  }));
  const buckets = period.buckets.map((b) => ({
    resource: {
      arn: b.bucketArn,
      type: 'AWS::S3::Bucket' as const,
      accountId: b.accountId,
      region: b.region,
      name: b.bucket,
    },
    checks: b.checks as PeriodCheckResult<string>[],
  }));
  const judged = [...buckets, ...resources].flatMap((b) =>
    b.checks.flatMap((c) =>
      c.brokenWindows.map((w) => deviationOf(c.checkId, b.resource, w, c.evidence, start, end)),
    ),
  );
  const monitoring = (period.monitoring ?? []).flatMap((m) =>
    m.brokenWindows.map((w) => deviationOf(m.checkId, m.resource, w, m.evidence, start, end)),
  );
  return [...judged, ...monitoring];
}
