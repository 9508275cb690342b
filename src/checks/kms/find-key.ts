import type {
  Snapshot,
  AccountSnapshot,
  BucketSnapshot,
  EncryptionRule,
  KmsKeySnapshot,
} from '../../snapshot/model.ts';

/** The KMS rule of a bucket's default encryption (aws:kms or aws:kms:dsse), if any. */
export function kmsRule(rules: readonly EncryptionRule[]): EncryptionRule | undefined {
  return rules.find((r) => r.sseAlgorithm === 'aws:kms' || r.sseAlgorithm === 'aws:kms:dsse');
}

/** True when a key reference names the AWS managed S3 key (`alias/aws/s3`, by name or ARN). */
export function isAwsManagedS3Alias(reference: string | undefined): boolean {
  return reference === undefined || reference === 'alias/aws/s3' || /:alias\/aws\/s3$/.test(reference);
}

/**
 * The described key behind a bucket's KMS reference: the key snapshot in the bucket's region whose
 * references include the reference, else one that lists the bucket among its users; with the
 * snapshot, also a key of another account read in its own account that lists the bucket.
 */
export function findBucketKey(
  account: AccountSnapshot,
  bucket: BucketSnapshot,
  reference: string | undefined,
  snapshot?: Snapshot,
): KmsKeySnapshot | undefined {
  const inRegion = account.kmsKeys.filter((k) => k.region === bucket.region);
  const ref = reference ?? 'alias/aws/s3';
  return (
    inRegion.find((k) => k.references.includes(ref)) ??
    inRegion.find((k) => k.usedBy.includes(bucket.arn)) ??
    snapshot?.accounts
      .flatMap((a) => (a === account ? [] : a.kmsKeys))
      .find((k) => k.region === bucket.region && k.usedBy.includes(bucket.arn))
  );
}
