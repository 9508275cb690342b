/**
 * Realistic report fixtures: a two-account, two-region snapshot with twelve buckets, KMS keys,
 * Config recorders/rules/results, trails and key-usage events; an evaluation with findings of every
 * status and exceptions valid and expired. Hostile strings sit in tags to test escaping.
 * Also usable as smoke data: `buildFixtureInput()` returns a complete `buildReportModel` input.
 */
import { absentOf, deniedOf, okOf } from '../support/outcomes.ts';
import { summarize as summarizeFindings } from '../../src/evaluate/summary.ts';
import type { EvidenceRef, Outcome } from '../../src/snapshot/outcome.ts';
import type { CheckStatus, ResourceRef, Severity, ValidatedException } from '../../src/checks/types.ts';
import type { Evaluation, Finding } from '../../src/evaluate/types.ts';
import type { Criterion } from '../../src/checks/types.ts';
import { configSchema, type Config } from '../../src/config/schema.ts';
import type { ReportInput } from '../../src/render/view-model.ts';
import type {
  AccountSnapshot,
  BucketSnapshot,
  KmsKeySnapshot,
  PublicAccessBlock,
  Snapshot,
} from '../../src/snapshot/model.ts';

export const PROD = '111122223333';
export const DEV = '444455556666';
export const XSS_TAG = '<img src=x onerror=alert(1)>';
export const TEMPLATE_TAG = '{{constructor}}';
export const FINISHED_AT = '2026-03-31T23:58:12.000Z';

let seq = 0;
function ev(accountId: string, service: string, region: string, operation: string): EvidenceRef {
  seq += 1;
  return {
    file: `raw/${accountId}/${service}/${region}.jsonl`,
    callId: `${service}-${region}-${String(seq).padStart(5, '0')}`,
    service,
    operation,
    requestId: `REQ${String(seq).padStart(6, '0')}`,
  };
}

// Outcomes come from the shared, typed builders: only what a collector can produce compiles.
function ok<T>(value: T, e: EvidenceRef): Outcome<T> {
  return okOf(value, e.operation, e.service, e);
}
function denied(e: EvidenceRef): Outcome<never> {
  return deniedOf(e.operation, e.service, e, 'Access Denied');
}

const ALL_ON: PublicAccessBlock = {
  blockPublicAcls: true,
  ignorePublicAcls: true,
  blockPublicPolicy: true,
  restrictPublicBuckets: true,
};

interface BucketSpec {
  name: string;
  region: string;
  accountId?: string;
  kms?: string | null;
  noEncryption?: boolean;
  bucketKey?: boolean;
  policy?: 'tls' | 'public' | 'none' | 'denied';
  pab?: PublicAccessBlock | 'absent' | 'denied';
  tags?: Record<string, string>;
  versioning?: 'Enabled' | 'Suspended';
}

export function makeBucket(spec: BucketSpec): BucketSnapshot {
  const acct = spec.accountId ?? PROD;
  const r = spec.region;
  const s3 = (op: string) => ev(acct, 's3', r, op);
  const policyText =
    spec.policy === 'public'
      ? JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: '*',
              Action: 's3:GetObject',
              Resource: `arn:aws:s3:::${spec.name}/*`,
            },
          ],
        })
      : JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'DenyInsecureTransport',
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:*',
              Resource: [`arn:aws:s3:::${spec.name}`, `arn:aws:s3:::${spec.name}/*`],
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
          ],
        });
  const policy: Outcome<{ text: string }> =
    spec.policy === 'none'
      ? absentOf('NoSuchBucketPolicy', 'GetBucketPolicy', 's3', s3('GetBucketPolicy'))
      : spec.policy === 'denied'
        ? denied(s3('GetBucketPolicy'))
        : ok({ text: policyText }, s3('GetBucketPolicy'));
  const pab =
    spec.pab === 'absent'
      ? absentOf(
          'NoSuchPublicAccessBlockConfiguration',
          'GetPublicAccessBlock',
          's3',
          s3('GetPublicAccessBlock'),
        )
      : spec.pab === 'denied'
        ? denied(s3('GetPublicAccessBlock'))
        : ok(spec.pab ?? ALL_ON, s3('GetPublicAccessBlock'));
  return {
    name: spec.name,
    arn: `arn:aws:s3:::${spec.name}`,
    accountId: acct,
    region: r,
    creationDate: '2024-05-01T10:00:00.000Z',
    regionSource: 'ListBuckets',
    encryption: spec.noEncryption
      ? absentOf(
          'ServerSideEncryptionConfigurationNotFoundError',
          'GetBucketEncryption',
          's3',
          s3('GetBucketEncryption'),
        )
      : ok(
          {
            rules: [
              spec.kms === undefined
                ? { sseAlgorithm: 'AES256', bucketKeyEnabled: false }
                : {
                    sseAlgorithm: 'aws:kms',
                    kmsMasterKeyId: spec.kms ?? undefined,
                    bucketKeyEnabled: spec.bucketKey ?? true,
                  },
            ],
          },
          s3('GetBucketEncryption'),
        ),
    policy,
    policyStatus:
      policy.status === 'ok'
        ? ok({ isPublic: spec.policy === 'public' }, s3('GetBucketPolicyStatus'))
        : policy.status === 'absent'
          ? absentOf('derived:NoSuchBucketPolicy', 'GetBucketPolicyStatus', 's3', policy.evidence)
          : denied(s3('GetBucketPolicyStatus')),
    publicAccessBlock: pab,
    acl: ok(
      {
        ownerId: 'c0ffee',
        grants: [{ granteeType: 'CanonicalUser', grantee: 'c0ffee', permission: 'FULL_CONTROL' }],
      },
      s3('GetBucketAcl'),
    ),
    ownershipControls: ok({ objectOwnership: 'BucketOwnerEnforced' }, s3('GetBucketOwnershipControls')),
    tags: spec.tags
      ? ok(spec.tags, s3('GetBucketTagging'))
      : absentOf('NoSuchTagSet', 'GetBucketTagging', 's3', s3('GetBucketTagging')),
    versioning: ok({ status: spec.versioning }, s3('GetBucketVersioning')),
  };
}

const KEY_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'Enable IAM User Permissions',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${PROD}:root` },
      Action: 'kms:*',
      Resource: '*',
    },
    {
      Sid: 'Allow access for Key Administrators',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${PROD}:role/KeyAdmins` },
      Action: [
        'kms:Create*',
        'kms:Describe*',
        'kms:Enable*',
        'kms:Put*',
        'kms:Disable*',
        'kms:ScheduleKeyDeletion',
      ],
      Resource: '*',
    },
    {
      Sid: 'Allow use of the key',
      Effect: 'Allow',
      Principal: { AWS: [`arn:aws:iam::${PROD}:role/DataPipeline`, `arn:aws:iam::${PROD}:role/Analytics`] },
      Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
      Resource: '*',
      Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
    },
  ],
});

function makeKey(
  accountId: string,
  region: string,
  keyId: string,
  alias: string,
  usedBy: string[],
  opts: { state?: string; rotation?: boolean; policyDenied?: boolean } = {},
): KmsKeySnapshot {
  const kms = (op: string) => ev(accountId, 'kms', region, op);
  const arn = `arn:aws:kms:${region}:${accountId}:key/${keyId}`;
  return {
    accountId,
    region,
    references: [`alias/${alias}`],
    usedBy,
    metadata: ok(
      {
        keyId,
        arn,
        keyAccountId: accountId,
        keyManager: 'CUSTOMER',
        keyState: opts.state ?? 'Enabled',
        keySpec: 'SYMMETRIC_DEFAULT',
        keyUsage: 'ENCRYPT_DECRYPT',
        origin: 'AWS_KMS',
      },
      kms('DescribeKey'),
    ),
    policy: opts.policyDenied ? denied(kms('GetKeyPolicy')) : ok({ text: KEY_POLICY }, kms('GetKeyPolicy')),
    rotation: ok({ enabled: opts.rotation ?? true, rotationPeriodInDays: 365 }, kms('GetKeyRotationStatus')),
    rotations: ok([], kms('ListKeyRotations')),
    aliases: [`alias/${alias}`],
  };
}

function configRegion(
  accountId: string,
  region: string,
  buckets: BucketSnapshot[],
  opts: { rulesDenied?: boolean } = {},
) {
  const cfg = (op: string) => ev(accountId, 'config', region, op);
  const ids = [
    'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED',
    'S3_BUCKET_PUBLIC_READ_PROHIBITED',
    'S3_BUCKET_PUBLIC_WRITE_PROHIBITED',
  ];
  return {
    accountId,
    region,
    recorders: ok(
      [
        {
          name: 'default',
          roleArn: `arn:aws:iam::${accountId}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`,
          allSupported: true,
          includeGlobalResourceTypes: true,
          resourceTypes: [],
        },
      ],
      cfg('DescribeConfigurationRecorders'),
    ),
    recorderStatus: ok(
      [
        {
          name: 'default',
          recording: region !== 'eu-west-1',
          lastStatus: region !== 'eu-west-1' ? 'SUCCESS' : 'FAILURE',
          lastStartTime: '2026-01-01T00:00:00.000Z',
        },
      ],
      cfg('DescribeConfigurationRecorderStatus'),
    ),
    rules: opts.rulesDenied
      ? denied(cfg('DescribeConfigRules'))
      : ok(
          ids.map((id) => ({
            name: id.toLowerCase().replace(/_/g, '-'),
            arn: `arn:aws:config:${region}:${accountId}:config-rule/config-rule-${id.length}`,
            owner: 'AWS',
            sourceIdentifier: id,
            state: 'ACTIVE',
            scopeResourceTypes: ['AWS::S3::Bucket'],
          })),
          cfg('DescribeConfigRules'),
        ),
    results: opts.rulesDenied
      ? []
      : ids.map((id) => ({
          ruleName: id.toLowerCase().replace(/_/g, '-'),
          sourceIdentifier: id,
          evaluations: ok(
            buckets.map((b, i) => ({
              resourceType: 'AWS::S3::Bucket',
              resourceId: b.name,
              complianceType: i % 4 === 1 ? 'NON_COMPLIANT' : 'COMPLIANT',
              resultRecordedTime: '2026-03-31T12:00:00.000Z',
            })),
            cfg('GetComplianceDetailsByConfigRule'),
          ),
        })),
  };
}

/** The fixture snapshot: prod (10 buckets, us-east-1 + eu-west-1) and dev (2 buckets, denied reads). */
export function buildFixtureSnapshot(): Snapshot {
  seq = 0;
  const prodBuckets: BucketSnapshot[] = [
    makeBucket({
      name: 'acme-customer-data',
      region: 'us-east-1',
      kms: 'alias/acme-data',
      tags: { 'data-class': 'confidential', owner: 'data-team' },
      versioning: 'Enabled',
    }),
    makeBucket({
      name: 'acme-payments-archive',
      region: 'us-east-1',
      kms: 'alias/acme-data',
      policy: 'tls',
      versioning: 'Enabled',
    }),
    makeBucket({
      name: 'acme-public-website',
      region: 'us-east-1',
      policy: 'public',
      pab: { ...ALL_ON, blockPublicPolicy: false, restrictPublicBuckets: false },
      tags: { 'data-class': 'public' },
    }),
    makeBucket({
      name: 'acme-legacy-exports',
      region: 'us-east-1',
      noEncryption: true,
      policy: 'none',
      pab: 'absent',
      tags: { note: XSS_TAG },
    }),
    makeBucket({
      name: 'acme-logs',
      region: 'us-east-1',
      policy: 'tls',
      tags: { 'data-class': 'internal', '=cmd': '=HYPERLINK("http://x")' },
    }),
    makeBucket({
      name: 'acme-ml-training',
      region: 'us-east-1',
      kms: null,
      bucketKey: false,
      tags: { template: TEMPLATE_TAG },
    }),
    makeBucket({
      name: 'acme-eu-customer-data',
      region: 'eu-west-1',
      kms: 'alias/acme-eu',
      tags: { 'data-class': 'confidential', 'cost-centre': 'eu, "sales"' },
    }),
    makeBucket({
      name: 'acme-eu-backups',
      region: 'eu-west-1',
      kms: 'alias/acme-eu',
      policy: 'denied',
      versioning: 'Suspended',
    }),
    makeBucket({ name: 'acme-eu-analytics', region: 'eu-west-1', kms: 'alias/acme-eu', pab: 'denied' }),
    makeBucket({
      name: 'acme-eu-static',
      region: 'eu-west-1',
      policy: 'none',
      tags: { 'data-class': 'public' },
    }),
  ];
  const devBuckets: BucketSnapshot[] = [
    makeBucket({
      accountId: DEV,
      name: 'acme-dev-scratch',
      region: 'us-east-1',
      policy: 'none',
      tags: { 'data-class': 'internal' },
    }),
    makeBucket({
      accountId: DEV,
      name: 'acme-dev-sandbox',
      region: 'eu-west-1',
      kms: 'alias/dev',
      policy: 'denied',
    }),
  ];
  const prodKeys = [
    makeKey(PROD, 'us-east-1', '1234abcd-12ab-34cd-56ef-1234567890ab', 'acme-data', [
      prodBuckets[0]!.arn,
      prodBuckets[1]!.arn,
    ]),
    makeKey(
      PROD,
      'eu-west-1',
      '0987dcba-09fe-87dc-65ba-ab0987654321',
      'acme-eu',
      prodBuckets.slice(6, 9).map((b) => b.arn),
      { rotation: false },
    ),
  ];
  const devKeys = [
    makeKey(DEV, 'eu-west-1', 'deadbeef-0000-1111-2222-333344445555', 'dev', [devBuckets[1]!.arn], {
      state: 'PendingDeletion',
      policyDenied: true,
    }),
  ];

  // acme-payments-archive reports EncryptionStatus daily; its latest report was read.
  const archive = prodBuckets.find((b) => b.name === 'acme-payments-archive');
  if (archive)
    archive.inventoryConfigurations = ok(
      [
        {
          id: 'daily-encryption',
          enabled: true,
          includedObjectVersions: 'Current',
          frequency: 'Daily',
          optionalFields: ['Size', 'EncryptionStatus', 'BucketKeyStatus'],
          destination: { bucketArn: 'arn:aws:s3:::acme-logs', format: 'CSV', prefix: 'inventory' },
        },
      ],
      ev(PROD, 's3', 'us-east-1', 'ListBucketInventoryConfigurations'),
    );
  const objectInventory: AccountSnapshot['objectInventory'] = [
    {
      bucketArn: 'arn:aws:s3:::acme-payments-archive',
      bucket: 'acme-payments-archive',
      accountId: PROD,
      region: 'us-east-1',
      reports: [
        {
          configurationId: 'daily-encryption',
          destinationBucket: 'acme-logs',
          reportPrefix: 'inventory/acme-payments-archive/daily-encryption/',
          report: ok(
            {
              manifestKey: 'inventory/acme-payments-archive/daily-encryption/2026-03-31T01-00Z/manifest.json',
              createdAt: '2026-03-31T01:00:00.000Z',
              fileSchema: ['Bucket', 'Key', 'Size', 'EncryptionStatus', 'BucketKeyStatus'],
              dataFiles: 1,
              objects: 12,
              byEncryptionStatus: { 'SSE-KMS': 10, 'DSSE-KMS': 0, 'SSE-S3': 0, 'SSE-C': 0, 'NOT-SSE': 2 },
              otherStatuses: {},
              byBucketKeyStatus: { ENABLED: 10, DISABLED: 2 },
              dataEvidence: [ev(PROD, 's3', 'us-east-1', 'GetObject')],
            },
            ev(PROD, 's3', 'us-east-1', 'GetObject'),
          ),
        },
      ],
    },
  ];

  const prod: AccountSnapshot = {
    accountId: PROD,
    objectInventory,
    name: 'prod',
    source: { kind: 'caller' },
    identity: ok(
      { arn: `arn:aws:sts::${PROD}:assumed-role/EvidenceCollector/ci`, userId: 'AROAEXAMPLE:ci' },
      ev(PROD, 'sts', 'us-east-1', 'GetCallerIdentity'),
    ),
    regions: ['eu-west-1', 'us-east-1'],
    bucketListing: ok({ count: prodBuckets.length }, ev(PROD, 's3', 'us-east-1', 'ListBuckets')),
    buckets: prodBuckets,
    accountPublicAccessBlock: ok(
      { ...ALL_ON, restrictPublicBuckets: false },
      ev(PROD, 's3control', 'us-east-1', 'GetPublicAccessBlock'),
    ),
    kmsKeys: prodKeys,
    config: [
      configRegion(
        PROD,
        'us-east-1',
        prodBuckets.filter((b) => b.region === 'us-east-1'),
      ),
      configRegion(
        PROD,
        'eu-west-1',
        prodBuckets.filter((b) => b.region === 'eu-west-1'),
      ),
    ],
    cloudTrail: {
      discovery: [
        {
          region: 'us-east-1',
          result: ok(
            { trailArns: [`arn:aws:cloudtrail:us-east-1:${PROD}:trail/org-trail`] },
            ev(PROD, 'cloudtrail', 'us-east-1', 'DescribeTrails'),
          ),
        },
        {
          region: 'eu-west-1',
          result: ok(
            { trailArns: [`arn:aws:cloudtrail:us-east-1:${PROD}:trail/org-trail`] },
            ev(PROD, 'cloudtrail', 'eu-west-1', 'DescribeTrails'),
          ),
        },
      ],
      trails: [
        {
          name: 'org-trail',
          arn: `arn:aws:cloudtrail:us-east-1:${PROD}:trail/org-trail`,
          homeRegion: 'us-east-1',
          isMultiRegionTrail: true,
          isOrganizationTrail: false,
          logFileValidationEnabled: true,
          s3BucketName: 'acme-logs',
          kmsKeyId: prodKeys[0]!.metadata.status === 'ok' ? prodKeys[0]!.metadata.value.arn : undefined,
          status: ok(
            { isLogging: true, latestDeliveryTime: '2026-03-31T23:50:00.000Z' },
            ev(PROD, 'cloudtrail', 'us-east-1', 'GetTrailStatus'),
          ),
          selectors: ok(
            {
              advancedEventSelectors: [
                {
                  name: 'Management events',
                  fieldSelectors: [{ field: 'eventCategory', equals: ['Management'] }],
                },
                {
                  name: 'S3 data events for sensitive buckets',
                  fieldSelectors: [
                    { field: 'eventCategory', equals: ['Data'] },
                    { field: 'resources.type', equals: ['AWS::S3::Object'] },
                    { field: 'resources.ARN', startsWith: ['arn:aws:s3:::acme-customer-data/'] },
                  ],
                },
              ],
            },
            ev(PROD, 'cloudtrail', 'us-east-1', 'GetEventSelectors'),
          ),
        },
      ],
      keyUsage: [
        {
          region: 'us-east-1',
          events: ok(
            ['Decrypt', 'GenerateDataKey', 'Decrypt', 'Encrypt'].map((name, i) => ({
              eventId: `e0c1a2b3-000${i}-4000-8000-00000000000${i}`,
              eventName: name,
              eventTime: `2026-03-3${i % 2}T1${i}:15:00.000Z`,
              username: 'DataPipeline',
              principalArn: `arn:aws:sts::${PROD}:assumed-role/DataPipeline/session-${i}`,
              keyArns: [`arn:aws:kms:us-east-1:${PROD}:key/1234abcd-12ab-34cd-56ef-1234567890ab`],
              sourceIpAddress: 's3.amazonaws.com',
              readOnly: false,
            })),
            ev(PROD, 'cloudtrail', 'us-east-1', 'LookupEvents'),
          ),
        },
        { region: 'eu-west-1', events: ok([], ev(PROD, 'cloudtrail', 'eu-west-1', 'LookupEvents')) },
      ],
    },
  };

  const dev: AccountSnapshot = {
    accountId: DEV,
    name: 'dev',
    source: { kind: 'role', roleArn: `arn:aws:iam::${DEV}:role/EvidenceReader` },
    identity: ok(
      {
        arn: `arn:aws:sts::${DEV}:assumed-role/EvidenceReader/evidence-pack`,
        userId: 'AROADEV:evidence-pack',
      },
      ev(DEV, 'sts', 'us-east-1', 'GetCallerIdentity'),
    ),
    regions: ['eu-west-1', 'us-east-1'],
    bucketListing: ok({ count: devBuckets.length }, ev(DEV, 's3', 'us-east-1', 'ListBuckets')),
    buckets: devBuckets,
    outOfScopeBuckets: [
      {
        name: 'globex-ap-archive',
        arn: 'arn:aws:s3:::globex-ap-archive',
        accountId: DEV,
        region: 'ap-southeast-2',
      },
    ],
    accountPublicAccessBlock: absentOf(
      'NoSuchPublicAccessBlockConfiguration',
      'GetPublicAccessBlock',
      's3control',
      ev(DEV, 's3control', 'us-east-1', 'GetPublicAccessBlock'),
    ),
    kmsKeys: devKeys,
    config: [
      configRegion(DEV, 'us-east-1', devBuckets.slice(0, 1)),
      configRegion(DEV, 'eu-west-1', devBuckets.slice(1), { rulesDenied: true }),
    ],
    cloudTrail: {
      discovery: [
        {
          region: 'us-east-1',
          result: ok({ trailArns: [] }, ev(DEV, 'cloudtrail', 'us-east-1', 'DescribeTrails')),
        },
        { region: 'eu-west-1', result: denied(ev(DEV, 'cloudtrail', 'eu-west-1', 'DescribeTrails')) },
      ],
      trails: [],
      keyUsage: [{ region: 'eu-west-1', events: denied(ev(DEV, 'cloudtrail', 'eu-west-1', 'LookupEvents')) }],
    },
  };

  return {
    schema: 'evidence-pack/snapshot@1',
    tool: { name: 'evidence-pack', version: '0.1.0' },
    runId: 'run-20260331T235812Z-7f3a',
    collection: { startedAt: '2026-03-31T23:55:00.000Z', finishedAt: FINISHED_AT },
    caller: {
      accountId: PROD,
      arn: `arn:aws:sts::${PROD}:assumed-role/EvidenceCollector/ci`,
      userId: 'AROAEXAMPLE:ci',
    },
    sandbox: false,
    accounts: [prod, dev],
  };
}

const CHECK_META: Record<string, { title: string; severity: Severity; criteria: string[] }> = {
  's3.default-encryption': { title: 'Default encryption is enabled', severity: 'high', criteria: ['CC6.6'] },
  's3.sse-kms-cmk': {
    title: 'Sensitive buckets use a customer managed KMS key',
    severity: 'high',
    criteria: ['CC6.6'],
  },
  's3.bucket-key': { title: 'S3 Bucket Key is enabled', severity: 'low', criteria: [] },
  's3.tls-only': { title: 'Bucket policy requires TLS', severity: 'medium', criteria: ['CC6.6'] },
  's3.bucket-public-access-block': {
    title: 'Bucket Block Public Access is fully on',
    severity: 'high',
    criteria: ['CC6.6'],
  },
  's3.not-public': { title: 'Bucket is not public', severity: 'high', criteria: ['CC6.6'] },
  's3.account-public-access-block': {
    title: 'Account Block Public Access is fully on',
    severity: 'high',
    criteria: ['CC6.6'],
  },
  'kms.rotation-enabled': { title: 'KMS key rotation is enabled', severity: 'medium', criteria: ['CC6.6'] },
  'kms.key-usable': { title: 'KMS key is enabled', severity: 'high', criteria: ['CC6.6'] },
  'config.recorder-active': {
    title: 'AWS Config records S3 buckets',
    severity: 'medium',
    criteria: ['CC7.2'],
  },
  'cloudtrail.multi-region-logging': {
    title: 'A multi-region trail is logging',
    severity: 'high',
    criteria: ['CC7.2'],
  },
  'cloudtrail.kms-events-logged': { title: 'KMS events are logged', severity: 'high', criteria: ['CC7.2'] },
  'exceptions.valid': { title: 'Exceptions are valid', severity: 'medium', criteria: ['CC6.6'] },
};

function finding(
  checkId: string,
  resource: ResourceRef,
  status: CheckStatus,
  reason: string,
  evidence: EvidenceRef[],
): Finding {
  const m = CHECK_META[checkId]!;
  return {
    checkId,
    resource,
    status,
    reason,
    evidence,
    title: m.title,
    severity: m.severity,
    criteria: m.criteria,
  };
}

function bucketRef(b: BucketSnapshot): ResourceRef {
  return { arn: b.arn, type: 'AWS::S3::Bucket', accountId: b.accountId, region: b.region, name: b.name };
}

function evidenceOf(...outcomes: Outcome<unknown>[]): EvidenceRef[] {
  return outcomes.map((o) => o.evidence);
}

/** Findings derived (by hand, plausibly) from the fixture snapshot: every status occurs. */
export function buildFixtureEvaluation(snapshot: Snapshot): Evaluation {
  const findings: Finding[] = [];
  const sensitive = new Set<string>();
  const classifications: Evaluation['classifications'] = [];
  for (const a of snapshot.accounts) {
    for (const b of a.buckets) {
      const tags = b.tags.status === 'ok' ? b.tags.value : {};
      const dc = tags['data-class'];
      const level = dc === 'public' || dc === 'internal' ? 'standard' : 'sensitive';
      if (level === 'sensitive') sensitive.add(b.arn);
      classifications.push({
        bucketArn: b.arn,
        accountId: b.accountId,
        bucket: b.name,
        classification: { level, rule: dc ? `tag data-class=${dc}` : 'default' },
      });
      const ref = bucketRef(b);
      // default encryption
      findings.push(
        b.encryption.status === 'ok'
          ? finding(
              's3.default-encryption',
              ref,
              'pass',
              `Default encryption is ${b.encryption.value.rules[0]?.sseAlgorithm}.`,
              evidenceOf(b.encryption),
            )
          : b.name === 'acme-legacy-exports'
            ? finding(
                's3.default-encryption',
                ref,
                'excepted',
                'No default encryption; excepted by exception-0 (legacy export, decommission ticket SEC-101).',
                evidenceOf(b.encryption),
              )
            : finding(
                's3.default-encryption',
                ref,
                'fail',
                'The bucket has no default encryption configuration.',
                evidenceOf(b.encryption),
              ),
      );
      // tls-only
      if (b.policy.status === 'ok')
        findings.push(
          b.policy.value.text.includes('SecureTransport')
            ? finding(
                's3.tls-only',
                ref,
                'pass',
                'The bucket policy denies requests without TLS.',
                evidenceOf(b.policy),
              )
            : finding(
                's3.tls-only',
                ref,
                'fail',
                'The bucket policy does not deny requests made without TLS (aws:SecureTransport=false).',
                evidenceOf(b.policy),
              ),
        );
      else if (b.policy.status === 'absent')
        findings.push(
          finding(
            's3.tls-only',
            ref,
            'fail',
            'The bucket has no policy, so requests without TLS are not denied.',
            evidenceOf(b.policy),
          ),
        );
      else
        findings.push(
          finding(
            's3.tls-only',
            ref,
            'insufficient-evidence',
            `GetBucketPolicy was denied (AccessDenied, request id ${b.policy.evidence.requestId}).`,
            evidenceOf(b.policy),
          ),
        );
      // not-public
      const isPublic = b.policyStatus.status === 'ok' && b.policyStatus.value.isPublic;
      if (b.policyStatus.status === 'denied')
        findings.push(
          finding(
            's3.not-public',
            ref,
            'insufficient-evidence',
            `GetBucketPolicyStatus was denied (AccessDenied, request id ${b.policyStatus.evidence.requestId}).`,
            evidenceOf(b.policyStatus),
          ),
        );
      else
        findings.push(
          finding(
            's3.not-public',
            ref,
            isPublic ? 'fail' : 'pass',
            isPublic
              ? 'The bucket policy grants s3:GetObject to everyone (Principal "*").'
              : 'Neither the policy nor the ACL makes the bucket public.',
            evidenceOf(b.policyStatus, b.acl),
          ),
        );
      // bucket PAB
      if (b.publicAccessBlock.status === 'denied')
        findings.push(
          finding(
            's3.bucket-public-access-block',
            ref,
            'insufficient-evidence',
            'GetPublicAccessBlock was denied (AccessDenied).',
            evidenceOf(b.publicAccessBlock),
          ),
        );
      else if (b.publicAccessBlock.status === 'ok' && Object.values(b.publicAccessBlock.value).every(Boolean))
        findings.push(
          finding(
            's3.bucket-public-access-block',
            ref,
            'pass',
            'All four Block Public Access flags are on.',
            evidenceOf(b.publicAccessBlock),
          ),
        );
      else
        findings.push(
          finding(
            's3.bucket-public-access-block',
            ref,
            'fail',
            'Block Public Access is missing flags at the bucket level.',
            evidenceOf(b.publicAccessBlock),
          ),
        );
      // sse-kms-cmk for sensitive
      if (level === 'sensitive') {
        const rule = b.encryption.status === 'ok' ? b.encryption.value.rules[0] : undefined;
        const cmk = rule?.sseAlgorithm === 'aws:kms' && rule.kmsMasterKeyId;
        findings.push(
          finding(
            's3.sse-kms-cmk',
            ref,
            b.name === 'acme-dev-sandbox' ? 'fail' : cmk ? 'pass' : 'fail',
            b.name === 'acme-dev-sandbox'
              ? 'The key alias/dev is PendingDeletion: data encrypted with it becomes unreadable.'
              : cmk
                ? `Encrypted with customer managed key ${rule.kmsMasterKeyId}.`
                : 'A sensitive bucket is not encrypted with a customer managed KMS key.',
            evidenceOf(b.encryption),
          ),
        );
      } else {
        findings.push(
          finding('s3.sse-kms-cmk', ref, 'not-applicable', 'The bucket is classified standard.', []),
        );
      }
    }
    // account PAB
    const acctRef: ResourceRef = {
      arn: `arn:aws:s3::${a.accountId}:account`,
      type: 'AWS::S3::AccountPublicAccessBlock',
      accountId: a.accountId,
      name: a.accountId,
    };
    findings.push(
      finding(
        's3.account-public-access-block',
        acctRef,
        'fail',
        a.accountPublicAccessBlock.status === 'ok'
          ? 'RestrictPublicBuckets is off at the account level.'
          : 'Account-level Block Public Access was never configured.',
        evidenceOf(a.accountPublicAccessBlock),
      ),
    );
    for (const k of a.kmsKeys) {
      if (k.metadata.status !== 'ok') continue;
      const kref: ResourceRef = {
        arn: k.metadata.value.arn,
        type: 'AWS::KMS::Key',
        accountId: k.accountId,
        region: k.region,
        name: k.aliases[0] ?? k.metadata.value.keyId,
      };
      findings.push(
        finding(
          'kms.rotation-enabled',
          kref,
          k.rotation.status === 'ok' && k.rotation.value.enabled ? 'pass' : 'fail',
          k.rotation.status === 'ok' && k.rotation.value.enabled
            ? 'Automatic rotation is on.'
            : 'Automatic key rotation is off.',
          evidenceOf(k.rotation),
        ),
      );
      findings.push(
        finding(
          'kms.key-usable',
          kref,
          k.metadata.value.keyState === 'Enabled' ? 'pass' : 'fail',
          `KeyState is ${k.metadata.value.keyState}.`,
          evidenceOf(k.metadata),
        ),
      );
    }
    for (const c of a.config) {
      const cref: ResourceRef = {
        arn: `arn:aws:config:${c.region}:${a.accountId}:recorder`,
        type: 'AWS::Config::Region',
        accountId: a.accountId,
        region: c.region,
        name: `${a.accountId}/${c.region}`,
      };
      const st = c.recorderStatus.status === 'ok' ? c.recorderStatus.value[0] : undefined;
      findings.push(
        finding(
          'config.recorder-active',
          cref,
          st?.lastStatus === 'SUCCESS' ? 'pass' : 'fail',
          st?.lastStatus === 'SUCCESS'
            ? 'The recorder is recording all supported types.'
            : 'The recorder is not recording (last status FAILURE).',
          evidenceOf(c.recorderStatus),
        ),
      );
    }
    const tref: ResourceRef = {
      arn: `arn:aws:cloudtrail::${a.accountId}:account`,
      type: 'AWS::CloudTrail::Account',
      accountId: a.accountId,
      name: a.accountId,
    };
    if (a.cloudTrail.trails.length > 0) {
      findings.push(
        finding(
          'cloudtrail.multi-region-logging',
          tref,
          'pass',
          'Trail org-trail is multi-region and logging.',
          evidenceOf(a.cloudTrail.trails[0]!.status),
        ),
      );
      findings.push(
        finding(
          'cloudtrail.kms-events-logged',
          tref,
          'pass',
          'Trail org-trail records KMS management events.',
          evidenceOf(a.cloudTrail.trails[0]!.selectors),
        ),
      );
    } else {
      const gap = a.cloudTrail.discovery.find((d) => d.result.status === 'denied');
      findings.push(
        finding(
          'cloudtrail.multi-region-logging',
          tref,
          'insufficient-evidence',
          `DescribeTrails was denied in eu-west-1 (AccessDenied, request id ${gap?.result.evidence.requestId}).`,
          gap ? [gap.result.evidence] : [],
        ),
      );
      findings.push(
        finding(
          'cloudtrail.kms-events-logged',
          tref,
          'error',
          'The check failed: TypeError: cannot read selectors of undefined.',
          [],
        ),
      );
    }
  }

  const exceptions: ValidatedException[] = [
    {
      entry: {
        index: 0,
        bucket: 'acme-legacy-exports',
        accountId: PROD,
        checks: ['s3.default-encryption'],
        justification: 'Legacy export bucket, read-only, decommission planned in Q2.',
        approvedBy: 'ciso@acme.example',
        ticket: 'SEC-101',
        expires: '2026-06-30',
      },
      valid: true,
      problems: [],
    },
    {
      entry: {
        index: 1,
        bucket: 'acme-public-website',
        checks: ['s3.not-public'],
        justification: 'Public marketing site.',
        approvedBy: 'cto@acme.example',
        ticket: 'WEB-7',
        expires: '2026-01-31',
      },
      valid: false,
      problems: ['expired on 2026-01-31'],
    },
    {
      entry: {
        index: 2,
        bucket: 'acme-gone-bucket',
        checks: ['s3.tls-only'],
        justification: '',
        approvedBy: '',
        expires: '2026-12-31',
      },
      valid: false,
      problems: ['names a bucket that does not exist', 'lacks a justification', 'lacks an approver'],
    },
  ];
  for (const x of exceptions) {
    const ref: ResourceRef = {
      arn: `evidence-pack:exception/${x.entry.index}`,
      type: 'EvidencePack::Exception',
      accountId: x.entry.accountId ?? PROD,
      name: `exception-${x.entry.index}`,
    };
    findings.push(
      finding(
        'exceptions.valid',
        ref,
        x.valid ? 'pass' : 'fail',
        x.valid
          ? 'The exception is approved, justified and current.'
          : `The exception is invalid: ${x.problems.join('; ')}.`,
        [],
      ),
    );
  }

  const criteria: Criterion[] = [
    {
      id: 'CC6.6',
      title: 'Logical access security measures against threats from sources outside system boundaries',
      narrative:
        'Data at rest in S3 is encrypted with managed keys, buckets are not public, and Block Public Access is enforced at the bucket and account level.',
      checks: [
        's3.default-encryption',
        's3.sse-kms-cmk',
        's3.tls-only',
        's3.bucket-public-access-block',
        's3.not-public',
        's3.account-public-access-block',
        'kms.rotation-enabled',
        'kms.key-usable',
        'exceptions.valid',
      ],
    },
    {
      id: 'CC7.2',
      title: 'Monitoring of system components for anomalies',
      narrative: 'AWS Config records bucket configuration and CloudTrail records key usage in every region.',
      checks: ['config.recorder-active', 'cloudtrail.multi-region-logging', 'cloudtrail.kms-events-logged'],
    },
  ];
  return {
    evaluatedAt: FINISHED_AT,
    findings,
    criteria,
    classifications,
    exceptions,
    summary: summarize(findings, criteria),
    crossChecks: [],
  };
}

/** The summary counts, computed from the findings by the engine's own summarize. */
export function summarize(
  findings: readonly Finding[],
  criteria: readonly Criterion[],
): Evaluation['summary'] {
  return summarizeFindings(findings, criteria, [...new Set(findings.map((f) => f.checkId))]);
}

/** The validated fixture config. */
export function buildFixtureConfig(overrides: Record<string, unknown> = {}): Config {
  return configSchema.parse({
    organization: 'Acme Corp & Partners <EU>',
    accounts: [{ name: 'dev', roleArn: `arn:aws:iam::${DEV}:role/EvidenceReader` }],
    report: { maxRowsPerTable: 50 },
    ...overrides,
  });
}

/** A complete `buildReportModel` input built from the fixtures. */
export function buildFixtureInput(overrides: Partial<ReportInput> = {}): ReportInput {
  const snapshot = buildFixtureSnapshot();
  const evaluation = buildFixtureEvaluation(snapshot);
  return {
    snapshot,
    evaluation,
    config: buildFixtureConfig(),
    evidenceIndex: [
      { path: 'findings/findings.csv', sha256: 'a'.repeat(64), bytes: 12_345 },
      { path: 'inventory/buckets.csv', sha256: 'b'.repeat(64), bytes: 4_321 },
      { path: `raw/${PROD}/s3/us-east-1.jsonl`, sha256: 'c'.repeat(64), bytes: 98_765 },
      { path: 'screenshots/acme-customer-data-properties.png', sha256: 'd'.repeat(64), bytes: 204_800 },
    ],
    evidenceDigest: 'sha256:5f2b9c0e8d7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c',
    screenshots: [
      {
        path: 'screenshots/acme-customer-data-properties.png',
        title: 'Bucket properties: default encryption',
        account: PROD,
        region: 'us-east-1',
        resource: 'arn:aws:s3:::acme-customer-data',
        capturedAt: '2026-03-31T23:57:40.000Z',
        source: 'api-view',
        sha256: 'd'.repeat(64),
      },
    ],
    renderer: 'chromium',
    toolVersion: '0.1.0',
    ...overrides,
  };
}

/** A snapshot and evaluation with `count` buckets (for scale tests): every 7th bucket fails. */
export function buildScaledInput(count: number): ReportInput {
  const base = buildFixtureInput();
  const snapshot = buildFixtureSnapshot();
  const prod = snapshot.accounts[0]!;
  snapshot.accounts[1]!.buckets = [];
  const regions = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
  prod.buckets = Array.from({ length: count }, (_, i) =>
    makeBucket({
      name: `scale-bucket-${String(i).padStart(5, '0')}`,
      region: regions[i % 3]!,
      kms: i % 7 === 0 ? undefined : 'alias/acme-data',
      policy: i % 7 === 0 ? 'none' : 'tls',
      tags: { n: String(i) },
    }),
  );
  const findings: Finding[] = prod.buckets.map((b, i) =>
    finding(
      's3.tls-only',
      bucketRef(b),
      i % 7 === 0 ? 'fail' : 'pass',
      i % 7 === 0 ? 'No policy denies non-TLS requests.' : 'TLS is required.',
      evidenceOf(b.policy),
    ),
  );
  const criteria = base.evaluation.criteria;
  const evaluation: Evaluation = {
    ...base.evaluation,
    findings,
    classifications: prod.buckets.map((b) => ({
      bucketArn: b.arn,
      accountId: b.accountId,
      bucket: b.name,
      classification: { level: 'sensitive', rule: 'default' },
    })),
    summary: summarize(findings, criteria),
    crossChecks: [],
  };
  return { ...base, snapshot, evaluation };
}
