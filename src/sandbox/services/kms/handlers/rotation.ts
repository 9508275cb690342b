/**
 * Key rotation: EnableKeyRotation, DisableKeyRotation, GetKeyRotationStatus, RotateKeyOnDemand and
 * ListKeyRotations. Only symmetric encryption keys with KMS-generated material in the standard key
 * store rotate automatically; AWS managed keys always rotate yearly and can't be changed.
 * Automatic rotations happen lazily: whenever a key is read, every period boundary the sandbox
 * clock has passed since rotation was enabled becomes a completed AUTOMATIC rotation. An on-demand
 * rotation is in progress for {@link ON_DEMAND_MS} of sandbox time, then completes.
 */
import { createHash } from 'node:crypto';
import { SandboxError } from '../../../types.ts';
import type { KmsCall } from '../call.ts';
import { epochSeconds, optionalNumber, optionalString, requiredString } from '../input.ts';
import { assertCustomerManaged, assertNotPending } from '../key-guards.ts';
import { pageOf } from '../offset-page.ts';
import { resolveKey } from '../resolve-key.ts';
import type { KeyRotationRecord, KmsKey } from '../store.ts';
import { limitOf } from './keys.ts';

const DAY_MS = 86_400_000;
/** How long an on-demand rotation stays in progress (sandbox clock). */
export const ON_DEMAND_MS = 1_000;
/** AWS allows at most this many on-demand rotations per key. */
const MAX_ON_DEMAND = 10;

export function enableKeyRotation(call: KmsCall): unknown {
  const { input, state } = call.req;
  const key = rotatableKey(call);
  assertCustomerManaged(call, key);
  assertNotPending(key);
  if (key.keyState === 'Disabled') throw new SandboxError('DisabledException', `${key.arn} is disabled.`);
  const period = optionalNumber(input, 'RotationPeriodInDays') ?? 365;
  if (!Number.isInteger(period) || period < 90 || period > 2560) {
    throw new SandboxError(
      'ValidationException',
      `1 validation error detected: Value '${period}' at 'rotationPeriodInDays' failed to satisfy constraint: Member must have value between 90 and 2560`,
    );
  }
  settle(key, state.now());
  key.rotation = { enabled: true, periodInDays: period, enabledAt: state.now() };
  return {};
}

export function disableKeyRotation(call: KmsCall): unknown {
  const key = rotatableKey(call);
  assertCustomerManaged(call, key);
  assertNotPending(key);
  if (key.keyState === 'Disabled') throw new SandboxError('DisabledException', `${key.arn} is disabled.`);
  settle(key, call.req.state.now());
  key.rotation = { enabled: false, periodInDays: key.rotation.periodInDays };
  return {};
}

export function getKeyRotationStatus(call: KmsCall): unknown {
  const key = rotatableKey(call);
  const now = call.req.state.now();
  settle(key, now);
  const onDemand = key.onDemandStartedAt
    ? { OnDemandRotationStartDate: epochSeconds(key.onDemandStartedAt) }
    : {};
  if (!key.rotation.enabled) return { KeyRotationEnabled: false, KeyId: key.arn, ...onDemand };
  return {
    KeyRotationEnabled: true,
    KeyId: key.arn,
    RotationPeriodInDays: key.rotation.periodInDays,
    NextRotationDate: epochSeconds(nextRotation(key, now)),
    ...onDemand,
  };
}

/**
 * RotateKeyOnDemand: symmetric encryption keys only, customer managed, enabled; at most ten per
 * key; refused with ConflictException while a rotation is in progress.
 */
export function rotateKeyOnDemand(call: KmsCall): unknown {
  const key = rotatableKey(call);
  assertCustomerManaged(call, key);
  assertNotPending(key);
  if (key.keyState === 'Disabled') throw new SandboxError('DisabledException', `${key.arn} is disabled.`);
  const now = call.req.state.now();
  settle(key, now);
  if (key.onDemandStartedAt)
    throw new SandboxError(
      'ConflictException',
      `An on-demand rotation of ${key.arn} is already in progress.`,
    );
  const used = (key.rotations ?? []).filter((r) => r.type === 'ON_DEMAND').length;
  if (used >= MAX_ON_DEMAND)
    throw new SandboxError(
      'LimitExceededException',
      `${key.arn} has reached the maximum of ${MAX_ON_DEMAND} on-demand rotations.`,
    );
  key.onDemandStartedAt = now;
  return { KeyId: key.keyId };
}

/** ListKeyRotations: completed rotations, oldest first, pages of `Limit` (1–1000, default 100). */
export function listKeyRotations(call: KmsCall): unknown {
  const { input, state } = call.req;
  const key = resolveKey(call, requiredString(input, 'KeyId'), { allowAlias: false });
  if (key.keySpec !== 'SYMMETRIC_DEFAULT' || key.keyUsage !== 'ENCRYPT_DECRYPT') {
    throw new SandboxError(
      'UnsupportedOperationException',
      `${key.arn} key usage is ${key.keyUsage} and key spec is ${key.keySpec}; key rotation is supported only for symmetric encryption KMS keys.`,
    );
  }
  const include = optionalString(input, 'IncludeKeyMaterial');
  if (include !== undefined && include !== 'ROTATIONS_ONLY' && include !== 'ALL_KEY_MATERIAL') {
    throw new SandboxError(
      'ValidationException',
      `1 validation error detected: Value '${include}' at 'includeKeyMaterial' failed to satisfy constraint: Member must satisfy enum value set: [ALL_KEY_MATERIAL, ROTATIONS_ONLY]`,
    );
  }
  settle(key, state.now());
  const limit = limitOf(optionalNumber(input, 'Limit'), 1000, 100);
  const page = pageOf(
    key.rotations ?? [],
    optionalString(input, 'Marker'),
    limit,
    `ListKeyRotations:${key.arn}`,
    'InvalidMarkerException',
  );
  return {
    Rotations: page.items.map((r) => ({
      KeyId: key.arn,
      KeyMaterialId: r.keyMaterialId,
      KeyMaterialState: r === key.rotations?.at(-1) ? 'CURRENT' : 'NON_CURRENT',
      RotationDate: epochSeconds(r.date),
      RotationType: r.type,
    })),
    Truncated: page.nextToken !== undefined,
    ...(page.nextToken ? { NextMarker: page.nextToken } : {}),
  };
}

function rotatableKey(call: KmsCall): KmsKey {
  const key = resolveKey(call, requiredString(call.req.input, 'KeyId'), { allowAlias: false });
  if (key.keySpec !== 'SYMMETRIC_DEFAULT' || key.keyUsage !== 'ENCRYPT_DECRYPT') {
    throw new SandboxError(
      'UnsupportedOperationException',
      `${key.arn} key usage is ${key.keyUsage} and key spec is ${key.keySpec}; automatic rotation is supported only for symmetric encryption KMS keys.`,
    );
  }
  if (key.origin !== 'AWS_KMS') {
    throw new SandboxError(
      'UnsupportedOperationException',
      `${key.arn} origin is ${key.origin} which is not valid for this operation.`,
    );
  }
  return key;
}

/** Record every rotation that has come due by `now`: automatic period boundaries and a finished on-demand one. */
function settle(key: KmsKey, now: Date): void {
  const due: Omit<KeyRotationRecord, 'keyMaterialId'>[] = [];
  if (key.rotation.enabled) {
    const start = (key.rotation.enabledAt ?? key.creationDate).getTime();
    const period = key.rotation.periodInDays * DAY_MS;
    const last = Math.max(
      start,
      ...(key.rotations ?? []).filter((r) => r.type === 'AUTOMATIC').map((r) => r.date.getTime()),
    );
    for (let t = start + (Math.floor((last - start) / period) + 1) * period; t <= now.getTime(); t += period)
      due.push({ date: new Date(t), type: 'AUTOMATIC' });
  }
  if (key.onDemandStartedAt && now.getTime() - key.onDemandStartedAt.getTime() >= ON_DEMAND_MS) {
    due.push({ date: new Date(key.onDemandStartedAt.getTime() + ON_DEMAND_MS), type: 'ON_DEMAND' });
    key.onDemandStartedAt = undefined;
  }
  if (due.length === 0) return;
  const rotations = (key.rotations ??= []);
  for (const r of due.sort((a, b) => a.date.getTime() - b.date.getTime())) {
    const keyMaterialId = createHash('sha256')
      .update(`${key.arn}|${rotations.length + 1}`)
      .digest('hex');
    rotations.push({ ...r, keyMaterialId });
  }
}

/** The first rotation date after `now`, counting whole periods from when rotation was enabled. */
function nextRotation(key: KmsKey, now: Date): Date {
  const start = (key.rotation.enabledAt ?? key.creationDate).getTime();
  const period = key.rotation.periodInDays * DAY_MS;
  const periods = Math.floor((now.getTime() - start) / period) + 1;
  return new Date(start + periods * period);
}
