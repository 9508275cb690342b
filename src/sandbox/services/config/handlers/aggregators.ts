/**
 * Organization configuration aggregators: PutConfigurationAggregator (OrganizationAggregationSource
 * only), DescribeConfigurationAggregators, DescribeAggregateComplianceByConfigRules,
 * GetAggregateComplianceDetailsByConfigRule and SelectAggregateResourceConfig over the subset of
 * Config's SQL the sandbox's resources need. An aggregator in the management account or a Config
 * delegated administrator sees every account of the organization (but closed ones) in its regions,
 * where that account has a configuration recorder: rules with their last results, and the buckets
 * Config has recorded.
 */
import { randomBytes } from 'node:crypto';
import type { SandboxOrganization } from '../../../organizations/model.ts';
import { organizationOf } from '../../../organizations/model.ts';
import type { JsonRequest } from '../../../types.ts';
import { SandboxError } from '../../../types.ts';
import {
  epochSeconds,
  optionalBoolean,
  optionalNumber,
  optionalObject,
  optionalObjectList,
  optionalString,
  optionalStringList,
  requiredString,
} from '../../kms/input.ts';
import { pageOf } from '../../kms/offset-page.ts';
import type { ConfigAggregator, ConfigRegionState } from '../store.ts';
import { configRegion, configRegions, recordsType } from '../store.ts';
import { complianceShape, evaluationResultShape, ruleCompliance } from './compliance.ts';
import { recordedItems } from './history.ts';

/** Service principals a Config delegated administrator may be registered for. */
const CONFIG_PRINCIPALS = ['config.amazonaws.com', 'config-multiaccountsetup.amazonaws.com'];
const NAME = /^[\w-]{1,256}$/;
const BUCKET_TYPE = 'AWS::S3::Bucket';

function organizationOfCaller(req: JsonRequest): SandboxOrganization | undefined {
  return organizationOf(req.state.organization, req.caller.accountId);
}

function aggregatorsOf(req: JsonRequest): Map<string, ConfigAggregator> {
  const regional = configRegion(req.account, req.region);
  regional.aggregators ??= new Map();
  return regional.aggregators;
}

function requireAggregator(req: JsonRequest, name: string): ConfigAggregator {
  const aggregator = aggregatorsOf(req).get(name);
  if (!aggregator) {
    throw new SandboxError(
      'NoSuchConfigurationAggregatorException',
      `The configuration aggregator ${name} does not exist.`,
    );
  }
  return aggregator;
}

function aggregatorOutput(a: ConfigAggregator, createdBy: string): Record<string, unknown> {
  return {
    ConfigurationAggregatorName: a.name,
    ConfigurationAggregatorArn: a.arn,
    OrganizationAggregationSource: {
      RoleArn: a.roleArn,
      ...(a.awsRegions ? { AwsRegions: a.awsRegions } : { AllAwsRegions: true }),
    },
    CreationTime: epochSeconds(a.creationTime),
    LastUpdatedTime: epochSeconds(a.lastUpdatedTime),
    CreatedBy: createdBy,
  };
}

export function putConfigurationAggregator(req: JsonRequest): unknown {
  const name = requiredString(req.input, 'ConfigurationAggregatorName', 'InvalidParameterValueException');
  if (!NAME.test(name)) {
    throw new SandboxError(
      'InvalidParameterValueException',
      `The configuration aggregator name ${name} is invalid: use up to 256 letters, digits, _ and -.`,
    );
  }
  if (optionalObjectList(req.input, 'AccountAggregationSources', 'InvalidParameterValueException')) {
    throw new SandboxError(
      'InvalidParameterValueException',
      'The sandbox supports organization aggregators only (OrganizationAggregationSource).',
    );
  }
  const source = optionalObject(req.input, 'OrganizationAggregationSource', 'InvalidParameterValueException');
  if (!source) {
    throw new SandboxError(
      'InvalidParameterValueException',
      'Specify AccountAggregationSources or OrganizationAggregationSource.',
    );
  }
  const roleArn = optionalString(source, 'RoleArn');
  if (!roleArn) throw new SandboxError('InvalidRoleException', 'You have provided a null or empty role ARN.');
  const all = optionalBoolean(source, 'AllAwsRegions') ?? false;
  const regions = optionalStringList(source, 'AwsRegions');
  if (all === (regions !== undefined && regions.length > 0)) {
    throw new SandboxError(
      'InvalidParameterValueException',
      'Specify either AwsRegions or AllAwsRegions for the aggregation source, not both or neither.',
    );
  }
  const org = organizationOfCaller(req);
  if (!org) {
    throw new SandboxError('NoAvailableOrganizationException', 'Organization is no longer available.');
  }
  const delegated = CONFIG_PRINCIPALS.some((p) =>
    org.delegatedAdministrators.get(req.caller.accountId)?.has(p),
  );
  if (org.managementAccountId !== req.caller.accountId && !delegated) {
    throw new SandboxError(
      'OrganizationAccessDeniedException',
      `Account ${req.caller.accountId} is neither the management account nor a registered delegated administrator for AWS Config in organization ${org.id}.`,
    );
  }
  if (org.featureSet !== 'ALL') {
    throw new SandboxError(
      'OrganizationAllFeaturesNotEnabledException',
      'AWS Config organization aggregators need all features enabled in AWS Organizations.',
    );
  }
  const aggregators = aggregatorsOf(req);
  const now = req.state.now();
  const existing = aggregators.get(name);
  const aggregator: ConfigAggregator = {
    name,
    arn:
      existing?.arn ??
      `arn:aws:config:${req.region}:${req.caller.accountId}:config-aggregator/config-aggregator-${randomBytes(4).toString('hex')}`,
    roleArn,
    awsRegions: all ? undefined : regions,
    creationTime: existing?.creationTime ?? now,
    lastUpdatedTime: now,
  };
  aggregators.set(name, aggregator);
  return { ConfigurationAggregator: aggregatorOutput(aggregator, req.caller.arn) };
}

export function describeConfigurationAggregators(req: JsonRequest): unknown {
  const names = optionalStringList(req.input, 'ConfigurationAggregatorNames');
  const limit = optionalNumber(req.input, 'Limit') || 10;
  if (limit < 0 || limit > 10)
    throw new SandboxError('InvalidLimitException', 'Limit must be between 0 and 10.');
  const list =
    names && names.length > 0
      ? names.map((n) => requireAggregator(req, n))
      : [...aggregatorsOf(req).values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  const page = pageOf(
    list,
    optionalString(req.input, 'NextToken'),
    limit,
    `DescribeConfigurationAggregators:${req.region}`,
    'InvalidNextTokenException',
  );
  return {
    ConfigurationAggregators: page.items.map((a) => aggregatorOutput(a, req.caller.arn)),
    ...(page.nextToken ? { NextToken: page.nextToken } : {}),
  };
}

/** One account and region whose Config data reaches the aggregator. */
interface Source {
  accountId: string;
  region: string;
  config: ConfigRegionState;
}

/** Accounts of the organization (but closed ones) × the aggregator's regions, where a recorder exists. */
function sourcesOf(req: JsonRequest, aggregator: ConfigAggregator): Source[] {
  const org = organizationOfCaller(req);
  if (!org) return [];
  const sources: Source[] = [];
  const ids = [...org.accounts.values()]
    .filter((a) => a.state !== 'CLOSED')
    .map((a) => a.id)
    .sort();
  for (const accountId of ids) {
    const account = req.state.account(accountId);
    const regions = aggregator.awsRegions ?? configRegions(account);
    for (const region of [...regions].sort()) {
      const config = configRegion(account, region);
      if (config.recorder) sources.push({ accountId, region, config });
    }
  }
  return sources;
}

export function describeAggregateComplianceByConfigRules(req: JsonRequest): unknown {
  const aggregator = requireAggregator(req, requiredString(req.input, 'ConfigurationAggregatorName'));
  const filters = optionalObject(req.input, 'Filters') ?? {};
  const ruleName = optionalString(filters, 'ConfigRuleName');
  const type = optionalString(filters, 'ComplianceType');
  const accountId = optionalString(filters, 'AccountId');
  const region = optionalString(filters, 'AwsRegion');
  const limit = optionalNumber(req.input, 'Limit') || 1000;
  if (limit < 0 || limit > 1000)
    throw new SandboxError('InvalidLimitException', 'Limit must be between 0 and 1000.');
  const rows = sourcesOf(req, aggregator)
    .filter(
      (s) =>
        (accountId === undefined || s.accountId === accountId) &&
        (region === undefined || s.region === region),
    )
    .flatMap((s) =>
      [...s.config.rules.values()]
        .filter((r) => ruleName === undefined || r.name === ruleName)
        .sort((a, b) => (a.name < b.name ? -1 : 1))
        .map((rule) => ({ source: s, rule, ...ruleCompliance(rule) })),
    )
    .filter((row) => type === undefined || row.type === type);
  const page = pageOf(
    rows,
    optionalString(req.input, 'NextToken'),
    limit,
    `DescribeAggregateComplianceByConfigRules:${req.region}:${aggregator.name}:${JSON.stringify(filters)}`,
    'InvalidNextTokenException',
  );
  return {
    AggregateComplianceByConfigRules: page.items.map((row) => ({
      ConfigRuleName: row.rule.name,
      Compliance: complianceShape(row),
      AccountId: row.source.accountId,
      AwsRegion: row.source.region,
    })),
    ...(page.nextToken ? { NextToken: page.nextToken } : {}),
  };
}

export function getAggregateComplianceDetailsByConfigRule(req: JsonRequest): unknown {
  const aggregator = requireAggregator(req, requiredString(req.input, 'ConfigurationAggregatorName'));
  const ruleName = requiredString(req.input, 'ConfigRuleName');
  const accountId = requiredString(req.input, 'AccountId');
  const region = requiredString(req.input, 'AwsRegion');
  const type = optionalString(req.input, 'ComplianceType');
  if (type !== undefined && !['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE'].includes(type)) {
    throw new SandboxError('ValidationException', `${type} is not a valid ComplianceType here.`);
  }
  const limit = optionalNumber(req.input, 'Limit') || 50;
  if (limit < 0 || limit > 100)
    throw new SandboxError('InvalidLimitException', 'Limit must be between 0 and 100.');
  const source = sourcesOf(req, aggregator).find((s) => s.accountId === accountId && s.region === region);
  const rule = source?.config.rules.get(ruleName);
  const results = (rule?.evaluations ?? []).filter((e) => type === undefined || e.complianceType === type);
  const page = pageOf(
    results,
    optionalString(req.input, 'NextToken'),
    limit,
    `GetAggregateComplianceDetailsByConfigRule:${aggregator.name}:${accountId}:${region}:${ruleName}:${type ?? ''}`,
    'InvalidNextTokenException',
  );
  return {
    AggregateEvaluationResults: page.items.map((e) => ({
      ...evaluationResultShape(ruleName, e),
      AccountId: accountId,
      AwsRegion: region,
    })),
    ...(page.nextToken ? { NextToken: page.nextToken } : {}),
  };
}

/** Resource properties the sandbox's advanced queries can select and filter on. */
const PROPERTIES = [
  'resourceId',
  'resourceName',
  'resourceType',
  'accountId',
  'awsRegion',
  'arn',
  'availabilityZone',
  'resourceCreationTime',
] as const;
type Property = (typeof PROPERTIES)[number];

interface Query {
  select: Property[];
  where: { property: Property; value: string }[];
}

function invalidExpression(why: string): SandboxError {
  return new SandboxError('InvalidExpressionException', `Invalid query expression: ${why}`);
}

function property(name: string): Property {
  const found = PROPERTIES.find((p) => p === name);
  if (!found) throw invalidExpression(`unknown or unsupported property ${name}`);
  return found;
}

/** `SELECT p[, p...] [WHERE p = 'v' [AND p = 'v'...]]`: the subset of Config's SQL the sandbox serves. */
export function parseQuery(expression: string): Query {
  const match = /^\s*SELECT\s+(.+?)(?:\s+WHERE\s+(.+?))?\s*;?\s*$/is.exec(expression);
  if (!match?.[1]) throw invalidExpression('expected SELECT <properties> [WHERE <conditions>]');
  const select = match[1].split(',').map((f) => property(f.trim()));
  const where = (match[2] ? match[2].split(/\s+AND\s+/i) : []).map((condition) => {
    const c = /^\s*([A-Za-z]+)\s*=\s*'([^']*)'\s*$/.exec(condition);
    if (!c?.[1] || c[2] === undefined) throw invalidExpression(`unsupported condition ${condition.trim()}`);
    return { property: property(c[1]), value: c[2] };
  });
  return { select, where };
}

type Resource = Record<Property, string>;

/** The buckets Config has recorded (and not seen deleted) in each source account and region. */
function recordedBuckets(req: JsonRequest, sources: Source[]): Resource[] {
  const resources: Resource[] = [];
  for (const s of sources) {
    const recorder = s.config.recorder;
    if (!recorder || !recordsType(recorder, BUCKET_TYPE)) continue;
    for (const [bucket, history] of req.state.bucketHistory) {
      const raw = history.filter((i) => i.accountId === s.accountId && i.region === s.region);
      const latest = recordedItems(raw, recorder.intervals).at(-1);
      if (!latest || latest.status === 'ResourceDeleted') continue;
      const created = req.state.buckets.get(bucket)?.creationDate;
      resources.push({
        resourceId: bucket,
        resourceName: bucket,
        resourceType: BUCKET_TYPE,
        accountId: s.accountId,
        awsRegion: s.region,
        arn: `arn:aws:s3:::${bucket}`,
        availabilityZone: 'Regional',
        resourceCreationTime: created ? created.toISOString() : '',
      });
    }
  }
  return resources.sort((a, b) =>
    a.accountId !== b.accountId
      ? a.accountId < b.accountId
        ? -1
        : 1
      : a.awsRegion !== b.awsRegion
        ? a.awsRegion < b.awsRegion
          ? -1
          : 1
        : a.resourceId < b.resourceId
          ? -1
          : 1,
  );
}

export function selectAggregateResourceConfig(req: JsonRequest): unknown {
  const expression = requiredString(req.input, 'Expression');
  const aggregator = requireAggregator(req, requiredString(req.input, 'ConfigurationAggregatorName'));
  const query = parseQuery(expression);
  const limit = optionalNumber(req.input, 'MaxResults') || optionalNumber(req.input, 'Limit') || 100;
  if (limit < 0 || limit > 100)
    throw new SandboxError('InvalidLimitException', 'Limit must be between 0 and 100.');
  const matching = recordedBuckets(req, sourcesOf(req, aggregator)).filter((r) =>
    query.where.every((w) => r[w.property] === w.value),
  );
  const page = pageOf(
    matching,
    optionalString(req.input, 'NextToken'),
    limit,
    `SelectAggregateResourceConfig:${aggregator.name}:${expression}`,
    'InvalidNextTokenException',
  );
  return {
    Results: page.items.map((r) => JSON.stringify(Object.fromEntries(query.select.map((p) => [p, r[p]])))),
    QueryInfo: { SelectFields: query.select.map((p) => ({ Name: p })) },
    ...(page.nextToken ? { NextToken: page.nextToken } : {}),
  };
}
