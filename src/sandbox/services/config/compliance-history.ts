/**
 * AWS Config's compliance history: each time a rule's evaluation changes a resource's result,
 * Config records an `AWS::Config::ResourceCompliance` configuration item for the resource (when
 * the recorder records that type), with every rule's current result for it. Its resourceId is
 * `<resourceType>/<resourceId>` of the evaluated resource, e.g. `AWS::S3::Bucket/my-bucket`.
 */
import type { JsonRequest } from '../../types.ts';
import { SandboxError } from '../../types.ts';
import {
  epochSeconds,
  optionalNumber,
  optionalString,
  optionalTimestamp,
  requiredString,
} from '../kms/input.ts';
import { pageOf } from '../kms/offset-page.ts';
import type { ConfigRecorder, ConfigRegionState, ConfigRule, StoredEvaluation } from './store.ts';
import { recordsType } from './store.ts';

export const COMPLIANCE_TYPE = 'AWS::Config::ResourceCompliance';

/** One recorded compliance item: each rule's result for the resource at `captureTime`. */
export interface ComplianceItem {
  captureTime: Date;
  rules: { configRuleName: string; configRuleArn: string; configRuleId: string; complianceType: string }[];
}

/** `AWS::S3::Bucket/my-bucket`: the resourceId of a resource's compliance item. */
export function complianceResourceId(resourceType: string, resourceId: string): string {
  return `${resourceType}/${resourceId}`;
}

function historyOf(config: ConfigRegionState): Map<string, ComplianceItem[]> {
  config.complianceHistory ??= new Map();
  return config.complianceHistory;
}

/** The resource's result over every rule: NON_COMPLIANT if any rule says so, else COMPLIANT when one does. */
function overall(rules: ComplianceItem['rules']): string {
  if (rules.some((r) => r.complianceType === 'NON_COMPLIANT')) return 'NON_COMPLIANT';
  if (rules.some((r) => r.complianceType === 'COMPLIANT')) return 'COMPLIANT';
  return rules.length > 0 ? 'NOT_APPLICABLE' : 'INSUFFICIENT_DATA';
}

/**
 * After `rule` was evaluated (`before` its previous results), record a compliance item for every
 * resource whose result under the rule changed, as Config does while it records the type.
 */
export function recordComplianceChanges(
  config: ConfigRegionState,
  recorder: ConfigRecorder,
  rule: ConfigRule,
  before: readonly StoredEvaluation[],
  now: Date,
): void {
  if (!recordsType(recorder, COMPLIANCE_TYPE)) return;
  const key = (e: StoredEvaluation) => complianceResourceId(e.resourceType, e.resourceId);
  const was = new Map(before.map((e) => [key(e), e.complianceType]));
  const is = new Map(rule.evaluations.map((e) => [key(e), e.complianceType]));
  const history = historyOf(config);
  for (const id of new Set([...was.keys(), ...is.keys()])) {
    if (was.get(id) === is.get(id)) continue;
    const items = history.get(id) ?? [];
    const previous = items.at(-1)?.rules.filter((r) => r.configRuleName !== rule.name) ?? [];
    const result = is.get(id);
    const rules = result
      ? [
          ...previous,
          {
            configRuleName: rule.name,
            configRuleArn: rule.arn,
            configRuleId: rule.id,
            complianceType: result,
          },
        ].sort((a, b) => a.configRuleName.localeCompare(b.configRuleName))
      : previous;
    items.push({ captureTime: now, rules });
    history.set(id, items);
  }
}

/** GetResourceConfigHistory for `AWS::Config::ResourceCompliance`. */
export function complianceConfigHistory(req: JsonRequest, config: ConfigRegionState): unknown {
  const { input } = req;
  const resourceId = requiredString(input, 'resourceId');
  const items = config.complianceHistory?.get(resourceId) ?? [];
  if (items.length === 0) {
    throw new SandboxError(
      'ResourceNotDiscoveredException',
      `Resource ${resourceId} of resourceType:${COMPLIANCE_TYPE} is unknown or has not been discovered`,
    );
  }
  const limit = optionalNumber(input, 'limit') || 10;
  if (limit < 0 || limit > 100)
    throw new SandboxError('InvalidLimitException', 'limit must be between 0 and 100.');
  const earlier = optionalTimestamp(input, 'earlierTime');
  const later = optionalTimestamp(input, 'laterTime') ?? req.state.now();
  if (earlier && earlier.getTime() > later.getTime())
    throw new SandboxError('InvalidTimeRangeException', 'The earlierTime must be before the laterTime.');
  const order = optionalString(input, 'chronologicalOrder') ?? 'Reverse';
  // Each item with its position in the history (its status and state id follow from it).
  const inWindow = items.flatMap((item, index) =>
    (!earlier || item.captureTime >= earlier) && item.captureTime.getTime() <= later.getTime()
      ? [{ item, index }]
      : [],
  );
  const ordered = order === 'Forward' ? inWindow : [...inWindow].reverse();
  const scope = `GetResourceConfigHistory:${req.region}:${resourceId}:${order}:${earlier?.getTime() ?? ''}:${later.getTime()}`;
  const page = pageOf(ordered, optionalString(input, 'nextToken'), limit, scope, 'InvalidNextTokenException');
  const [targetType = '', ...rest] = resourceId.split('/');
  return {
    configurationItems: page.items.map(({ item, index }) => ({
      version: '1.3',
      accountId: req.caller.accountId,
      configurationItemCaptureTime: epochSeconds(item.captureTime),
      configurationItemStatus: index === 0 ? 'ResourceDiscovered' : 'OK',
      configurationStateId: String(item.captureTime.getTime()) + String(index).padStart(6, '0'),
      configurationItemMD5Hash: '',
      resourceType: COMPLIANCE_TYPE,
      resourceId,
      awsRegion: req.region,
      availabilityZone: 'Not Applicable',
      tags: {},
      relatedEvents: [],
      // As AWS's example item: the evaluated resource, related by name.
      relationships: [
        { resourceType: targetType, resourceId: rest.join('/'), relationshipName: 'Is associated with' },
      ],
      configuration: JSON.stringify({
        configRuleList: item.rules,
        complianceType: overall(item.rules),
        targetResourceId: rest.join('/'),
        targetResourceType: targetType,
      }),
      supplementaryConfiguration: {},
    })),
    ...(page.nextToken ? { nextToken: page.nextToken } : {}),
  };
}
