import type { CheckDefinition } from '../types.ts';
import { evidenceOf, verdict } from '../support.ts';
import { forEachCustomerKey } from './key-support.ts';

const ID = 'kms.key-usable';

/** `kms.key-usable`: every customer managed key behind a bucket is Enabled. */
export const keyUsable: CheckDefinition = {
  id: ID,
  title: 'KMS key behind a bucket is usable',
  severity: 'high',
  criteria: ['CC6.6', 'CC6.1'],
  description: 'KeyState is Enabled; a disabled or pending-deletion key makes the data unreadable.',
  reads: ['kms:DescribeKey'],
  method:
    'Per customer managed key behind a bucket: passes when KeyState is Enabled; any other state (Disabled, PendingDeletion...) fails; a denied or failed DescribeKey is insufficient evidence.',
  evaluate: (ctx) =>
    forEachCustomerKey(ID, ctx, (key, meta) => {
      const ev = evidenceOf(key.metadata);
      const users = key.usedBy.length;
      if (meta.keyState === 'Enabled')
        return verdict('pass', `The key is enabled and protects ${users} bucket(s).`, ev);
      const when =
        meta.keyState === 'PendingDeletion' && meta.deletionDate
          ? ` (deletion scheduled ${meta.deletionDate})`
          : '';
      return verdict(
        'fail',
        `The key is ${meta.keyState}${when} while ${users} bucket(s) use it, so their data cannot be encrypted or read.`,
        ev,
      );
    }),
};
