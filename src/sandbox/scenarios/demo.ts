import {
  CreateBucketCommand,
  DeleteBucketEncryptionCommand,
  DeleteBucketPolicyCommand,
  DeletePublicAccessBlockCommand,
  GetBucketPolicyCommand,
  PutBucketAbacCommand,
  PutBucketAclCommand,
  PutBucketEncryptionCommand,
  PutBucketInventoryConfigurationCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
  S3Client,
  type InventoryConfiguration,
  type BucketLocationConstraint,
} from '@aws-sdk/client-s3';
import {
  PutPublicAccessBlockCommand as PutAccountPabCommand,
  S3ControlClient,
} from '@aws-sdk/client-s3-control';
import {
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  DecryptCommand,
  DisableKeyRotationCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GetKeyPolicyCommand,
  KMSClient,
  PutKeyPolicyCommand,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import {
  ConfigServiceClient,
  PutConfigRuleCommand,
  PutConfigurationAggregatorCommand,
  PutConfigurationRecorderCommand,
  PutDeliveryChannelCommand,
  StartConfigRulesEvaluationCommand,
  StartConfigurationRecorderCommand,
} from '@aws-sdk/client-config-service';
import {
  CloudTrailClient,
  CreateTrailCommand,
  UpdateTrailCommand,
  PutEventSelectorsCommand,
  StartLoggingCommand,
} from '@aws-sdk/client-cloudtrail';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { setClock } from './clock.ts';

/**
 * The demo estate: two accounts (the caller's and one reached by role), three regions, fifteen
 * buckets, keys, AWS Config and CloudTrail — built only through ordinary AWS write calls, so the
 * same script could set up a real sandbox account. It is designed so that every check has each
 * outcome it can have (pass, fail, excepted, not-applicable, insufficient-evidence); the expected
 * outcomes are listed in DEMO_EXPECTATIONS and asserted by the end-to-end test.
 */

/** The demo's caller account and the account reached by role. */
export const DEMO_ACCOUNT = '111122223333';
export const DEMO_SECOND_ACCOUNT = '444455556666';
/** Role in the second account that the demo config assumes. */
export const DEMO_ROLE_ARN = `arn:aws:iam::${DEMO_SECOND_ACCOUNT}:role/EvidencePackReader`;

/** Long-term sandbox credentials of the demo caller (the sandbox accepts any long-term key). */
export const DEMO_CREDENTIALS: AwsCredentialIdentity = {
  accessKeyId: 'AKIADEMOEVIDENCEPACK',
  secretAccessKey: 'demo-secret-access-key-not-a-real-secret',
};

/** Alias of the asymmetric KMS key (us-east-1) that signs demo packs. */
export const DEMO_SIGNING_KEY = 'alias/evidence-pack-signing';

/**
 * Buckets the demo loads as "legacy": no default encryption at all, as older partitions and other
 * emulators still report. Today's AWS never leaves a bucket unencrypted (DeleteBucketEncryption falls
 * back to SSE-S3), so this state cannot be reached through the API and is set directly.
 */
export const DEMO_LEGACY_UNENCRYPTED = ['acme-legacy-uploads'];

/**
 * S3 Inventory in the demo: acme-payments-archive reports EncryptionStatus daily (to itself, under
 * inventory/) and its delivered report lists objects of a batch written before January 2023 that
 * were never encrypted (NOT-SSE) — objects today's API cannot create, so the scenario loader adds
 * them to the state before the report is delivered; acme-eu-customer-data's report lists SSE-KMS
 * objects only; acme-customer-data-prod has a weekly inventory without EncryptionStatus.
 */
export const DEMO_INVENTORY = {
  bucket: 'acme-payments-archive',
  configurationId: 'daily-encryption',
  /** Buckets whose reports are delivered once the estate is built: [bucket, configuration id]. */
  delivered: [
    ['acme-payments-archive', 'daily-encryption'],
    ['acme-eu-customer-data', 'daily-encryption'],
  ],
  legacyUnencrypted: [
    'batch-2021/settlement-0001.csv',
    'batch-2021/settlement-0002.csv',
    'batch-2021/settlement-0003.csv',
  ],
} as const;

/** An inventory configuration delivering CSV to the bucket itself under `inventory/`. */
const inventoryTo = (
  bucket: string,
  id: string,
  over: Partial<InventoryConfiguration>,
): InventoryConfiguration => ({
  Id: id,
  IsEnabled: true,
  IncludedObjectVersions: 'Current',
  Schedule: { Frequency: 'Daily' },
  Destination: {
    S3BucketDestination: {
      AccountId: DEMO_ACCOUNT,
      Bucket: `arn:aws:s3:::${bucket}`,
      Format: 'CSV',
      Prefix: 'inventory',
    },
  },
  ...over,
});

/** Buckets that the demo config makes the sandbox refuse to describe (AccessDenied faults). */
export const DEMO_DENIED = [
  {
    bucket: 'acme-ml-training-data',
    operations: [
      'GetBucketPolicy',
      'GetBucketEncryption',
      'GetBucketAcl',
      'ListBucketInventoryConfigurations',
    ],
  },
];

const tls = (bucket: string, bool: boolean | string = 'false', op = 'Bool') => ({
  Sid: 'DenyInsecureTransport',
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:*',
  Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
  Condition: { [op]: { 'aws:SecureTransport': bool } },
});

const denyUnencrypted = (bucket: string) => [
  {
    Sid: 'DenyIncorrectEncryptionHeader',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:PutObject',
    Resource: `arn:aws:s3:::${bucket}/*`,
    Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': ['aws:kms', 'aws:kms:dsse'] } },
  },
  {
    Sid: 'DenyUnencryptedObjectUploads',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:PutObject',
    Resource: `arn:aws:s3:::${bucket}/*`,
    Condition: { Null: { 's3:x-amz-server-side-encryption': 'true' } },
  },
];

/** The bucket policy CloudTrail needs on its log bucket (AWS refuses CreateTrail without it). */
const cloudTrailDelivery = (bucket: string, account: string) => [
  {
    Sid: 'AWSCloudTrailAclCheck',
    Effect: 'Allow',
    Principal: { Service: 'cloudtrail.amazonaws.com' },
    Action: 's3:GetBucketAcl',
    Resource: `arn:aws:s3:::${bucket}`,
  },
  {
    Sid: 'AWSCloudTrailWrite',
    Effect: 'Allow',
    Principal: { Service: 'cloudtrail.amazonaws.com' },
    Action: 's3:PutObject',
    Resource: `arn:aws:s3:::${bucket}/AWSLogs/${account}/*`,
    Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
  },
];

const policy = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

/** The statement of AWS's default key policy: the account (its IAM policies) may use the key. */
const ROOT_KEY_ACCESS = {
  Sid: 'EnableRootPermissions',
  Effect: 'Allow',
  Principal: { AWS: `arn:aws:iam::${DEMO_ACCOUNT}:root` },
  Action: 'kms:*',
  Resource: '*',
};

interface Ctx {
  endpoint: string;
  credentials: AwsCredentialIdentity;
}

function clients(ctx: Ctx, region: string) {
  const common = { region, endpoint: ctx.endpoint, credentials: ctx.credentials, maxAttempts: 1 };
  return {
    s3: new S3Client({ ...common, forcePathStyle: true }),
    kms: new KMSClient(common),
    config: new ConfigServiceClient(common),
    trail: new CloudTrailClient(common),
  };
}

async function bucket(
  s3: S3Client,
  name: string,
  region: string,
  opts: {
    tags?: Record<string, string>;
    sse?: { algorithm: 'AES256' | 'aws:kms' | 'aws:kms:dsse'; key?: string; bucketKey?: boolean } | 'none';
    policy?: string;
    pab?: [boolean, boolean, boolean, boolean] | 'none';
    ownership?: 'BucketOwnerEnforced' | 'BucketOwnerPreferred' | 'ObjectWriter';
    acl?: 'public-read' | 'authenticated-read';
    versioning?: boolean;
    /**
     * SSE-C with a configured default encryption: `blocked` (default) keeps the block a new bucket
     * has, as PutBucketEncryption replaces the whole configuration; `allowed` sets NONE.
     */
    sseC?: 'blocked' | 'allowed';
    /** PutBucketAbac Enabled: the bucket's tags then govern access. */
    abac?: boolean;
  } = {},
): Promise<void> {
  await s3.send(
    new CreateBucketCommand({
      Bucket: name,
      ...(region === 'us-east-1'
        ? {}
        : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
    }),
  );
  if (opts.tags) {
    await s3.send(
      new PutBucketTaggingCommand({
        Bucket: name,
        Tagging: { TagSet: Object.entries(opts.tags).map(([Key, Value]) => ({ Key, Value })) },
      }),
    );
  }
  if (opts.sse === 'none') {
    await s3.send(new DeleteBucketEncryptionCommand({ Bucket: name }));
  } else if (opts.sse) {
    await s3.send(
      new PutBucketEncryptionCommand({
        Bucket: name,
        ServerSideEncryptionConfiguration: {
          Rules: [
            {
              ApplyServerSideEncryptionByDefault: {
                SSEAlgorithm: opts.sse.algorithm,
                ...(opts.sse.key ? { KMSMasterKeyID: opts.sse.key } : {}),
              },
              BucketKeyEnabled: opts.sse.bucketKey ?? false,
              BlockedEncryptionTypes: { EncryptionType: [opts.sseC === 'allowed' ? 'NONE' : 'SSE-C'] },
            },
          ],
        },
      }),
    );
  }
  if (opts.pab === 'none') {
    await s3.send(new DeletePublicAccessBlockCommand({ Bucket: name }));
  } else if (opts.pab) {
    const [BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets] = opts.pab;
    await s3.send(
      new PutPublicAccessBlockCommand({
        Bucket: name,
        PublicAccessBlockConfiguration: {
          BlockPublicAcls,
          IgnorePublicAcls,
          BlockPublicPolicy,
          RestrictPublicBuckets,
        },
      }),
    );
  }
  if (opts.ownership) {
    await s3.send(
      new PutBucketOwnershipControlsCommand({
        Bucket: name,
        OwnershipControls: { Rules: [{ ObjectOwnership: opts.ownership }] },
      }),
    );
  }
  if (opts.acl) await s3.send(new PutBucketAclCommand({ Bucket: name, ACL: opts.acl }));
  if (opts.policy) await s3.send(new PutBucketPolicyCommand({ Bucket: name, Policy: opts.policy }));
  if (opts.versioning) {
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: 'Enabled' } }),
    );
  }
  if (opts.abac) await s3.send(new PutBucketAbacCommand({ Bucket: name, AbacStatus: { Status: 'Enabled' } }));
}

async function key(
  kms: KMSClient,
  alias: string,
  opts: {
    rotation?: boolean;
    /** Automatic rotation period (90–2560 days); AWS's default is 365. */
    rotationDays?: number;
    origin?: 'AWS_KMS' | 'EXTERNAL';
    policy?: string;
    description: string;
  },
): Promise<string> {
  const created = await kms.send(
    new CreateKeyCommand({
      Description: opts.description,
      Origin: opts.origin ?? 'AWS_KMS',
      Tags: [{ TagKey: 'owner', TagValue: 'security-engineering' }],
    }),
  );
  const keyId = created.KeyMetadata?.KeyId;
  if (!keyId) throw new Error('sandbox CreateKey returned no KeyId');
  await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: keyId }));
  if (opts.rotation)
    await kms.send(
      new EnableKeyRotationCommand({
        KeyId: keyId,
        ...(opts.rotationDays ? { RotationPeriodInDays: opts.rotationDays } : {}),
      }),
    );
  if (opts.policy)
    await kms.send(new PutKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default', Policy: opts.policy }));
  return keyId;
}

async function useKey(kms: KMSClient, keyId: string, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    const dk = await kms.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256' }));
    if (dk.CiphertextBlob) await kms.send(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob }));
  }
  await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: new TextEncoder().encode('evidence') }));
}

async function configRegion(
  config: ConfigServiceClient,
  account: string,
  deliveryBucket: string,
  rules: { name: string; identifier: string }[],
): Promise<void> {
  await config.send(
    new PutConfigurationRecorderCommand({
      ConfigurationRecorder: {
        name: 'default',
        roleARN: `arn:aws:iam::${account}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`,
        recordingGroup: { allSupported: true, includeGlobalResourceTypes: true },
      },
    }),
  );
  await config.send(
    new PutDeliveryChannelCommand({
      DeliveryChannel: { name: 'default', s3BucketName: deliveryBucket },
    }),
  );
  await config.send(new StartConfigurationRecorderCommand({ ConfigurationRecorderName: 'default' }));
  for (const rule of rules) {
    await config.send(
      new PutConfigRuleCommand({
        ConfigRule: {
          ConfigRuleName: rule.name,
          Source: { Owner: 'AWS', SourceIdentifier: rule.identifier },
          Scope: { ComplianceResourceTypes: ['AWS::S3::Bucket'] },
        },
      }),
    );
  }
  if (rules.length) {
    await config.send(new StartConfigRulesEvaluationCommand({ ConfigRuleNames: rules.map((r) => r.name) }));
  }
}

// --- The audit quarter ---------------------------------------------------------------------------
// Kept apart from the estate itself: buildDemoScenario says what the estate is; this says what
// happened to it over the quarter the demo's audit period covers.

/** The demo bucket whose AWS Config history shows a week-long public exposure inside the audit period. */
export const DEMO_HISTORY_BUCKET = 'acme-customer-data-prod';
/** A demo bucket created in the middle of the audit period. */
export const DEMO_MID_PERIOD_BUCKET = 'acme-reporting-exports';
/** A demo bucket whose policy was only put in place after the audit period ended. */
export const DEMO_AFTER_PERIOD_BUCKET = 'acme-hr-records';
/** A demo trail created before the audit period but logging only from 62 days ago: broken for the gap. */
export const DEMO_LATE_TRAIL = 'acme-security-trail';
/** The demo's audit period, in days before the run: a 90-day quarter ending a week ago. */
export const DEMO_PERIOD = { startDaysAgo: 97, endDaysAgo: 7 } as const;
const DAY_MS = 24 * 60 * 60 * 1000;

async function keyIdOf(kms: KMSClient, alias: string): Promise<string> {
  const d = await kms.send(new DescribeKeyCommand({ KeyId: alias }));
  const id = d.KeyMetadata?.KeyId;
  if (!id) throw new Error(`demo: no key behind ${alias}`);
  return id;
}

/** What the sandbox does on its own during the quarter, which no AWS API call triggers. */
export interface DemoQuarterHooks {
  /** AWS Config's change-triggered rules evaluating a bucket after a recorded change (at the sandbox's clock). */
  bucketChanged?: (bucket: string, region: string) => void | Promise<void>;
}

/**
 * The estate over a quarter, built through the AWS API with the sandbox clock set back, so that
 * AWS Config and CloudTrail hold the history a Type II audit reads:
 * - 100 days ago the whole estate ({@link buildDemoScenario}) is built, Config recording from then;
 *   the policy of {@link DEMO_AFTER_PERIOD_BUCKET} is removed the next day;
 * - 50 days ago {@link DEMO_MID_PERIOD_BUCKET} is created (and evaluated by Config's rules);
 * - 40 days ago {@link DEMO_HISTORY_BUCKET} loses Block Public Access and gains a public-read
 *   statement; a week later both are undone; Config's rules evaluate it after each change, so its
 *   compliance history shows the public-read rule NON_COMPLIANT for that week;
 * - 100 days ago {@link DEMO_LATE_TRAIL} is created, but its logging is started only 62 days ago;
 * - 3 days ago (after the period) the policy of {@link DEMO_AFTER_PERIOD_BUCKET} is put back;
 * - today the retired HR key is scheduled for deletion and keys are used (CloudTrail's 90-day
 *   event history then holds the usage).
 */
export async function buildDemoQuarter(
  endpoint: string,
  now = Date.now(),
  hooks: DemoQuarterHooks = {},
): Promise<void> {
  const at = (daysAgo: number, hours = 0) =>
    setClock(endpoint, { now: new Date(now - daysAgo * DAY_MS + hours * 3_600_000).toISOString() });
  const use1 = clients({ endpoint, credentials: DEMO_CREDENTIALS }, 'us-east-1');
  const { s3, kms } = use1;
  const euKms = clients({ endpoint, credentials: DEMO_CREDENTIALS }, 'eu-west-1').kms;
  try {
    await at(100);
    await buildDemoScenario(endpoint);
    // Scheduled "100 days ago" it would be gone by now: the deletion is scheduled again in the period.
    const retired = await keyIdOf(kms, 'alias/acme-hr-retired');
    await kms.send(new CancelKeyDeletionCommand({ KeyId: retired }));
    const read = async (Bucket: string) =>
      (await s3.send(new GetBucketPolicyCommand({ Bucket }))).Policy ?? '';
    const hrPolicy = await read(DEMO_AFTER_PERIOD_BUCKET);
    const prodPolicy = await read(DEMO_HISTORY_BUCKET);

    await use1.trail.send(
      new CreateTrailCommand({
        Name: DEMO_LATE_TRAIL,
        S3BucketName: 'acme-cloudtrail-logs',
        IsMultiRegionTrail: true,
        EnableLogFileValidation: true,
      }),
    );

    await at(99);
    await s3.send(new DeleteBucketPolicyCommand({ Bucket: DEMO_AFTER_PERIOD_BUCKET }));

    await at(75);
    await useKey(kms, await keyIdOf(kms, 'alias/acme-data'), 2);
    await useKey(euKms, await keyIdOf(euKms, 'alias/acme-eu-data'), 1);

    // Period evidence beyond buckets, each changed and restored inside the quarter (AWS Config
    // records every change): rotation of the production data key off for two days, log file
    // validation of the organization trail off for a day, account Block Public Access all off for a day.
    const dataKeyId = await keyIdOf(kms, 'alias/acme-data');
    await at(70);
    await kms.send(new DisableKeyRotationCommand({ KeyId: dataKeyId }));
    await at(68);
    await kms.send(new EnableKeyRotationCommand({ KeyId: dataKeyId }));
    await at(62);
    await use1.trail.send(new UpdateTrailCommand({ Name: 'acme-org-trail', EnableLogFileValidation: false }));
    await at(61);
    await use1.trail.send(new UpdateTrailCommand({ Name: 'acme-org-trail', EnableLogFileValidation: true }));
    const s3control = new S3ControlClient({
      region: 'us-east-1',
      credentials: DEMO_CREDENTIALS,
      endpointProvider: () => ({ url: new URL(endpoint) }),
    });
    const accountPab = (blockPublicAcls: boolean) =>
      s3control.send(
        new PutAccountPabCommand({
          AccountId: DEMO_ACCOUNT,
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: blockPublicAcls,
            IgnorePublicAcls: false,
            BlockPublicPolicy: false,
            RestrictPublicBuckets: false,
          },
        }),
      );
    await at(56);
    await accountPab(false);
    await at(55);
    await accountPab(true);
    s3control.destroy();

    await at(50);
    await bucket(s3, DEMO_MID_PERIOD_BUCKET, 'us-east-1', {
      tags: { 'data-class': 'internal', owner: 'finance' },
      sse: { algorithm: 'aws:kms', key: 'alias/acme-data', bucketKey: true },
      policy: policy(...denyUnencrypted(DEMO_MID_PERIOD_BUCKET), tls(DEMO_MID_PERIOD_BUCKET)),
    });
    // Config's change-triggered rules evaluate the new bucket once it is recorded.
    await at(50, 1);
    await hooks.bucketChanged?.(DEMO_MID_PERIOD_BUCKET, 'us-east-1');

    await at(62);
    await use1.trail.send(new StartLoggingCommand({ Name: DEMO_LATE_TRAIL }));

    await at(40);
    await s3.send(new DeletePublicAccessBlockCommand({ Bucket: DEMO_HISTORY_BUCKET }));
    await at(40, 1);
    const prod = JSON.parse(prodPolicy) as { Version: string; Statement: object[] };
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: DEMO_HISTORY_BUCKET,
        Policy: policy(...prod.Statement, {
          Sid: 'TemporaryPublicShare',
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:GetObject',
          Resource: `arn:aws:s3:::${DEMO_HISTORY_BUCKET}/*`,
        }),
      }),
    );
    // AWS Config's change-triggered rules evaluate the bucket after each change: the public-read
    // rule reports it NON_COMPLIANT for the week (its compliance history shows the interval).
    await at(40, 2);
    await hooks.bucketChanged?.(DEMO_HISTORY_BUCKET, 'us-east-1');
    await at(33);
    await s3.send(new PutBucketPolicyCommand({ Bucket: DEMO_HISTORY_BUCKET, Policy: prodPolicy }));
    await at(33, 1);
    await s3.send(
      new PutPublicAccessBlockCommand({
        Bucket: DEMO_HISTORY_BUCKET,
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          IgnorePublicAcls: true,
          BlockPublicPolicy: true,
          RestrictPublicBuckets: true,
        },
      }),
    );
    await at(33, 2);
    await hooks.bucketChanged?.(DEMO_HISTORY_BUCKET, 'us-east-1');

    await keyUsageOverThePeriod(at, kms, euKms, retired);

    await at(3);
    await s3.send(new PutBucketPolicyCommand({ Bucket: DEMO_AFTER_PERIOD_BUCKET, Policy: hrPolicy }));
  } finally {
    await setClock(endpoint, { realTime: true });
    for (const c of [s3, kms, use1.config, use1.trail, euKms]) c.destroy();
  }
}

/**
 * KMS activity inside the audit period (CloudTrail's event history keeps it for 90 days, so the
 * key-usage section has events to show; the first use is 75 days ago): data keys used, and the sensitive key
 * operations an auditor looks for: the key policy re-applied, rotation switched off for a day, the
 * retired key scheduled for deletion (30 days, so it is still pending when the pack is made).
 */
async function keyUsageOverThePeriod(
  at: (daysAgo: number, hours?: number) => Promise<void>,
  kms: KMSClient,
  euKms: KMSClient,
  retired: string,
): Promise<void> {
  const data = await keyIdOf(kms, 'alias/acme-data');
  const euData = await keyIdOf(euKms, 'alias/acme-eu-data');
  await at(30);
  await useKey(kms, data, 1);
  await at(28);
  const current = await kms.send(new GetKeyPolicyCommand({ KeyId: data, PolicyName: 'default' }));
  if (current.Policy)
    await kms.send(new PutKeyPolicyCommand({ KeyId: data, PolicyName: 'default', Policy: current.Policy }));
  await at(25);
  await kms.send(new DisableKeyRotationCommand({ KeyId: data }));
  await at(24);
  await kms.send(new EnableKeyRotationCommand({ KeyId: data }));
  await at(20);
  await kms.send(new ScheduleKeyDeletionCommand({ KeyId: retired, PendingWindowInDays: 30 }));
  await at(12);
  await useKey(kms, data, 1);
  await useKey(euKms, euData, 1);
}

/** Build the demo estate in a running sandbox, through its AWS endpoint. */
export async function buildDemoScenario(endpoint: string): Promise<void> {
  const a: Ctx = { endpoint, credentials: DEMO_CREDENTIALS };
  const use1 = clients(a, 'us-east-1');
  const euw1 = clients(a, 'eu-west-1');

  // --- Account A: keys --------------------------------------------------------------------------
  const dataKey = await key(use1.kms, 'alias/acme-data', {
    rotation: true,
    description: 'Customer data at rest (prod)',
  });
  const legacyKey = await key(use1.kms, 'alias/acme-legacy', { description: 'Legacy payments archive key' });
  const retiredKey = await key(use1.kms, 'alias/acme-hr-retired', {
    rotation: true,
    description: 'HR records (retired)',
  });
  await use1.kms.send(new ScheduleKeyDeletionCommand({ KeyId: retiredKey, PendingWindowInDays: 30 }));
  const euKey = await key(euw1.kms, 'alias/acme-eu-data', {
    rotation: true,
    description: 'EU customer data',
    policy: policy(ROOT_KEY_ACCESS, {
      Sid: 'AllowAnyoneToDecrypt',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: ['kms:Decrypt', 'kms:DescribeKey'],
      Resource: '*',
    }),
  });
  // Rotated every two years: longer than kms.maxRotationDays (365), so kms.rotation-enabled fails.
  const backupKey = await key(euw1.kms, 'alias/acme-eu-backups', {
    rotation: true,
    rotationDays: 730,
    description: 'EU backups',
    policy: policy(ROOT_KEY_ACCESS, {
      Sid: 'AllowS3UseWithinAccount',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
      Condition: {
        StringEquals: { 'kms:CallerAccount': DEMO_ACCOUNT, 'kms:ViaService': 's3.eu-west-1.amazonaws.com' },
      },
    }),
  });
  // Asymmetric key the demo config uses to sign the pack's manifest.
  const signing = await use1.kms.send(
    new CreateKeyCommand({
      KeySpec: 'ECC_NIST_P256',
      KeyUsage: 'SIGN_VERIFY',
      Description: 'evidence-pack signing',
    }),
  );
  await use1.kms.send(
    new CreateAliasCommand({ AliasName: DEMO_SIGNING_KEY, TargetKeyId: signing.KeyMetadata?.KeyId }),
  );
  await key(euw1.kms, 'alias/acme-eu-byok', {
    origin: 'EXTERNAL',
    description: 'Imported key material (BYOK)',
  });

  // --- Account A: buckets in us-east-1 ---------------------------------------------------------
  const s3 = use1.s3;
  await bucket(s3, 'acme-customer-data-prod', 'us-east-1', {
    tags: { 'data-class': 'confidential', owner: 'platform', env: 'prod' },
    sse: { algorithm: 'aws:kms', key: 'alias/acme-data', bucketKey: true },
    policy: policy(...denyUnencrypted('acme-customer-data-prod'), tls('acme-customer-data-prod')),
    versioning: true,
  });
  await bucket(s3, 'acme-payments-archive', 'us-east-1', {
    tags: { 'data-class': 'restricted', owner: 'finance' },
    sse: {
      algorithm: 'aws:kms',
      key: `arn:aws:kms:us-east-1:${DEMO_ACCOUNT}:key/${legacyKey}`,
      bucketKey: true,
    },
    // TLS enforced with BoolIfExists and a JSON boolean; no deny of unencrypted uploads.
    policy: policy(tls('acme-payments-archive', false, 'BoolIfExists')),
    versioning: true,
    // A legacy payment batch job uploads with customer-provided keys, so SSE-C was re-enabled.
    sseC: 'allowed',
  });
  await bucket(s3, 'acme-hr-records', 'us-east-1', {
    tags: { 'data-class': 'confidential', owner: 'people-ops' },
    sse: { algorithm: 'aws:kms', key: retiredKey, bucketKey: true },
    policy: policy(...denyUnencrypted('acme-hr-records'), tls('acme-hr-records')),
  });
  await bucket(s3, 'acme-analytics-raw', 'us-east-1', {
    tags: { 'data-class': 'internal', owner: 'data' },
    sse: { algorithm: 'aws:kms' },
    // Looks like a TLS rule but only covers the bucket, not its objects.
    policy: policy({
      Sid: 'DenyInsecureTransportBucketOnly',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: 'arn:aws:s3:::acme-analytics-raw',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    }),
  });
  await bucket(s3, 'acme-public-website', 'us-east-1', {
    tags: { 'data-class': 'public', owner: 'marketing' },
    pab: 'none',
    policy: policy(
      {
        Sid: 'PublicReadGetObject',
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::acme-public-website/*',
      },
      tls('acme-public-website'),
    ),
  });
  await bucket(s3, 'acme-app-logs', 'us-east-1', { tags: { owner: 'sre' } });
  await bucket(s3, 'acme-cloudtrail-logs', 'us-east-1', {
    tags: { owner: 'security' },
    policy: policy(...cloudTrailDelivery('acme-cloudtrail-logs', DEMO_ACCOUNT), tls('acme-cloudtrail-logs')),
    versioning: true,
  });
  await bucket(s3, 'acme-legacy-uploads', 'us-east-1', {
    pab: 'none',
    ownership: 'ObjectWriter',
    acl: 'public-read',
  });
  await bucket(s3, 'acme-ml-training-data', 'us-east-1', {
    tags: { 'data-class': 'internal', owner: 'data-science' },
    sse: { algorithm: 'aws:kms', key: 'alias/acme-data', bucketKey: true },
  });

  // --- Account A: S3 Inventory (see DEMO_INVENTORY) ----------------------------------------------
  for (let i = 1; i <= 5; i++) {
    // Default encryption: SSE-KMS with the legacy payments key.
    await s3.send(
      new PutObjectCommand({
        Bucket: DEMO_INVENTORY.bucket,
        Key: `batch-2026/settlement-${String(i).padStart(4, '0')}.csv`,
        Body: `settlement,${i}\n`,
      }),
    );
  }
  // The policy does not deny SSE-S3 uploads, so an export job's explicit AES256 went through.
  await s3.send(
    new PutObjectCommand({
      Bucket: DEMO_INVENTORY.bucket,
      Key: 'exports/reconciliation.csv',
      Body: 'reconciliation\n',
      ServerSideEncryption: 'AES256',
    }),
  );
  await s3.send(
    new PutBucketInventoryConfigurationCommand({
      Bucket: DEMO_INVENTORY.bucket,
      Id: DEMO_INVENTORY.configurationId,
      InventoryConfiguration: inventoryTo(DEMO_INVENTORY.bucket, DEMO_INVENTORY.configurationId, {
        OptionalFields: ['Size', 'LastModifiedDate', 'EncryptionStatus', 'BucketKeyStatus'],
      }),
    }),
  );
  await s3.send(
    new PutBucketInventoryConfigurationCommand({
      Bucket: 'acme-customer-data-prod',
      Id: 'weekly-storage',
      InventoryConfiguration: inventoryTo('acme-customer-data-prod', 'weekly-storage', {
        Schedule: { Frequency: 'Weekly' },
        OptionalFields: ['Size', 'StorageClass'],
      }),
    }),
  );

  // --- Account A: buckets in eu-west-1 ---------------------------------------------------------
  const eu = euw1.s3;
  await bucket(eu, 'acme-eu-customer-data', 'eu-west-1', {
    tags: { 'data-class': 'confidential', owner: 'platform', env: 'prod' },
    sse: {
      algorithm: 'aws:kms',
      key: `arn:aws:kms:eu-west-1:${DEMO_ACCOUNT}:alias/acme-eu-data`,
      bucketKey: true,
    },
    policy: policy(
      ...denyUnencrypted('acme-eu-customer-data'),
      tls('acme-eu-customer-data', false),
      // Read access for the second account, which is in scope: s3.no-external-access passes.
      {
        Sid: 'ReportingAccountRead',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${DEMO_SECOND_ACCOUNT}:root` },
        Action: ['s3:GetObject', 's3:ListBucket'],
        Resource: ['arn:aws:s3:::acme-eu-customer-data', 'arn:aws:s3:::acme-eu-customer-data/*'],
      },
    ),
    versioning: true,
  });
  await bucket(eu, 'acme-eu-backups', 'eu-west-1', {
    tags: { 'data-class': 'confidential', owner: 'sre' },
    sse: { algorithm: 'aws:kms:dsse', key: backupKey, bucketKey: false },
    policy: policy(
      {
        Sid: 'DenyNonTls',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: '*',
        Resource: ['arn:aws:s3:::acme-eu-backups', 'arn:aws:s3:::acme-eu-backups/*'],
        Condition: { Bool: { 'aws:SecureTransport': false } },
      },
      ...denyUnencrypted('acme-eu-backups'),
    ),
    versioning: true,
  });
  await bucket(eu, 'acme-eu-marketing-assets', 'eu-west-1', {
    tags: { 'data-class': 'public', owner: 'marketing' },
    pab: [false, true, true, true],
    ownership: 'BucketOwnerPreferred',
    acl: 'authenticated-read',
    // Agencies' roles are granted by tag: the data-class tag that classifies it also governs access.
    abac: true,
  });
  await bucket(eu, 'acme-eu-partner-exchange', 'eu-west-1', {
    tags: { 'data-class': 'confidential', owner: 'partnerships' },
    sse: { algorithm: 'aws:kms', key: 'alias/acme-eu-byok' },
    policy: policy(
      {
        Sid: 'PartnerRead',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::999988887777:root' },
        Action: ['s3:GetObject', 's3:ListBucket'],
        Resource: ['arn:aws:s3:::acme-eu-partner-exchange', 'arn:aws:s3:::acme-eu-partner-exchange/*'],
      },
      tls('acme-eu-partner-exchange'),
    ),
  });
  await bucket(eu, 'acme-eu-app-logs', 'eu-west-1', { tags: { owner: 'sre' } });

  for (const name of ['orders-2026-11.parquet', 'orders-2026-12.parquet']) {
    await eu.send(
      new PutObjectCommand({ Bucket: 'acme-eu-customer-data', Key: `orders/${name}`, Body: name }),
    );
  }
  await eu.send(
    new PutBucketInventoryConfigurationCommand({
      Bucket: 'acme-eu-customer-data',
      Id: 'daily-encryption',
      InventoryConfiguration: inventoryTo('acme-eu-customer-data', 'daily-encryption', {
        OptionalFields: ['Size', 'EncryptionStatus', 'BucketKeyStatus'],
      }),
    }),
  );

  // --- Account A: account-level Block Public Access (one of four flags), set after the buckets:
  // applied later, it does not remove the public ACLs set above, and does not neutralize them either --------------------------
  const s3control = new S3ControlClient({
    region: 'us-east-1',
    credentials: a.credentials,
    endpointProvider: () => ({ url: new URL(endpoint) }),
  });
  await s3control.send(
    new PutAccountPabCommand({
      AccountId: DEMO_ACCOUNT,
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        IgnorePublicAcls: false,
        BlockPublicPolicy: false,
        RestrictPublicBuckets: false,
      },
    }),
  );

  // Key usage, so the CloudTrail sample holds real events.
  await useKey(use1.kms, dataKey, 3);
  await useKey(euw1.kms, euKey, 2);

  // --- Account A: AWS Config ------------------------------------------------------------------
  await configRegion(use1.config, DEMO_ACCOUNT, 'acme-app-logs', [
    {
      name: 's3-bucket-server-side-encryption-enabled',
      identifier: 'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED',
    },
    { name: 'cpack-s3-public-read-prohibited-a1b2', identifier: 'S3_BUCKET_PUBLIC_READ_PROHIBITED' },
    { name: 's3-bucket-public-write-prohibited', identifier: 'S3_BUCKET_PUBLIC_WRITE_PROHIBITED' },
  ]);
  await configRegion(euw1.config, DEMO_ACCOUNT, 'acme-eu-app-logs', [
    {
      name: 's3-bucket-server-side-encryption-enabled',
      identifier: 'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED',
    },
  ]);
  // Changed after the last evaluation: Config's COMPLIANT verdict for this bucket is now stale.
  await s3.send(new DeletePublicAccessBlockCommand({ Bucket: 'acme-app-logs' }));
  await s3.send(
    new PutBucketPolicyCommand({
      Bucket: 'acme-app-logs',
      Policy: policy({
        Sid: 'TemporaryVendorAccess',
        Effect: 'Allow',
        Principal: '*',
        Action: ['s3:GetObject', 's3:ListBucket'],
        Resource: ['arn:aws:s3:::acme-app-logs', 'arn:aws:s3:::acme-app-logs/*'],
      }),
    }),
  );

  // --- Account A: CloudTrail ------------------------------------------------------------------
  await use1.trail.send(
    new CreateTrailCommand({
      Name: 'acme-org-trail',
      S3BucketName: 'acme-cloudtrail-logs',
      IsMultiRegionTrail: true,
      EnableLogFileValidation: true,
      IncludeGlobalServiceEvents: true,
    }),
  );
  await use1.trail.send(
    new PutEventSelectorsCommand({
      TrailName: 'acme-org-trail',
      EventSelectors: [
        {
          ReadWriteType: 'All',
          IncludeManagementEvents: true,
          DataResources: [
            {
              Type: 'AWS::S3::Object',
              Values: ['arn:aws:s3:::acme-customer-data-prod/', 'arn:aws:s3:::acme-payments-archive/'],
            },
          ],
        },
      ],
    }),
  );
  await use1.trail.send(new StartLoggingCommand({ Name: 'acme-org-trail' }));
  await euw1.trail.send(
    new CreateTrailCommand({
      Name: 'acme-eu-data-events',
      S3BucketName: 'acme-cloudtrail-logs',
      IsMultiRegionTrail: false,
    }),
  );
  await euw1.trail.send(
    new PutEventSelectorsCommand({
      TrailName: 'acme-eu-data-events',
      AdvancedEventSelectors: [
        {
          Name: 'EU customer data object events',
          FieldSelectors: [
            { Field: 'eventCategory', Equals: ['Data'] },
            { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
            { Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::acme-eu-customer-data/'] },
          ],
        },
      ],
    }),
  );
  await euw1.trail.send(new StartLoggingCommand({ Name: 'acme-eu-data-events' }));

  // --- Account B, reached by role ---------------------------------------------------------------
  const sts = new STSClient({ region: 'us-east-1', endpoint, credentials: a.credentials });
  const assumed = await sts.send(
    new AssumeRoleCommand({ RoleArn: DEMO_ROLE_ARN, RoleSessionName: 'demo-setup' }),
  );
  const c = assumed.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken)
    throw new Error('sandbox AssumeRole gave no credentials');
  const b: Ctx = {
    endpoint,
    credentials: {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
    },
  };
  const usw2 = clients(b, 'us-west-2');
  await bucket(usw2.s3, 'globex-shared-reports', 'us-west-2', {
    tags: { 'data-class': 'confidential', owner: 'finance' },
    policy: policy(tls('globex-shared-reports')),
  });
  await bucket(usw2.s3, 'globex-dev-scratch', 'us-west-2', { tags: { 'data-class': 'public', env: 'dev' } });
  await bucket(usw2.s3, 'globex-trail-logs', 'us-west-2', {
    policy: policy(...cloudTrailDelivery('globex-trail-logs', DEMO_SECOND_ACCOUNT)),
  });
  await usw2.trail.send(
    new CreateTrailCommand({
      Name: 'globex-trail',
      S3BucketName: 'globex-trail-logs',
      IsMultiRegionTrail: true,
    }),
  );
  await usw2.trail.send(
    new PutEventSelectorsCommand({
      TrailName: 'globex-trail',
      EventSelectors: [
        {
          ReadWriteType: 'All',
          IncludeManagementEvents: true,
          ExcludeManagementEventSources: ['kms.amazonaws.com'],
        },
      ],
    }),
  );
  await usw2.trail.send(new StartLoggingCommand({ Name: 'globex-trail' }));
}

// ---------------------------------------------------------------- organization-wide controls

/** The demo's audit account (delegated administrator for AWS Config), as the organization numbers it. */
export const DEMO_AUDIT_ACCOUNT = '858938306466';
/** The organization aggregator in the audit account. */
export const DEMO_AGGREGATOR = 'acme-org-aggregator';
/** A bucket of the prod workload account encrypted with a key of the log-archive account. */
export const DEMO_CROSS_ACCOUNT_KEY_BUCKET = 'acme-prod-ledger';
/** A bucket of the legacy account (whose role is missing): only the aggregator knows it. */
export const DEMO_UNREAD_BUCKET = 'acme-legacy-analytics-exports';

/** Credentials of `accountId`'s organization role, through STS. */
async function assumeInto(endpoint: string, accountId: string): Promise<AwsCredentialIdentity> {
  const sts = new STSClient({ region: 'us-east-1', endpoint, credentials: DEMO_CREDENTIALS, maxAttempts: 1 });
  try {
    const c = (
      await sts.send(
        new AssumeRoleCommand({
          RoleArn: `arn:aws:iam::${accountId}:role/OrganizationAccountAccessRole`,
          RoleSessionName: 'demo-setup',
        }),
      )
    ).Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken)
      throw new Error(`sandbox AssumeRole into ${accountId} gave no credentials`);
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
  } finally {
    sts.destroy();
  }
}

async function setRole(endpoint: string, accountId: string, method: 'PUT' | 'DELETE'): Promise<void> {
  const res = await fetch(
    new URL(`/_sandbox/accounts/${accountId}/roles/OrganizationAccountAccessRole`, endpoint),
    { method },
  );
  if (!res.ok) throw new Error(`demo: ${method} role in ${accountId}: HTTP ${res.status}`);
}

/**
 * The controls that live above the account, once the demo is an organization (all through AWS
 * calls): the management account's multi-region trail becomes the organization trail, which every
 * member account sees; the audit account (delegated administrator for AWS Config) gets an
 * organization aggregator; the prod workload account gets a bucket encrypted with a key of the
 * log-archive account; and the legacy account, whose role is missing, gets a recorded bucket that
 * only the aggregator can show.
 */
export async function buildDemoOrganizationControls(
  endpoint: string,
  accounts: { name: string; id: string }[],
): Promise<void> {
  const id = (name: string): string => {
    const found = accounts.find((a) => a.name === name)?.id;
    if (!found) throw new Error(`demo: no organization account named ${name}`);
    return found;
  };
  const audit = id('acme-audit');
  if (audit !== DEMO_AUDIT_ACCOUNT)
    throw new Error(`demo: the audit account is ${audit}, not ${DEMO_AUDIT_ACCOUNT} as the demo config says`);
  const management = clients({ endpoint, credentials: DEMO_CREDENTIALS }, 'us-east-1');
  await management.trail.send(new UpdateTrailCommand({ Name: 'acme-org-trail', IsOrganizationTrail: true }));

  const logArchive = clients(
    { endpoint, credentials: await assumeInto(endpoint, id('acme-log-archive')) },
    'us-east-1',
  );
  const prodId = id('acme-workload-prod');
  const ledgerKey = await key(logArchive.kms, 'alias/acme-shared-ledger', {
    description: 'Ledger key shared with the prod workload account',
    rotation: true,
    policy: policy(
      {
        Sid: 'EnableIAMPolicies',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${id('acme-log-archive')}:root` },
        Action: 'kms:*',
        Resource: '*',
      },
      {
        Sid: 'ProdWorkloadUse',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${prodId}:root` },
        Action: ['kms:DescribeKey', 'kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
      },
    ),
  });
  const ledgerArn = `arn:aws:kms:us-east-1:${id('acme-log-archive')}:key/${ledgerKey}`;
  const prod = clients({ endpoint, credentials: await assumeInto(endpoint, prodId) }, 'us-east-1');
  await bucket(prod.s3, DEMO_CROSS_ACCOUNT_KEY_BUCKET, 'us-east-1', {
    tags: { 'data-class': 'confidential', owner: 'finance' },
    sse: { algorithm: 'aws:kms', key: ledgerArn, bucketKey: true },
    policy: policy(tls(DEMO_CROSS_ACCOUNT_KEY_BUCKET)),
  });

  // The legacy account records its buckets in AWS Config; the run cannot read it (role missing).
  const legacy = id('acme-legacy-analytics');
  await setRole(endpoint, legacy, 'PUT');
  try {
    const l = clients({ endpoint, credentials: await assumeInto(endpoint, legacy) }, 'us-east-1');
    await bucket(l.s3, 'acme-legacy-analytics-config', 'us-east-1', {});
    await bucket(l.s3, DEMO_UNREAD_BUCKET, 'us-east-1', { tags: { 'data-class': 'confidential' } });
    await configRegion(l.config, legacy, 'acme-legacy-analytics-config', []);
  } finally {
    await setRole(endpoint, legacy, 'DELETE');
  }

  const auditClients = clients({ endpoint, credentials: await assumeInto(endpoint, audit) }, 'us-east-1');
  await auditClients.config.send(
    new PutConfigurationAggregatorCommand({
      ConfigurationAggregatorName: DEMO_AGGREGATOR,
      OrganizationAggregationSource: {
        RoleArn: `arn:aws:iam::${audit}:role/service-role/AWSConfigRoleForOrganizations`,
        AllAwsRegions: true,
      },
    }),
  );
}
