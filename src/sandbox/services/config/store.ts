/**
 * AWS Config state of one account, per region: the configuration recorder (one per region, as in
 * AWS), delivery channels, and rules with the results of their last evaluation.
 */
import type { AccountState } from '../../types.ts';
import type { ComplianceItem } from './compliance-history.ts';

/** One period during which the recorder was recording (`stop` absent while it still records). */
export interface RecordingInterval {
  start: Date;
  stop?: Date | undefined;
}

export interface ConfigRecorder {
  name: string;
  roleARN: string;
  recordingGroup: Record<string, unknown>;
  recordingMode: Record<string, unknown>;
  intervals: RecordingInterval[];
}

export interface DeliveryChannel {
  name: string;
  s3BucketName: string;
  s3KeyPrefix?: string | undefined;
  snsTopicARN?: string | undefined;
  configSnapshotDeliveryProperties?: Record<string, unknown> | undefined;
}

/** One resource's result of a rule evaluation. */
export interface StoredEvaluation {
  resourceType: string;
  resourceId: string;
  complianceType: 'COMPLIANT' | 'NON_COMPLIANT' | 'NOT_APPLICABLE';
  annotation?: string | undefined;
  resultRecordedTime: Date;
  configRuleInvokedTime: Date;
}

export interface ConfigRule {
  name: string;
  arn: string;
  id: string;
  description?: string | undefined;
  scope?: Record<string, unknown> | undefined;
  source: { Owner: string; SourceIdentifier?: string | undefined; SourceDetails?: unknown };
  inputParameters?: string | undefined;
  maximumExecutionFrequency?: string | undefined;
  firstActivatedTime: Date;
  lastInvokedTime?: Date | undefined;
  /** Results of the last evaluation, replaced as a whole by the next one. */
  evaluations: StoredEvaluation[];
}

/** A service-linked recorder an AWS service created (recordingScope INTERNAL: nothing delivered to the customer). */
export interface ServiceLinkedRecorder {
  name: string;
  arn: string;
  servicePrincipal: string;
}

/** A configuration aggregator over the organization (OrganizationAggregationSource). */
export interface ConfigAggregator {
  name: string;
  arn: string;
  roleArn: string;
  /** `undefined` = AllAwsRegions. */
  awsRegions?: string[] | undefined;
  creationTime: Date;
  lastUpdatedTime: Date;
}

export interface ConfigRegionState {
  /** Configuration aggregators created in this account and region, by name. */
  aggregators?: Map<string, ConfigAggregator> | undefined;
  recorder?: ConfigRecorder | undefined;
  /** Service-linked recorders, by service principal. */
  serviceLinked?: Map<string, ServiceLinkedRecorder> | undefined;
  deliveryChannels: Map<string, DeliveryChannel>;
  rules: Map<string, ConfigRule>;
  /** `AWS::Config::ResourceCompliance` items by their resourceId (`AWS::S3::Bucket/<name>`), oldest first. */
  complianceHistory?: Map<string, ComplianceItem[]> | undefined;
}

interface ConfigAccountState {
  regions: Map<string, ConfigRegionState>;
}

/** The Config state of `account` in `region`, created empty on first use. */
export function configRegion(account: AccountState, region: string): ConfigRegionState {
  let config = account.services.get('config') as ConfigAccountState | undefined;
  if (!config) {
    config = { regions: new Map() };
    account.services.set('config', config);
  }
  let regional = config.regions.get(region);
  if (!regional) {
    regional = { deliveryChannels: new Map(), rules: new Map() };
    config.regions.set(region, regional);
  }
  return regional;
}

/** The regions in which `account` has any AWS Config state, sorted. */
export function configRegions(account: AccountState): string[] {
  const config = account.services.get('config') as ConfigAccountState | undefined;
  return [...(config?.regions.keys() ?? [])].sort();
}

/** True while the recorder is recording. */
export function isRecording(recorder: ConfigRecorder | undefined): boolean {
  const last = recorder?.intervals[recorder.intervals.length - 1];
  return last !== undefined && last.stop === undefined;
}

/** True when the recorder records resources of `resourceType`. */
export function recordsType(recorder: ConfigRecorder, resourceType: string): boolean {
  const group = recorder.recordingGroup;
  const exclusions = (group.exclusionByResourceTypes as { resourceTypes?: unknown } | undefined)
    ?.resourceTypes;
  if (Array.isArray(exclusions) && exclusions.includes(resourceType)) return false;
  if (group.allSupported === true) return true;
  const types = group.resourceTypes;
  return Array.isArray(types) && types.includes(resourceType);
}
