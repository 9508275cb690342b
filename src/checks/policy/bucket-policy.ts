import { describeGap, type EvidenceRef } from '../../snapshot/outcome.ts';
import type { BucketSnapshot } from '../../snapshot/model.ts';
import type { EvaluationContext } from '../types.ts';
import { dedupe, gapVerdict, verdict, type Verdict } from '../support.ts';
import { ENCRYPTION_PROBES } from './probes.ts';
import { rcpDeniesProse, rcpEvidence, rcpScope, type RcpDeny, type RcpScope } from './rcp.ts';
import type { ProbeOutcome } from './types.ts';

/** What a check judged by {@link bucketProbes} and {@link bucketRcps} alone reads. */
export const BUCKET_POLICY_READS = [
  's3:GetBucketPolicy',
  'organizations:ListPoliciesForTarget',
  'organizations:DescribePolicy',
] as const;

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

/**
 * The resource control policies bearing on a bucket, as the policy checks read them: which RCP
 * statements deny each probe, and what is unknown about the RCPs in force.
 */
export interface BucketRcps {
  scope: RcpScope;
  /**
   * RCP statements that explicitly deny the probe, leaving out statements that deny the probe
   * principal's KMS uploads over TLS as well (a perimeter that refuses that principal as such, not
   * a rule about the request's transport or encryption).
   */
  denies(probe: string): RcpDeny[];
  /** Every RCP statement that explicitly denies the probe, perimeters included. */
  allDenies(probe: string): RcpDeny[];
  /** Why the RCPs in force are not fully known (a gap or an unparsable RCP), as a clause; else undefined. */
  unknown: string | undefined;
  /** Evidence of what is unknown. */
  unknownEvidence: EvidenceRef[];
}

/** The RCP view of a bucket (empty when no organization was read). */
export function bucketRcps(bucket: BucketSnapshot, ctx: EvaluationContext): BucketRcps {
  const scope = rcpScope(ctx.snapshot.organization, bucket.accountId);
  const results = ctx.policyAnalysis?.rcpBuckets?.[bucket.arn];
  const unknownGaps = scope.kind === 'in-force' ? scope.unknown : [];
  const clauses = unknownGaps.map(
    (g) =>
      `the resource control policies in force for account ${bucket.accountId} are unknown (${describeGap(g)})`,
  );
  if (results?.kind === 'invalid')
    clauses.push(`the resource control policies could not be judged: ${results.message}`);
  const get = (name: string): RcpDeny[] =>
    results?.kind === 'analyzed' ? (results.probes[name]?.denies ?? []) : [];
  const key = (d: RcpDeny) => `${d.policyId}\n${d.statement}`;
  const dsse = new Set(get(ENCRYPTION_PROBES.dsse.name).map(key));
  const blanket = new Set(
    get(ENCRYPTION_PROBES.kms.name)
      .map(key)
      .filter((k) => dsse.has(k)),
  );
  return {
    scope,
    denies: (name) => get(name).filter((d) => !blanket.has(key(d))),
    allDenies: get,
    unknown: clauses.length > 0 ? clauses.join('; ') : undefined,
    unknownEvidence: unknownGaps.map((g) => g.evidence),
  };
}

/**
 * Who denied a request: `Sid "A" of the bucket policy and resource control policy p-1 "X" (Sid
 * "B"), attached to OU "W" (ou-…)`.
 */
export function denialProse(
  policyStatements: readonly string[],
  rcps: readonly RcpDeny[],
  scope: RcpScope,
): string {
  const parts: string[] = [];
  if (policyStatements.length > 0)
    parts.push(
      `${statementsProse({ decision: 'explicit-deny', statements: [...policyStatements] })} of the bucket policy`,
    );
  if (rcps.length > 0) parts.push(rcpDeniesProse(rcps, scope));
  return parts.join(' and ');
}

/** The RCP evidence of a denial. */
export function denialEvidence(rcps: readonly RcpDeny[], scope: RcpScope): EvidenceRef[] {
  return rcpEvidence(rcps, scope);
}

/** The evidence of a bucket's policy read, whatever the probes came to. */
export function policyEvidence(probes: BucketProbes): EvidenceRef[] {
  return probes.kind === 'verdict' ? probes.verdict.evidence : probes.evidence;
}

/**
 * The pass of a bucket whose required denials come from resource control policies, with the
 * bucket-policy statements (none when the RCPs deny everything) that deny the rest. `denied` names
 * the requests as they read mid-sentence: `uploads without KMS encryption (no header or AES256)`.
 */
export function deniedWithRcpsVerdict(
  probes: BucketProbes,
  rcps: BucketRcps,
  denied: string,
  policyStatements: readonly string[],
  rcpDenies: readonly RcpDeny[],
): Verdict {
  const lead =
    probes.kind === 'no-policy'
      ? `The bucket has no bucket policy, but ${denied} are explicitly denied for any principal by `
      : `${denied.charAt(0).toUpperCase()}${denied.slice(1)} are explicitly denied for any principal, decided by `;
  return verdict(
    'pass',
    `${lead}${denialProse(policyStatements, rcpDenies, rcps.scope)}.`,
    dedupe([...policyEvidence(probes), ...denialEvidence(rcpDenies, rcps.scope)]),
  );
}

/** The sentence a fail on the bucket policy alone ends with when RCPs are in force; else empty. */
export function noRcpDeniesNote(rcps: BucketRcps): string {
  return rcps.scope.kind === 'in-force' ? ' No resource control policy in force denies them either.' : '';
}

/**
 * A fail judged on the bucket policy alone becomes insufficient evidence when the RCPs in force
 * are not fully known: one the tool could not see may deny what the bucket policy does not.
 */
export function unlessRcpUnknown(v: Verdict, rcps: BucketRcps, what: string): Verdict {
  if (v.status !== 'fail' || rcps.unknown === undefined) return v;
  return verdict(
    'insufficient-evidence',
    `Cannot judge ${what}: ${v.reason.replace(/\.$/, '')}, but ${rcps.unknown}.`,
    dedupe([...v.evidence, ...rcps.unknownEvidence]),
  );
}
