/**
 * Key lifecycle: CreateKey, DescribeKey, ListKeys, EnableKey, DisableKey, ScheduleKeyDeletion,
 * CancelKeyDeletion, UpdateKeyDescription, ListResourceTags.
 */
import { SandboxError } from '../../../types.ts';
import type { KmsCall } from '../call.ts';
import {
  epochSeconds,
  optionalBoolean,
  optionalNumber,
  optionalObjectList,
  optionalString,
  requiredString,
} from '../input.ts';
import {
  assertCustomerManaged,
  assertNotPending,
  assertNotPendingDeletion,
  assertPolicyDocument,
} from '../key-guards.ts';
import { keyMetadata } from '../key-metadata.ts';
import { defaultKeyPolicy } from '../key-policy.ts';
import { KEY_SPECS } from '../key-specs.ts';
import { pageOf } from '../offset-page.ts';
import { callerKms, resolveKey } from '../resolve-key.ts';
import type { KmsKey } from '../store.ts';
import { keyArnOf, nextKeyId } from '../store.ts';

const DAY_MS = 86_400_000;

export function createKey(call: KmsCall): unknown {
  const { input, caller, region, state } = call.req;
  const keySpec =
    optionalString(input, 'KeySpec') ?? optionalString(input, 'CustomerMasterKeySpec') ?? 'SYMMETRIC_DEFAULT';
  const keyUsage = optionalString(input, 'KeyUsage') ?? 'ENCRYPT_DECRYPT';
  const origin = optionalString(input, 'Origin') ?? 'AWS_KMS';
  const spec = KEY_SPECS[keySpec];
  if (!spec)
    throw new SandboxError(
      'ValidationException',
      `1 validation error detected: Value '${keySpec}' at 'keySpec' failed to satisfy constraint`,
    );
  if (!spec.usages.includes(keyUsage)) {
    throw new SandboxError(
      'ValidationException',
      `KeyUsage ${keyUsage} is not compatible with KeySpec ${keySpec}`,
    );
  }
  if (
    origin === 'AWS_CLOUDHSM' ||
    origin === 'EXTERNAL_KEY_STORE' ||
    optionalString(input, 'CustomKeyStoreId')
  ) {
    throw new SandboxError('CustomKeyStoreNotFoundException', 'The sandbox has no custom key stores.');
  }
  if (origin !== 'AWS_KMS' && origin !== 'EXTERNAL') {
    throw new SandboxError(
      'ValidationException',
      `1 validation error detected: Value '${origin}' at 'origin' failed to satisfy constraint`,
    );
  }
  const policy = optionalString(input, 'Policy') ?? defaultKeyPolicy(caller.accountId);
  assertPolicyDocument(policy);
  const multiRegion = optionalBoolean(input, 'MultiRegion') ?? false;
  const kmsState = callerKms(call.req);
  const keyId = multiRegion
    ? `mrk-${nextKeyId(caller.accountId, region, kmsState, 'mrk').replace(/-/g, '')}`
    : nextKeyId(caller.accountId, region, kmsState);
  const key: KmsKey = {
    keyId,
    arn: keyArnOf(caller.accountId, region, keyId),
    accountId: caller.accountId,
    region,
    creationDate: state.now(),
    description: optionalString(input, 'Description') ?? '',
    keyUsage,
    keySpec,
    origin,
    keyManager: 'CUSTOMER',
    keyState: origin === 'EXTERNAL' ? 'PendingImport' : 'Enabled',
    policy,
    rotation: { enabled: false, periodInDays: 365 },
    multiRegion,
    tags: tagsOf(optionalObjectList(input, 'Tags')),
    material: origin === 'EXTERNAL' ? { kind: 'none' } : spec.generate(keyUsage),
  };
  callerKms(call.req).keys.set(keyId, key);
  call.touched.push(key);
  return { KeyMetadata: keyMetadata(key) };
}

export function describeKey(call: KmsCall): unknown {
  const key = resolveKey(call, requiredString(call.req.input, 'KeyId'), { allowAlias: true });
  return { KeyMetadata: keyMetadata(key) };
}

export function listKeys(call: KmsCall): unknown {
  const { input, region } = call.req;
  const limit = limitOf(optionalNumber(input, 'Limit'), 1000, 100);
  const keys = [...callerKms(call.req).keys.values()];
  const page = pageOf(
    keys,
    optionalString(input, 'Marker'),
    limit,
    `ListKeys:${region}`,
    'InvalidMarkerException',
  );
  return {
    Keys: page.items.map((k) => ({ KeyId: k.keyId, KeyArn: k.arn })),
    Truncated: page.nextToken !== undefined,
    ...(page.nextToken ? { NextMarker: page.nextToken } : {}),
  };
}

export function enableKey(call: KmsCall): unknown {
  const key = resolveKey(call, requiredString(call.req.input, 'KeyId'), { allowAlias: false });
  assertCustomerManaged(call, key);
  assertNotPending(key);
  key.keyState = 'Enabled';
  return {};
}

export function disableKey(call: KmsCall): unknown {
  const key = resolveKey(call, requiredString(call.req.input, 'KeyId'), { allowAlias: false });
  assertCustomerManaged(call, key);
  assertNotPending(key);
  key.keyState = 'Disabled';
  return {};
}

export function scheduleKeyDeletion(call: KmsCall): unknown {
  const { input, state } = call.req;
  const key = resolveKey(call, requiredString(input, 'KeyId'), { allowAlias: false });
  assertCustomerManaged(call, key);
  const days = optionalNumber(input, 'PendingWindowInDays') ?? 30;
  if (!Number.isInteger(days) || days < 7 || days > 30) {
    throw new SandboxError(
      'ValidationException',
      `1 validation error detected: Value '${days}' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value between 7 and 30`,
    );
  }
  if (key.keyState === 'PendingDeletion')
    throw new SandboxError('KMSInvalidStateException', `${key.arn} is pending deletion.`);
  key.keyState = 'PendingDeletion';
  key.pendingWindowInDays = days;
  key.deletionDate = new Date(state.now().getTime() + days * DAY_MS);
  return {
    KeyId: key.arn,
    DeletionDate: epochSeconds(key.deletionDate),
    KeyState: key.keyState,
    PendingWindowInDays: days,
  };
}

export function cancelKeyDeletion(call: KmsCall): unknown {
  const key = resolveKey(call, requiredString(call.req.input, 'KeyId'), { allowAlias: false });
  assertCustomerManaged(call, key);
  if (key.keyState !== 'PendingDeletion')
    throw new SandboxError('KMSInvalidStateException', `${key.arn} is not pending deletion.`);
  key.keyState = 'Disabled';
  key.deletionDate = undefined;
  key.pendingWindowInDays = undefined;
  return { KeyId: key.arn };
}

export function updateKeyDescription(call: KmsCall): unknown {
  const key = resolveKey(call, requiredString(call.req.input, 'KeyId'), { allowAlias: false });
  assertCustomerManaged(call, key);
  assertNotPendingDeletion(key);
  key.description = optionalString(call.req.input, 'Description') ?? '';
  return {};
}

export function listResourceTags(call: KmsCall): unknown {
  const { input } = call.req;
  const key = resolveKey(call, requiredString(input, 'KeyId'), { allowAlias: false });
  const limit = limitOf(optionalNumber(input, 'Limit'), 50, 50);
  const page = pageOf(
    key.tags,
    optionalString(input, 'Marker'),
    limit,
    `ListResourceTags:${key.arn}`,
    'InvalidMarkerException',
  );
  return {
    Tags: page.items,
    Truncated: page.nextToken !== undefined,
    ...(page.nextToken ? { NextMarker: page.nextToken } : {}),
  };
}

/** `Limit` within AWS's bounds (1..max), `fallback` when absent. */
export function limitOf(limit: number | undefined, max: number, fallback: number): number {
  if (limit === undefined) return fallback;
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new SandboxError(
      'ValidationException',
      `1 validation error detected: Value '${limit}' at 'limit' failed to satisfy constraint: Member must have value between 1 and ${max}`,
    );
  }
  return limit;
}

function tagsOf(tags: Record<string, unknown>[] | undefined): { TagKey: string; TagValue: string }[] {
  return (tags ?? []).map((t) => {
    if (typeof t.TagKey !== 'string' || typeof t.TagValue !== 'string')
      throw new SandboxError('TagException', 'Tags need TagKey and TagValue.');
    return { TagKey: t.TagKey, TagValue: t.TagValue };
  });
}
