import type { AccountSnapshot, BucketSnapshot, KmsKeySnapshot, Snapshot } from '../snapshot/model.ts';
import type { FindingRef } from './types.ts';

/** What the plan reads besides the finding itself: the pack's snapshot and a few settings. */
export interface RemediationFacts {
  snapshot: Snapshot;
  /** Every failing finding of the pack (a key with failing findings is not suggested for a bucket). */
  failing: readonly FindingRef[];
  /** Rotation period to set (`kms.maxRotationDays`, default 365). */
  rotationPeriodInDays: number;
}

/** A change to one bucket's default encryption; merged with the others of the same bucket. */
export interface EncryptionChange {
  /** Use SSE-KMS with this customer managed key (ARN). */
  kmsKeyArn?: string | undefined;
  /** Use at least SSE-S3 where the bucket has no default encryption. */
  atLeastSseS3?: boolean | undefined;
  bucketKey?: boolean | undefined;
  /** Block SSE-C uploads (BlockedEncryptionTypes SSE-C). */
  blockSseC?: boolean | undefined;
}

/** A bucket-policy statement to merge into the bucket's existing policy. */
export type PolicyStatement = Record<string, unknown> & { Sid: string };

/** What one finding asks to change, before changes to the same resource are merged into one call. */
export type Intent =
  | { kind: 'bucket-encryption'; account: AccountSnapshot; bucket: BucketSnapshot; change: EncryptionChange }
  | { kind: 'bucket-policy'; account: AccountSnapshot; bucket: BucketSnapshot; statements: PolicyStatement[] }
  | { kind: 'bucket-public-access-block'; account: AccountSnapshot; bucket: BucketSnapshot }
  | { kind: 'account-public-access-block'; account: AccountSnapshot }
  | { kind: 'key-rotation'; key: KmsKeySnapshot; keyArn: string; periodInDays: number }
  | { kind: 'bucket-inventory'; account: AccountSnapshot; bucket: BucketSnapshot }
  | { kind: 'object-encryption'; account: AccountSnapshot; bucket: BucketSnapshot; kmsKeyArn: string }
  | { kind: 'manual'; text: string };

/** The bucket a finding is about, with its account. */
export function findBucket(
  snapshot: Snapshot,
  arn: string,
): { account: AccountSnapshot; bucket: BucketSnapshot } | undefined {
  for (const account of snapshot.accounts) {
    const bucket = account.buckets.find((b) => b.arn === arn);
    if (bucket) return { account, bucket };
  }
  return undefined;
}

/** The KMS key a finding is about (by key ARN). */
export function findKey(snapshot: Snapshot, arn: string): KmsKeySnapshot | undefined {
  for (const account of snapshot.accounts) {
    const key = account.kmsKeys.find((k) => k.metadata.status === 'ok' && k.metadata.value.arn === arn);
    if (key) return key;
  }
  return undefined;
}

/**
 * The customer managed key to suggest for a bucket: an enabled symmetric encryption key of the
 * bucket's own account and region with no failing finding, the one most buckets already use first.
 */
export function suggestedKey(
  facts: RemediationFacts,
  account: AccountSnapshot,
  bucket: BucketSnapshot,
): string | undefined {
  const failingKeys = new Set(facts.failing.map((f) => f.resourceArn));
  const candidates = account.kmsKeys.flatMap((k) => {
    if (k.region !== bucket.region || k.metadata.status !== 'ok') return [];
    const m = k.metadata.value;
    const usable =
      m.keyManager === 'CUSTOMER' &&
      m.keyState === 'Enabled' &&
      m.keySpec === 'SYMMETRIC_DEFAULT' &&
      m.keyUsage === 'ENCRYPT_DECRYPT' &&
      m.keyAccountId === bucket.accountId &&
      !failingKeys.has(m.arn);
    return usable ? [{ arn: m.arn, users: k.usedBy.length }] : [];
  });
  candidates.sort((a, b) => b.users - a.users || a.arn.localeCompare(b.arn));
  return candidates[0]?.arn;
}
