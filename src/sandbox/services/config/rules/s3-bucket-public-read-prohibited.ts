/** S3_BUCKET_PUBLIC_READ_PROHIBITED: no public read through the bucket policy or ACL. */
import { publicExposure } from './bucket-exposure.ts';
import type { BucketRule } from './types.ts';

export const s3BucketPublicReadProhibited: BucketRule = {
  sourceIdentifier: 'S3_BUCKET_PUBLIC_READ_PROHIBITED',
  evaluate(bucket, context) {
    const reasons = publicExposure(bucket, 'read', context.accountPublicAccessBlock);
    return reasons.length === 0
      ? { complianceType: 'COMPLIANT' }
      : { complianceType: 'NON_COMPLIANT', annotation: reasons.join('; ') };
  },
};
