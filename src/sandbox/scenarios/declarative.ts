/**
 * Fast declarative loading: buckets and account settings written straight into the state (no
 * HTTP), for large generated scenarios. Every bucket starts as AWS creates one today; the spec
 * overrides what differs. Each loaded bucket gets one `ResourceDiscovered` history item.
 */
import { cannedAcl } from '../s3/acl.ts';
import { newBucket } from '../s3/bucket-defaults.ts';
import { recordBucketChange } from '../s3/history.ts';
import { defaultKeyPolicy } from '../services/kms/key-policy.ts';
import { KEY_SPECS } from '../services/kms/key-specs.ts';
import { keyArnOf, kmsRegion, type KmsKey } from '../services/kms/store.ts';
import type { SandboxState } from '../state.ts';
import type { BucketState, EncryptionRuleState, GrantState, PabState } from '../types.ts';

/** One bucket; unset fields keep today's defaults, `null` removes the setting. */
export interface DeclarativeBucket {
  name: string;
  /** Default: the state's default account. */
  accountId?: string;
  /** Default `us-east-1`. */
  region?: string;
  creationDate?: Date;
  encryption?: EncryptionRuleState[] | null;
  /** Policy document (object or JSON text). */
  policy?: string | Record<string, unknown> | null;
  publicAccessBlock?: PabState | null;
  objectOwnership?: BucketState['objectOwnership'] | null;
  /** Canned ACL name or explicit grants. */
  acl?: string | GrantState[];
  tags?: Record<string, string>;
  versioning?: 'Enabled' | 'Suspended';
  objectLock?: BucketState['objectLock'];
}

/** One customer managed symmetric KMS key (enabled, with the default key policy unless given). */
export interface DeclarativeKmsKey {
  /** The key id (the last part of its ARN). */
  keyId: string;
  region: string;
  /** Default: the state's default account. */
  accountId?: string;
  description?: string;
  /** Automatic rotation; default off, as CreateKey leaves it. */
  rotation?: boolean;
  /** Key policy document (object or JSON text); default: the policy CreateKey gives. */
  policy?: string | Record<string, unknown>;
}

/** A whole declarative scenario. */
export interface DeclarativeSpec {
  accounts?: { id: string; publicAccessBlock?: PabState | null }[];
  kmsKeys?: DeclarativeKmsKey[];
  buckets?: DeclarativeBucket[];
}

/** Build one KMS key from its declaration. */
function declaredKmsKey(state: SandboxState, spec: DeclarativeKmsKey): KmsKey {
  const accountId = state.account(spec.accountId ?? state.defaultAccountId).id;
  const symmetric = KEY_SPECS['SYMMETRIC_DEFAULT'];
  if (!symmetric) throw new Error('SYMMETRIC_DEFAULT key spec missing');
  const now = state.now();
  const policy =
    spec.policy === undefined
      ? defaultKeyPolicy(accountId)
      : typeof spec.policy === 'string'
        ? spec.policy
        : JSON.stringify(spec.policy);
  return {
    keyId: spec.keyId,
    arn: keyArnOf(accountId, spec.region, spec.keyId),
    accountId,
    region: spec.region,
    creationDate: now,
    description: spec.description ?? '',
    keyUsage: 'ENCRYPT_DECRYPT',
    keySpec: 'SYMMETRIC_DEFAULT',
    origin: 'AWS_KMS',
    keyManager: 'CUSTOMER',
    keyState: 'Enabled',
    policy,
    rotation: spec.rotation
      ? { enabled: true, periodInDays: 365, enabledAt: now }
      : { enabled: false, periodInDays: 365 },
    multiRegion: false,
    tags: [],
    material: symmetric.generate('ENCRYPT_DECRYPT'),
  };
}

function override<T>(value: T | null | undefined, fallback: T | undefined): T | undefined {
  return value === undefined ? fallback : (value ?? undefined);
}

/** Build one bucket from its declaration. */
function declaredBucket(state: SandboxState, spec: DeclarativeBucket): BucketState {
  const account = state.account(spec.accountId ?? state.defaultAccountId);
  const bucket = newBucket({
    name: spec.name,
    accountId: account.id,
    canonicalId: account.canonicalId,
    region: spec.region ?? 'us-east-1',
    creationDate: spec.creationDate ?? state.now(),
  });
  bucket.encryption = override(spec.encryption, bucket.encryption);
  bucket.publicAccessBlock = override(spec.publicAccessBlock, bucket.publicAccessBlock);
  bucket.objectOwnership = override(spec.objectOwnership, bucket.objectOwnership);
  const policy = override(spec.policy, undefined);
  bucket.policy = typeof policy === 'object' ? JSON.stringify(policy) : policy;
  if (spec.acl !== undefined)
    bucket.acl = typeof spec.acl === 'string' ? cannedAcl(spec.acl, account.canonicalId) : spec.acl;
  bucket.tags = spec.tags;
  bucket.versioning = spec.versioning ?? (spec.objectLock?.enabled ? 'Enabled' : undefined);
  bucket.objectLock = spec.objectLock;
  return bucket;
}

/**
 * Write a spec into the state (KMS keys first, so buckets can name them). Throws when a bucket name
 * is already taken (the namespace is global) or a key id is already used in its region.
 */
export function loadDeclarative(state: SandboxState, spec: DeclarativeSpec): void {
  for (const account of spec.accounts ?? []) {
    const target = state.account(account.id);
    if (account.publicAccessBlock !== undefined)
      target.accountPublicAccessBlock = account.publicAccessBlock ?? undefined;
  }
  for (const declared of spec.kmsKeys ?? []) {
    const key = declaredKmsKey(state, declared);
    const keys = kmsRegion(state.account(key.accountId), key.region).keys;
    if (keys.has(key.keyId)) throw new Error(`KMS key ${key.keyId} already exists in ${key.region}`);
    keys.set(key.keyId, key);
  }
  for (const declared of spec.buckets ?? []) {
    if (state.buckets.has(declared.name)) throw new Error(`bucket ${declared.name} already exists`);
    const bucket = declaredBucket(state, declared);
    state.buckets.set(bucket.name, bucket);
    recordBucketChange(state, bucket, 'ResourceDiscovered');
  }
}
