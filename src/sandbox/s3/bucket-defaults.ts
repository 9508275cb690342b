/**
 * How a bucket looks when it is created today (SSE-S3 default encryption with SSE-C blocked, all
 * four Block Public Access flags on, ObjectOwnership `BucketOwnerEnforced`), and the effective Block Public Access
 * of a bucket (bucket OR account level).
 */
import type { SandboxStateApi } from '../types.ts';
import type { BucketState, EncryptionRuleState, GrantState, PabState } from '../types.ts';
import { effectiveAccountPab } from '../organizations/s3-policy.ts';

/** Regions a bucket may be created in (commercial partition). */
export const S3_REGIONS: ReadonlySet<string> = new Set([
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'af-south-1',
  'ap-east-1',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ca-central-1',
  'ca-west-1',
  'eu-central-1',
  'eu-central-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-south-1',
  'eu-south-2',
  'eu-north-1',
  'il-central-1',
  'me-south-1',
  'me-central-1',
  'sa-east-1',
]);

/** All four Block Public Access flags on. */
export function allBlocked(): PabState {
  return {
    BlockPublicAcls: true,
    IgnorePublicAcls: true,
    BlockPublicPolicy: true,
    RestrictPublicBuckets: true,
  };
}

/** The owner-only ACL (`private`). */
export function ownerFullControl(canonicalId: string): GrantState[] {
  return [{ type: 'CanonicalUser', id: canonicalId, permission: 'FULL_CONTROL' }];
}

/**
 * Regions where new buckets still allow SSE-C: since April 2026 S3 blocks SSE-C on every new general
 * purpose bucket except in Middle East (Bahrain) and Middle East (UAE).
 */
const SSE_C_ALLOWED_BY_DEFAULT: ReadonlySet<string> = new Set(['me-south-1', 'me-central-1']);

/** The default encryption rule of a new bucket in `region`: SSE-S3, SSE-C blocked where S3 blocks it. */
export function defaultEncryptionRule(region: string): EncryptionRuleState {
  return {
    SSEAlgorithm: 'AES256',
    BucketKeyEnabled: false,
    ...(SSE_C_ALLOWED_BY_DEFAULT.has(region) ? {} : { BlockedEncryptionTypes: ['SSE-C'] }),
  };
}

/** A bucket as AWS creates it today. */
export function newBucket(opts: {
  name: string;
  accountId: string;
  canonicalId: string;
  region: string;
  creationDate: Date;
}): BucketState {
  return {
    name: opts.name,
    accountId: opts.accountId,
    region: opts.region,
    creationDate: opts.creationDate,
    encryption: [defaultEncryptionRule(opts.region)],
    publicAccessBlock: allBlocked(),
    ownerId: opts.canonicalId,
    acl: ownerFullControl(opts.canonicalId),
    objectOwnership: 'BucketOwnerEnforced',
    objects: new Map(),
  };
}

/** One Block Public Access flag as in force: on at the bucket or at its account. */
export function blockFlag(state: SandboxStateApi, bucket: BucketState, flag: keyof PabState): boolean {
  return Boolean(bucket.publicAccessBlock?.[flag] || effectiveAccountPab(state, bucket.accountId)?.[flag]);
}

/** Bucket names S3 accepts for new general purpose buckets. */
export function isValidBucketName(name: string): boolean {
  return (
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) &&
    !name.includes('..') &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(name) &&
    !name.startsWith('xn--') &&
    !name.endsWith('-s3alias')
  );
}
