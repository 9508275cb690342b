import {
  DescribeAggregateComplianceByConfigRulesCommand,
  DescribeConfigurationAggregatorsCommand,
  GetAggregateComplianceDetailsByConfigRuleCommand,
  SelectAggregateResourceConfigCommand,
} from '@aws-sdk/client-config-service';
import { callPages } from '../aws/call.ts';
import type { ClientFactory } from '../aws/client-factory.ts';
import type { Config } from '../config/schema.ts';
import type {
  AccountSnapshot,
  AggregateBucket,
  AggregateRuleCompliance,
  AggregateRuleResults,
  AggregatorSnapshot,
  AggregatorSummary,
  SelectedAggregator,
} from '../snapshot/model.ts';
import { isRelevantRule, toConfigEvaluation } from './config.ts';
import { required, requiredList } from './parse.ts';

/** The IAM actions the aggregator reads need, in the account that holds the aggregator. */
export const AGGREGATOR_ACTIONS: readonly string[] = [
  'config:DescribeConfigurationAggregators',
  'config:DescribeAggregateComplianceByConfigRules',
  'config:GetAggregateComplianceDetailsByConfigRule',
  'config:SelectAggregateResourceConfig',
];

/** The advanced query that lists every bucket the aggregator's inventory knows. */
export const AGGREGATE_BUCKET_QUERY =
  "SELECT resourceId, resourceName, accountId, awsRegion WHERE resourceType = 'AWS::S3::Bucket'";

/** Options of {@link collectAggregator}. */
export interface AggregatorOptions {
  /** Factory of the account holding the aggregator. */
  factory: ClientFactory;
  accountId: string;
  /** Regions to look in, in order. */
  regions: readonly string[];
  /** `awsConfig.aggregatorName`. */
  name?: string | undefined;
  /** The accounts read, whose Config rules identify the aggregator's rules by managed-rule identifier. */
  accounts: readonly AccountSnapshot[];
}

/**
 * The AWS Config aggregator of one account: DescribeConfigurationAggregators in each region; of
 * the one named (or else the first organization aggregator), every rule's compliance
 * (DescribeAggregateComplianceByConfigRules), the per-resource results of the rules about S3
 * (GetAggregateComplianceDetailsByConfigRule) and every bucket its inventory knows
 * (SelectAggregateResourceConfig), each read to the last page.
 */
export async function collectAggregator(opts: AggregatorOptions): Promise<AggregatorSnapshot> {
  const { factory } = opts;
  const discovery = await Promise.all(
    opts.regions.map(async (region) => ({
      region,
      result: await callPages(
        factory,
        'config',
        region,
        (token) => new DescribeConfigurationAggregatorsCommand(token ? { NextToken: token } : {}),
        (o) => ({
          items: requiredList(o.ConfigurationAggregators, 'ConfigurationAggregators').map(
            (a): AggregatorSummary => ({
              name: required(
                a.ConfigurationAggregatorName,
                'ConfigurationAggregator.ConfigurationAggregatorName',
              ),
              arn: required(
                a.ConfigurationAggregatorArn,
                'ConfigurationAggregator.ConfigurationAggregatorArn',
              ),
              region,
              organizationWide: a.OrganizationAggregationSource !== undefined,
              allRegions:
                a.OrganizationAggregationSource?.AllAwsRegions ??
                a.AccountAggregationSources?.some((s) => s.AllAwsRegions) ??
                false,
              regions: [
                ...(a.OrganizationAggregationSource?.AwsRegions ??
                  a.AccountAggregationSources?.flatMap((s) => s.AwsRegions ?? []) ??
                  []),
              ].sort(),
            }),
          ),
          next: o.NextToken,
        }),
      ),
    })),
  );
  const found = discovery.flatMap((d) =>
    d.result.status === 'ok' ? [...d.result.value].sort((a, b) => cmp(a.name, b.name)) : [],
  );
  const chosen = opts.name ? found.find((a) => a.name === opts.name) : found.find((a) => a.organizationWide);
  return {
    accountId: opts.accountId,
    requestedName: opts.name,
    discovery: discovery.map((d) => ({
      region: d.region,
      result: d.result.status === 'ok' ? { ...d.result, value: { aggregators: d.result.value } } : d.result,
    })),
    ...(chosen ? { selected: await readAggregator(factory, chosen, opts.accounts) } : {}),
  };
}

async function readAggregator(
  factory: ClientFactory,
  a: AggregatorSummary,
  accounts: readonly AccountSnapshot[],
): Promise<SelectedAggregator> {
  const [ruleCompliance, buckets] = await Promise.all([
    callPages(
      factory,
      'config',
      a.region,
      (token) =>
        new DescribeAggregateComplianceByConfigRulesCommand({
          ConfigurationAggregatorName: a.name,
          Limit: 1000,
          ...(token ? { NextToken: token } : {}),
        }),
      (o) => ({
        items: requiredList(o.AggregateComplianceByConfigRules, 'AggregateComplianceByConfigRules').map(
          (r): AggregateRuleCompliance => ({
            ruleName: required(r.ConfigRuleName, 'AggregateComplianceByConfigRule.ConfigRuleName'),
            accountId: required(r.AccountId, 'AggregateComplianceByConfigRule.AccountId'),
            region: required(r.AwsRegion, 'AggregateComplianceByConfigRule.AwsRegion'),
            complianceType: required(
              r.Compliance?.ComplianceType,
              'AggregateComplianceByConfigRule.Compliance.ComplianceType',
            ),
          }),
        ),
        next: o.NextToken,
      }),
    ),
    callPages(
      factory,
      'config',
      a.region,
      (token) =>
        new SelectAggregateResourceConfigCommand({
          ConfigurationAggregatorName: a.name,
          Expression: AGGREGATE_BUCKET_QUERY,
          Limit: 100,
          ...(token ? { NextToken: token } : {}),
        }),
      (o) => ({ items: requiredList(o.Results, 'Results').map(toBucket), next: o.NextToken }),
    ),
  ]);
  const relevant = ruleCompliance.status === 'ok' ? identifyRules(ruleCompliance.value, accounts) : [];
  const results = await Promise.all(
    relevant.map(async (r): Promise<AggregateRuleResults> => ({
      ...r,
      evaluations: await callPages(
        factory,
        'config',
        a.region,
        (token) =>
          new GetAggregateComplianceDetailsByConfigRuleCommand({
            ConfigurationAggregatorName: a.name,
            ConfigRuleName: r.ruleName,
            AccountId: r.accountId,
            AwsRegion: r.region,
            Limit: 100,
            ...(token ? { NextToken: token } : {}),
          }),
        (o) => ({
          items: requiredList(o.AggregateEvaluationResults, 'AggregateEvaluationResults').map((e) =>
            toConfigEvaluation(e, 'AggregateEvaluationResult'),
          ),
          next: o.NextToken,
        }),
      ),
    })),
  );
  return { ...a, ruleCompliance, results, buckets };
}

/**
 * The aggregator's rules that are about S3, with their managed-rule identifier: from the rule of
 * that name in the account's own DescribeConfigRules when the account was read, else from a rule of
 * the same name in any read account (organization rules and conformance packs keep one name across
 * accounts).
 */
function identifyRules(
  listed: readonly AggregateRuleCompliance[],
  accounts: readonly AccountSnapshot[],
): Omit<AggregateRuleResults, 'evaluations'>[] {
  const own = new Map<string, string>();
  const byName = new Map<string, string>();
  const read = new Set<string>();
  for (const account of accounts) {
    for (const region of account.config) {
      if (region.rules.status !== 'ok') continue;
      read.add(`${account.accountId} ${region.region}`);
      for (const rule of region.rules.value) {
        if (!isRelevantRule(rule)) continue;
        own.set(`${account.accountId} ${region.region} ${rule.name}`, rule.sourceIdentifier);
        if (!byName.has(rule.name)) byName.set(rule.name, rule.sourceIdentifier);
      }
    }
  }
  const out: Omit<AggregateRuleResults, 'evaluations'>[] = [];
  for (const r of listed) {
    const where = `${r.accountId} ${r.region}`;
    const mine = own.get(`${where} ${r.ruleName}`);
    if (mine) out.push({ ...pick(r), sourceIdentifier: mine, identifiedBy: 'rule' });
    else if (!read.has(where) && byName.has(r.ruleName))
      out.push({ ...pick(r), sourceIdentifier: byName.get(r.ruleName) ?? '', identifiedBy: 'name' });
  }
  return out;
}

function pick(r: AggregateRuleCompliance): Pick<AggregateRuleResults, 'ruleName' | 'accountId' | 'region'> {
  return { ruleName: r.ruleName, accountId: r.accountId, region: r.region };
}

/** One row of the advanced query: a JSON object with the selected properties. */
function toBucket(row: string): AggregateBucket {
  const parsed = JSON.parse(row) as { resourceId?: unknown; accountId?: unknown; awsRegion?: unknown };
  const field = (v: unknown, name: string): string => required(typeof v === 'string' ? v : undefined, name);
  return {
    name: field(parsed.resourceId, 'Results[].resourceId'),
    accountId: field(parsed.accountId, 'Results[].accountId'),
    region: field(parsed.awsRegion, 'Results[].awsRegion'),
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Options of {@link collectConfiguredAggregator}. */
export interface ConfiguredAggregatorOptions {
  config: Config;
  callerAccountId: string;
  /** Factories of the accounts the run reads. */
  factories: ReadonlyMap<string, ClientFactory>;
  accounts: readonly AccountSnapshot[];
  /** Regions to look in when the aggregator's account is not among the accounts read. */
  fallbackRegions: readonly string[];
  /** True when the run reads an organization: then an aggregator is looked for unasked. */
  organization: boolean;
}

/**
 * The aggregator the config names (`awsConfig.aggregatorName`), or, when the run reads an
 * organization, the organization aggregator of the account it is read from
 * (`awsConfig.aggregatorAccountId`, default the caller's). Undefined when neither applies; a
 * snapshot without discovery when that account is not read by this run.
 */
export async function collectConfiguredAggregator(
  o: ConfiguredAggregatorOptions,
): Promise<AggregatorSnapshot | undefined> {
  const name = o.config.awsConfig.aggregatorName;
  if (!name && !o.organization) return undefined;
  const accountId = o.config.awsConfig.aggregatorAccountId ?? o.callerAccountId;
  const factory = o.factories.get(accountId);
  if (!factory) return { accountId, requestedName: name, discovery: [] };
  const account = o.accounts.find((a) => a.accountId === accountId);
  return collectAggregator({
    factory,
    accountId,
    regions: account?.regions.length ? account.regions : o.fallbackRegions,
    name,
    accounts: o.accounts,
  });
}
