import {
  DescribeConfigRulesCommand,
  DescribeConfigurationRecordersCommand,
  DescribeConfigurationRecorderStatusCommand,
  GetComplianceDetailsByConfigRuleCommand,
  ListConfigurationRecordersCommand,
  type AggregateEvaluationResult,
  type EvaluationResult,
} from '@aws-sdk/client-config-service';
import { call, callPages } from '../aws/call.ts';
import type { ClientFactory } from '../aws/client-factory.ts';
import type {
  ConfigEvaluation,
  ConfigRegionSnapshot,
  ConfigRule,
  ConfigRuleResults,
} from '../snapshot/model.ts';
import { iso, oneOf, required, requiredBoolean, requiredList } from './parse.ts';

/** Whether a rule's per-resource results are collected: AWS managed rules about S3. */
export function isRelevantRule(rule: ConfigRule): boolean {
  return rule.owner === 'AWS' && rule.sourceIdentifier.startsWith('S3_');
}

/**
 * One per-resource result (`EvaluationResult`, or `AggregateEvaluationResult` whose extra account
 * and region the caller keeps); `shape` names the response member in errors.
 */
export function toConfigEvaluation(
  e: EvaluationResult | AggregateEvaluationResult,
  shape: string,
): ConfigEvaluation {
  return {
    resourceType: required(
      e.EvaluationResultIdentifier?.EvaluationResultQualifier?.ResourceType,
      `${shape}.EvaluationResultIdentifier.EvaluationResultQualifier.ResourceType`,
    ),
    resourceId: required(
      e.EvaluationResultIdentifier?.EvaluationResultQualifier?.ResourceId,
      `${shape}.EvaluationResultIdentifier.EvaluationResultQualifier.ResourceId`,
    ),
    complianceType: oneOf(
      e.ComplianceType,
      ['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE', 'INSUFFICIENT_DATA'],
      `${shape}.ComplianceType`,
    ),
    resultRecordedTime: iso(e.ResultRecordedTime),
    configRuleInvokedTime: iso(e.ConfigRuleInvokedTime),
    annotation: e.Annotation,
  };
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
  const [recorders, recorderStatus, recorderSummaries, rules] = await Promise.all([
    call(factory, 'config', region, new DescribeConfigurationRecordersCommand({}), (o) =>
      requiredList(o.ConfigurationRecorders, 'ConfigurationRecorders').map((r) => {
        const group = required(r.recordingGroup, 'ConfigurationRecorder.recordingGroup');
        return {
          name: required(r.name, 'ConfigurationRecorder.name'),
          roleArn: r.roleARN,
          allSupported: requiredBoolean(
            group.allSupported,
            'ConfigurationRecorder.recordingGroup.allSupported',
          ),
          includeGlobalResourceTypes: requiredBoolean(
            group.includeGlobalResourceTypes,
            'ConfigurationRecorder.recordingGroup.includeGlobalResourceTypes',
          ),
          resourceTypes: [
            ...requiredList(group.resourceTypes, 'ConfigurationRecorder.recordingGroup.resourceTypes'),
          ],
          recordingStrategy: group.recordingStrategy?.useOnly,
          // Under the exclusion strategy the list decides what is recorded, so it must be there.
          exclusionResourceTypes:
            group.recordingStrategy?.useOnly === 'EXCLUSION_BY_RESOURCE_TYPES'
              ? [
                  ...requiredList(
                    group.exclusionByResourceTypes?.resourceTypes,
                    'ConfigurationRecorder.recordingGroup.exclusionByResourceTypes.resourceTypes',
                  ),
                ]
              : [...(group.exclusionByResourceTypes?.resourceTypes ?? [])],
        };
      }),
    ),
    call(factory, 'config', region, new DescribeConfigurationRecorderStatusCommand({}), (o) =>
      requiredList(o.ConfigurationRecordersStatus, 'ConfigurationRecordersStatus').map((s) => ({
        name: required(s.name, 'ConfigurationRecorderStatus.name'),
        recording: requiredBoolean(s.recording, 'ConfigurationRecorderStatus.recording'),
        // A recorder that has never started has no last status; one that is recording always has one.
        lastStatus: s.recording
          ? required(s.lastStatus, 'ConfigurationRecorderStatus.lastStatus')
          : s.lastStatus,
        lastStartTime: iso(s.lastStartTime),
        lastStopTime: iso(s.lastStopTime),
        lastStatusChangeTime: iso(s.lastStatusChangeTime),
      })),
    ),
    callPages(
      factory,
      'config',
      region,
      (token) =>
        new ListConfigurationRecordersCommand({ MaxResults: 20, ...(token ? { NextToken: token } : {}) }),
      (o) => ({
        items: requiredList(o.ConfigurationRecorderSummaries, 'ConfigurationRecorderSummaries').map((r) => ({
          name: required(r.name, 'ConfigurationRecorderSummary.name'),
          arn: required(r.arn, 'ConfigurationRecorderSummary.arn'),
          recordingScope: required(r.recordingScope, 'ConfigurationRecorderSummary.recordingScope'),
          servicePrincipal: r.servicePrincipal,
        })),
        next: o.NextToken,
      }),
    ),
    callPages(
      factory,
      'config',
      region,
      (token) => new DescribeConfigRulesCommand(token ? { NextToken: token } : {}),
      (o) => ({
        items: requiredList(o.ConfigRules, 'ConfigRules').map((r): ConfigRule => {
          const owner = required(r.Source?.Owner, 'ConfigRule.Source.Owner');
          return {
            name: required(r.ConfigRuleName, 'ConfigRule.ConfigRuleName'),
            arn: r.ConfigRuleArn,
            owner,
            // Custom policy rules have no identifier; managed and Lambda rules always do.
            sourceIdentifier:
              owner === 'CUSTOM_POLICY'
                ? (r.Source?.SourceIdentifier ?? '')
                : required(r.Source?.SourceIdentifier, 'ConfigRule.Source.SourceIdentifier'),
            state: r.ConfigRuleState,
            scopeResourceTypes: [...(r.Scope?.ComplianceResourceTypes ?? [])],
            inputParameters: r.InputParameters,
          };
        }),
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
          items: requiredList(o.EvaluationResults, 'EvaluationResults').map((e) =>
            toConfigEvaluation(e, 'EvaluationResult'),
          ),
          next: o.NextToken,
        }),
      ),
    })),
  );
  return { accountId, region, recorders, recorderStatus, recorderSummaries, rules, results };
}
