/**
 * The sandbox's AWS Config (JSON 1.1, `StarlingDoveService.<Operation>`), per account and region:
 * recorder, delivery channel, managed rules evaluated against the sandbox's own S3 state,
 * bucket configuration history, and organization aggregators. Calls are recorded as CloudTrail management events.
 */
import {
  listConfigurationRecorders,
  putServiceLinkedConfigurationRecorder,
} from './config/handlers/service-linked.ts';
import type { JsonRequest, JsonService } from '../types.ts';
import { recordedService } from './cloudtrail/record-call.ts';
import {
  describeComplianceByConfigRule,
  getComplianceDetailsByConfigRule,
} from './config/handlers/compliance.ts';
import { getResourceConfigHistory } from './config/handlers/history.ts';
import {
  describeAggregateComplianceByConfigRules,
  describeConfigurationAggregators,
  getAggregateComplianceDetailsByConfigRule,
  putConfigurationAggregator,
  selectAggregateResourceConfig,
} from './config/handlers/aggregators.ts';
import {
  deleteConfigurationRecorder,
  deleteDeliveryChannel,
  describeConfigurationRecorderStatus,
  describeConfigurationRecorders,
  describeDeliveryChannels,
  putConfigurationRecorder,
  putDeliveryChannel,
  startConfigurationRecorder,
  stopConfigurationRecorder,
} from './config/handlers/recorders.ts';
import {
  deleteConfigRule,
  describeConfigRuleEvaluationStatus,
  describeConfigRules,
  putConfigRule,
  startConfigRulesEvaluation,
} from './config/handlers/rules.ts';

type Handler = (req: JsonRequest) => unknown;

const HANDLERS: Record<string, Handler> = {
  PutConfigurationRecorder: putConfigurationRecorder,
  PutServiceLinkedConfigurationRecorder: putServiceLinkedConfigurationRecorder,
  ListConfigurationRecorders: listConfigurationRecorders,
  DescribeConfigurationRecorders: describeConfigurationRecorders,
  DescribeConfigurationRecorderStatus: describeConfigurationRecorderStatus,
  StartConfigurationRecorder: startConfigurationRecorder,
  StopConfigurationRecorder: stopConfigurationRecorder,
  DeleteConfigurationRecorder: deleteConfigurationRecorder,
  PutDeliveryChannel: putDeliveryChannel,
  DescribeDeliveryChannels: describeDeliveryChannels,
  DeleteDeliveryChannel: deleteDeliveryChannel,
  PutConfigRule: putConfigRule,
  DescribeConfigRules: describeConfigRules,
  DeleteConfigRule: deleteConfigRule,
  StartConfigRulesEvaluation: startConfigRulesEvaluation,
  DescribeConfigRuleEvaluationStatus: describeConfigRuleEvaluationStatus,
  DescribeComplianceByConfigRule: describeComplianceByConfigRule,
  GetComplianceDetailsByConfigRule: getComplianceDetailsByConfigRule,
  GetResourceConfigHistory: getResourceConfigHistory,
  PutConfigurationAggregator: putConfigurationAggregator,
  DescribeConfigurationAggregators: describeConfigurationAggregators,
  DescribeAggregateComplianceByConfigRules: describeAggregateComplianceByConfigRules,
  GetAggregateComplianceDetailsByConfigRule: getAggregateComplianceDetailsByConfigRule,
  SelectAggregateResourceConfig: selectAggregateResourceConfig,
};

/** AWS Config operations by name, for the server's JSON 1.1 dispatcher. */
export const configService: JsonService = recordedService(HANDLERS, (req) => ({
  eventSource: 'config.amazonaws.com',
  readOnly: /^(Describe|Get|List|Select)/.test(req.operation),
  resources: [],
}));
