import type { EvidenceRef } from '../snapshot/outcome.ts';
import { BUCKET_PROBES } from '../checks/policy/probes.ts';
import type { PolicyProbeResults } from '../checks/policy/types.ts';
import type { EvaluationContext } from '../checks/types.ts';
import { createBucketPolicyAnalyzer, type BucketPolicyAnalyzer } from '../checks/policy/analyze-policies.ts';
import type { Snapshot } from '../snapshot/model.ts';
import { judgeBucketOverPeriod, type PolicyLookup } from './judge.ts';
import { recordedSettings } from './supplementary.ts';
import { indexEvents } from './events.ts';
import { reconcileBucket } from './reconcile.ts';
import { judgeResourcesOverPeriod } from './resources.ts';
import { judgeMonitoring } from './monitoring.ts';
import {
  PERIOD_STATUSES,
  type PeriodBucketResult,
  type PeriodEvaluation,
  type PeriodMonitoringResult,
  type PeriodStatus,
  type ReconciliationEntry,
} from './types.ts';

const NO_EVIDENCE: EvidenceRef = {
  file: '',
  callId: 'unrecorded',
  service: 'config',
  operation: 'GetResourceConfigHistory',
};

function policyKey(bucketArn: string, text: string): string {
  return `${bucketArn}\n${text}`;
}

/**
 * Run the probes against every distinct bucket policy the histories record. Versions that differ
 * only in their bucket's own name (the same policy put on many buckets, or put again) share one
 * simulation through `analyzer`, as today's policies do; a bucket's policy text is looked up once.
 * Async because the simulator is; the result lets the period judgement stay pure.
 */
export async function analyzeHistoryPolicies(
  snapshot: Snapshot,
  analyzer: BucketPolicyAnalyzer = createBucketPolicyAnalyzer(BUCKET_PROBES),
): Promise<PolicyLookup> {
  const results = new Map<string, PolicyProbeResults>();
  for (const account of snapshot.accounts) {
    for (const h of account.configHistory ?? []) {
      if (h.items.status !== 'ok') continue;
      for (const item of h.items.value) {
        const policy = recordedSettings(item, NO_EVIDENCE).policy;
        if (policy.status !== 'ok') continue;
        const key = policyKey(h.bucketArn, policy.value.text);
        if (results.has(key)) continue;
        results.set(key, await analyzer.analyze(policy.value.text, h.bucketArn, h.accountId));
      }
    }
  }
  return (bucketArn, text) => results.get(policyKey(bucketArn, text));
}

/**
 * A `held` verdict whose inputs changed after the period without a CloudTrail event to explain the
 * change cannot stand: the record it rests on disagrees with today's read for no known reason.
 */
function downgradeUnexplained(
  result: PeriodBucketResult,
  entries: readonly ReconciliationEntry[],
): PeriodBucketResult {
  const unexplained = entries.filter((e) => e.events.length === 0);
  if (unexplained.length === 0) return result;
  return {
    ...result,
    checks: result.checks.map((c) => {
      const why = unexplained.filter((e) => e.checks.includes(c.checkId));
      if (c.status !== 'held' || why.length === 0) return c;
      const settings = why.map((e) => `${e.setting} (recorded ${e.recorded}, today ${e.live})`).join('; ');
      return {
        ...c,
        status: 'unknown',
        cause: 'disagrees-with-live',
        reason: `Unknown: every recorded state passed, but the last record disagrees with today's read and no CloudTrail event explains the change: ${settings}.`,
        evidence: [...c.evidence, ...why.flatMap((e) => e.evidence)],
      };
    }),
  };
}

function countOf(
  buckets: readonly PeriodBucketResult[],
  monitoring: readonly PeriodMonitoringResult[],
): Record<PeriodStatus, number> {
  const counts = Object.fromEntries(PERIOD_STATUSES.map((s) => [s, 0])) as Record<PeriodStatus, number>;
  for (const b of buckets) for (const c of b.checks) counts[c.status] += 1;
  for (const m of monitoring) counts[m.status] += 1;
  return counts;
}

/**
 * Judge every bucket of the snapshot over the audit period, from its AWS Config history and the
 * account's CloudTrail write events; none is left out (a bucket Config dates after the period is
 * `unknown` with that reason). The last in-period state of each bucket is reconciled with today's read.
 */
export async function evaluatePeriod(
  snapshot: Snapshot,
  period: { start: string; end: string },
  ctx: EvaluationContext,
): Promise<PeriodEvaluation> {
  const policies = await analyzeHistoryPolicies(snapshot);
  const p = { start: new Date(period.start).toISOString(), end: new Date(period.end).toISOString() };
  const reconciliation: ReconciliationEntry[] = [];
  const resources = snapshot.accounts.flatMap((account) =>
    judgeResourcesOverPeriod(account, p, indexEvents(account)),
  );
  const buckets = snapshot.accounts.flatMap((account) => {
    const events = indexEvents(account);
    const histories = new Map((account.configHistory ?? []).map((h) => [h.bucketArn, h]));
    return account.buckets.map((bucket) => {
      const history = histories.get(bucket.arn);
      const result = judgeBucketOverPeriod({ bucket, account, history, period: p, ctx, policies, events });
      const entries = reconcileBucket(bucket, history, p, events);
      reconciliation.push(...entries);
      return downgradeUnexplained(result, entries);
    });
  });
  const monitoring = judgeMonitoring(snapshot, p, ctx);
  return {
    ...p,
    buckets,
    reconciliation,
    counts: countOf(buckets, monitoring),
    monitoring,
    ...(resources.length > 0 ? { resources } : {}),
  };
}
