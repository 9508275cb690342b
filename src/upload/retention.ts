/** Object Lock retention mode. */
export type RetentionMode = 'GOVERNANCE' | 'COMPLIANCE';

/** The bucket's Object Lock state, as read with GetObjectLockConfiguration. */
export type BucketObjectLock =
  | { enabled: false }
  | { enabled: true; defaultMode?: RetentionMode | undefined; defaultDays?: number | undefined };

/** Retention to request on PutObject, or why none is requested. */
export type RetentionPlan =
  { apply: true; mode: RetentionMode; retainUntil: Date } | { apply: false; reason: string };

const DAY_MS = 86_400_000;

/**
 * The retention each uploaded object gets.
 *
 * Mode: the bucket's default mode when it has one (an administrator who chose COMPLIANCE is not
 * weakened by the tool), otherwise GOVERNANCE: the pack cannot be deleted or overwritten by anyone
 * without `s3:BypassGovernanceRetention`, yet a mistaken `retentionDays` can still be corrected
 * by an administrator, whereas COMPLIANCE retention cannot be shortened by anyone, root included.
 * Period: `retentionDays`, but never shorter than the bucket's default period, because an explicit
 * retention replaces the bucket default for that object.
 */
export function planRetention(
  lock: BucketObjectLock,
  retentionDays: number | undefined,
  now: Date,
): RetentionPlan {
  if (retentionDays === undefined) {
    return {
      apply: false,
      reason: lock.enabled
        ? 'no upload.retentionDays configured: the bucket default retention (if any) applies'
        : 'no upload.retentionDays configured',
    };
  }
  if (!lock.enabled) {
    return { apply: false, reason: 'the bucket does not have Object Lock enabled; no retention was set' };
  }
  const days = Math.max(retentionDays, lock.defaultDays ?? 0);
  return {
    apply: true,
    mode: lock.defaultMode ?? 'GOVERNANCE',
    retainUntil: new Date(now.getTime() + days * DAY_MS),
  };
}
