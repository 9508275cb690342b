import type { CheckDefinition } from '../types.ts';
import { findBucketKey, isAwsManagedS3Alias, kmsRule } from '../kms/find-key.ts';
import { evidenceOf, forEachBucket, gapVerdict, verdict, type BucketJudge } from '../support.ts';

const ID = 's3.sse-kms-cmk';

/** Judge one bucket: a sensitive bucket must use SSE-KMS with an enabled customer managed key. */
export const judgeSseKmsCmk: BucketJudge = (bucket, account, ctx) => {
  const c = ctx.classify(bucket);
  if (c.level !== 'sensitive') {
    return verdict(
      'not-applicable',
      `The bucket is classified standard (${c.rule}); a customer managed key is required only for sensitive buckets.`,
      [],
    );
  }
  const enc = bucket.encryption;
  if (enc.status === 'denied' || enc.status === 'error') return gapVerdict('the encryption key', enc);
  const rule = enc.status === 'ok' ? kmsRule(enc.value.rules) : undefined;
  if (!rule) {
    return verdict(
      'fail',
      'The bucket is encrypted with SSE-S3 only (or not at all), not with a customer managed KMS key.',
      [enc.evidence],
    );
  }
  const ref = rule.kmsMasterKeyId;
  const key = findBucketKey(account, bucket, ref);
  if (!key) {
    if (isAwsManagedS3Alias(ref)) {
      return verdict('fail', 'The bucket uses the AWS managed key aws/s3, not a customer managed key.', [
        enc.evidence,
      ]);
    }
    return verdict(
      'insufficient-evidence',
      `The key ${ref ?? ''} named by the bucket encryption was not described, so its manager and state are unknown.`,
      [enc.evidence],
    );
  }
  const meta = key.metadata;
  const evidence = evidenceOf(enc, meta);
  if (meta.status === 'denied' || meta.status === 'error')
    return gapVerdict(`the key ${ref ?? 'aws/s3'}`, meta, evidence);
  if (meta.status === 'absent') {
    return verdict(
      'fail',
      `The key ${ref ?? 'aws/s3'} named by the bucket encryption does not exist (DescribeKey: ${meta.errorCode}).`,
      evidence,
    );
  }
  const m = meta.value;
  if (m.keyManager !== 'CUSTOMER') {
    return verdict(
      'fail',
      `The bucket uses the AWS managed key ${m.arn}, not a customer managed key.`,
      evidence,
    );
  }
  if (m.keyState !== 'Enabled') {
    const state = m.keyState === 'PendingDeletion' ? 'pending deletion' : m.keyState.toLowerCase();
    return verdict(
      'fail',
      `The bucket's customer managed key ${m.arn} is ${state}, so it cannot protect new data.`,
      evidence,
    );
  }
  return verdict(
    'pass',
    `The bucket uses ${rule.sseAlgorithm} with the enabled customer managed key ${m.arn}.`,
    evidence,
  );
};

/** `s3.sse-kms-cmk`: sensitive buckets use SSE-KMS with an enabled customer managed key. */
export const sseKmsCmk: CheckDefinition = {
  id: ID,
  title: 'Sensitive buckets use a customer managed KMS key',
  severity: 'high',
  criteria: ['CC6.6', 'CC6.1'],
  description: 'SSEAlgorithm is aws:kms or aws:kms:dsse and the key is customer managed and enabled.',
  reads: [
    's3:GetBucketEncryption',
    's3:GetBucketTagging',
    'tagging:GetResources',
    'kms:DescribeKey',
    'kms:ListAliases',
  ],
  method:
    'Per sensitive bucket: passes when SSEAlgorithm is aws:kms or aws:kms:dsse with a customer managed (KeyManager CUSTOMER), enabled key; AES256, the AWS managed key or an unusable key fails; not applicable to standard buckets; a denied or failed read is insufficient evidence.',
  evaluate: (ctx) => forEachBucket(ID, ctx, judgeSseKmsCmk),
};
