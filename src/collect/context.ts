import type { ClientFactory } from '../aws/client-factory.ts';
import type { Config } from '../config/schema.ts';
import type { AccountSnapshot, BucketSnapshot } from '../snapshot/model.ts';
import type { BucketRef } from './buckets.ts';

/** The stages a progress display shows. */
export type CollectStage =
  | 'identity'
  | 'buckets'
  | 'bucket-config'
  | 'account-pab'
  | 'kms'
  | 'config'
  | 'cloudtrail'
  | 'config-history'
  | 'management-events'
  | 'resource-history'
  | 'object-inventory';

/** Progress of one stage in one account. */
export interface ProgressEvent {
  stage: CollectStage;
  accountId: string;
  done: number;
  total: number;
}

/** What an account-level collector needs: one account, its regions, its buckets in scope. */
export interface AccountContext {
  factory: ClientFactory;
  accountId: string;
  /** Region for account-level calls (ListBuckets, S3 Control, STS). */
  homeRegion: string;
  /** Regions in scope for this account. */
  regions: string[];
  /** Buckets in scope, from the listing. */
  bucketRefs: BucketRef[];
  config: Config;
  now: () => Date;
  progress(stage: CollectStage, done: number, total: number): void;
  /** Bucket snapshots, once the bucket-config collector has run. */
  buckets(): BucketSnapshot[];
  /** What the collectors that have finished filled in (read by collectors that run after them). */
  collected?: () => Readonly<Partial<AccountSnapshot>>;
  /**
   * The slots of the run-wide cap this account can count on while the other accounts read at the
   * same time take theirs (cap ÷ accounts at once); with its own limit, it bounds the work this
   * account keeps in flight. Unset: the account's own limit alone.
   */
  capShare?: number | undefined;
}
