import type { Outcome } from './outcome.ts';
import type { ConfigEvaluation } from './model.ts';

/**
 * What was read of an AWS Config aggregator: organization-wide rule compliance and the
 * organization's bucket inventory as AWS Config recorded it, to set beside what ListBuckets
 * returned account by account. Present when the config names an aggregator
 * (`awsConfig.aggregatorName`) or the run reads an organization; absent otherwise, and in
 * snapshots made before it existed.
 */
export interface AggregatorSnapshot {
  /** The account searched (where the organization was read from, or `awsConfig.aggregatorAccountId`). */
  accountId: string;
  /** `awsConfig.aggregatorName`, when the config names one. */
  requestedName?: string | undefined;
  /** DescribeConfigurationAggregators (every page) in each region searched. */
  discovery: { region: string; result: Outcome<{ aggregators: AggregatorSummary[] }> }[];
  /**
   * The aggregator used: the one named in the config, else the first organization aggregator found
   * (regions and names in order). Absent when there is none.
   */
  selected?: SelectedAggregator | undefined;
}

/** One aggregator as DescribeConfigurationAggregators lists it. */
export interface AggregatorSummary {
  name: string;
  arn: string;
  region: string;
  /** True for an OrganizationAggregationSource; false for account sources. */
  organizationWide: boolean;
  /** `AllAwsRegions`. */
  allRegions: boolean;
  /** `AwsRegions` (empty with `AllAwsRegions`). */
  regions: string[];
}

/** The aggregator read, with what it holds. */
export interface SelectedAggregator extends AggregatorSummary {
  /** DescribeAggregateComplianceByConfigRules (every page): every rule of every source account and region. */
  ruleCompliance: Outcome<AggregateRuleCompliance[]>;
  /** GetAggregateComplianceDetailsByConfigRule (every page) for each rule about S3 (see `identifiedBy`). */
  results: AggregateRuleResults[];
  /**
   * SelectAggregateResourceConfig (every page) of
   * `SELECT resourceId, resourceName, accountId, awsRegion WHERE resourceType = 'AWS::S3::Bucket'`.
   */
  buckets: Outcome<AggregateBucket[]>;
}

/** A rule's overall compliance in one source account and region. */
export interface AggregateRuleCompliance {
  ruleName: string;
  accountId: string;
  region: string;
  /** COMPLIANT, NON_COMPLIANT, INSUFFICIENT_DATA, NOT_APPLICABLE. */
  complianceType: string;
}

/** Per-resource results of one rule in one source account and region. */
export interface AggregateRuleResults {
  ruleName: string;
  accountId: string;
  region: string;
  /** The managed-rule identifier, e.g. `S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED`. */
  sourceIdentifier: string;
  /**
   * How the identifier is known: `rule` from DescribeConfigRules in that account (it was read);
   * `name` from a rule of the same name in a read account (the account itself was not read, and
   * the aggregator lists rule names only).
   */
  identifiedBy: 'rule' | 'name';
  evaluations: Outcome<ConfigEvaluation[]>;
}

/** A bucket AWS Config has recorded in a source account and region. */
export interface AggregateBucket {
  name: string;
  accountId: string;
  region: string;
}
