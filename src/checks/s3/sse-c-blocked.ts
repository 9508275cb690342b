import type { EvidenceRef } from '../../snapshot/outcome.ts';
import type { BucketSnapshot, EncryptionRule } from '../../snapshot/model.ts';
import type { CheckDefinition, EvaluationContext } from '../types.ts';
import {
  bucketProbes,
  bucketRcps,
  denialEvidence,
  denialProse,
  policyEvidence,
  statementsProse,
  unlessRcpUnknown,
} from '../policy/bucket-policy.ts';
import { kmsBlanketDenies, SSE_C_PROBE } from '../policy/probes.ts';
import { dedupe, forEachBucket, gapVerdict, verdict, type BucketJudge, type Verdict } from '../support.ts';

const ID = 's3.sse-c-blocked';

/** What the bucket's default encryption says about SSE-C, in words, or the gap. */
type EncryptionSays =
  | { kind: 'blocked'; evidence: EvidenceRef }
  | { kind: 'allowed'; why: string; evidence: EvidenceRef }
  | { kind: 'gap'; verdict: Verdict };

function encryptionSays(bucket: BucketSnapshot): EncryptionSays {
  const enc = bucket.encryption;
  if (enc.status === 'denied' || enc.status === 'error')
    return { kind: 'gap', verdict: gapVerdict('whether SSE-C uploads are blocked', enc) };
  if (enc.status === 'absent')
    return {
      kind: 'allowed',
      why: 'the bucket has no default encryption configuration',
      evidence: enc.evidence,
    };
  const rules: readonly EncryptionRule[] = enc.value.rules;
  if (rules.some((r) => r.blockedEncryptionTypes?.includes('SSE-C')))
    return { kind: 'blocked', evidence: enc.evidence };
  const why = rules.some((r) => r.blockedEncryptionTypes?.includes('NONE'))
    ? 'the default encryption sets BlockedEncryptionTypes to NONE (SSE-C allowed)'
    : 'the default encryption has no BlockedEncryptionTypes, so S3 does not block SSE-C';
  return { kind: 'allowed', why, evidence: enc.evidence };
}

/** The bucket policy's answer to an SSE-C upload: a specific deny, or why not. */
function policySays(
  bucket: BucketSnapshot,
  ctx: EvaluationContext,
):
  | { kind: 'denies'; by: string; evidence: EvidenceRef[] }
  | { kind: 'no'; why: string; evidence: EvidenceRef[] }
  | { kind: 'gap'; verdict: Verdict } {
  const probes = bucketProbes(bucket, ctx, 'whether the bucket policy denies SSE-C uploads');
  const rcps = bucketRcps(bucket, ctx);
  const rcpDenies = rcps.denies(SSE_C_PROBE.name);
  if (rcpDenies.length > 0) {
    return {
      kind: 'denies',
      by: denialProse([], rcpDenies, rcps.scope),
      evidence: dedupe([...policyEvidence(probes), ...denialEvidence(rcpDenies, rcps.scope)]),
    };
  }
  if (probes.kind === 'verdict') return { kind: 'gap', verdict: probes.verdict };
  if (probes.kind === 'no-policy')
    return { kind: 'no', why: 'there is no bucket policy', evidence: probes.evidence };
  const sseC = probes.get(SSE_C_PROBE.name);
  if (sseC?.decision !== 'explicit-deny')
    return { kind: 'no', why: 'the bucket policy does not deny SSE-C uploads', evidence: probes.evidence };
  // A statement that also denies KMS uploads refuses the probe principal as such, not SSE-C.
  const blanket = kmsBlanketDenies(probes.get);
  const specific = sseC.statements.filter((s) => !blanket.has(s));
  if (specific.length === 0) {
    return {
      kind: 'no',
      why: `the bucket policy's deny (${statementsProse(sseC)}) refuses every upload of that principal, SSE-KMS included, rather than SSE-C uploads`,
      evidence: probes.evidence,
    };
  }
  return {
    kind: 'denies',
    by: denialProse(specific, [], rcps.scope),
    evidence: probes.evidence,
  };
}

/**
 * Judge one sensitive bucket: SSE-C uploads are refused, by the encryption rule's
 * `BlockedEncryptionTypes` or by a bucket-policy deny of uploads carrying a customer-provided key.
 * Every bucket is judged on what was read, never on its creation date.
 */
export const judgeSseCBlocked: BucketJudge = (bucket, _account, ctx) => {
  const c = ctx.classify(bucket);
  if (c.level !== 'sensitive') {
    return verdict(
      'not-applicable',
      `The bucket is classified standard (${c.rule}); blocking SSE-C is required only for sensitive buckets.`,
      [],
    );
  }
  const enc = encryptionSays(bucket);
  if (enc.kind === 'blocked') {
    return verdict(
      'pass',
      'The default encryption blocks SSE-C (BlockedEncryptionTypes SSE-C): uploads with customer-provided keys are refused.',
      [enc.evidence],
    );
  }
  const policy = policySays(bucket, ctx);
  const encEvidence = enc.kind === 'gap' ? enc.verdict.evidence : [enc.evidence];
  if (policy.kind === 'denies') {
    return verdict(
      'pass',
      `Uploads with a customer-provided key (SSE-C) are explicitly denied for any principal, decided by ${policy.by}.`,
      dedupe([...encEvidence, ...policy.evidence]),
    );
  }
  if (enc.kind === 'gap') return enc.verdict;
  if (policy.kind === 'gap')
    return { ...policy.verdict, evidence: dedupe([enc.evidence, ...policy.verdict.evidence]) };
  return unlessRcpUnknown(
    verdict(
      'fail',
      `SSE-C uploads are not blocked: ${enc.why}, and ${policy.why}.`,
      dedupe([enc.evidence, ...policy.evidence]),
    ),
    bucketRcps(bucket, ctx),
    'whether SSE-C uploads are blocked',
  );
};

/** `s3.sse-c-blocked`: sensitive buckets refuse uploads with customer-provided keys (SSE-C). */
export const sseCBlocked: CheckDefinition = {
  id: ID,
  title: 'Sensitive buckets block SSE-C uploads',
  criteria: ['CC6.6', 'CC6.1'],
  severity: 'medium',
  description:
    'SSE-C is blocked (BlockedEncryptionTypes SSE-C) or the bucket policy denies uploads with customer-provided keys: such keys leave no KMS audit trail and no key policy governs them.',
  reads: [
    's3:GetBucketEncryption',
    's3:GetBucketPolicy',
    's3:GetBucketTagging',
    'tagging:GetResources',
    'organizations:ListPoliciesForTarget',
    'organizations:DescribePolicy',
  ],
  method:
    "Per sensitive bucket: passes when a default-encryption rule's BlockedEncryptionTypes.EncryptionType contains SSE-C, or when the bucket policy, evaluated with IAM semantics, explicitly denies a PutObject over TLS from an unrelated principal carrying s3:x-amz-server-side-encryption-customer-algorithm by a statement that does not also deny aws:kms and aws:kms:dsse uploads; BlockedEncryptionTypes NONE or missing, without such a deny, fails; every bucket is judged on what was read, never on its creation date; not applicable to standard buckets; a denied or failed read that decides is insufficient evidence. In an organization a resource control policy in force for the account that denies such an upload (by a statement that does not also deny KMS uploads) counts like the bucket policy and is cited with where it is attached; when the RCPs in force cannot be read, a verdict that would fail is insufficient evidence.",
  evaluate: (ctx) => forEachBucket(ID, ctx, judgeSseCBlocked),
};
