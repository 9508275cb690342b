/**
 * A KMS key as AWS Config records it (`AWS::KMS::Key`): the `configuration` is DescribeKey's
 * KeyMetadata in camelCase, `supplementaryConfiguration.KeyRotationStatus` whether automatic
 * rotation is on. Config records neither the key policy nor the rotation period.
 */
import type { AccountState } from '../../types.ts';
import { KMS_KEY_TYPE, configIdForm, recordResourceState } from '../config/resource-history.ts';
import { keyMetadata } from './key-metadata.ts';
import type { KmsKey } from './store.ts';

/** `KeyMetadata` field names as Config spells them (`AWSAccountId` → `awsaccountId`). */
function camel(name: string): string {
  if (name === 'AWSAccountId') return 'awsaccountId';
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function camelize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelize);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [camel(k), camelize(v)]));
  return value;
}

const DATE_FIELDS = new Set(['creationDate', 'deletionDate', 'validTo']);

/** Record the key's configuration in its account's Config history (a no-op when unchanged). */
export function recordKeyConfiguration(account: AccountState, key: KmsKey, now: Date): void {
  if (key.keyManager !== 'CUSTOMER') return;
  const configuration = camelize(keyMetadata(key)) as Record<string, unknown>;
  for (const f of DATE_FIELDS) {
    const v = configuration[f];
    if (typeof v === 'number') configuration[f] = new Date(v * 1000).toISOString();
  }
  recordResourceState(
    account,
    {
      resourceType: KMS_KEY_TYPE,
      resourceId: configIdForm(account, KMS_KEY_TYPE) === 'arn' ? key.arn : key.keyId,
      resourceName: key.keyId,
      arn: key.arn,
      accountId: key.accountId,
      region: key.region,
      resourceCreationTime: key.creationDate,
      configuration,
      supplementaryConfiguration: { KeyRotationStatus: key.rotation.enabled },
    },
    now,
  );
}
