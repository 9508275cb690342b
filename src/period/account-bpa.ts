import { listProse } from '../checks/support.ts';
import type { ConfigRegionSnapshot, ManagementEvent, ResourceConfigHistory } from '../snapshot/model.ts';
import { judgeResourceOverPeriod, type RecordedItem, type StateVerdict } from './resource-judge.ts';
import type { PeriodResourceResult } from './types.ts';

const FLAGS = [
  ['blockPublicAcls', 'BlockPublicAcls'],
  ['ignorePublicAcls', 'IgnorePublicAcls'],
  ['blockPublicPolicy', 'BlockPublicPolicy'],
  ['restrictPublicBuckets', 'RestrictPublicBuckets'],
] as const;

/** The calls that set the account's Block Public Access, as CloudTrail names them. */
const EVENTS = new Set(['PutAccountPublicAccessBlock', 'DeleteAccountPublicAccessBlock']);

/**
 * `s3.account-public-access-block` in one recorded state of `AWS::S3::AccountPublicAccessBlock`:
 * all four flags of the item's `configuration` on. Pure.
 */
export function judgeAccountBpaState(r: RecordedItem): StateVerdict {
  const c = r.configuration;
  if (!c)
    return {
      state: 'unknown',
      reason: 'the configuration item carries no readable configuration',
      cause: 'unjudgeable',
    };
  const off = FLAGS.filter(([k]) => c[k] !== true).map(([, name]) => name);
  if (off.length === 0)
    return { state: 'pass', reason: 'all four account-level Block Public Access settings were on' };
  return { state: 'fail', reason: `account-level Block Public Access was missing ${listProse(off)}` };
}

/**
 * The account's Block Public Access over the period, from its Config history. `events` are the
 * write management events of the history's region, oldest first (the S3 Control calls name no
 * resource, so they are matched by name).
 */
export function judgeAccountBpaOverPeriod(
  history: ResourceConfigHistory,
  period: { start: string; end: string },
  recorder: ConfigRegionSnapshot | undefined,
  events: readonly ManagementEvent[],
): PeriodResourceResult {
  const own = events.filter((e) => EVENTS.has(e.eventName));
  return judgeResourceOverPeriod({
    history,
    period,
    checks: ['s3.account-public-access-block'],
    judge: (_c, r) => judgeAccountBpaState(r),
    // Deleted, the configuration no longer exists: S3 then applies none of the four settings.
    whenAbsent: {
      state: 'fail',
      reason: 'account-level Block Public Access was not configured (all four off)',
    },
    recorder,
    what: "the account's S3 Block Public Access",
    events: () => ({ events: own, names: EVENTS }),
  });
}
