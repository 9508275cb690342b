/**
 * CloudTrail state of one account: trails keyed by ARN. A trail lives in its home region; a
 * multi-region trail also appears in every other region as a shadow trail.
 */
import type { AccountState } from '../../types.ts';

export interface LoggingState {
  isLogging: boolean;
  startLoggingTime?: Date | undefined;
  stopLoggingTime?: Date | undefined;
}

export interface Trail {
  name: string;
  arn: string;
  homeRegion: string;
  accountId: string;
  s3BucketName: string;
  s3KeyPrefix?: string | undefined;
  snsTopicName?: string | undefined;
  includeGlobalServiceEvents: boolean;
  isMultiRegionTrail: boolean;
  logFileValidationEnabled: boolean;
  cloudWatchLogsLogGroupArn?: string | undefined;
  cloudWatchLogsRoleArn?: string | undefined;
  /** Full key ARN, as CloudTrail stores it. */
  kmsKeyId?: string | undefined;
  isOrganizationTrail: boolean;
  logging: LoggingState;
  /** Classic selectors; `undefined` while advanced selectors are in use. */
  eventSelectors?: Record<string, unknown>[] | undefined;
  advancedEventSelectors?: Record<string, unknown>[] | undefined;
  hasCustomEventSelectors: boolean;
}

interface CloudTrailAccountState {
  trails: Map<string, Trail>;
}

/** The trails of `account`, all regions. */
export function trailsOf(account: AccountState): Map<string, Trail> {
  let ct = account.services.get('cloudtrail') as CloudTrailAccountState | undefined;
  if (!ct) {
    ct = { trails: new Map() };
    account.services.set('cloudtrail', ct);
  }
  return ct.trails;
}

/** `arn:aws:cloudtrail:<region>:<account>:trail/<name>` */
export function trailArnOf(region: string, accountId: string, name: string): string {
  return `arn:aws:cloudtrail:${region}:${accountId}:trail/${name}`;
}

/** The classic selector every trail starts with: all management events, no data events. */
export function defaultEventSelectors(): Record<string, unknown>[] {
  return [
    {
      ReadWriteType: 'All',
      IncludeManagementEvents: true,
      DataResources: [],
      ExcludeManagementEventSources: [],
    },
  ];
}
