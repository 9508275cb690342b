import type { CheckDefinition } from '../types.ts';
import { forEachBucket, gapVerdict, verdict, type BucketJudge } from '../support.ts';

const ID = 's3.bucket-key';

/** Judge one bucket: an SSE-KMS bucket should have S3 Bucket Keys enabled. */
export const judgeBucketKey: BucketJudge = (bucket) => {
  const enc = bucket.encryption;
  if (enc.status === 'denied' || enc.status === 'error') return gapVerdict('the bucket key setting', enc);
  const rule = enc.status === 'ok' ? enc.value.rules.find((r) => r.sseAlgorithm === 'aws:kms') : undefined;
  if (!rule) {
    const dsse = enc.status === 'ok' && enc.value.rules.some((r) => r.sseAlgorithm === 'aws:kms:dsse');
    const why = dsse ? 'uses DSSE-KMS, which does not support S3 Bucket Keys' : 'does not use SSE-KMS';
    return verdict('not-applicable', `The bucket ${why}.`, [enc.evidence]);
  }
  return rule.bucketKeyEnabled
    ? verdict('pass', 'S3 Bucket Key is enabled for SSE-KMS.', [enc.evidence])
    : verdict(
        'fail',
        'S3 Bucket Key is not enabled, so every object request calls KMS (up to 99% more KMS requests).',
        [enc.evidence],
      );
};

/** `s3.bucket-key` (advisory, cost): SSE-KMS buckets enable S3 Bucket Keys. */
export const bucketKey: CheckDefinition = {
  id: ID,
  title: 'S3 Bucket Key is enabled for SSE-KMS',
  severity: 'low',
  criteria: [],
  description: 'BucketKeyEnabled is true on SSE-KMS buckets; reduces KMS request cost by up to 99%.',
  reads: ['s3:GetBucketEncryption'],
  method:
    'Per SSE-KMS bucket: passes when BucketKeyEnabled is true; fails when false; not applicable to buckets without SSE-KMS. A cost setting, mapped to no criterion.',
  evaluate: (ctx) => forEachBucket(ID, ctx, judgeBucketKey),
};
