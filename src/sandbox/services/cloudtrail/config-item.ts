/**
 * Trails as AWS Config records them (`AWS::CloudTrail::Trail`), in the trail's home region: the
 * DescribeTrails fields in camelCase. Config records that a trail has custom event selectors
 * (`hasCustomEventSelectors`), not the selectors themselves.
 */
import type { AccountState } from '../../types.ts';
import {
  TRAIL_TYPE,
  configIdForm,
  recordResourceDeleted,
  recordResourceState,
  recordedResources,
  resourceItems,
} from '../config/resource-history.ts';
import { trailsOf, type Trail } from './store.ts';

function configurationOf(t: Trail): Record<string, unknown> {
  const opt = (k: string, v: unknown) => (v === undefined ? {} : { [k]: v });
  return {
    name: t.name,
    s3BucketName: t.s3BucketName,
    ...opt('s3KeyPrefix', t.s3KeyPrefix),
    ...opt('snsTopicName', t.snsTopicName),
    includeGlobalServiceEvents: t.includeGlobalServiceEvents,
    isMultiRegionTrail: t.isMultiRegionTrail,
    homeRegion: t.homeRegion,
    trailARN: t.arn,
    logFileValidationEnabled: t.logFileValidationEnabled,
    ...opt('cloudWatchLogsLogGroupArn', t.cloudWatchLogsLogGroupArn),
    ...opt('cloudWatchLogsRoleArn', t.cloudWatchLogsRoleArn),
    ...opt('kmsKeyId', t.kmsKeyId),
    hasCustomEventSelectors: t.hasCustomEventSelectors,
    hasInsightSelectors: false,
    isOrganizationTrail: t.isOrganizationTrail,
  };
}

/**
 * Record every trail of the account in its home region (unchanged trails are no-ops), and a
 * `ResourceDeleted` item for each recorded trail that no longer exists.
 */
export function recordTrailConfigurations(account: AccountState, now: Date): void {
  const trails = [...trailsOf(account).values()].filter((t) => t.accountId === account.id);
  const idOf = (t: Trail) => (configIdForm(account, TRAIL_TYPE) === 'arn' ? t.arn : t.name);
  for (const t of trails) {
    const prior = resourceItems(account, t.homeRegion, TRAIL_TYPE, idOf(t)).at(-1);
    const createdAt = prior && prior.status !== 'ResourceDeleted' ? prior.resourceCreationTime : now;
    recordResourceState(
      account,
      {
        resourceType: TRAIL_TYPE,
        resourceId: idOf(t),
        resourceName: t.name,
        arn: t.arn,
        accountId: t.accountId,
        region: t.homeRegion,
        resourceCreationTime: createdAt,
        configuration: configurationOf(t),
        supplementaryConfiguration: {},
      },
      now,
    );
  }
  for (const { region, id } of recordedResources(account, TRAIL_TYPE)) {
    if (!trails.some((t) => t.homeRegion === region && idOf(t) === id))
      recordResourceDeleted(account, region, TRAIL_TYPE, id, now);
  }
}
