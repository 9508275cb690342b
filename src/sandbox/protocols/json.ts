/**
 * JSON 1.1 protocol (KMS, Config, CloudTrail, Organizations, Resource Groups Tagging): `X-Amz-Target: <ServiceTarget>.<Operation>`, JSON
 * body in and out, errors as `{"__type": code, "message": ...}`.
 */
import { cloudTrailService } from '../services/cloudtrail.ts';
import { configService } from '../services/config.ts';
import { kmsService } from '../services/kms.ts';
import { taggingService } from '../services/tagging.ts';
import { organizationsService } from '../services/organizations.ts';
import { SandboxError } from '../types.ts';
import type { JsonService } from '../types.ts';
import { authError } from './call.ts';
import type { IncomingCall, RoutedCall, SandboxResponse } from './call.ts';

const CONTENT_TYPE = 'application/x-amz-json-1.1';

interface JsonServiceEntry {
  name: string;
  handlers: JsonService;
}

/** Target prefixes as the SDK sends them (`serviceTarget` in each client), plus Smithy's long forms. */
const TARGETS: Record<string, JsonServiceEntry> = {
  TrentService: { name: 'kms', handlers: kmsService },
  StarlingDoveService: { name: 'config', handlers: configService },
  CloudTrail_20131101: { name: 'cloudtrail', handlers: cloudTrailService },
  'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101': {
    name: 'cloudtrail',
    handlers: cloudTrailService,
  },
  com_amazonaws_cloudtrail_v20131101_CloudTrail_20131101: { name: 'cloudtrail', handlers: cloudTrailService },
  ResourceGroupsTaggingAPI_20170126: { name: 'tagging', handlers: taggingService },
  AWSOrganizationsV20161128: { name: 'organizations', handlers: organizationsService },
};

/** Input fields that name the resource an operation targets (for fault rules). */
const RESOURCE_FIELDS = [
  'KeyId',
  'TrailName',
  'Name',
  'ConfigRuleName',
  'resourceId',
  'AccountId',
  'TargetId',
  'ChildId',
  'ParentId',
  'PolicyId',
];

function resourceOf(input: Record<string, unknown>): string | undefined {
  for (const field of RESOURCE_FIELDS) {
    const value = input[field];
    if (typeof value === 'string') return value;
  }
  return undefined;
}

/** Render an error in the JSON 1.1 shape. */
export function renderJsonError(error: SandboxError): SandboxResponse {
  return {
    status: error.status,
    headers: { 'content-type': CONTENT_TYPE, 'x-amzn-ErrorType': error.code, ...error.extraHeaders },
    body: JSON.stringify({ __type: error.code, message: error.message, ...error.jsonFields }),
  };
}

function parseInput(body: Buffer): Record<string, unknown> {
  const text = body.toString('utf8').trim();
  if (text === '') return {};
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SandboxError('SerializationException', 'Request body must be a JSON object', 400);
  }
  return parsed as Record<string, unknown>;
}

/** JSON 1.1 output; `Date` values become epoch seconds, as the protocol's timestamps are. */
export function serializeJson(output: unknown): string {
  return JSON.stringify(output, function (this: Record<string, unknown>, key: string, value: unknown) {
    const raw = this[key];
    return raw instanceof Date ? raw.getTime() / 1000 : value;
  });
}

/** Route a request carrying `X-Amz-Target`. */
export function routeJson(call: IncomingCall, target: string): RoutedCall {
  const dot = target.lastIndexOf('.');
  const prefix = target.slice(0, dot);
  const operation = target.slice(dot + 1);
  const entry = TARGETS[prefix];
  let input: Record<string, unknown> = {};
  let parseError: SandboxError | undefined;
  try {
    input = parseInput(call.body);
  } catch (error) {
    parseError =
      error instanceof SandboxError
        ? error
        : new SandboxError('SerializationException', 'Malformed JSON body', 400);
  }
  return {
    protocol: 'json',
    service: entry?.name ?? 'unknown',
    operation,
    resource: resourceOf(input),
    renderError: renderJsonError,
    async execute() {
      if (!entry) throw new SandboxError('UnknownOperationException', `Unknown target ${target}`, 400);
      const handler = Object.hasOwn(entry.handlers, operation) ? entry.handlers[operation] : undefined;
      if (!handler)
        throw new SandboxError('UnknownOperationException', `Unknown operation ${operation}`, 400);
      if (parseError) throw parseError;
      if (!call.auth.ok) throw authError(call.auth.failure, 'json');
      const output = await handler({
        operation,
        input,
        region: call.auth.region,
        caller: call.auth.caller,
        account: call.state.account(call.auth.caller.accountId),
        state: call.state,
        requestId: call.requestId,
      });
      return {
        status: 200,
        headers: { 'content-type': CONTENT_TYPE },
        body: serializeJson(output ?? {}),
      };
    },
  };
}
