/** S3_BUCKET_PUBLIC_READ_PROHIBITED: no public read through the bucket policy or ACL. */
import { publicAccessRule } from './bucket-exposure.ts';
import type { BucketRule } from './types.ts';

export const s3BucketPublicReadProhibited: BucketRule = publicAccessRule(
  'S3_BUCKET_PUBLIC_READ_PROHIBITED',
  'read',
);
