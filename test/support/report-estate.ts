/**
 * The report tests' estate, made with the shared snapshot builder: two accounts (prod: ten buckets
 * over us-east-1 and eu-west-1; dev: two buckets, denied reads), KMS keys, Config recorders, rules and
 * results, a trail with key-usage events, exceptions valid, expired and invalid, and hostile strings
 * in tags to test escaping. The evaluation is the engine's own (`evaluate()` over the snapshot under
 * {@link buildFixtureConfig}), never hand-written findings; one check is made to crash so the
 * report's rendering of an `error` result comes from the engine's own error path.
 * `buildFixtureInput()` returns a complete `buildReportModel` input.
 */
import { CHECKS } from '../../src/checks/registry.ts';
import type { CheckDefinition } from '../../src/checks/types.ts';
import { configSchema, type Config } from '../../src/config/schema.ts';
import { evaluate } from '../../src/evaluate/evaluate.ts';
import type { Evaluation } from '../../src/evaluate/types.ts';
import type { ReportInput } from '../../src/render/view-model.ts';
import type {
  AccountSnapshot,
  BucketSnapshot,
  ConfigRegionSnapshot,
  KmsKeySnapshot,
  PublicAccessBlock,
  Snapshot,
} from '../../src/snapshot/model.ts';
import type { EvidenceRef, Outcome } from '../../src/snapshot/outcome.ts';
import type { AbsentCodeFor, EvidenceSite } from './outcomes.ts';
import {
  absentOf,
  account,
  bucket,
  configRegion,
  deniedOf,
  keyMeta,
  kmsKey,
  okOf,
  ref,
  resetRefs,
  snapshot,
  trail,
} from './snapshot.ts';

export const PROD = '111122223333';
export const DEV = '444455556666';
export const XSS_TAG = '<img src=x onerror=alert(1)>';
export const TEMPLATE_TAG = '{{constructor}}';
export const FINISHED_AT = '2026-03-31T23:58:12.000Z';
/** The check made to crash (its results become one `error` result). */
export const CRASHING_CHECK = 'cloudtrail.kms-events-logged';

/** Outcome builders whose reads are recorded in one account and region. */
function at(accountId: string, region: string) {
  const site: EvidenceSite = { accountId, region };
  return {
    ok: <T>(value: T, service: string, op: string): Outcome<T> =>
      okOf(value, op, service, ref(service, op, site)),
    absent: <const Op extends string, const S extends string>(
      code: AbsentCodeFor<`${S}:${Op}`>,
      service: S,
      op: Op,
      evidence: EvidenceRef = ref(service, op, site),
    ): Outcome<never> => absentOf(code, op, service, evidence),
    denied: (service: string, op: string): Outcome<never> =>
      deniedOf(op, service, ref(service, op, site), 'Access Denied'),
  };
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
  /** Unset: SSE-S3; a key id or alias: SSE-KMS with it; `null`: SSE-KMS with aws/s3. */
  kms?: string | null;
  noEncryption?: boolean;
  bucketKey?: boolean;
  /** Default `tls` (a policy denying requests without TLS). */
  policy?: 'tls' | 'public' | 'none' | 'denied';
  pab?: PublicAccessBlock | 'absent' | 'denied';
  tags?: Record<string, string>;
  versioning?: 'Enabled' | 'Suspended';
}

function policyDocument(name: string, kind: 'tls' | 'public'): string {
  const statement =
    kind === 'public'
      ? { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${name}/*` }
      : {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [`arn:aws:s3:::${name}`, `arn:aws:s3:::${name}/*`],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        };
  return JSON.stringify({ Version: '2012-10-17', Statement: [statement] });
}

/** One bucket of the estate, from its spec. */
export function makeBucket(spec: BucketSpec): BucketSnapshot {
  const accountId = spec.accountId ?? PROD;
  const o = at(accountId, spec.region);
  const kind = spec.policy ?? 'tls';
  const policy: Outcome<{ text: string }> =
    kind === 'none'
      ? o.absent('NoSuchBucketPolicy', 's3', 'GetBucketPolicy')
      : kind === 'denied'
        ? o.denied('s3', 'GetBucketPolicy')
        : o.ok({ text: policyDocument(spec.name, kind) }, 's3', 'GetBucketPolicy');
  return bucket(spec.name, {
    accountId,
    region: spec.region,
    creationDate: '2024-05-01T10:00:00.000Z',
    encryption: spec.noEncryption
      ? o.absent('ServerSideEncryptionConfigurationNotFoundError', 's3', 'GetBucketEncryption')
      : o.ok(
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
          's3',
          'GetBucketEncryption',
        ),
    policy,
    // S3 is not asked for a policy's status when there is no policy: the collector derives it.
    policyStatus:
      policy.status === 'ok'
        ? o.ok({ isPublic: kind === 'public' }, 's3', 'GetBucketPolicyStatus')
        : policy.status === 'absent'
          ? o.absent('derived:NoSuchBucketPolicy', 's3', 'GetBucketPolicyStatus', policy.evidence)
          : o.denied('s3', 'GetBucketPolicyStatus'),
    publicAccessBlock:
      spec.pab === 'absent'
        ? o.absent('NoSuchPublicAccessBlockConfiguration', 's3', 'GetPublicAccessBlock')
        : spec.pab === 'denied'
          ? o.denied('s3', 'GetPublicAccessBlock')
          : o.ok(spec.pab ?? ALL_ON, 's3', 'GetPublicAccessBlock'),
    acl: o.ok(
      {
        ownerId: 'c0ffee',
        grants: [{ granteeType: 'CanonicalUser', grantee: 'c0ffee', permission: 'FULL_CONTROL' }],
      },
      's3',
      'GetBucketAcl',
    ),
    ownershipControls: o.ok({ objectOwnership: 'BucketOwnerEnforced' }, 's3', 'GetBucketOwnershipControls'),
    tags: spec.tags
      ? o.ok(spec.tags, 's3', 'GetBucketTagging')
      : o.absent('NoSuchTagSet', 's3', 'GetBucketTagging'),
    versioning: o.ok({ status: spec.versioning }, 's3', 'GetBucketVersioning'),
  });
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
  const o = at(accountId, region);
  const arn = `arn:aws:kms:${region}:${accountId}:key/${keyId}`;
  return kmsKey(usedBy, {
    accountId,
    region,
    references: [`alias/${alias}`],
    metadata: o.ok(
      keyMeta({
        keyId,
        arn,
        keyAccountId: accountId,
        keyState: opts.state ?? 'Enabled',
        ...(opts.state === 'PendingDeletion' ? { deletionDate: '2026-04-30T00:00:00.000Z' } : {}),
      }),
      'kms',
      'DescribeKey',
    ),
    policy: opts.policyDenied
      ? o.denied('kms', 'GetKeyPolicy')
      : o.ok({ text: KEY_POLICY }, 'kms', 'GetKeyPolicy'),
    rotation: o.ok(
      { enabled: opts.rotation ?? true, rotationPeriodInDays: 365 },
      'kms',
      'GetKeyRotationStatus',
    ),
    rotations: o.ok([], 'kms', 'ListKeyRotations'),
    aliases: [`alias/${alias}`],
  });
}

const RULE_IDS = [
  'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED',
  'S3_BUCKET_PUBLIC_READ_PROHIBITED',
  'S3_BUCKET_PUBLIC_WRITE_PROHIBITED',
];

function configIn(
  accountId: string,
  region: string,
  buckets: BucketSnapshot[],
  opts: { rulesDenied?: boolean } = {},
): ConfigRegionSnapshot {
  const o = at(accountId, region);
  const recording = region !== 'eu-west-1';
  const ruleName = (id: string): string => id.toLowerCase().replace(/_/g, '-');
  return configRegion({
    accountId,
    region,
    recorders: o.ok(
      [
        {
          name: 'default',
          roleArn: `arn:aws:iam::${accountId}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`,
          allSupported: true,
          includeGlobalResourceTypes: true,
          resourceTypes: [],
        },
      ],
      'config',
      'DescribeConfigurationRecorders',
    ),
    recorderStatus: o.ok(
      [
        {
          name: 'default',
          recording,
          lastStatus: recording ? 'SUCCESS' : 'FAILURE',
          lastStartTime: '2026-01-01T00:00:00.000Z',
        },
      ],
      'config',
      'DescribeConfigurationRecorderStatus',
    ),
    rules: opts.rulesDenied
      ? o.denied('config', 'DescribeConfigRules')
      : o.ok(
          RULE_IDS.map((id) => ({
            name: ruleName(id),
            arn: `arn:aws:config:${region}:${accountId}:config-rule/config-rule-${id.length}`,
            owner: 'AWS',
            sourceIdentifier: id,
            state: 'ACTIVE',
            scopeResourceTypes: ['AWS::S3::Bucket'],
          })),
          'config',
          'DescribeConfigRules',
        ),
    results: opts.rulesDenied
      ? []
      : RULE_IDS.map((id) => ({
          ruleName: ruleName(id),
          sourceIdentifier: id,
          evaluations: o.ok(
            buckets.map((b, i) => ({
              resourceType: 'AWS::S3::Bucket',
              resourceId: b.name,
              complianceType: i % 4 === 1 ? 'NON_COMPLIANT' : 'COMPLIANT',
              resultRecordedTime: '2026-03-31T12:00:00.000Z',
            })),
            'config',
            'GetComplianceDetailsByConfigRule',
          ),
        })),
  });
}

/** The estate's snapshot: prod (10 buckets, us-east-1 + eu-west-1) and dev (2 buckets, denied reads). */
export function buildFixtureSnapshot(): Snapshot {
  resetRefs();
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

  const p = at(PROD, 'us-east-1');
  // acme-payments-archive reports EncryptionStatus daily; its latest report was read.
  const archive = prodBuckets.find((b) => b.name === 'acme-payments-archive')!;
  archive.inventoryConfigurations = p.ok(
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
    's3',
    'ListBucketInventoryConfigurations',
  );
  const objectInventory: AccountSnapshot['objectInventory'] = [
    {
      bucketArn: archive.arn,
      bucket: archive.name,
      accountId: PROD,
      region: 'us-east-1',
      reports: [
        {
          configurationId: 'daily-encryption',
          destinationBucket: 'acme-logs',
          reportPrefix: 'inventory/acme-payments-archive/daily-encryption/',
          report: p.ok(
            {
              manifestKey: 'inventory/acme-payments-archive/daily-encryption/2026-03-31T01-00Z/manifest.json',
              createdAt: '2026-03-31T01:00:00.000Z',
              fileSchema: ['Bucket', 'Key', 'Size', 'EncryptionStatus', 'BucketKeyStatus'],
              dataFiles: 1,
              objects: 12,
              byEncryptionStatus: { 'SSE-KMS': 10, 'DSSE-KMS': 0, 'SSE-S3': 0, 'SSE-C': 0, 'NOT-SSE': 2 },
              otherStatuses: {},
              byBucketKeyStatus: { ENABLED: 10, DISABLED: 2 },
              dataEvidence: [ref('s3', 'GetObject', { accountId: PROD, region: 'us-east-1' })],
            },
            's3',
            'GetObject',
          ),
        },
      ],
    },
  ];
  const trailArn = `arn:aws:cloudtrail:us-east-1:${PROD}:trail/org-trail`;
  const prod: AccountSnapshot = account({
    accountId: PROD,
    objectInventory,
    name: 'prod',
    identity: p.ok(
      { arn: `arn:aws:sts::${PROD}:assumed-role/EvidenceCollector/ci`, userId: 'AROAEXAMPLE:ci' },
      'sts',
      'GetCallerIdentity',
    ),
    regions: ['eu-west-1', 'us-east-1'],
    bucketListing: p.ok({ count: prodBuckets.length }, 's3', 'ListBuckets'),
    buckets: prodBuckets,
    accountPublicAccessBlock: p.ok(
      { ...ALL_ON, restrictPublicBuckets: false },
      's3control',
      'GetPublicAccessBlock',
    ),
    kmsKeys: prodKeys,
    config: [
      configIn(
        PROD,
        'us-east-1',
        prodBuckets.filter((b) => b.region === 'us-east-1'),
      ),
      configIn(
        PROD,
        'eu-west-1',
        prodBuckets.filter((b) => b.region === 'eu-west-1'),
      ),
    ],
    cloudTrail: {
      discovery: ['us-east-1', 'eu-west-1'].map((region) => ({
        region,
        result: at(PROD, region).ok({ trailArns: [trailArn] }, 'cloudtrail', 'DescribeTrails'),
      })),
      trails: [
        trail({
          arn: trailArn,
          s3BucketName: 'acme-logs',
          kmsKeyId: prodKeys[0]!.metadata.status === 'ok' ? prodKeys[0]!.metadata.value.arn : undefined,
          status: p.ok(
            { isLogging: true, latestDeliveryTime: '2026-03-31T23:50:00.000Z' },
            'cloudtrail',
            'GetTrailStatus',
          ),
          selectors: p.ok(
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
            'cloudtrail',
            'GetEventSelectors',
          ),
        }),
      ],
      keyUsage: [
        {
          region: 'us-east-1',
          events: p.ok(
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
            'cloudtrail',
            'LookupEvents',
          ),
        },
        { region: 'eu-west-1', events: at(PROD, 'eu-west-1').ok([], 'cloudtrail', 'LookupEvents') },
      ],
    },
  });

  const d = at(DEV, 'us-east-1');
  const dev: AccountSnapshot = account({
    accountId: DEV,
    name: 'dev',
    source: { kind: 'role', roleArn: `arn:aws:iam::${DEV}:role/EvidenceReader` },
    identity: d.ok(
      {
        arn: `arn:aws:sts::${DEV}:assumed-role/EvidenceReader/evidence-pack`,
        userId: 'AROADEV:evidence-pack',
      },
      'sts',
      'GetCallerIdentity',
    ),
    regions: ['eu-west-1', 'us-east-1'],
    bucketListing: d.ok({ count: devBuckets.length }, 's3', 'ListBuckets'),
    buckets: devBuckets,
    outOfScopeBuckets: [
      {
        name: 'globex-ap-archive',
        arn: 'arn:aws:s3:::globex-ap-archive',
        accountId: DEV,
        region: 'ap-southeast-2',
      },
    ],
    accountPublicAccessBlock: d.absent(
      'NoSuchPublicAccessBlockConfiguration',
      's3control',
      'GetPublicAccessBlock',
    ),
    kmsKeys: devKeys,
    config: [
      configIn(DEV, 'us-east-1', devBuckets.slice(0, 1)),
      configIn(DEV, 'eu-west-1', devBuckets.slice(1), { rulesDenied: true }),
    ],
    cloudTrail: {
      discovery: [
        { region: 'us-east-1', result: d.ok({ trailArns: [] }, 'cloudtrail', 'DescribeTrails') },
        { region: 'eu-west-1', result: at(DEV, 'eu-west-1').denied('cloudtrail', 'DescribeTrails') },
      ],
      trails: [],
      keyUsage: [{ region: 'eu-west-1', events: at(DEV, 'eu-west-1').denied('cloudtrail', 'LookupEvents') }],
    },
  });

  return {
    ...snapshot([prod, dev]),
    tool: { name: 'evidence-pack', version: '0.1.0' },
    runId: '20260331T235500Z-7f3a0c1d',
    collection: { startedAt: '2026-03-31T23:55:00.000Z', finishedAt: FINISHED_AT },
    caller: {
      accountId: PROD,
      arn: `arn:aws:sts::${PROD}:assumed-role/EvidenceCollector/ci`,
      userId: 'AROAEXAMPLE:ci',
    },
  };
}

/**
 * The validated estate config: the dev account by role, buckets tagged `data-class` public or internal
 * classified standard, three exceptions (valid, expired, invalid).
 */
export function buildFixtureConfig(overrides: Record<string, unknown> = {}): Config {
  return configSchema.parse({
    organization: 'Acme Corp & Partners <EU>',
    accounts: [{ name: 'dev', roleArn: `arn:aws:iam::${DEV}:role/EvidenceReader` }],
    report: { maxRowsPerTable: 50 },
    classification: {
      default: 'sensitive',
      rules: [
        { name: 'data-class', level: 'standard', tag: { key: 'data-class', values: ['public', 'internal'] } },
      ],
    },
    exceptions: [
      {
        bucket: 'acme-legacy-exports',
        accountId: PROD,
        checks: ['s3.default-encryption'],
        justification: 'Legacy export bucket, read-only, decommission planned in Q2.',
        approvedBy: 'ciso@acme.example',
        ticket: 'SEC-101',
        expires: '2026-06-30',
      },
      {
        bucket: 'acme-public-website',
        checks: ['s3.not-public'],
        justification: 'Public marketing site.',
        approvedBy: 'cto@acme.example',
        ticket: 'WEB-7',
        expires: '2026-01-31',
      },
      {
        bucket: 'acme-gone-bucket',
        checks: ['s3.tls-only'],
        justification: '',
        approvedBy: '',
        expires: '2026-12-31',
      },
    ],
    ...overrides,
  });
}

/** Every check, with {@link CRASHING_CHECK} made to throw (the engine turns that into `error`). */
function checksWithOneCrash(): CheckDefinition[] {
  return CHECKS.map((c) =>
    c.id === CRASHING_CHECK
      ? {
          ...c,
          evaluate: () => {
            throw new TypeError('cannot read selectors of undefined');
          },
        }
      : c,
  );
}

const BASE_SNAPSHOT = buildFixtureSnapshot();
const BASE_EVALUATION = await evaluate(BASE_SNAPSHOT, buildFixtureConfig(), { checks: checksWithOneCrash() });

/** The engine's evaluation of the estate snapshot (a fresh copy each call: tests may change it). */
export function buildFixtureEvaluation(): Evaluation {
  return structuredClone(BASE_EVALUATION);
}

/** A complete `buildReportModel` input built from the estate (fresh copies each call). */
export function buildFixtureInput(overrides: Partial<ReportInput> = {}): ReportInput {
  const { snapshot: snap, evaluation } = structuredClone({
    snapshot: BASE_SNAPSHOT,
    evaluation: BASE_EVALUATION,
  });
  return {
    snapshot: snap,
    evaluation,
    config: buildFixtureConfig(),
    evidenceIndex: [
      { path: 'findings/findings.csv', sha256: 'a'.repeat(64), bytes: 12_345 },
      { path: 'inventory/buckets.csv', sha256: 'b'.repeat(64), bytes: 4_321 },
      { path: `raw/s3/us-east-1.jsonl`, sha256: 'c'.repeat(64), bytes: 98_765 },
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

/**
 * `count` prod buckets over three regions, evaluated by the engine with `s3.tls-only` only: every
 * 7th bucket has no policy and fails it, the others pass.
 */
export async function buildScaledInput(count: number): Promise<ReportInput> {
  const base = buildFixtureInput();
  const snap = buildFixtureSnapshot();
  const prod = snap.accounts[0]!;
  snap.accounts[1]!.buckets = [];
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
  const tlsOnly = CHECKS.filter((c) => c.id === 's3.tls-only');
  const evaluation = await evaluate(snap, base.config, { checks: tlsOnly });
  return { ...base, snapshot: snap, evaluation };
}
