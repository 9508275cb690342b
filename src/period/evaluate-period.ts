import type { EvidenceRef } from '../snapshot/outcome.ts';
import { BUCKET_PROBES } from '../checks/policy/probes.ts';
import type { PolicyProbeResults } from '../checks/policy/types.ts';
import type { EvaluationContext } from '../checks/types.ts';
import { analyzePolicyText } from '../checks/policy/analyze-policies.ts';
import type { Snapshot } from '../snapshot/model.ts';
import { judgeBucketOverPeriod, type PolicyLookup } from './judge.ts';
import { recordedSettings } from './supplementary.ts';
import type { PeriodEvaluation } from './types.ts';

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
 * Run the anonymous-access probes once against every distinct bucket policy the histories record.
 * Async because the simulator is; the result lets the period judgement stay pure.
 */
export async function analyzeHistoryPolicies(snapshot: Snapshot): Promise<PolicyLookup> {
  const results = new Map<string, PolicyProbeResults>();
  for (const account of snapshot.accounts) {
    for (const h of account.configHistory ?? []) {
      if (h.items.status !== 'ok') continue;
      for (const item of h.items.value) {
        const policy = recordedSettings(item, NO_EVIDENCE).policy;
        if (policy.status !== 'ok') continue;
        const key = policyKey(h.bucketArn, policy.value.text);
        if (results.has(key)) continue;
        results.set(
          key,
          await analyzePolicyText(policy.value.text, BUCKET_PROBES, {
            bucketArn: h.bucketArn,
            accountId: h.accountId,
          }),
        );
      }
    }
  }
  return (bucketArn, text) => results.get(policyKey(bucketArn, text));
}

/** Created at or after the period end: not part of the period's population. */
function createdAfter(creationDate: string | undefined, end: string): boolean {
  return creationDate !== undefined && Date.parse(creationDate) >= Date.parse(end);
}

/**
 * Judge every bucket of the snapshot that existed before the period end over the audit period,
 * from its AWS Config history.
 */
export async function evaluatePeriod(
  snapshot: Snapshot,
  period: { start: string; end: string },
  ctx: EvaluationContext,
): Promise<PeriodEvaluation> {
  const policies = await analyzeHistoryPolicies(snapshot);
  const p = { start: new Date(period.start).toISOString(), end: new Date(period.end).toISOString() };
  return {
    ...p,
    buckets: snapshot.accounts.flatMap((account) =>
      account.buckets
        .filter((bucket) => !createdAfter(bucket.creationDate, p.end))
        .map((bucket) =>
          judgeBucketOverPeriod({
            bucket,
            account,
            history: account.configHistory?.find((h) => h.bucketArn === bucket.arn),
            period: p,
            ctx,
            policies,
          }),
        ),
    ),
  };
}
