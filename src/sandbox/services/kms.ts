/**
 * The sandbox's AWS KMS (JSON 1.1, `TrentService.<Operation>`). Keys and aliases live per account
 * and region; every successful call is recorded as a CloudTrail management event naming the keys
 * it touched, so LookupEvents shows real key-usage evidence.
 */
import type { JsonRequest, JsonService } from '../types.ts';
import { recordCall } from './cloudtrail/record-call.ts';
import type { KmsCall, KmsHandler } from './kms/call.ts';
import { recordKeyConfiguration } from './kms/config-item.ts';
import { createAlias, deleteAlias, listAliases, updateAlias } from './kms/handlers/aliases.ts';
import {
  decrypt,
  encrypt,
  generateDataKey,
  generateDataKeyWithoutPlaintext,
  generateMac,
  getPublicKey,
  sign,
  verify,
  verifyMac,
} from './kms/handlers/crypto.ts';
import {
  cancelKeyDeletion,
  createKey,
  describeKey,
  disableKey,
  enableKey,
  listKeys,
  listResourceTags,
  scheduleKeyDeletion,
  updateKeyDescription,
} from './kms/handlers/keys.ts';
import { getKeyPolicy, listKeyPolicies, putKeyPolicy } from './kms/handlers/policy.ts';
import {
  disableKeyRotation,
  enableKeyRotation,
  getKeyRotationStatus,
  listKeyRotations,
  rotateKeyOnDemand,
} from './kms/handlers/rotation.ts';

export { ensureAwsManagedKey } from './kms/aws-managed.ts';

/** Operations CloudTrail marks `readOnly: false`; everything else KMS logs as read-only. */
const WRITE_OPERATIONS = new Set([
  'CreateKey',
  'EnableKey',
  'DisableKey',
  'ScheduleKeyDeletion',
  'CancelKeyDeletion',
  'UpdateKeyDescription',
  'CreateAlias',
  'UpdateAlias',
  'DeleteAlias',
  'PutKeyPolicy',
  'EnableKeyRotation',
  'DisableKeyRotation',
  'RotateKeyOnDemand',
]);

const HANDLERS: Record<string, KmsHandler> = {
  CreateKey: createKey,
  DescribeKey: describeKey,
  ListKeys: listKeys,
  EnableKey: enableKey,
  DisableKey: disableKey,
  ScheduleKeyDeletion: scheduleKeyDeletion,
  CancelKeyDeletion: cancelKeyDeletion,
  UpdateKeyDescription: updateKeyDescription,
  ListResourceTags: listResourceTags,
  CreateAlias: createAlias,
  UpdateAlias: updateAlias,
  DeleteAlias: deleteAlias,
  ListAliases: listAliases,
  GetKeyPolicy: getKeyPolicy,
  PutKeyPolicy: putKeyPolicy,
  ListKeyPolicies: listKeyPolicies,
  EnableKeyRotation: enableKeyRotation,
  DisableKeyRotation: disableKeyRotation,
  GetKeyRotationStatus: getKeyRotationStatus,
  RotateKeyOnDemand: rotateKeyOnDemand,
  ListKeyRotations: listKeyRotations,
  Sign: sign,
  Verify: verify,
  GetPublicKey: getPublicKey,
  Encrypt: encrypt,
  Decrypt: decrypt,
  GenerateDataKey: generateDataKey,
  GenerateDataKeyWithoutPlaintext: generateDataKeyWithoutPlaintext,
  GenerateMac: generateMac,
  VerifyMac: verifyMac,
};

function withEvent(handler: KmsHandler) {
  return (req: JsonRequest): unknown => {
    const call: KmsCall = { req, touched: [] };
    const output = handler(call);
    const arns = [...new Set(call.touched.map((k) => k.arn))];
    // AWS Config records each key whose configuration this write changed.
    if (WRITE_OPERATIONS.has(req.operation))
      for (const key of new Set(call.touched))
        recordKeyConfiguration(req.state.account(key.accountId), key, req.state.now());
    recordCall(req, {
      eventSource: 'kms.amazonaws.com',
      readOnly: !WRITE_OPERATIONS.has(req.operation),
      resources: arns.map((name) => ({ type: 'AWS::KMS::Key', name })),
    });
    return output;
  };
}

/** KMS operations by name, for the server's JSON 1.1 dispatcher. */
export const kmsService: JsonService = Object.fromEntries(
  Object.entries(HANDLERS).map(([name, handler]) => [name, withEvent(handler)]),
);
