import { resourceOverPeriod, type RecordedItem, type StateVerdict } from './resource-judge.ts';
import type { RESOURCE_PERIOD_CHECKS } from './types.ts';

type TrailCheck = (typeof RESOURCE_PERIOD_CHECKS)['AWS::CloudTrail::Trail'][number];

const TRAIL_CHECKS: readonly TrailCheck[] = [
  'cloudtrail.multi-region-logging',
  'cloudtrail.log-file-validation',
  'cloudtrail.kms-events-logged',
  'cloudtrail.s3-data-events',
];

const UPDATE = ['CreateTrail', 'UpdateTrail'];
const EVENTS: Record<TrailCheck, ReadonlySet<string>> = {
  'cloudtrail.multi-region-logging': new Set(UPDATE),
  'cloudtrail.log-file-validation': new Set(UPDATE),
  'cloudtrail.kms-events-logged': new Set([...UPDATE, 'PutEventSelectors']),
  'cloudtrail.s3-data-events': new Set([...UPDATE, 'PutEventSelectors']),
};

const SELECTORS_NOT_RECORDED =
  "AWS Config's AWS::CloudTrail::Trail item records only that the trail has custom event selectors (hasCustomEventSelectors), not which events they select";

/**
 * One CloudTrail configuration check in one recorded state of `AWS::CloudTrail::Trail`. Pure.
 * The checks rest on the account's multi-region trails: a trail that was single-region in every
 * recorded state is not applicable (it is not one the control rests on); one that was
 * multi-region during the period and stopped being so is broken for that window. Logging itself
 * (IsLogging) is not in the item.
 */
export function judgeTrailState(
  checkId: TrailCheck,
  r: RecordedItem,
  all: readonly RecordedItem[],
): StateVerdict {
  const c = r.configuration;
  if (!c)
    return {
      state: 'unknown',
      cause: 'unjudgeable',
      reason: 'the configuration item carries no readable configuration',
    };
  const multi = c.isMultiRegionTrail === true;
  const everMulti = all.some((x) => x.configuration?.isMultiRegionTrail === true);
  const custom = c.hasCustomEventSelectors === true;
  if (!multi && !everMulti)
    return {
      state: 'not-applicable',
      reason:
        'the trail was single-region in every recorded state, so the multi-region logging controls do not rest on it',
    };
  if (!multi) return { state: 'fail', reason: 'the trail was single-region' };
  switch (checkId) {
    case 'cloudtrail.multi-region-logging':
      return {
        state: 'pass',
        reason: 'the trail was multi-region (whether it was logging is not in the configuration item)',
      };
    case 'cloudtrail.log-file-validation':
      return c.logFileValidationEnabled === true
        ? { state: 'pass', reason: 'log file validation was enabled' }
        : { state: 'fail', reason: 'log file validation was disabled' };
    case 'cloudtrail.kms-events-logged':
      return custom
        ? { state: 'unknown', cause: 'not-in-config-item', reason: SELECTORS_NOT_RECORDED }
        : {
            state: 'pass',
            reason:
              'the trail had the default event selectors, which record every management event, KMS included',
          };
    case 'cloudtrail.s3-data-events':
      return custom
        ? { state: 'unknown', cause: 'not-in-config-item', reason: SELECTORS_NOT_RECORDED }
        : all.some((x) => x.configuration?.hasCustomEventSelectors === true)
          ? {
              state: 'fail',
              reason: 'the trail had the default event selectors, which record no S3 data events',
            }
          : {
              state: 'not-applicable',
              reason:
                'the trail had the default event selectors (no data events) in every recorded state, so the data-event control does not rest on it',
            };
  }
}

/** One trail over the period, from its Config history and the account's CloudTrail write events. */
export const judgeTrailOverPeriod = resourceOverPeriod({
  checks: TRAIL_CHECKS,
  judge: judgeTrailState,
  what: 'the trail',
  events: EVENTS,
});
