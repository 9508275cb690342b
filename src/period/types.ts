import type { EvidenceRef } from '../snapshot/outcome.ts';

/** The checks judged over the audit period, from AWS Config history. */
export const PERIOD_CHECKS = [
  's3.default-encryption',
  's3.bucket-public-access-block',
  's3.not-public',
] as const;
export type PeriodCheckId = (typeof PERIOD_CHECKS)[number];

/**
 * How a check fared over the whole audit period:
 * - `held`: it passed in every recorded state of the bucket during the period;
 * - `broken`: it failed during at least one window (listed with dates);
 * - `unknown`: there is no history for part of the period (no item at or before the start, a gap
 *   reading it, or a state that could not be judged) and nothing shows it failed.
 */
export type PeriodStatus = 'held' | 'broken' | 'unknown';

/** A half-open window `[from, to)` of the period, ISO-8601. */
export interface PeriodWindow {
  from: string;
  to: string;
  /** Why the check failed (or could not be judged) in this window. */
  reason: string;
}

/** One check's verdict on one bucket over the period. */
export interface PeriodCheckResult {
  checkId: PeriodCheckId;
  status: PeriodStatus;
  /** One sentence a compliance lead can read. */
  reason: string;
  /** Windows where the check failed (`broken`), oldest first. */
  brokenWindows: PeriodWindow[];
  /** Windows without history or that could not be judged, oldest first. */
  unknownWindows: PeriodWindow[];
  evidence: EvidenceRef[];
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
  /** Recorded configuration items, oldest first (the one in force at the start first, when known). */
  timeline: TimelineEntry[];
  checks: PeriodCheckResult[];
}

/** The period section of an evaluation (present when the config sets `period`). */
export interface PeriodEvaluation {
  start: string;
  end: string;
  buckets: PeriodBucketResult[];
}
