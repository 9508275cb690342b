/**
 * Generated scenarios for scale and variety: N buckets spread over R regions with a seeded mix of
 * encryption kinds, policies (private and public), Block Public Access, ACLs, ownership and tags.
 */
import { seededRandom } from '../faults.ts';
import type { DeclarativeBucket, DeclarativeKmsKey, DeclarativeSpec } from './declarative.ts';

/** Parameters of a generated scenario. */
export interface GenerateOptions {
  buckets: number;
  /** How many regions to spread over (from a fixed list), default 3. */
  regions?: number;
  seed?: number;
  accountId?: string;
  /** Bucket name prefix, default `gen`. */
  prefix?: string;
  /** Customer managed keys per region that the SSE-KMS buckets share, default 3. */
  keysPerRegion?: number;
}

const REGIONS = [
  'us-east-1',
  'eu-west-1',
  'us-west-2',
  'eu-central-1',
  'ap-southeast-2',
  'us-east-2',
  'ap-northeast-1',
  'sa-east-1',
];

/**
 * Customer managed keys per region that SSE-KMS buckets share, as in real estates where a few
 * keys (per team or data class) protect many buckets.
 */
const KEYS_PER_REGION = 3;

function generatedKeyId(region: string, n: number): string {
  return `gen-${region}-${n}`;
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function publicReadPolicy(name: string): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${name}/*` },
    ],
  };
}

function tlsOnlyPolicy(name: string): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [`arn:aws:s3:::${name}`, `arn:aws:s3:::${name}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ],
  };
}

function generatedBucket(
  random: () => number,
  index: number,
  options: Required<Omit<GenerateOptions, 'accountId'>> & { accountId?: string | undefined },
  regions: string[],
): DeclarativeBucket {
  const name = `${options.prefix}-${String(index).padStart(6, '0')}`;
  const region = pick(random, regions);
  const bucket: DeclarativeBucket = {
    name,
    region,
    ...(options.accountId ? { accountId: options.accountId } : {}),
  };
  const encryption = random();
  if (encryption < 0.15) {
    bucket.encryption = [
      {
        SSEAlgorithm: 'aws:kms',
        KMSMasterKeyID: `arn:aws:kms:${region}:${options.accountId ?? '111122223333'}:key/${generatedKeyId(region, index % options.keysPerRegion)}`,
        BucketKeyEnabled: true,
      },
    ];
  } else if (encryption < 0.25) {
    bucket.encryption = [{ SSEAlgorithm: 'aws:kms', BucketKeyEnabled: false }];
  } else if (encryption < 0.3) {
    bucket.encryption = null;
  }
  const exposure = random();
  if (exposure < 0.05) {
    bucket.publicAccessBlock = null;
    bucket.policy = publicReadPolicy(name);
  } else if (exposure < 0.08) {
    bucket.publicAccessBlock = null;
    bucket.objectOwnership = 'ObjectWriter';
    bucket.acl = 'public-read';
  } else if (exposure < 0.4) {
    bucket.policy = tlsOnlyPolicy(name);
  } else if (exposure < 0.45) {
    bucket.publicAccessBlock = {
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: false,
      RestrictPublicBuckets: false,
    };
  }
  if (random() < 0.5)
    bucket.tags = {
      env: pick(random, ['prod', 'staging', 'dev']),
      owner: pick(random, ['data', 'web', 'platform']),
    };
  if (random() < 0.3) bucket.versioning = 'Enabled';
  return bucket;
}

/** A reproducible declarative spec: same options, same spec. */
export function generateScenario(options: GenerateOptions): DeclarativeSpec {
  const random = seededRandom(options.seed ?? 42);
  const regions = REGIONS.slice(0, Math.max(1, Math.min(options.regions ?? 3, REGIONS.length)));
  const full = {
    buckets: options.buckets,
    regions: regions.length,
    seed: options.seed ?? 42,
    prefix: options.prefix ?? 'gen',
    accountId: options.accountId,
    keysPerRegion: Math.max(1, options.keysPerRegion ?? KEYS_PER_REGION),
  };
  const buckets: DeclarativeBucket[] = [];
  for (let i = 0; i < options.buckets; i++) buckets.push(generatedBucket(random, i, full, regions));
  const kmsKeys: DeclarativeKmsKey[] = regions.flatMap((region) =>
    Array.from({ length: full.keysPerRegion }, (_, n) => ({
      keyId: generatedKeyId(region, n),
      region,
      ...(options.accountId ? { accountId: options.accountId } : {}),
      description: `generated key ${n} for SSE-KMS buckets`,
      rotation: full.keysPerRegion === 1 || n !== full.keysPerRegion - 1,
    })),
  );
  return { kmsKeys, buckets };
}
