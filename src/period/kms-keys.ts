import { resourceOverPeriod, type RecordedItem, type StateVerdict } from './resource-judge.ts';
import type { RESOURCE_PERIOD_CHECKS } from './types.ts';

type KmsCheck = (typeof RESOURCE_PERIOD_CHECKS)['AWS::KMS::Key'][number];

const KMS_CHECKS: readonly KmsCheck[] = [
  'kms.key-usable',
  'kms.rotation-enabled',
  'kms.key-policy-not-public',
];

/** The calls that change what each check reads, as CloudTrail names them. */
const EVENTS: Record<KmsCheck, ReadonlySet<string>> = {
  'kms.key-usable': new Set(['EnableKey', 'DisableKey', 'ScheduleKeyDeletion', 'CancelKeyDeletion']),
  'kms.rotation-enabled': new Set(['EnableKeyRotation', 'DisableKeyRotation']),
  'kms.key-policy-not-public': new Set(['PutKeyPolicy']),
};

/** Custom key stores and imported material: the live check judges them on what Config does not record. */
function rotationScope(c: Record<string, unknown>): StateVerdict | undefined {
  const spec = typeof c.keySpec === 'string' ? c.keySpec : c.customerMasterKeySpec;
  if (typeof spec === 'string' && spec !== 'SYMMETRIC_DEFAULT')
    return { state: 'not-applicable', reason: `the key is ${spec}, which AWS does not rotate` };
  if (c.customKeyStoreId || c.origin === 'AWS_CLOUDHSM' || c.origin === 'EXTERNAL_KEY_STORE')
    return {
      state: 'not-applicable',
      reason: 'the key lives in a custom key store, which does not rotate automatically',
    };
  if (c.origin === 'EXTERNAL')
    return {
      state: 'unknown',
      cause: 'not-in-config-item',
      reason:
        "the key uses imported material, rotated on demand only, and AWS Config's AWS::KMS::Key item does not record on-demand rotations",
    };
  return undefined;
}

/**
 * One KMS check in one recorded state of `AWS::KMS::Key`. Pure. The item's `configuration` is
 * DescribeKey's KeyMetadata (`keyState`); `supplementaryConfiguration.KeyRotationStatus` says whether
 * automatic rotation was on, not its period; the key policy is not in the item at all.
 */
export function judgeKeyState(checkId: KmsCheck, r: RecordedItem): StateVerdict {
  const c = r.configuration;
  if (checkId === 'kms.key-policy-not-public')
    return {
      state: 'unknown',
      cause: 'not-in-config-item',
      reason: "AWS Config's AWS::KMS::Key item does not record the key policy",
    };
  if (!c)
    return {
      state: 'unknown',
      cause: 'unjudgeable',
      reason: 'the configuration item carries no readable configuration',
    };
  if (checkId === 'kms.key-usable') {
    const state = typeof c.keyState === 'string' ? c.keyState : undefined;
    if (!state) return { state: 'unknown', cause: 'unjudgeable', reason: 'the item records no key state' };
    if (state === 'Enabled') return { state: 'pass', reason: 'the key was Enabled' };
    const when =
      state === 'PendingDeletion' && typeof c.deletionDate === 'string'
        ? ` (deletion scheduled ${c.deletionDate.slice(0, 10)})`
        : '';
    return {
      state: 'fail',
      reason: `the key was ${state}${when}, so data under it could not be encrypted or read`,
    };
  }
  const scope = rotationScope(c);
  if (scope) return scope;
  const status = r.supplementary.KeyRotationStatus;
  if (status === true)
    return {
      state: 'pass',
      reason: 'automatic key rotation was on (AWS Config records whether it is on, not its period)',
    };
  if (status === false) return { state: 'fail', reason: 'automatic key rotation was off' };
  return {
    state: 'unknown',
    cause: 'not-in-config-item',
    reason: 'the item records no KeyRotationStatus',
  };
}

/** One customer managed key over the period, from its Config history and the account's KMS write events. */
export const judgeKeyOverPeriod = resourceOverPeriod({
  checks: KMS_CHECKS,
  judge: judgeKeyState,
  what: 'the key',
  events: EVENTS,
});
