/** S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED: the bucket has default encryption (SSE-S3, SSE-KMS or DSSE-KMS). */
import type { BucketRule } from './types.ts';

const ALGORITHMS = new Set(['AES256', 'aws:kms', 'aws:kms:dsse']);

export const s3BucketServerSideEncryptionEnabled: BucketRule = {
  sourceIdentifier: 'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED',
  evaluate(bucket) {
    const encrypted = (bucket.encryption ?? []).some((rule) => ALGORITHMS.has(rule.SSEAlgorithm));
    return encrypted
      ? { complianceType: 'COMPLIANT' }
      : { complianceType: 'NON_COMPLIANT', annotation: 'The bucket has no default server-side encryption.' };
  },
};
