import {
  CreateBucketCommand,
  PutBucketAclCommand,
  PutBucketEncryptionCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutPublicAccessBlockCommand,
} from '@aws-sdk/client-s3';
import { PutPublicAccessBlockCommand as PutAccountPabCommand } from '@aws-sdk/client-s3-control';
import { CreateKeyCommand, EnableKeyRotationCommand } from '@aws-sdk/client-kms';
import {
  PutConfigRuleCommand,
  PutConfigurationRecorderCommand,
  PutDeliveryChannelCommand,
  StartConfigRulesEvaluationCommand,
  StartConfigurationRecorderCommand,
} from '@aws-sdk/client-config-service';
import {
  CreateTrailCommand,
  PutEventSelectorsCommand,
  StartLoggingCommand,
} from '@aws-sdk/client-cloudtrail';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/evaluate/types.ts';
import { collect } from '../../src/collect/collect.ts';
import { makeClassifier } from '../../src/evaluate/classify.ts';
import { evaluate } from '../../src/evaluate/evaluate.ts';
import type { FaultRule } from '../../src/sandbox/faults.ts';
import type { Snapshot } from '../../src/snapshot/model.ts';
import { ACCOUNT, startHarness, testConfig, type Harness } from './harness.ts';
import type { Config } from '../../src/config/schema.ts';

/**
 * Every collected operation, answered over the wire by the sandbox without one field a verdict
 * depends on (or with it malformed): the affected check says insufficient evidence and names the
 * field — never a default standing in for what AWS did not say.
 */

/** Policy not public, ACL read (IgnorePublicAcls off), KMS CMK, bucket key on. */
const TARGET = 'evidence-target';
/** Public through its ACL, so whether ACLs are disabled decides. */
const ACL_BUCKET = 'evidence-public-acl';
const TRAIL_BUCKET = 'evidence-trail-logs';

let h: Harness;

// Every read is made (none derived from another): each case strips a field from one read's answer.
const config = testConfig({
  regions: ['us-east-1'],
  collection: {
    concurrency: 4,
    maxAttempts: 1,
    deriveImpliedReads: false,
    keyUsage: { lookbackDays: 1, maxEventsPerRegion: 20 },
  },
});

async function setUp(): Promise<void> {
  const s3 = h.s3();
  const kms = h.kms();
  const key = (await kms.send(new CreateKeyCommand({ Description: 'bucket key' }))).KeyMetadata;
  if (!key?.Arn || !key.KeyId) throw new Error('no key');
  await kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId }));

  await s3.send(new CreateBucketCommand({ Bucket: TARGET }));
  await s3.send(
    new PutBucketEncryptionCommand({
      Bucket: TARGET,
      ServerSideEncryptionConfiguration: {
        Rules: [
          {
            ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key.Arn },
            BucketKeyEnabled: true,
            BlockedEncryptionTypes: { EncryptionType: ['SSE-C'] },
          },
        ],
      },
    }),
  );
  await s3.send(
    new PutPublicAccessBlockCommand({
      Bucket: TARGET,
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        IgnorePublicAcls: false,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
    }),
  );
  await s3.send(
    new PutBucketOwnershipControlsCommand({
      Bucket: TARGET,
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] },
    }),
  );
  await s3.send(
    new PutBucketPolicyCommand({
      Bucket: TARGET,
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'DenyInsecureTransport',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: [`arn:aws:s3:::${TARGET}`, `arn:aws:s3:::${TARGET}/*`],
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      }),
    }),
  );
  await s3.send(
    new PutBucketTaggingCommand({
      Bucket: TARGET,
      Tagging: { TagSet: [{ Key: 'data-class', Value: 'internal' }] },
    }),
  );

  await s3.send(new CreateBucketCommand({ Bucket: ACL_BUCKET }));
  await s3.send(
    new PutPublicAccessBlockCommand({
      Bucket: ACL_BUCKET,
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: false,
        IgnorePublicAcls: false,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
    }),
  );
  await s3.send(
    new PutBucketOwnershipControlsCommand({
      Bucket: ACL_BUCKET,
      OwnershipControls: { Rules: [{ ObjectOwnership: 'ObjectWriter' }] },
    }),
  );
  await s3.send(new PutBucketAclCommand({ Bucket: ACL_BUCKET, ACL: 'public-read' }));

  await h.s3control().send(
    new PutAccountPabCommand({
      AccountId: ACCOUNT,
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: false,
        IgnorePublicAcls: false,
        BlockPublicPolicy: false,
        RestrictPublicBuckets: false,
      },
    }),
  );

  await s3.send(new CreateBucketCommand({ Bucket: TRAIL_BUCKET }));
  await s3.send(
    new PutBucketPolicyCommand({
      Bucket: TRAIL_BUCKET,
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Action: 's3:GetBucketAcl',
            Resource: `arn:aws:s3:::${TRAIL_BUCKET}`,
          },
          {
            Effect: 'Allow',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: `arn:aws:s3:::${TRAIL_BUCKET}/AWSLogs/${ACCOUNT}/*`,
          },
        ],
      }),
    }),
  );
  const cfg = h.config();
  await cfg.send(
    new PutConfigurationRecorderCommand({
      ConfigurationRecorder: {
        name: 'default',
        roleARN: `arn:aws:iam::${ACCOUNT}:role/config`,
        recordingGroup: { allSupported: true, includeGlobalResourceTypes: true },
      },
    }),
  );
  await cfg.send(
    new PutDeliveryChannelCommand({ DeliveryChannel: { name: 'default', s3BucketName: TRAIL_BUCKET } }),
  );
  await cfg.send(new StartConfigurationRecorderCommand({ ConfigurationRecorderName: 'default' }));
  const rules = [
    ['s3-sse', 'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED'],
    ['s3-public-read', 'S3_BUCKET_PUBLIC_READ_PROHIBITED'],
    ['s3-public-write', 'S3_BUCKET_PUBLIC_WRITE_PROHIBITED'],
  ] as const;
  for (const [name, id] of rules) {
    await cfg.send(
      new PutConfigRuleCommand({
        ConfigRule: {
          ConfigRuleName: name,
          Source: { Owner: 'AWS', SourceIdentifier: id },
          Scope: { ComplianceResourceTypes: ['AWS::S3::Bucket'] },
        },
      }),
    );
  }
  await cfg.send(new StartConfigRulesEvaluationCommand({ ConfigRuleNames: rules.map(([n]) => n) }));

  const ct = h.cloudtrail();
  await ct.send(
    new CreateTrailCommand({
      Name: 'org-wide',
      S3BucketName: TRAIL_BUCKET,
      IsMultiRegionTrail: true,
      EnableLogFileValidation: true,
    }),
  );
  await ct.send(new StartLoggingCommand({ Name: 'org-wide' }));
  await ct.send(
    new PutEventSelectorsCommand({
      TrailName: 'org-wide',
      EventSelectors: [
        {
          ReadWriteType: 'All',
          IncludeManagementEvents: true,
          DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }],
        },
      ],
    }),
  );
}

interface Run {
  snapshot: Snapshot;
  findings: Finding[];
}

async function run(faults: FaultRule[], withConfig: Config = config): Promise<Run> {
  h.sandbox.faults.setRules(faults);
  try {
    const snapshot = await collect({
      config: withConfig,
      factory: h.factory,
      sink: h.sink,
      toolVersion: '0.0.0-test',
      runId: 'missing-fields',
      endpoint: h.sandbox.url,
      sandbox: true,
      now: () => new Date(Date.now() + 60_000),
    });
    const { findings } = await evaluate(snapshot, withConfig);
    return { snapshot, findings: [...findings] };
  } finally {
    h.sandbox.faults.clear();
  }
}

let baseline: Run;

beforeAll(async () => {
  h = await startHarness({ accountId: undefined });
  await setUp();
  baseline = await run([]);
}, 60_000);

afterAll(async () => {
  await h.close();
});

/** One stripped (or malformed) field and the check whose verdict depended on it. */
interface Case {
  service: string;
  operation: string;
  /** The member's path in the wire body (several: each is stripped). */
  wire: string | string[];
  /** Its name in the SDK output, as the gap names it. */
  named: string;
  check: string;
  /** Which of the check's results: a resource name (default: every result of the check). */
  resource?: string;
  replace?: string | boolean;
}

const S3_CASES: Case[] = [
  {
    service: 's3',
    operation: 'GetBucketPolicyStatus',
    wire: 'PolicyStatus.IsPublic',
    named: 'PolicyStatus.IsPublic',
    check: 's3.not-public',
    resource: TARGET,
  },
  {
    service: 's3',
    operation: 'GetBucketEncryption',
    wire: 'ServerSideEncryptionConfiguration.Rule',
    named: 'ServerSideEncryptionConfiguration.Rules',
    check: 's3.default-encryption',
    resource: TARGET,
  },
  {
    service: 's3',
    operation: 'GetBucketEncryption',
    wire: 'ServerSideEncryptionConfiguration.Rule.ApplyServerSideEncryptionByDefault.SSEAlgorithm',
    named: 'SSEAlgorithm',
    check: 's3.default-encryption',
    resource: TARGET,
  },
  {
    service: 's3',
    operation: 'GetBucketEncryption',
    wire: 'ServerSideEncryptionConfiguration.Rule.ApplyServerSideEncryptionByDefault.SSEAlgorithm',
    named: 'SSEAlgorithm is malformed',
    replace: 'aws:kms:unheard-of',
    check: 's3.sse-kms-cmk',
    resource: TARGET,
  },
  {
    service: 's3',
    operation: 'GetBucketEncryption',
    wire: 'ServerSideEncryptionConfiguration.Rule.BucketKeyEnabled',
    named: 'Rule.BucketKeyEnabled',
    check: 's3.bucket-key',
    resource: TARGET,
  },
  {
    service: 's3',
    operation: 'GetBucketEncryption',
    wire: 'ServerSideEncryptionConfiguration.Rule.BlockedEncryptionTypes.EncryptionType',
    named: 'Rule.BlockedEncryptionTypes.EncryptionType',
    check: 's3.sse-c-blocked',
    resource: TARGET,
  },
  {
    service: 's3',
    operation: 'GetBucketEncryption',
    wire: 'ServerSideEncryptionConfiguration.Rule.BlockedEncryptionTypes.EncryptionType',
    named: 'Rule.BlockedEncryptionTypes.EncryptionType is malformed',
    replace: 'SSE-Q',
    check: 's3.sse-c-blocked',
    resource: TARGET,
  },
  ...(['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const).map(
    (flag): Case => ({
      service: 's3',
      operation: 'GetPublicAccessBlock',
      wire: `PublicAccessBlockConfiguration.${flag}`,
      named: `PublicAccessBlockConfiguration.${flag}`,
      check: 's3.bucket-public-access-block',
      resource: TARGET,
    }),
  ),
  {
    service: 's3',
    operation: 'GetBucketAcl',
    wire: 'AccessControlPolicy.AccessControlList',
    named: 'AccessControlList',
    check: 's3.not-public',
    resource: TARGET,
  },
  {
    service: 's3',
    operation: 'GetBucketAcl',
    wire: 'AccessControlPolicy.AccessControlList.Grant.Permission',
    named: 'Grant.Permission',
    check: 's3.not-public',
    resource: TARGET,
  },
  {
    service: 's3',
    operation: 'GetBucketAcl',
    wire: 'AccessControlPolicy.AccessControlList.Grant.Grantee.URI',
    named: 'Grant.Grantee.URI',
    check: 's3.not-public',
    resource: ACL_BUCKET,
  },
  {
    service: 's3',
    operation: 'GetBucketOwnershipControls',
    wire: 'OwnershipControls.Rule.ObjectOwnership',
    named: 'ObjectOwnership',
    check: 's3.not-public',
    resource: ACL_BUCKET,
  },
  ...(['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const).map(
    (flag): Case => ({
      service: 's3control',
      operation: 'GetPublicAccessBlock',
      wire: `PublicAccessBlockConfiguration.${flag}`,
      named: `PublicAccessBlockConfiguration.${flag}`,
      check: 's3.account-public-access-block',
    }),
  ),
];

const KMS_CASES: Case[] = [
  ...(['KeyState', 'KeyManager', 'Arn'] as const).map((f): Case => ({
    service: 'kms',
    operation: 'DescribeKey',
    wire: `KeyMetadata.${f}`,
    named: `KeyMetadata.${f}`,
    check: 's3.sse-kms-cmk',
    resource: TARGET,
  })),
  {
    service: 'kms',
    operation: 'DescribeKey',
    // CustomerMasterKeySpec is the deprecated name of the same member: only both missing leave it unknown.
    wire: ['KeyMetadata.KeySpec', 'KeyMetadata.CustomerMasterKeySpec'],
    named: 'KeyMetadata.KeySpec',
    check: 'kms.rotation-enabled',
  },
  {
    service: 'kms',
    operation: 'DescribeKey',
    wire: 'KeyMetadata.Origin',
    named: 'KeyMetadata.Origin',
    check: 'kms.rotation-enabled',
  },
  {
    service: 'kms',
    operation: 'GetKeyPolicy',
    wire: 'Policy',
    named: 'Policy',
    check: 'kms.key-policy-not-public',
  },
  {
    service: 'kms',
    operation: 'GetKeyPolicy',
    wire: 'Policy',
    named: 'Policy is malformed',
    replace: 'not a policy',
    check: 'kms.key-policy-not-public',
  },
  {
    service: 'kms',
    operation: 'GetKeyRotationStatus',
    wire: 'KeyRotationEnabled',
    named: 'KeyRotationEnabled',
    check: 'kms.rotation-enabled',
  },
  {
    service: 'kms',
    operation: 'GetKeyRotationStatus',
    wire: 'KeyRotationEnabled',
    named: 'KeyRotationEnabled is malformed',
    replace: 'yes',
    check: 'kms.rotation-enabled',
  },
  {
    service: 'kms',
    operation: 'GetKeyRotationStatus',
    wire: 'RotationPeriodInDays',
    named: 'RotationPeriodInDays',
    check: 'kms.rotation-enabled',
  },
  {
    service: 'kms',
    operation: 'ListKeyRotations',
    wire: 'Rotations',
    named: 'Rotations',
    check: 'kms.rotation-enabled',
  },
];

const CONFIG_CASES: Case[] = [
  {
    service: 'config',
    operation: 'DescribeConfigurationRecorders',
    wire: 'ConfigurationRecorders.recordingGroup.allSupported',
    named: 'recordingGroup.allSupported',
    check: 'config.recorder-active',
  },
  {
    service: 'config',
    operation: 'DescribeConfigurationRecorders',
    wire: 'ConfigurationRecorders.recordingGroup.resourceTypes',
    named: 'recordingGroup.resourceTypes',
    check: 'config.recorder-active',
  },
  {
    service: 'config',
    operation: 'DescribeConfigurationRecorderStatus',
    wire: 'ConfigurationRecordersStatus.recording',
    named: 'ConfigurationRecorderStatus.recording',
    check: 'config.recorder-active',
  },
  {
    service: 'config',
    operation: 'DescribeConfigurationRecorderStatus',
    wire: 'ConfigurationRecordersStatus.lastStatus',
    named: 'ConfigurationRecorderStatus.lastStatus',
    check: 'config.recorder-active',
  },
  {
    service: 'config',
    operation: 'DescribeConfigRules',
    wire: 'ConfigRules.Source.SourceIdentifier',
    named: 'Source.SourceIdentifier',
    check: 'config.rules-present',
  },
  {
    service: 'config',
    operation: 'GetComplianceDetailsByConfigRule',
    wire: 'EvaluationResults.ComplianceType',
    named: 'EvaluationResult.ComplianceType',
    check: 'config.rule-compliant',
    resource: TARGET,
  },
  {
    service: 'config',
    operation: 'GetComplianceDetailsByConfigRule',
    wire: 'EvaluationResults.EvaluationResultIdentifier.EvaluationResultQualifier.ResourceId',
    named: 'EvaluationResultQualifier.ResourceId',
    check: 'config.rule-compliant',
    resource: TARGET,
  },
];

const TRAIL_CASES: Case[] = [
  {
    service: 'cloudtrail',
    operation: 'DescribeTrails',
    wire: 'trailList.IsMultiRegionTrail',
    named: 'Trail.IsMultiRegionTrail',
    check: 'cloudtrail.multi-region-logging',
  },
  {
    service: 'cloudtrail',
    operation: 'DescribeTrails',
    wire: 'trailList.LogFileValidationEnabled',
    named: 'Trail.LogFileValidationEnabled',
    check: 'cloudtrail.log-file-validation',
  },
  {
    service: 'cloudtrail',
    operation: 'DescribeTrails',
    wire: 'trailList.TrailARN',
    named: 'Trail.TrailARN',
    check: 'cloudtrail.multi-region-logging',
  },
  {
    service: 'cloudtrail',
    operation: 'GetTrailStatus',
    wire: 'IsLogging',
    named: 'IsLogging',
    check: 'cloudtrail.multi-region-logging',
  },
  {
    service: 'cloudtrail',
    operation: 'GetEventSelectors',
    wire: 'EventSelectors.IncludeManagementEvents',
    named: 'EventSelector.IncludeManagementEvents',
    check: 'cloudtrail.kms-events-logged',
  },
  {
    service: 'cloudtrail',
    operation: 'GetEventSelectors',
    wire: 'EventSelectors.DataResources.Type',
    named: 'DataResource.Type',
    check: 'cloudtrail.s3-data-events',
  },
  {
    service: 'cloudtrail',
    operation: 'GetEventSelectors',
    wire: 'EventSelectors.ReadWriteType',
    named: 'EventSelector.ReadWriteType',
    replace: 'Sometimes',
    check: 'cloudtrail.s3-data-events',
  },
];

function resultsOf(findings: readonly Finding[], c: Case): Finding[] {
  return findings.filter(
    (f) => f.checkId === c.check && (c.resource === undefined || f.resource.name === c.resource),
  );
}

describe.each([
  ['S3 and S3 Control', S3_CASES],
  ['KMS', KMS_CASES],
  ['AWS Config', CONFIG_CASES],
  ['CloudTrail', TRAIL_CASES],
])('%s answered without a field the verdict needs', (_name, cases) => {
  it.each(
    cases.map(
      (c) =>
        [
          `${c.operation} ${c.replace === undefined ? 'without' : 'with a malformed'} ${[c.wire].flat().join(' and ')} → ${c.check}`,
          c,
        ] as const,
    ),
  )(
    '%s',
    async (_label, c) => {
      // Without the fault the check has a verdict of its own, so the gap below is the field's doing.
      const before = resultsOf(baseline.findings, c);
      expect(before.length, 'results before').toBeGreaterThan(0);
      for (const f of before) expect(f.status, f.reason).not.toBe('insufficient-evidence');

      const rules = [c.wire]
        .flat()
        .map((field): FaultRule =>
          c.replace === undefined
            ? { service: c.service, operation: c.operation, kind: 'StripField', field }
            : { service: c.service, operation: c.operation, kind: 'ReplaceField', field, value: c.replace },
        );
      const after = resultsOf((await run(rules)).findings, c);
      expect(after.length, 'results after').toBeGreaterThan(0);
      for (const f of after) {
        expect(f.status, f.reason).toBe('insufficient-evidence');
        expect(f.reason).toContain(c.operation);
        expect(f.reason).toContain(c.named);
      }
    },
    30_000,
  );
});

describe('inventory reads answered without a field', () => {
  it('ListBuckets without a bucket name: the listing is a gap naming the field, no bucket is invented', async () => {
    const { snapshot } = await run([
      {
        service: 's3',
        operation: 'ListBuckets',
        kind: 'StripField',
        field: 'ListAllMyBucketsResult.Buckets.Bucket.Name',
      },
    ]);
    const account = snapshot.accounts[0];
    expect(account?.bucketListing).toMatchObject({ status: 'error', errorCode: 'MissingField' });
    expect(account?.bucketListing.status === 'error' && account.bucketListing.message).toContain(
      'Bucket.Name',
    );
    expect(account?.buckets).toEqual([]);
  });

  it('GetBucketTagging without a tag value: the tags are a gap naming the field, classification falls back to sensitive', async () => {
    const { snapshot } = await run([
      { service: 's3', operation: 'GetBucketTagging', kind: 'StripField', field: 'Tagging.TagSet.Tag.Value' },
    ]);
    const bucket = snapshot.accounts[0]?.buckets.find((b) => b.name === TARGET);
    expect(bucket?.tags).toMatchObject({
      status: 'error',
      errorCode: 'MissingField',
      message: expect.stringContaining('Tag.Value'),
    });
    const classify = makeClassifier(
      testConfig({
        classification: { default: 'sensitive', rules: [{ level: 'standard', tag: { key: 'data-class' } }] },
      }).classification,
    );
    const before = baseline.snapshot.accounts[0]?.buckets.find((b) => b.name === TARGET);
    if (!before || !bucket) throw new Error('bucket not collected');
    expect(classify(before).level).toBe('standard');
    expect(classify(bucket).level).toBe('sensitive');
  });

  it('GetResources without a tag value: the listing is a gap, and the buckets are asked one by one', async () => {
    const derived = testConfig({ ...config, collection: { ...config.collection, deriveImpliedReads: true } });
    const before = h.requests('s3', 'GetBucketTagging');
    const { snapshot } = await run(
      [
        {
          service: 'tagging',
          operation: 'GetResources',
          kind: 'StripField',
          field: 'ResourceTagMappingList.Tags.Value',
        },
      ],
      derived,
    );
    const bucket = snapshot.accounts[0]?.buckets.find((b) => b.name === TARGET);
    expect(bucket?.tags).toMatchObject({
      status: 'ok',
      value: { 'data-class': 'internal' },
      evidence: { operation: 'GetBucketTagging' },
    });
    expect(h.requests('s3', 'GetBucketTagging') - before).toBe(snapshot.accounts[0]?.buckets.length);
  });

  it('GetBucketAbac without a status: ABAC is a gap naming the field, and a tag rule says the tag may govern access', async () => {
    expect(baseline.snapshot.accounts[0]?.buckets.find((b) => b.name === TARGET)?.abac).toMatchObject({
      status: 'ok',
      value: { status: 'Disabled' },
    });
    const { snapshot } = await run([
      { service: 's3', operation: 'GetBucketAbac', kind: 'StripField', field: 'AbacStatus.Status' },
    ]);
    const bucket = snapshot.accounts[0]?.buckets.find((b) => b.name === TARGET);
    expect(bucket?.abac).toMatchObject({
      status: 'error',
      errorCode: 'MissingField',
      message: expect.stringContaining('AbacStatus.Status'),
    });
    const classify = makeClassifier(
      testConfig({
        classification: { default: 'sensitive', rules: [{ level: 'standard', tag: { key: 'data-class' } }] },
      }).classification,
    );
    if (!bucket) throw new Error('bucket not collected');
    expect(classify(bucket).tagAccessControl).toContain('GetBucketAbac could not be read (MissingField)');
  });

  it('BlockedEncryptionTypes left out altogether: S3 does not block SSE-C, and the check fails saying so', async () => {
    const { findings } = await run([
      {
        service: 's3',
        operation: 'GetBucketEncryption',
        kind: 'StripField',
        field: 'ServerSideEncryptionConfiguration.Rule.BlockedEncryptionTypes',
      },
    ]);
    const result = findings.find((f) => f.checkId === 's3.sse-c-blocked' && f.resource.name === TARGET);
    expect(result).toMatchObject({
      status: 'fail',
      reason: expect.stringContaining('no BlockedEncryptionTypes'),
    });
  });

  it('LookupEvents without event names: the key-usage sample is a gap naming the field', async () => {
    expect(baseline.snapshot.accounts[0]?.cloudTrail.keyUsage[0]?.events.status).toBe('ok');
    const { snapshot } = await run([
      { service: 'cloudtrail', operation: 'LookupEvents', kind: 'StripField', field: 'Events.EventName' },
    ]);
    expect(snapshot.accounts[0]?.cloudTrail.keyUsage[0]?.events).toMatchObject({
      status: 'error',
      errorCode: 'MissingField',
      message: expect.stringContaining('Event.EventName'),
    });
  });

  it('GetCallerIdentity without the account: the run stops naming the field', async () => {
    await expect(
      run([
        {
          service: 'sts',
          operation: 'GetCallerIdentity',
          kind: 'StripField',
          field: 'GetCallerIdentityResponse.GetCallerIdentityResult.Account',
        },
      ]),
    ).rejects.toThrow(/GetCallerIdentity.*the response has no Account/);
  });
});
