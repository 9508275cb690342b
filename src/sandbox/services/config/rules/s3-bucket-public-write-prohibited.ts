/** S3_BUCKET_PUBLIC_WRITE_PROHIBITED: no public write through the bucket policy or ACL. */
import { publicExposure } from './bucket-exposure.ts';
import type { BucketRule } from './types.ts';

export const s3BucketPublicWriteProhibited: BucketRule = {
  sourceIdentifier: 'S3_BUCKET_PUBLIC_WRITE_PROHIBITED',
  evaluate(bucket, context) {
    const reasons = publicExposure(bucket, 'write', context.accountPublicAccessBlock);
    return reasons.length === 0
      ? { complianceType: 'COMPLIANT' }
      : { complianceType: 'NON_COMPLIANT', annotation: reasons.join('; ') };
  },
};
