/**
 * S3_DEFAULT_ENCRYPTION_KMS: default encryption uses AWS KMS; with the `kmsKeyArns` parameter
 * (comma-separated key ARNs) the key must be one of them.
 */
import type { BucketRule } from './types.ts';

export const s3DefaultEncryptionKms: BucketRule = {
  sourceIdentifier: 'S3_DEFAULT_ENCRYPTION_KMS',
  evaluate(bucket, context) {
    const kmsRule = (bucket.encryption ?? []).find(
      (rule) => rule.SSEAlgorithm === 'aws:kms' || rule.SSEAlgorithm === 'aws:kms:dsse',
    );
    if (!kmsRule)
      return { complianceType: 'NON_COMPLIANT', annotation: 'Default encryption does not use AWS KMS.' };
    const allowed =
      typeof context.parameters.kmsKeyArns === 'string'
        ? context.parameters.kmsKeyArns
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : [];
    if (allowed.length > 0 && !allowed.includes(kmsRule.KMSMasterKeyID ?? '')) {
      return {
        complianceType: 'NON_COMPLIANT',
        annotation: 'Default encryption uses a KMS key that is not in kmsKeyArns.',
      };
    }
    return { complianceType: 'COMPLIANT' };
  },
};
