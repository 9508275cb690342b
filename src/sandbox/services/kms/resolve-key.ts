/**
 * Finding the key a request names: key id, key ARN, alias name (`alias/x`) or alias ARN — the four
 * forms AWS accepts where aliases are allowed. Keys whose deletion date has passed are removed first.
 */
import { SandboxError } from '../../types.ts';
import type { JsonRequest } from '../../types.ts';
import { ensureAwsManagedKey, isCreatableAwsManagedAlias } from './aws-managed.ts';
import type { KmsCall } from './call.ts';
import type { KmsKey, KmsRegionState } from './store.ts';
import { kmsRegion } from './store.ts';

const KEY_ARN = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):key\/(.+)$/;
const ALIAS_ARN = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):(alias\/.+)$/;

/** Resolve `keyRef` and remember the key as touched by the call. */
export function resolveKey(call: KmsCall, keyRef: string, opts: { allowAlias: boolean }): KmsKey {
  const key = findKey(call.req, keyRef, opts.allowAlias);
  call.touched.push(key);
  return key;
}

/** The KMS state of the caller's account in the request's region, with expired keys deleted. */
export function callerKms(req: JsonRequest): KmsRegionState {
  const kms = kmsRegion(req.account, req.region);
  purgeDeletedKeys(kms, req.state.now());
  return kms;
}

function findKey(req: JsonRequest, keyRef: string, allowAlias: boolean): KmsKey {
  const notFound = new SandboxError('NotFoundException', `Invalid keyId ${keyRef}`);
  const keyArn = KEY_ARN.exec(keyRef);
  if (keyArn) {
    const [, region, accountId, keyId] = keyArn;
    if (region !== req.region || !accountId || !keyId) throw notFound;
    if (accountId !== req.caller.accountId) return crossAccountKey(req, accountId, keyId, keyRef);
    return byId(callerKms(req), keyId, keyRef);
  }
  const aliasArn = ALIAS_ARN.exec(keyRef);
  const aliasName = aliasArn ? aliasArn[3] : keyRef.startsWith('alias/') ? keyRef : undefined;
  if (aliasName !== undefined) {
    if (!allowAlias) throw notFound;
    if (aliasArn && (aliasArn[1] !== req.region || aliasArn[2] !== req.caller.accountId)) throw notFound;
    const kms = callerKms(req);
    const alias = kms.aliases.get(aliasName);
    if (alias) return byId(kms, alias.targetKeyId, keyRef);
    if (isCreatableAwsManagedAlias(aliasName)) {
      return ensureAwsManagedKey(req.state, req.caller.accountId, req.region, aliasName);
    }
    throw new SandboxError(
      'NotFoundException',
      `Alias ${aliasArn ? keyRef : `arn:aws:kms:${req.region}:${req.caller.accountId}:${aliasName}`} is not found.`,
    );
  }
  return byId(callerKms(req), keyRef, keyRef);
}

function byId(kms: KmsRegionState, keyId: string, keyRef: string): KmsKey {
  const key = kms.keys.get(keyId);
  if (!key) throw new SandboxError('NotFoundException', `Key '${keyRef}' does not exist`);
  return key;
}

/**
 * A key of another account is usable only when its key policy allows the caller's account (or
 * everyone); otherwise AWS answers AccessDeniedException, not NotFoundException.
 */
function crossAccountKey(req: JsonRequest, accountId: string, keyId: string, keyRef: string): KmsKey {
  const kms = kmsRegion(req.state.account(accountId), req.region);
  purgeDeletedKeys(kms, req.state.now());
  const key = kms.keys.get(keyId);
  if (!key || !policyAllowsAccount(key.policy, req.caller.accountId, req.caller.arn)) {
    throw new SandboxError(
      'AccessDeniedException',
      `User: ${req.caller.arn} is not authorized to perform: kms:${req.operation} on resource: ${keyRef} because no resource-based policy allows the kms:${req.operation} action`,
    );
  }
  return key;
}

function policyAllowsAccount(policy: string, accountId: string, callerArn: string): boolean {
  let doc: unknown;
  try {
    doc = JSON.parse(policy);
  } catch {
    return false;
  }
  const statements = (doc as { Statement?: unknown }).Statement;
  const list = Array.isArray(statements) ? statements : [statements];
  const accepted = new Set(['*', accountId, `arn:aws:iam::${accountId}:root`, callerArn]);
  return list.some((st) => {
    if (typeof st !== 'object' || st === null) return false;
    const { Effect, Principal } = st as { Effect?: unknown; Principal?: unknown };
    if (Effect !== 'Allow') return false;
    if (Principal === '*') return true;
    const aws = (Principal as { AWS?: unknown } | undefined)?.AWS;
    const principals = Array.isArray(aws) ? aws : [aws];
    return principals.some((p) => typeof p === 'string' && accepted.has(p));
  });
}

function purgeDeletedKeys(kms: KmsRegionState, now: Date): void {
  for (const [keyId, key] of kms.keys) {
    if (
      key.keyState === 'PendingDeletion' &&
      key.deletionDate &&
      key.deletionDate.getTime() <= now.getTime()
    ) {
      kms.keys.delete(keyId);
      for (const [name, alias] of kms.aliases) if (alias.targetKeyId === keyId) kms.aliases.delete(name);
    }
  }
}
