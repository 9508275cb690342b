/**
 * The one snapshot builder for all tests (checks, capture, render, period, diff, e2e): buckets, keys,
 * trails, Config and accounts as the collectors read them, each outcome made by the typed builders in
 * ./outcomes.ts, so a test can only describe an estate the collectors could have produced.
 */
import type { Outcome } from '../../src/snapshot/outcome.ts';
import { absentOf, okOf, ref } from './outcomes.ts';
import type {
  AccountSnapshot,
  BucketSnapshot,
  ConfigRegionSnapshot,
  InventoryConfiguration,
  InventoryReportCounts,
  KmsKeyMetadata,
  KmsKeySnapshot,
  Snapshot,
  TrailSnapshot,
} from '../../src/snapshot/model.ts';
import type { Config } from '../../src/config/schema.ts';
import { configSchema } from '../../src/config/schema.ts';

export const ACCOUNT = '111122223333';
export const REGION = 'us-east-1';
export { absentOf, deniedOf, errorOf, okOf, ref } from './outcomes.ts';

const ALL_ON = {
  blockPublicAcls: true,
  ignorePublicAcls: true,
  blockPublicPolicy: true,
  restrictPublicBuckets: true,
};

/** A policy document string for a bucket. */
export function policyText(statements: unknown[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/** A bucket as AWS creates one today (SSE-S3, BPA on, BucketOwnerEnforced, no policy), with overrides. */
export function bucket(name: string, over: Partial<BucketSnapshot> = {}): BucketSnapshot {
  return {
    name,
    arn: `arn:aws:s3:::${name}`,
    accountId: ACCOUNT,
    region: REGION,
    regionSource: 'ListBuckets',
    encryption: okOf({ rules: [{ sseAlgorithm: 'AES256', bucketKeyEnabled: false }] }, 'GetBucketEncryption'),
    policy: absentOf('NoSuchBucketPolicy', 'GetBucketPolicy'),
    policyStatus: absentOf('NoSuchBucketPolicy', 'GetBucketPolicyStatus'),
    publicAccessBlock: okOf({ ...ALL_ON }, 'GetPublicAccessBlock'),
    acl: okOf(
      {
        ownerId: 'owner',
        grants: [{ granteeType: 'CanonicalUser', grantee: 'owner', permission: 'FULL_CONTROL' }],
      },
      'GetBucketAcl',
    ),
    ownershipControls: okOf({ objectOwnership: 'BucketOwnerEnforced' }, 'GetBucketOwnershipControls'),
    tags: absentOf('NoSuchTagSet', 'GetBucketTagging'),
    versioning: okOf({}, 'GetBucketVersioning'),
    inventoryConfigurations: okOf([], 'ListBucketInventoryConfigurations'),
    ...over,
  };
}

/** An S3 Inventory configuration as ListBucketInventoryConfigurations returns it (daily CSV, EncryptionStatus). */
export function inventoryConfig(over: Partial<InventoryConfiguration> = {}): InventoryConfiguration {
  return {
    id: 'daily-encryption',
    enabled: true,
    includedObjectVersions: 'Current',
    frequency: 'Daily',
    optionalFields: ['Size', 'EncryptionStatus', 'BucketKeyStatus'],
    destination: { bucketArn: 'arn:aws:s3:::acme-inventory', format: 'CSV', prefix: 'inventory' },
    ...over,
  };
}

/** The counts of a read inventory report; statuses not given count 0. */
export function inventoryCounts(
  byStatus: Partial<InventoryReportCounts['byEncryptionStatus']>,
  over: Partial<InventoryReportCounts> = {},
): InventoryReportCounts {
  const byEncryptionStatus = {
    'SSE-KMS': 0,
    'DSSE-KMS': 0,
    'SSE-S3': 0,
    'SSE-C': 0,
    'NOT-SSE': 0,
    ...byStatus,
  };
  return {
    manifestKey: 'inventory/b/daily-encryption/2026-02-28T01-00Z/manifest.json',
    createdAt: '2026-02-28T01:00:00.000Z',
    fileSchema: ['Bucket', 'Key', 'Size', 'EncryptionStatus', 'BucketKeyStatus'],
    dataFiles: 1,
    objects: Object.values(byEncryptionStatus).reduce((a, b) => a + b, 0),
    byEncryptionStatus,
    otherStatuses: {},
    dataEvidence: [ref('s3', 'GetObject')],
    ...over,
  };
}

/** A bucket with the given policy (IsPublic as given). */
export function withPolicy(b: BucketSnapshot, statements: unknown[], isPublic = false): BucketSnapshot {
  return {
    ...b,
    policy: okOf({ text: policyText(statements) }, 'GetBucketPolicy'),
    policyStatus: okOf({ isPublic }, 'GetBucketPolicyStatus'),
  };
}

export const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
export const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${KEY_ID}`;

export function keyMeta(over: Partial<KmsKeyMetadata> = {}): KmsKeyMetadata {
  return {
    keyId: KEY_ID,
    arn: KEY_ARN,
    keyAccountId: ACCOUNT,
    keyManager: 'CUSTOMER',
    keyState: 'Enabled',
    keySpec: 'SYMMETRIC_DEFAULT',
    keyUsage: 'ENCRYPT_DECRYPT',
    origin: 'AWS_KMS',
    ...over,
  };
}

export const OWN_ACCOUNT_KEY_POLICY = policyText([
  {
    Sid: 'EnableIAM',
    Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
    Action: 'kms:*',
    Resource: '*',
  },
]);

/** A customer managed key referenced as `alias/data` by the given buckets, with overrides. */
export function kmsKey(usedBy: string[], over: Partial<KmsKeySnapshot> = {}): KmsKeySnapshot {
  return {
    accountId: ACCOUNT,
    region: REGION,
    references: ['alias/data'],
    usedBy,
    metadata: okOf(keyMeta(), 'DescribeKey', 'kms'),
    policy: okOf({ text: OWN_ACCOUNT_KEY_POLICY }, 'GetKeyPolicy', 'kms'),
    rotation: okOf({ enabled: true, rotationPeriodInDays: 365 }, 'GetKeyRotationStatus', 'kms'),
    rotations: okOf(
      [{ rotationDate: '2025-06-01T00:00:00.000Z', rotationType: 'AUTOMATIC' }],
      'ListKeyRotations',
      'kms',
    ),
    aliases: ['alias/data'],
    ...over,
  };
}

/** SSE-KMS encryption naming `alias/data` (`null` key id: no KMSMasterKeyID, i.e. aws/s3). */
export function kmsEncryption(
  bucketKeyEnabled = true,
  keyIdOrNull: string | null = 'alias/data',
): Outcome<{ rules: { sseAlgorithm: string; kmsMasterKeyId?: string; bucketKeyEnabled: boolean }[] }> {
  const keyId = keyIdOrNull ?? undefined;
  return okOf(
    { rules: [{ sseAlgorithm: 'aws:kms', kmsMasterKeyId: keyId, bucketKeyEnabled }] },
    'GetBucketEncryption',
  );
}

/** A multi-region, logging trail recording all management events, with validation on. */
export function trail(over: Partial<TrailSnapshot> = {}): TrailSnapshot {
  return {
    name: 'org-trail',
    arn: `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/org-trail`,
    homeRegion: REGION,
    isMultiRegionTrail: true,
    isOrganizationTrail: false,
    logFileValidationEnabled: true,
    status: okOf({ isLogging: true }, 'GetTrailStatus', 'cloudtrail'),
    selectors: okOf(
      {
        eventSelectors: [
          {
            readWriteType: 'All',
            includeManagementEvents: true,
            excludeManagementEventSources: [],
            dataResources: [],
          },
        ],
      },
      'GetEventSelectors',
      'cloudtrail',
    ),
    ...over,
  };
}

/** AWS Config in a region with an active recorder and the three default rules. */
export function configRegion(over: Partial<ConfigRegionSnapshot> = {}): ConfigRegionSnapshot {
  const rule = (name: string, id: string) => ({
    name,
    owner: 'AWS',
    sourceIdentifier: id,
    scopeResourceTypes: ['AWS::S3::Bucket'],
  });
  return {
    accountId: ACCOUNT,
    region: REGION,
    recorders: okOf(
      [{ name: 'default', allSupported: true, includeGlobalResourceTypes: true, resourceTypes: [] }],
      'DescribeConfigurationRecorders',
      'config',
    ),
    recorderStatus: okOf(
      [{ name: 'default', recording: true, lastStatus: 'SUCCESS' }],
      'DescribeConfigurationRecorderStatus',
      'config',
    ),
    rules: okOf(
      [
        rule('s3-sse', 'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED'),
        rule('s3-read', 'S3_BUCKET_PUBLIC_READ_PROHIBITED'),
        rule('s3-write', 'S3_BUCKET_PUBLIC_WRITE_PROHIBITED'),
      ],
      'DescribeConfigRules',
      'config',
    ),
    results: [],
    ...over,
  };
}

/** An account with the given buckets, BPA on, one good trail, Config in the region. */
export function account(over: Partial<AccountSnapshot> = {}): AccountSnapshot {
  return {
    accountId: ACCOUNT,
    name: 'prod',
    source: { kind: 'caller' },
    identity: okOf({ arn: `arn:aws:iam::${ACCOUNT}:role/audit`, userId: 'AROA' }, 'GetCallerIdentity', 'sts'),
    regions: [REGION],
    bucketListing: okOf({ count: 0 }, 'ListBuckets'),
    buckets: [],
    accountPublicAccessBlock: okOf({ ...ALL_ON }, 'GetPublicAccessBlock', 's3control'),
    kmsKeys: [],
    config: [configRegion()],
    cloudTrail: {
      discovery: [
        { region: REGION, result: okOf({ trailArns: [trail().arn] }, 'DescribeTrails', 'cloudtrail') },
      ],
      trails: [trail()],
      keyUsage: [],
    },
    ...over,
  };
}

export function snapshot(accounts: AccountSnapshot[]): Snapshot {
  return {
    schema: 'evidence-pack/snapshot@1',
    tool: { name: 'evidence-pack', version: '0.0.0-test' },
    // A run id in the form the tool writes (collection start, then 8 hex digits).
    runId: '20260301T100000Z-0123abcd',
    collection: { startedAt: '2026-03-01T10:00:00.000Z', finishedAt: '2026-03-01T10:05:00.000Z' },
    caller: { accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:role/audit`, userId: 'AROA' },
    sandbox: false,
    accounts,
  };
}

/** A config with defaults applied and the given overrides (user-config shape). */
export function config(over: Record<string, unknown> = {}): Config {
  return configSchema.parse({ organization: 'Acme', ...over });
}
