/** Aliases: CreateAlias, UpdateAlias, DeleteAlias, ListAliases. */
import { SandboxError } from '../../../types.ts';
import type { KmsCall } from '../call.ts';
import { epochSeconds, optionalNumber, optionalString, requiredString } from '../input.ts';
import { assertCustomerManaged, assertNotPendingDeletion } from '../key-guards.ts';
import { pageOf } from '../offset-page.ts';
import { callerKms, resolveKey } from '../resolve-key.ts';
import { aliasArnOf } from '../store.ts';
import { limitOf } from './keys.ts';

const ALIAS_NAME = /^alias\/[a-zA-Z0-9/_-]{1,250}$/;

export function createAlias(call: KmsCall): unknown {
  const { input, state } = call.req;
  const aliasName = customerAliasName(requiredString(input, 'AliasName'));
  const key = resolveKey(call, requiredString(input, 'TargetKeyId'), { allowAlias: false });
  assertCustomerManaged(call, key);
  assertNotPendingDeletion(key);
  const kms = callerKms(call.req);
  if (kms.aliases.has(aliasName)) {
    throw new SandboxError(
      'AlreadyExistsException',
      `An alias with the name ${aliasArnOf(key.accountId, key.region, aliasName)} already exists`,
    );
  }
  const now = state.now();
  kms.aliases.set(aliasName, {
    name: aliasName,
    targetKeyId: key.keyId,
    creationDate: now,
    lastUpdatedDate: now,
  });
  return {};
}

export function updateAlias(call: KmsCall): unknown {
  const { input, state } = call.req;
  const aliasName = customerAliasName(requiredString(input, 'AliasName'));
  const alias = existingAlias(call, aliasName);
  const key = resolveKey(call, requiredString(input, 'TargetKeyId'), { allowAlias: false });
  assertCustomerManaged(call, key);
  assertNotPendingDeletion(key);
  alias.targetKeyId = key.keyId;
  alias.lastUpdatedDate = state.now();
  return {};
}

export function deleteAlias(call: KmsCall): unknown {
  const aliasName = customerAliasName(requiredString(call.req.input, 'AliasName'));
  existingAlias(call, aliasName);
  callerKms(call.req).aliases.delete(aliasName);
  return {};
}

export function listAliases(call: KmsCall): unknown {
  const { input, region, caller } = call.req;
  const limit = limitOf(optionalNumber(input, 'Limit'), 100, 50);
  const keyRef = optionalString(input, 'KeyId');
  const keyId = keyRef === undefined ? undefined : resolveKey(call, keyRef, { allowAlias: false }).keyId;
  const aliases = [...callerKms(call.req).aliases.values()]
    .filter((a) => keyId === undefined || a.targetKeyId === keyId)
    .sort((a, b) => a.name.localeCompare(b.name));
  const page = pageOf(
    aliases,
    optionalString(input, 'Marker'),
    limit,
    `ListAliases:${region}:${keyId ?? ''}`,
    'InvalidMarkerException',
  );
  return {
    Aliases: page.items.map((a) => ({
      AliasName: a.name,
      AliasArn: aliasArnOf(caller.accountId, region, a.name),
      TargetKeyId: a.targetKeyId,
      CreationDate: epochSeconds(a.creationDate),
      LastUpdatedDate: epochSeconds(a.lastUpdatedDate),
    })),
    Truncated: page.nextToken !== undefined,
    ...(page.nextToken ? { NextMarker: page.nextToken } : {}),
  };
}

/** Alias names must start with `alias/`; `alias/aws/` is reserved for AWS managed keys. */
function customerAliasName(name: string): string {
  if (!ALIAS_NAME.test(name))
    throw new SandboxError(
      'ValidationException',
      `Alias must start with the prefix "alias/" and contain only [a-zA-Z0-9/_-]: ${name}`,
    );
  if (name.startsWith('alias/aws/')) {
    throw new SandboxError(
      'NotAuthorizedException',
      `${name}: Cannot create or change an alias that begins with "alias/aws/"; that prefix is reserved for AWS managed keys.`,
    );
  }
  return name;
}

function existingAlias(call: KmsCall, aliasName: string) {
  const alias = callerKms(call.req).aliases.get(aliasName);
  if (!alias) {
    throw new SandboxError(
      'NotFoundException',
      `Alias ${aliasArnOf(call.req.caller.accountId, call.req.region, aliasName)} is not found.`,
    );
  }
  return alias;
}
