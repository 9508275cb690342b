import type { AccountSnapshot, KmsKeyMetadata, KmsKeySnapshot } from '../../snapshot/model.ts';
import type { CheckResult, EvaluationContext, ResourceRef } from '../types.ts';
import { gapVerdict, toResult, verdict, type Verdict } from '../support.ts';

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
        if (meta.status === 'denied' || meta.status === 'error') v = gapVerdict('the key', meta);
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
