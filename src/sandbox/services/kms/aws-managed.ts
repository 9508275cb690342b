/**
 * AWS managed keys (`alias/aws/<service>`), which AWS creates in a region the first time a service
 * uses them or someone describes the alias.
 */
import type { SandboxStateApi } from '../../types.ts';
import { KEY_SPECS } from './key-specs.ts';
import { awsManagedKeyPolicy } from './key-policy.ts';
import type { KmsKey } from './store.ts';
import { keyArnOf, kmsRegion, nextKeyId } from './store.ts';

/** Services whose AWS managed key the sandbox can create, by alias (`alias/aws/<service>`). */
const MANAGED_KEY_SERVICES = new Map<string, string>([
  ['alias/aws/s3', 's3'],
  ['alias/aws/ebs', 'ec2'],
  ['alias/aws/rds', 'rds'],
  ['alias/aws/lambda', 'lambda'],
  ['alias/aws/sns', 'sns'],
  ['alias/aws/sqs', 'sqs'],
  ['alias/aws/secretsmanager', 'secretsmanager'],
  ['alias/aws/dynamodb', 'dynamodb'],
]);

/** True when `aliasName` names an AWS managed key the sandbox creates on first use. */
export function isCreatableAwsManagedAlias(aliasName: string): boolean {
  return MANAGED_KEY_SERVICES.has(aliasName);
}

/**
 * The AWS managed key behind `aliasName` in the account and region, created (with its alias) on
 * first use. AWS managed keys are symmetric, owned by KMS (`KeyManager: AWS`) and rotate yearly.
 */
export function ensureAwsManagedKey(
  state: SandboxStateApi,
  accountId: string,
  region: string,
  aliasName: string,
): KmsKey {
  const service = MANAGED_KEY_SERVICES.get(aliasName);
  if (!service) throw new Error(`not an AWS managed key alias the sandbox knows: ${aliasName}`);
  const kms = kmsRegion(state.account(accountId), region);
  const existing = kms.aliases.get(aliasName);
  const existingKey = existing ? kms.keys.get(existing.targetKeyId) : undefined;
  if (existingKey) return existingKey;
  const now = state.now();
  const keyId = nextKeyId(accountId, region, kms, aliasName);
  const spec = KEY_SPECS.SYMMETRIC_DEFAULT;
  if (!spec) throw new Error('SYMMETRIC_DEFAULT spec missing');
  const key: KmsKey = {
    keyId,
    arn: keyArnOf(accountId, region, keyId),
    accountId,
    region,
    creationDate: now,
    description: `Default key that protects my ${service.toUpperCase()} data when no other key is defined`,
    keyUsage: 'ENCRYPT_DECRYPT',
    keySpec: 'SYMMETRIC_DEFAULT',
    origin: 'AWS_KMS',
    keyManager: 'AWS',
    keyState: 'Enabled',
    policy: awsManagedKeyPolicy(accountId, region, service),
    rotation: { enabled: true, periodInDays: 365, enabledAt: now },
    multiRegion: false,
    tags: [],
    material: spec.generate('ENCRYPT_DECRYPT'),
  };
  kms.keys.set(keyId, key);
  kms.aliases.set(aliasName, {
    name: aliasName,
    targetKeyId: keyId,
    creationDate: now,
    lastUpdatedDate: now,
  });
  return key;
}
