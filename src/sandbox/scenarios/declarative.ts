/**
 * Fast declarative loading: buckets and account settings written straight into the state (no
 * HTTP), for large generated scenarios. Every bucket starts as AWS creates one today; the spec
 * overrides what differs. Each loaded bucket gets one `ResourceDiscovered` history item.
 */
import { cannedAcl } from '../s3/acl.ts';
import { newBucket } from '../s3/bucket-defaults.ts';
import { recordBucketChange } from '../s3/history.ts';
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

/** A whole declarative scenario. */
export interface DeclarativeSpec {
  accounts?: { id: string; publicAccessBlock?: PabState | null }[];
  buckets?: DeclarativeBucket[];
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
 * Write a spec into the state. Throws when a bucket name is already taken (the namespace is global).
 */
export function loadDeclarative(state: SandboxState, spec: DeclarativeSpec): void {
  for (const account of spec.accounts ?? []) {
    const target = state.account(account.id);
    if (account.publicAccessBlock !== undefined)
      target.accountPublicAccessBlock = account.publicAccessBlock ?? undefined;
  }
  for (const declared of spec.buckets ?? []) {
    if (state.buckets.has(declared.name)) throw new Error(`bucket ${declared.name} already exists`);
    const bucket = declaredBucket(state, declared);
    state.buckets.set(bucket.name, bucket);
    recordBucketChange(state, bucket, 'ResourceDiscovered');
  }
}
