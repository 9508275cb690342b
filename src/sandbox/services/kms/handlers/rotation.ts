/**
 * Automatic rotation: EnableKeyRotation, DisableKeyRotation, GetKeyRotationStatus. Only symmetric
 * encryption keys with KMS-generated material in the standard key store rotate; AWS managed keys
 * always rotate yearly and can't be changed.
 */
import { SandboxError } from '../../../types.ts';
import type { KmsCall } from '../call.ts';
import { epochSeconds, optionalNumber, requiredString } from '../input.ts';
import { assertCustomerManaged, assertNotPending } from '../key-guards.ts';
import { resolveKey } from '../resolve-key.ts';
import type { KmsKey } from '../store.ts';

const DAY_MS = 86_400_000;

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
  key.rotation = { enabled: true, periodInDays: period, enabledAt: state.now() };
  return {};
}

export function disableKeyRotation(call: KmsCall): unknown {
  const key = rotatableKey(call);
  assertCustomerManaged(call, key);
  assertNotPending(key);
  if (key.keyState === 'Disabled') throw new SandboxError('DisabledException', `${key.arn} is disabled.`);
  key.rotation = { enabled: false, periodInDays: key.rotation.periodInDays };
  return {};
}

export function getKeyRotationStatus(call: KmsCall): unknown {
  const key = rotatableKey(call);
  const now = call.req.state.now();
  if (!key.rotation.enabled) return { KeyRotationEnabled: false, KeyId: key.arn };
  return {
    KeyRotationEnabled: true,
    KeyId: key.arn,
    RotationPeriodInDays: key.rotation.periodInDays,
    NextRotationDate: epochSeconds(nextRotation(key, now)),
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

/** The first rotation date after `now`, counting whole periods from when rotation was enabled. */
function nextRotation(key: KmsKey, now: Date): Date {
  const start = (key.rotation.enabledAt ?? key.creationDate).getTime();
  const period = key.rotation.periodInDays * DAY_MS;
  const periods = Math.floor((now.getTime() - start) / period) + 1;
  return new Date(start + periods * period);
}
