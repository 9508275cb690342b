import {
  DescribeConfigRulesCommand,
  DescribeConfigurationRecordersCommand,
  DescribeConfigurationRecorderStatusCommand,
  GetComplianceDetailsByConfigRuleCommand,
} from '@aws-sdk/client-config-service';
import { call, callPages } from '../aws/call.ts';
import type { ClientFactory } from '../aws/client-factory.ts';
import type {
  ConfigEvaluation,
  ConfigRegionSnapshot,
  ConfigRule,
  ConfigRuleResults,
} from '../snapshot/model.ts';
import { iso, required } from './parse.ts';

/** Whether a rule's per-resource results are collected: AWS managed rules about S3. */
export function isRelevantRule(rule: ConfigRule): boolean {
  return rule.owner === 'AWS' && rule.sourceIdentifier.startsWith('S3_');
}

/**
 * AWS Config in one region: recorders, recorder status, rules (all pages), and for each AWS managed
 * S3 rule its per-resource evaluations (all pages of 100) with their recorded/invoked times.
 */
export async function collectConfigRegion(
  factory: ClientFactory,
  accountId: string,
  region: string,
): Promise<ConfigRegionSnapshot> {
  const [recorders, recorderStatus, rules] = await Promise.all([
    call(factory, 'config', region, new DescribeConfigurationRecordersCommand({}), (o) =>
      (o.ConfigurationRecorders ?? []).map((r) => ({
        name: required(r.name, 'ConfigurationRecorder.name'),
        roleArn: r.roleARN,
        allSupported: r.recordingGroup?.allSupported ?? false,
        includeGlobalResourceTypes: r.recordingGroup?.includeGlobalResourceTypes ?? false,
        resourceTypes: [...(r.recordingGroup?.resourceTypes ?? [])],
      })),
    ),
    call(factory, 'config', region, new DescribeConfigurationRecorderStatusCommand({}), (o) =>
      (o.ConfigurationRecordersStatus ?? []).map((s) => ({
        name: required(s.name, 'ConfigurationRecorderStatus.name'),
        recording: s.recording ?? false,
        lastStatus: s.lastStatus,
        lastStartTime: iso(s.lastStartTime),
        lastStatusChangeTime: iso(s.lastStatusChangeTime),
      })),
    ),
    callPages(
      factory,
      'config',
      region,
      (token) => new DescribeConfigRulesCommand(token ? { NextToken: token } : {}),
      (o) => ({
        items: (o.ConfigRules ?? []).map((r): ConfigRule => ({
          name: required(r.ConfigRuleName, 'ConfigRuleName'),
          arn: r.ConfigRuleArn,
          owner: r.Source?.Owner ?? '',
          sourceIdentifier: r.Source?.SourceIdentifier ?? '',
          state: r.ConfigRuleState,
          scopeResourceTypes: [...(r.Scope?.ComplianceResourceTypes ?? [])],
          inputParameters: r.InputParameters,
        })),
        next: o.NextToken,
      }),
    ),
  ]);
  const relevant = rules.status === 'ok' ? rules.value.filter(isRelevantRule) : [];
  const results = await Promise.all(
    relevant.map(async (rule): Promise<ConfigRuleResults> => ({
      ruleName: rule.name,
      sourceIdentifier: rule.sourceIdentifier,
      evaluations: await callPages(
        factory,
        'config',
        region,
        (token) =>
          new GetComplianceDetailsByConfigRuleCommand({
            ConfigRuleName: rule.name,
            Limit: 100,
            ...(token ? { NextToken: token } : {}),
          }),
        (o) => ({
          items: (o.EvaluationResults ?? []).map((e): ConfigEvaluation => ({
            resourceType: e.EvaluationResultIdentifier?.EvaluationResultQualifier?.ResourceType ?? '',
            resourceId: e.EvaluationResultIdentifier?.EvaluationResultQualifier?.ResourceId ?? '',
            complianceType: e.ComplianceType ?? 'INSUFFICIENT_DATA',
            resultRecordedTime: iso(e.ResultRecordedTime),
            configRuleInvokedTime: iso(e.ConfigRuleInvokedTime),
            annotation: e.Annotation,
          })),
          next: o.NextToken,
        }),
      ),
    })),
  );
  return { accountId, region, recorders, recorderStatus, rules, results };
}
