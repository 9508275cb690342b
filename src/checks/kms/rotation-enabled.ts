import type { CheckDefinition } from '../types.ts';
import { evidenceOf, gapVerdict, verdict } from '../support.ts';
import { forEachCustomerKey } from './key-support.ts';

const ID = 'kms.rotation-enabled';

/** `kms.rotation-enabled`: automatic rotation is on for symmetric customer managed keys. */
export const rotationEnabled: CheckDefinition = {
  id: ID,
  title: 'KMS key rotation is enabled',
  severity: 'medium',
  criteria: ['CC6.6', 'CC6.1'],
  description:
    'GetKeyRotationStatus is true; not applicable to asymmetric, HMAC, imported and custom key store keys.',
  reads: ['kms:DescribeKey', 'kms:GetKeyRotationStatus'],
  method:
    'Per customer managed key behind a bucket: passes when KeyRotationEnabled is true; fails when false; not applicable to asymmetric, HMAC, imported-material and custom key store keys; a denied or failed read is insufficient evidence.',
  evaluate: (ctx) =>
    forEachCustomerKey(ID, ctx, (key, meta) => {
      const ev = evidenceOf(key.metadata);
      if (meta.keySpec !== 'SYMMETRIC_DEFAULT') {
        const kind = meta.keySpec.startsWith('HMAC') ? 'an HMAC' : 'an asymmetric';
        return verdict(
          'not-applicable',
          `The key is ${kind} key (${meta.keySpec}); AWS does not rotate such keys automatically.`,
          ev,
        );
      }
      if (meta.origin === 'EXTERNAL')
        return verdict(
          'not-applicable',
          'The key uses imported key material (Origin EXTERNAL), which AWS cannot rotate automatically.',
          ev,
        );
      if (meta.customKeyStoreId || meta.origin === 'AWS_CLOUDHSM' || meta.origin === 'EXTERNAL_KEY_STORE') {
        return verdict(
          'not-applicable',
          'The key lives in a custom key store, which does not support automatic rotation.',
          ev,
        );
      }
      const rot = key.rotation;
      const evidence = evidenceOf(key.metadata, rot);
      if (rot.status === 'denied' || rot.status === 'error') return gapVerdict('key rotation', rot, evidence);
      if (rot.status === 'absent')
        return verdict(
          'not-applicable',
          `KMS does not support rotation for this key (${rot.errorCode}).`,
          evidence,
        );
      if (!rot.value.enabled) return verdict('fail', 'Automatic key rotation is disabled.', evidence);
      const period = rot.value.rotationPeriodInDays ? ` every ${rot.value.rotationPeriodInDays} days` : '';
      return verdict('pass', `Automatic key rotation is enabled${period}.`, evidence);
    }),
};
