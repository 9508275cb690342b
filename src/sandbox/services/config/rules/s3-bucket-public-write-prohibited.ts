/** S3_BUCKET_PUBLIC_WRITE_PROHIBITED: no public write through the bucket policy or ACL. */
import { publicAccessRule } from './bucket-exposure.ts';
import type { BucketRule } from './types.ts';

export const s3BucketPublicWriteProhibited: BucketRule = publicAccessRule(
  'S3_BUCKET_PUBLIC_WRITE_PROHIBITED',
  'write',
);
