/**
 * Service-linked configuration recorders and ListConfigurationRecorders. An AWS service creates its
 * own recorder (PutServiceLinkedConfigurationRecorder, recordingScope INTERNAL); DescribeConfigurationRecorders
 * without names keeps returning only the customer managed recorder, while ListConfigurationRecorders
 * lists both, each with its scope (`PAID` for the customer's own recorder).
 */
import type { JsonRequest } from '../../../types.ts';
import { SandboxError } from '../../../types.ts';
import { optionalNumber, optionalObjectList, optionalString, requiredString } from '../../kms/input.ts';
import { pageOf } from '../../kms/offset-page.ts';
import { configRegion } from '../store.ts';

const PRINCIPAL = /^[a-z0-9.-]+\.amazonaws\.com$/;

export function putServiceLinkedConfigurationRecorder(req: JsonRequest): unknown {
  const principal = requiredString(req.input, 'ServicePrincipal');
  if (!PRINCIPAL.test(principal))
    throw new SandboxError('ValidationException', `The service principal ${principal} is not valid.`);
  const config = configRegion(req.account, req.region);
  const all = (config.serviceLinked ??= new Map());
  const name = `AWSConfigurationRecorderFor${principal.split('.')[0]?.toUpperCase() ?? principal}`;
  const existing = all.get(principal);
  const recorder = existing ?? {
    name,
    arn: `arn:aws:config:${req.region}:${req.caller.accountId}:configuration-recorder/${name}/${principal}`,
    servicePrincipal: principal,
  };
  all.set(principal, recorder);
  return { Arn: recorder.arn, Name: recorder.name };
}

export function listConfigurationRecorders(req: JsonRequest): unknown {
  const config = configRegion(req.account, req.region);
  const max = optionalNumber(req.input, 'MaxResults') ?? 20;
  if (!Number.isInteger(max) || max < 1 || max > 20)
    throw new SandboxError(
      'ValidationException',
      `1 validation error detected: Value '${max}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 20`,
    );
  const scopes = (optionalObjectList(req.input, 'Filters') ?? [])
    .filter((f) => f['filterName'] === 'recordingScope')
    .flatMap((f) => (Array.isArray(f['filterValue']) ? (f['filterValue'] as string[]) : []));
  const rows = [
    ...(config.recorder
      ? [
          {
            arn: `arn:aws:config:${req.region}:${req.caller.accountId}:configuration-recorder/${config.recorder.name}`,
            name: config.recorder.name,
            recordingScope: 'PAID',
          },
        ]
      : []),
    ...[...(config.serviceLinked?.values() ?? [])].map((r) => ({
      arn: r.arn,
      name: r.name,
      servicePrincipal: r.servicePrincipal,
      recordingScope: 'INTERNAL',
    })),
  ].filter((r) => scopes.length === 0 || scopes.includes(r.recordingScope));
  const page = pageOf(
    rows,
    optionalString(req.input, 'NextToken'),
    max,
    `ListConfigurationRecorders:${req.region}`,
    'InvalidNextTokenException',
  );
  return {
    ConfigurationRecorderSummaries: page.items,
    ...(page.nextToken ? { NextToken: page.nextToken } : {}),
  };
}
