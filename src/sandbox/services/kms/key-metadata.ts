/** The `KeyMetadata` structure DescribeKey and CreateKey return. */
import { epochSeconds } from './input.ts';
import { algorithmsFor } from './key-specs.ts';
import type { KmsKey } from './store.ts';

/** A key as AWS describes it. */
export function keyMetadata(key: KmsKey): Record<string, unknown> {
  return {
    AWSAccountId: key.accountId,
    KeyId: key.keyId,
    Arn: key.arn,
    CreationDate: epochSeconds(key.creationDate),
    Enabled: key.keyState === 'Enabled',
    Description: key.description,
    KeyUsage: key.keyUsage,
    KeyState: key.keyState,
    ...(key.deletionDate ? { DeletionDate: epochSeconds(key.deletionDate) } : {}),
    ...(key.pendingWindowInDays !== undefined && key.keyState === 'PendingDeletion'
      ? { PendingDeletionWindowInDays: key.pendingWindowInDays }
      : {}),
    Origin: key.origin,
    ...(key.origin === 'EXTERNAL' && key.material.kind !== 'none'
      ? { ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }
      : {}),
    KeyManager: key.keyManager,
    CustomerMasterKeySpec: key.keySpec,
    KeySpec: key.keySpec,
    ...algorithmsFor(key.keySpec, key.keyUsage),
    MultiRegion: key.multiRegion,
    ...(key.multiRegion
      ? {
          MultiRegionConfiguration: {
            MultiRegionKeyType: 'PRIMARY',
            PrimaryKey: { Arn: key.arn, Region: key.region },
            ReplicaKeys: [],
          },
        }
      : {}),
  };
}
