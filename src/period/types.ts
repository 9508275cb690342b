import type { EvidenceRef } from '../snapshot/outcome.ts';
import type { PeriodResourceType } from '../snapshot/model.ts';
import type { ResourceType } from '../checks/types.ts';

/** The checks judged over the audit period, from AWS Config history. */
export const PERIOD_CHECKS = [
  's3.default-encryption',
  's3.sse-kms-cmk',
  's3.deny-unencrypted-put',
  's3.tls-only',
  's3.bucket-public-access-block',
  's3.not-public',
] as const;
export type PeriodCheckId = (typeof PERIOD_CHECKS)[number];

/**
 * How a check fared over the whole audit period:
 * - `held`: it passed in every recorded state of the bucket during the period;
 * - `broken`: it failed during at least one window (listed with dates);
 * - `unknown`: there is no history for part of the period (no item at or before the start, a gap
 *   reading it, or a state that could not be judged) and nothing shows it failed;
 * - `not-applicable`: the check did not apply to the bucket in any recorded state (e.g. a
 *   customer managed key is required only of sensitive buckets).
 */
export type PeriodStatus = 'held' | 'broken' | 'unknown' | 'not-applicable';

/** Every period status, worst first. */
export const PERIOD_STATUSES: readonly PeriodStatus[] = ['broken', 'unknown', 'held', 'not-applicable'];

/**
 * Why a verdict is `unknown`:
 * - `no-history`: AWS Config has no record of the resource for (part of) the period;
 * - `not-recording`: Config said it stopped recording the resource;
 * - `created-during-period` / `created-after-period`: Config's `resourceCreationTime` shows the
 *   resource did not exist for the whole period;
 * - `read-failed`: the history could not be read;
 * - `unjudgeable`: a recorded state could not be judged (an unreadable entry or policy);
 * - `disagrees-with-live`: the last in-period record differs from today's read and no CloudTrail
 *   event explains the change;
 * - `not-in-config-item`: AWS Config's item for the resource type does not record the check's
 *   input (a KMS key's policy, a trail's event selectors).
 */
export type PeriodUnknownCause =
  | 'no-history'
  | 'not-recording'
  | 'created-during-period'
  | 'created-after-period'
  | 'read-failed'
  | 'unjudgeable'
  | 'disagrees-with-live'
  | 'not-in-config-item';

/** A CloudTrail management event that made a change: what, when, who, which request. */
export interface ChangeEvent {
  eventName: string;
  /** ISO-8601. */
  eventTime: string;
  /** `userIdentity.arn`, when the record has one. */
  userArn?: string | undefined;
  requestId?: string | undefined;
  eventId: string;
  /** The LookupEvents call whose page held the event. */
  evidence: EvidenceRef;
}

/** A half-open window `[from, to)` of the period, ISO-8601. */
export interface PeriodWindow {
  from: string;
  to: string;
  /** Why the check failed (or could not be judged) in this window. */
  reason: string;
  /** For a broken window: the event that opened it, when CloudTrail has it. */
  opened?: ChangeEvent | undefined;
  /** For a broken window closed inside the period: the event that closed it, when CloudTrail has it. */
  closed?: ChangeEvent | undefined;
  /** The configuration item calls this window was judged from. */
  evidence?: EvidenceRef[] | undefined;
}

/** One check's verdict on one bucket (or other resource) over the period. */
export interface PeriodCheckResult<C extends string = PeriodCheckId> {
  checkId: C;
  status: PeriodStatus;
  /** One sentence a compliance lead can read. */
  reason: string;
  /** Windows where the check failed (`broken`), oldest first. */
  brokenWindows: PeriodWindow[];
  /** Windows without history or that could not be judged, oldest first. */
  unknownWindows: PeriodWindow[];
  /** Why the verdict is `unknown` (set only then). */
  cause?: PeriodUnknownCause | undefined;
  /** Every raw record the verdict used: each GetResourceConfigHistory page, and the events it names. */
  evidence: EvidenceRef[];
}

/** One setting whose last in-period record differs from today's read. */
export interface ReconciliationEntry {
  bucketArn: string;
  bucket: string;
  accountId: string;
  region: string;
  /** e.g. `bucket policy`. */
  setting: string;
  /** At the period end, as Config recorded it. */
  recorded: string;
  /** Today, as the live read shows it. */
  live: string;
  /** The checks whose inputs the setting is. */
  checks: PeriodCheckId[];
  /** The CloudTrail events after the period that changed it, oldest first; empty: "changed, event not found". */
  events: ChangeEvent[];
  evidence: EvidenceRef[];
  /** When no event was found: the region's write-event pages the search read, as one range. */
  searched?: SearchedPages | undefined;
}

/**
 * The `LookupEvents` (`ReadOnly=false`) pages of one account-region, cited as a range rather than
 * page by page: the records `firstCallId` to `lastCallId` of `file` with that operation and the
 * entry's account (a file holds every account's calls in its service and region), `pages` of them.
 */
export interface SearchedPages {
  file: string;
  operation: string;
  firstCallId: string;
  lastCallId: string;
  pages: number;
}

/** One recorded change of a bucket, as shown in the timeline. */
export interface TimelineEntry {
  /** ISO-8601 capture time. */
  at: string;
  /** Config item status (`OK`, `ResourceDiscovered`, ...). */
  itemStatus: string;
  /** Settings after this item: human text, e.g. `AES256`, `none`, `all four on`. */
  encryption: string;
  policy: string;
  publicAccessBlock: string;
  /** What changed compared with the previous item (empty for the first). */
  changes: string[];
}

/** The period judgement of one bucket. */
export interface PeriodBucketResult {
  bucketArn: string;
  bucket: string;
  accountId: string;
  region: string;
  /** ISO-8601 creation time from Config's `resourceCreationTime`, when known. */
  createdAt?: string | undefined;
  /** Recorded configuration items, oldest first (the one in force at the start first, when known). */
  timeline: TimelineEntry[];
  checks: PeriodCheckResult[];
}

/** The period section of an evaluation (present when the config sets `period`). */
export interface PeriodEvaluation {
  start: string;
  end: string;
  buckets: PeriodBucketResult[];
  /** Differences between the last in-period state and today's read (absent in older packs). */
  reconciliation?: ReconciliationEntry[] | undefined;
  /** Verdicts per status over every bucket and check. */
  counts?: Record<PeriodStatus, number> | undefined;
  /** Account Block Public Access, KMS keys and trails judged over the period (absent in older packs). */
  resources?: PeriodResourceResult[] | undefined;
  /** Trail logging, recorder recording and rule compliance over the period (absent in older packs). */
  monitoring?: PeriodMonitoringResult[] | undefined;
}

/** The checks judged over the period on resources other than buckets, from their Config history. */
export const RESOURCE_PERIOD_CHECKS = {
  'AWS::S3::AccountPublicAccessBlock': ['s3.account-public-access-block'],
  'AWS::KMS::Key': ['kms.key-usable', 'kms.rotation-enabled', 'kms.key-policy-not-public'],
  'AWS::CloudTrail::Trail': [
    'cloudtrail.multi-region-logging',
    'cloudtrail.log-file-validation',
    'cloudtrail.kms-events-logged',
    'cloudtrail.s3-data-events',
  ],
} as const satisfies Record<PeriodResourceType, readonly string[]>;

/** A check judged over the period on a non-bucket resource. */
export type ResourcePeriodCheckId = (typeof RESOURCE_PERIOD_CHECKS)[PeriodResourceType][number];

/** The period judgement of one account Block Public Access, KMS key or trail. */
export interface PeriodResourceResult {
  resourceType: PeriodResourceType;
  resourceId: string;
  arn: string;
  name: string;
  accountId: string;
  region: string;
  /** ISO-8601 creation time from Config's `resourceCreationTime`, when known. */
  createdAt?: string | undefined;
  checks: PeriodCheckResult<ResourcePeriodCheckId>[];
}

/**
 * A window in which a control was broken during the period, as a finding carries it: its start,
 * end and duration, and the CloudTrail events that opened and closed it (when CloudTrail has them).
 */
export interface Deviation {
  /** ISO-8601. */
  from: string;
  /** ISO-8601; the period end when it was still broken then. */
  to: string;
  durationMs: number;
  /** True when the window reaches the period end (not closed inside the period). */
  openAtPeriodEnd: boolean;
  /** True when the window starts at the period start (already broken when the period began). */
  openAtPeriodStart: boolean;
  opened?: ChangeEvent | undefined;
  closed?: ChangeEvent | undefined;
}

/**
 * A monitoring resource judged over the period: a CloudTrail trail, AWS Config in one region, or a
 * bucket under one Config rule.
 */
export interface PeriodResourceRef {
  arn: string;
  /** `AWS::CloudTrail::Trail`, `EvidencePack::ConfigRegion`, `AWS::S3::Bucket`. */
  type: ResourceType;
  accountId: string;
  region: string;
  name: string;
}

/**
 * One verdict over the period of a check on a monitoring control: a trail logged (CloudTrail
 * events and GetTrailStatus), the recorder recorded (Config events and recorder status), or a
 * bucket stayed compliant with a Config rule (its `AWS::Config::ResourceCompliance` history).
 */
export interface PeriodMonitoringResult extends Omit<PeriodCheckResult, 'checkId'> {
  checkId: string;
  resource: PeriodResourceRef;
}
