/** The managed rules the sandbox evaluates, by `Source.SourceIdentifier`. */
import { s3BucketPublicReadProhibited } from './s3-bucket-public-read-prohibited.ts';
import { s3BucketPublicWriteProhibited } from './s3-bucket-public-write-prohibited.ts';
import { s3BucketServerSideEncryptionEnabled } from './s3-bucket-server-side-encryption-enabled.ts';
import { s3BucketSslRequestsOnly } from './s3-bucket-ssl-requests-only.ts';
import { s3DefaultEncryptionKms } from './s3-default-encryption-kms.ts';
import type { BucketRule } from './types.ts';

export const BUCKET_RULES: ReadonlyMap<string, BucketRule> = new Map(
  [
    s3BucketServerSideEncryptionEnabled,
    s3BucketPublicReadProhibited,
    s3BucketPublicWriteProhibited,
    s3BucketSslRequestsOnly,
    s3DefaultEncryptionKms,
  ].map((rule) => [rule.sourceIdentifier, rule]),
);
