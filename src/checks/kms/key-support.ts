import type { AccountSnapshot, KmsKeyMetadata, KmsKeySnapshot } from '../../snapshot/model.ts';
import type { CheckResult, EvaluationContext, ResourceRef } from '../types.ts';
import type { EvidenceRef } from '../../snapshot/outcome.ts';
import { evidenceOf, gapVerdict, toResult, verdict, type Verdict } from '../support.ts';

/** The resource reference of a KMS key (its ARN when described, else the first reference). */
export function keyResource(key: KmsKeySnapshot): ResourceRef {
  const meta = key.metadata.status === 'ok' ? key.metadata.value : undefined;
  const name = key.aliases[0] ?? meta?.keyId ?? key.references[0] ?? 'unknown key';
  return {
    arn: meta?.arn ?? key.references[0] ?? 'unknown',
    type: 'AWS::KMS::Key',
    accountId: meta?.keyAccountId ?? key.accountId,
    region: key.region,
    name,
  };
}

/**
 * Run a judgement over every customer managed key used by a bucket. Keys that could not be
 * described are gaps; keys not found or AWS managed are not-applicable (s3.sse-kms-cmk reports them).
 * Keys no bucket uses are in the key population but outside these checks: they protect no S3 data.
 */
export function forEachCustomerKey(
  checkId: string,
  ctx: EvaluationContext,
  judge: (key: KmsKeySnapshot, meta: KmsKeyMetadata, account: AccountSnapshot) => Verdict,
): CheckResult[] {
  return ctx.snapshot.accounts.flatMap((account) =>
    account.kmsKeys
      .filter((key) => key.usedBy.length > 0)
      .map((key) => {
        const meta = key.metadata;
        let v: Verdict;
        if (key.foreignAccount) {
          v = verdict(
            'insufficient-evidence',
            `The key belongs to ${key.foreignAccount.detail}; its policy and rotation are read only in its own account.`,
            [meta.evidence],
          );
        } else if (meta.status === 'denied' || meta.status === 'error') v = gapVerdict('the key', meta);
        else if (meta.status === 'absent') {
          v = verdict(
            'not-applicable',
            `The key ${key.references[0] ?? ''} was not found (${meta.errorCode}); s3.sse-kms-cmk reports the affected buckets.`,
            [meta.evidence],
          );
        } else if (meta.value.keyManager !== 'CUSTOMER') {
          v = verdict('not-applicable', 'The key is AWS managed; AWS rotates and governs it.', [
            meta.evidence,
          ]);
        } else v = judge(key, meta.value, account);
        return toResult(checkId, keyResource(key), v);
      }),
  );
}

/**
 * Judge a key's policy once it was read: a denied or failed read is a gap, a missing policy is
 * insufficient evidence, and only a policy that was read reaches `judge` (with the evidence to cite).
 */
export function withKeyPolicy(key: KmsKeySnapshot, judge: (evidence: EvidenceRef[]) => Verdict): Verdict {
  const pol = key.policy;
  const evidence = evidenceOf(key.metadata, pol);
  if (pol.status === 'denied' || pol.status === 'error') return gapVerdict('the key policy', pol, evidence);
  if (pol.status === 'absent')
    return verdict('insufficient-evidence', `GetKeyPolicy returned no policy (${pol.errorCode}).`, evidence);
  return judge(evidence);
}
