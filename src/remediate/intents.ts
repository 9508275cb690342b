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

/**
 * {@link RemediationFacts} with the look-ups a plan makes for every finding, built once per plan:
 * a plan then grows linearly with its findings (an organization run has tens of thousands).
 */
export interface IndexedFacts extends RemediationFacts {
  /** An account of the snapshot by id. */
  account(accountId: string): AccountSnapshot | undefined;
  /** The bucket a finding is about (by bucket ARN), with its account. */
  bucket(arn: string): { account: AccountSnapshot; bucket: BucketSnapshot } | undefined;
  /** The KMS key a finding is about (by key ARN; only keys whose description was read). */
  key(arn: string): KmsKeySnapshot | undefined;
  /** The resource ARN of every failing finding. */
  failingArns: ReadonlySet<string>;
}

/** Index the facts; where two records share an ARN, the first in snapshot order wins. */
export function indexFacts(facts: RemediationFacts): IndexedFacts {
  const buckets = new Map<string, { account: AccountSnapshot; bucket: BucketSnapshot }>();
  const keys = new Map<string, KmsKeySnapshot>();
  const accounts = new Map<string, AccountSnapshot>();
  for (const account of facts.snapshot.accounts) {
    if (!accounts.has(account.accountId)) accounts.set(account.accountId, account);
    for (const bucket of account.buckets)
      if (!buckets.has(bucket.arn)) buckets.set(bucket.arn, { account, bucket });
    for (const key of account.kmsKeys)
      if (key.metadata.status === 'ok' && !keys.has(key.metadata.value.arn))
        keys.set(key.metadata.value.arn, key);
  }
  return {
    ...facts,
    account: (accountId) => accounts.get(accountId),
    bucket: (arn) => buckets.get(arn),
    key: (arn) => keys.get(arn),
    failingArns: new Set(facts.failing.map((f) => f.resourceArn)),
  };
}

/**
 * The customer managed key to suggest for a bucket: an enabled symmetric encryption key of the
 * bucket's own account and region with no failing finding, the one most buckets already use first.
 */
export function suggestedKey(
  facts: IndexedFacts,
  account: AccountSnapshot,
  bucket: BucketSnapshot,
): string | undefined {
  const candidates = account.kmsKeys.flatMap((k) => {
    if (k.region !== bucket.region || k.metadata.status !== 'ok') return [];
    const m = k.metadata.value;
    const usable =
      m.keyManager === 'CUSTOMER' &&
      m.keyState === 'Enabled' &&
      m.keySpec === 'SYMMETRIC_DEFAULT' &&
      m.keyUsage === 'ENCRYPT_DECRYPT' &&
      m.keyAccountId === bucket.accountId &&
      !facts.failingArns.has(m.arn);
    return usable ? [{ arn: m.arn, users: k.usedBy.length }] : [];
  });
  candidates.sort((a, b) => b.users - a.users || a.arn.localeCompare(b.arn));
  return candidates[0]?.arn;
}
