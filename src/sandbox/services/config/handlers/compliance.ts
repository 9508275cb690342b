/**
 * Rule results: DescribeComplianceByConfigRule (a rule's overall compliance) and
 * GetComplianceDetailsByConfigRule (per-resource results), both from the last evaluation.
 */
import type { JsonRequest } from '../../../types.ts';
import { SandboxError } from '../../../types.ts';
import {
  epochSeconds,
  optionalNumber,
  optionalString,
  optionalStringList,
  requiredString,
} from '../../kms/input.ts';
import { pageOf } from '../../kms/offset-page.ts';
import type { ConfigRule, StoredEvaluation } from '../store.ts';
import { RULES_PER_PAGE, selectRules } from './rules.ts';

const DETAIL_TYPES = new Set(['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE']);
const SUMMARY_TYPES = new Set(['COMPLIANT', 'NON_COMPLIANT', 'INSUFFICIENT_DATA']);

export function describeComplianceByConfigRule(req: JsonRequest): unknown {
  const types = complianceTypes(req, SUMMARY_TYPES);
  const rules = selectRules(req, optionalStringList(req.input, 'ConfigRuleNames'))
    .map((rule) => ({ rule, ...ruleCompliance(rule) }))
    .filter((c) => types === undefined || types.has(c.type));
  const page = pageOf(
    rules,
    optionalString(req.input, 'NextToken'),
    RULES_PER_PAGE,
    `DescribeComplianceByConfigRule:${req.region}`,
    'InvalidNextTokenException',
  );
  return {
    ComplianceByConfigRules: page.items.map((c) => ({
      ConfigRuleName: c.rule.name,
      Compliance: complianceShape(c),
    })),
    ...(page.nextToken ? { NextToken: page.nextToken } : {}),
  };
}

export function getComplianceDetailsByConfigRule(req: JsonRequest): unknown {
  const name = requiredString(req.input, 'ConfigRuleName');
  const [rule] = selectRules(req, [name]);
  if (!rule)
    throw new SandboxError(
      'NoSuchConfigRuleException',
      `The ConfigRule '${name}' provided in the request is invalid.`,
    );
  const limit = optionalNumber(req.input, 'Limit') || 10;
  if (limit < 0 || limit > 100)
    throw new SandboxError('InvalidLimitException', 'Limit must be between 0 and 100.');
  const types = complianceTypes(req, DETAIL_TYPES);
  const results = rule.evaluations.filter((e) => types === undefined || types.has(e.complianceType));
  const page = pageOf(
    results,
    optionalString(req.input, 'NextToken'),
    limit,
    `GetComplianceDetailsByConfigRule:${req.region}:${name}:${[...(types ?? [])].join()}`,
    'InvalidNextTokenException',
  );
  return {
    EvaluationResults: page.items.map((e) => evaluationResultShape(rule.name, e)),
    ...(page.nextToken ? { NextToken: page.nextToken } : {}),
  };
}

/** A rule's overall compliance from its last evaluation, and how many resources are non-compliant. */
export function ruleCompliance(rule: ConfigRule): { type: string; nonCompliant: number } {
  const nonCompliant = rule.evaluations.filter((e) => e.complianceType === 'NON_COMPLIANT').length;
  if (nonCompliant > 0) return { type: 'NON_COMPLIANT', nonCompliant };
  if (rule.evaluations.some((e) => e.complianceType === 'COMPLIANT'))
    return { type: 'COMPLIANT', nonCompliant };
  return { type: 'INSUFFICIENT_DATA', nonCompliant };
}

/** The `Compliance` of a rule on the wire: its type, with the capped count when non-compliant. */
export function complianceShape(c: { type: string; nonCompliant: number }): Record<string, unknown> {
  return {
    ComplianceType: c.type,
    ...(c.type === 'NON_COMPLIANT'
      ? {
          ComplianceContributorCount: {
            CappedCount: Math.min(c.nonCompliant, 100),
            CapExceeded: c.nonCompliant > 100,
          },
        }
      : {}),
  };
}

/** One `EvaluationResult` on the wire (the aggregate API adds the source account and region). */
export function evaluationResultShape(ruleName: string, e: StoredEvaluation): Record<string, unknown> {
  return {
    EvaluationResultIdentifier: {
      EvaluationResultQualifier: {
        ConfigRuleName: ruleName,
        ResourceType: e.resourceType,
        ResourceId: e.resourceId,
        EvaluationMode: 'DETECTIVE',
      },
      OrderingTimestamp: epochSeconds(e.configRuleInvokedTime),
    },
    ComplianceType: e.complianceType,
    ResultRecordedTime: epochSeconds(e.resultRecordedTime),
    ConfigRuleInvokedTime: epochSeconds(e.configRuleInvokedTime),
    ...(e.annotation ? { Annotation: e.annotation } : {}),
  };
}

function complianceTypes(req: JsonRequest, allowed: Set<string>): Set<string> | undefined {
  const types = optionalStringList(req.input, 'ComplianceTypes');
  if (types === undefined || types.length === 0) return undefined;
  const bad = types.find((t) => !allowed.has(t));
  if (bad)
    throw new SandboxError(
      'InvalidParameterValueException',
      `${bad} is not a valid ComplianceType filter here.`,
    );
  return new Set(types);
}
