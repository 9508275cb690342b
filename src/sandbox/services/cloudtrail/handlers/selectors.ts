/**
 * PutEventSelectors / GetEventSelectors. A trail has either classic EventSelectors or
 * AdvancedEventSelectors; putting one kind replaces the other, as in AWS.
 */
import type { JsonRequest } from '../../../types.ts';
import { SandboxError } from '../../../types.ts';
import { optionalObjectList, requiredString } from '../../kms/input.ts';
import { requireHomeTrail, requireTrail } from '../find-trail.ts';
import { defaultEventSelectors } from '../store.ts';

const READ_WRITE = new Set(['ReadOnly', 'WriteOnly', 'All']);
const EXCLUDABLE_SOURCES = new Set(['kms.amazonaws.com', 'rdsdata.amazonaws.com']);
const ADVANCED_FIELDS = new Set([
  'eventCategory',
  'eventSource',
  'eventName',
  'eventType',
  'readOnly',
  'resources.type',
  'resources.ARN',
  'errorCode',
  'sessionCredentialFromConsole',
  'userIdentity.arn',
  'vpcEndpointId',
]);
const OPERATORS = ['Equals', 'StartsWith', 'EndsWith', 'NotEquals', 'NotStartsWith', 'NotEndsWith'];

export function putEventSelectors(req: JsonRequest): unknown {
  const trail = requireHomeTrail(req, requiredString(req.input, 'TrailName', 'InvalidTrailNameException'));
  const classic = optionalObjectList(req.input, 'EventSelectors', 'InvalidEventSelectorsException');
  const advanced = optionalObjectList(req.input, 'AdvancedEventSelectors', 'InvalidEventSelectorsException');
  if ((classic === undefined) === (advanced === undefined)) {
    throw new SandboxError(
      'InvalidParameterCombinationException',
      'Specify either EventSelectors or AdvancedEventSelectors, not both or neither.',
    );
  }
  if (classic) {
    trail.eventSelectors = classic.map(classicSelector);
    trail.advancedEventSelectors = undefined;
  } else if (advanced) {
    trail.advancedEventSelectors = advanced.map(advancedSelector);
    trail.eventSelectors = undefined;
  }
  trail.hasCustomEventSelectors = true;
  return selectorsOutput(trail.arn, trail.eventSelectors, trail.advancedEventSelectors);
}

export function getEventSelectors(req: JsonRequest): unknown {
  const trail = requireTrail(req, requiredString(req.input, 'TrailName', 'InvalidTrailNameException'));
  return selectorsOutput(
    trail.arn,
    trail.advancedEventSelectors ? undefined : (trail.eventSelectors ?? defaultEventSelectors()),
    trail.advancedEventSelectors,
  );
}

function selectorsOutput(arn: string, classic: unknown[] | undefined, advanced: unknown[] | undefined) {
  return {
    TrailARN: arn,
    ...(advanced ? { AdvancedEventSelectors: advanced } : { EventSelectors: classic ?? [] }),
  };
}

function classicSelector(selector: Record<string, unknown>): Record<string, unknown> {
  const invalid = (why: string) => new SandboxError('InvalidEventSelectorsException', why);
  const readWrite = selector.ReadWriteType ?? 'All';
  if (typeof readWrite !== 'string' || !READ_WRITE.has(readWrite))
    throw invalid(`Invalid ReadWriteType ${String(readWrite)}`);
  const dataResources = Array.isArray(selector.DataResources)
    ? (selector.DataResources as Record<string, unknown>[])
    : [];
  for (const resource of dataResources) {
    const values = resource.Values;
    if (typeof resource.Type !== 'string' || !Array.isArray(values))
      throw invalid('DataResources need a Type and Values.');
    if (
      resource.Type === 'AWS::S3::Object' &&
      values.some((v) => typeof v !== 'string' || !v.startsWith('arn:aws:s3'))
    ) {
      throw invalid(
        'Value for AWS::S3::Object must be an S3 ARN prefix (arn:aws:s3 or arn:aws:s3:::bucket/...).',
      );
    }
  }
  const excluded = Array.isArray(selector.ExcludeManagementEventSources)
    ? selector.ExcludeManagementEventSources
    : [];
  if (excluded.some((s) => typeof s !== 'string' || !EXCLUDABLE_SOURCES.has(s))) {
    throw invalid(
      'ExcludeManagementEventSources may contain only kms.amazonaws.com and rdsdata.amazonaws.com.',
    );
  }
  return {
    ReadWriteType: readWrite,
    IncludeManagementEvents: selector.IncludeManagementEvents ?? true,
    DataResources: dataResources.map((r) => ({ Type: r.Type, Values: r.Values })),
    ExcludeManagementEventSources: excluded,
  };
}

function advancedSelector(selector: Record<string, unknown>): Record<string, unknown> {
  const invalid = (why: string) => new SandboxError('InvalidEventSelectorsException', why);
  const fields = selector.FieldSelectors;
  if (!Array.isArray(fields) || fields.length === 0)
    throw invalid('An advanced event selector needs FieldSelectors.');
  const out = (fields as Record<string, unknown>[]).map((f) => {
    if (typeof f.Field !== 'string' || !ADVANCED_FIELDS.has(f.Field))
      throw invalid(`Invalid field ${String(f.Field)}`);
    const selectorOut: Record<string, unknown> = { Field: f.Field };
    for (const op of OPERATORS) if (Array.isArray(f[op])) selectorOut[op] = f[op];
    return selectorOut;
  });
  if (!out.some((f) => f.Field === 'eventCategory'))
    throw invalid('Each advanced event selector must include an eventCategory field selector.');
  return { ...(typeof selector.Name === 'string' ? { Name: selector.Name } : {}), FieldSelectors: out };
}
