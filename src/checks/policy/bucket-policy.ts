import type { EvidenceRef } from '../../snapshot/outcome.ts';
import type { BucketSnapshot } from '../../snapshot/model.ts';
import type { EvaluationContext } from '../types.ts';
import { gapVerdict, verdict, type Verdict } from '../support.ts';
import type { ProbeOutcome } from './types.ts';

/** The analyzed probes of a bucket's policy, or the verdict to return when there are none. */
export type BucketProbes =
  | { kind: 'probes'; get(name: string): ProbeOutcome | undefined; evidence: EvidenceRef[] }
  | { kind: 'no-policy'; evidence: EvidenceRef[] }
  | { kind: 'verdict'; verdict: Verdict };

/** Fetch the probe analysis of a bucket's policy, turning gaps into `insufficient-evidence`. */
export function bucketProbes(bucket: BucketSnapshot, ctx: EvaluationContext, what: string): BucketProbes {
  const policy = bucket.policy;
  if (policy.status === 'denied' || policy.status === 'error')
    return { kind: 'verdict', verdict: gapVerdict(what, policy) };
  if (policy.status === 'absent') return { kind: 'no-policy', evidence: [policy.evidence] };
  const analysis = ctx.policyAnalysis?.buckets[bucket.arn];
  if (!analysis) {
    return {
      kind: 'verdict',
      verdict: verdict('error', 'The bucket policy was not analyzed (policy analysis did not run).', [
        policy.evidence,
      ]),
    };
  }
  if (analysis.kind === 'invalid') {
    return {
      kind: 'verdict',
      verdict: verdict('insufficient-evidence', `Cannot judge ${what}: ${analysis.message}.`, [
        policy.evidence,
      ]),
    };
  }
  return { kind: 'probes', get: (name) => analysis.probes[name], evidence: [policy.evidence] };
}

/** `Sid "A"` / `Sid "A" and statement #2`. */
export function statementsProse(outcome: ProbeOutcome | undefined): string {
  const s = outcome?.statements ?? [];
  if (s.length === 0) return 'no statement';
  return s.length === 1 ? (s[0] ?? '') : `${s.slice(0, -1).join(', ')} and ${s[s.length - 1] ?? ''}`;
}
