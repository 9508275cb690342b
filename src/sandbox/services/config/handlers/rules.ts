/**
 * Config rules: PutConfigRule, DescribeConfigRules, DeleteConfigRule, StartConfigRulesEvaluation,
 * DescribeConfigRuleEvaluationStatus. A rule is evaluated when created or updated and when an
 * evaluation is started, and only while the recorder is recording.
 */
import { randomBytes } from 'node:crypto';
import type { JsonRequest } from '../../../types.ts';
import { SandboxError } from '../../../types.ts';
import {
  epochSeconds,
  optionalNumber,
  optionalObject,
  optionalString,
  optionalStringList,
  requiredString,
} from '../../kms/input.ts';
import { pageOf } from '../../kms/offset-page.ts';
import { evaluateRule } from '../evaluate.ts';
import type { ConfigRule } from '../store.ts';
import { configRegion } from '../store.ts';

/** DescribeConfigRules and DescribeComplianceByConfigRule answer 25 rules per page. */
export const RULES_PER_PAGE = 25;
const OWNERS = new Set(['AWS', 'CUSTOM_LAMBDA', 'CUSTOM_POLICY']);

export function putConfigRule(req: JsonRequest): unknown {
  const spec = optionalObject(req.input, 'ConfigRule');
  if (!spec)
    throw new SandboxError(
      'ValidationException',
      "1 validation error detected: Value null at 'configRule' failed to satisfy constraint: Member must not be null",
    );
  const config = configRegion(req.account, req.region);
  const existing = findForUpdate(config.rules, spec);
  const name = optionalString(spec, 'ConfigRuleName') ?? existing?.name;
  if (!name) throw new SandboxError('InvalidParameterValueException', 'ConfigRuleName is required.');
  const source = optionalObject(spec, 'Source');
  const owner = source ? optionalString(source, 'Owner') : undefined;
  if (!source || !owner || !OWNERS.has(owner)) {
    throw new SandboxError(
      'InvalidParameterValueException',
      'The Source.Owner must be AWS, CUSTOM_LAMBDA or CUSTOM_POLICY.',
    );
  }
  const sourceIdentifier = optionalString(source, 'SourceIdentifier');
  if (owner !== 'CUSTOM_POLICY' && !sourceIdentifier) {
    throw new SandboxError('InvalidParameterValueException', 'The sourceIdentifier is required.');
  }
  const inputParameters = optionalString(spec, 'InputParameters');
  if (inputParameters !== undefined) assertJsonObject(inputParameters);
  if (!config.recorder) {
    throw new SandboxError(
      'NoAvailableConfigurationRecorderException',
      'Configuration recorder is not available to put config rule.',
    );
  }
  const id = existing?.id ?? `config-rule-${randomBytes(3).toString('hex')}`;
  const rule: ConfigRule = {
    name,
    id,
    arn: existing?.arn ?? `arn:aws:config:${req.region}:${req.caller.accountId}:config-rule/${id}`,
    description: optionalString(spec, 'Description'),
    scope: optionalObject(spec, 'Scope'),
    source: { Owner: owner, SourceIdentifier: sourceIdentifier, SourceDetails: source.SourceDetails },
    inputParameters,
    maximumExecutionFrequency: optionalString(spec, 'MaximumExecutionFrequency'),
    firstActivatedTime: existing?.firstActivatedTime ?? req.state.now(),
    lastInvokedTime: existing?.lastInvokedTime,
    evaluations: existing?.evaluations ?? [],
  };
  if (existing && existing.name !== name) config.rules.delete(existing.name);
  config.rules.set(name, rule);
  evaluateRule(req.state, req.account, req.region, config.recorder, rule);
  return {};
}

export function describeConfigRules(req: JsonRequest): unknown {
  const rules = selectRules(req, optionalStringList(req.input, 'ConfigRuleNames'));
  const page = pageOf(
    rules,
    optionalString(req.input, 'NextToken'),
    RULES_PER_PAGE,
    `DescribeConfigRules:${req.region}`,
    'InvalidNextTokenException',
  );
  return {
    ConfigRules: page.items.map(ruleOutput),
    ...(page.nextToken ? { NextToken: page.nextToken } : {}),
  };
}

export function deleteConfigRule(req: JsonRequest): unknown {
  const [rule] = selectRules(req, [requiredString(req.input, 'ConfigRuleName')]);
  if (rule) configRegion(req.account, req.region).rules.delete(rule.name);
  return {};
}

export function startConfigRulesEvaluation(req: JsonRequest): unknown {
  const names = optionalStringList(req.input, 'ConfigRuleNames');
  if (names && names.length > 25)
    throw new SandboxError('LimitExceededException', 'At most 25 rules can be evaluated per request.');
  const config = configRegion(req.account, req.region);
  for (const rule of selectRules(req, names))
    evaluateRule(req.state, req.account, req.region, config.recorder, rule);
  return {};
}

export function describeConfigRuleEvaluationStatus(req: JsonRequest): unknown {
  const rules = selectRules(req, optionalStringList(req.input, 'ConfigRuleNames'));
  const limit = optionalNumber(req.input, 'Limit') || 50;
  if (limit > 50) throw new SandboxError('InvalidLimitException', 'Limit must be at most 50.');
  const page = pageOf(
    rules,
    optionalString(req.input, 'NextToken'),
    limit,
    `DescribeConfigRuleEvaluationStatus:${req.region}`,
    'InvalidNextTokenException',
  );
  return {
    ConfigRulesEvaluationStatus: page.items.map((r) => ({
      ConfigRuleName: r.name,
      ConfigRuleArn: r.arn,
      ConfigRuleId: r.id,
      FirstActivatedTime: epochSeconds(r.firstActivatedTime),
      FirstEvaluationStarted: r.lastInvokedTime !== undefined,
      ...(r.lastInvokedTime
        ? {
            LastSuccessfulInvocationTime: epochSeconds(r.lastInvokedTime),
            LastSuccessfulEvaluationTime: epochSeconds(r.lastInvokedTime),
          }
        : {}),
    })),
    ...(page.nextToken ? { NextToken: page.nextToken } : {}),
  };
}

/** The rules named (all, in creation order, when no names are given); unknown names are an error. */
export function selectRules(req: JsonRequest, names: string[] | undefined): ConfigRule[] {
  const rules = configRegion(req.account, req.region).rules;
  if (names === undefined || names.length === 0) return [...rules.values()];
  return names.map((name) => {
    const rule = rules.get(name);
    if (!rule)
      throw new SandboxError(
        'NoSuchConfigRuleException',
        `The ConfigRule '${name}' provided in the request is invalid. Please check the configRule name.`,
      );
    return rule;
  });
}

function ruleOutput(rule: ConfigRule): Record<string, unknown> {
  return {
    ConfigRuleName: rule.name,
    ConfigRuleArn: rule.arn,
    ConfigRuleId: rule.id,
    ...(rule.description !== undefined ? { Description: rule.description } : {}),
    ...(rule.scope ? { Scope: rule.scope } : {}),
    Source: rule.source,
    ...(rule.inputParameters !== undefined ? { InputParameters: rule.inputParameters } : {}),
    ...(rule.maximumExecutionFrequency ? { MaximumExecutionFrequency: rule.maximumExecutionFrequency } : {}),
    ConfigRuleState: 'ACTIVE',
    EvaluationModes: [{ Mode: 'DETECTIVE' }],
  };
}

function findForUpdate(
  rules: Map<string, ConfigRule>,
  spec: Record<string, unknown>,
): ConfigRule | undefined {
  const arn = optionalString(spec, 'ConfigRuleArn');
  const id = optionalString(spec, 'ConfigRuleId');
  const name = optionalString(spec, 'ConfigRuleName');
  if (arn || id) {
    const match = [...rules.values()].find((r) => r.arn === arn || r.id === id);
    if (!match)
      throw new SandboxError(
        'NoSuchConfigRuleException',
        `The ConfigRule '${arn ?? id}' provided in the request is invalid.`,
      );
    return match;
  }
  return name ? rules.get(name) : undefined;
}

function assertJsonObject(text: string): void {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return;
  } catch {
    // fall through
  }
  throw new SandboxError('InvalidParameterValueException', 'Invalid json in input parameters.');
}
