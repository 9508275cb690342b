/**
 * A small snapshot with its raw records written to a temp work dir, including hostile values
 * (HTML in a policy Sid, a tag, a Config annotation) that must render as text.
 */
import { absentOf } from '../support/outcomes.ts';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EvidenceRef } from '../../src/aws/outcome.ts';
import type { RecordedCall } from '../../src/aws/recorded-call.ts';
import type { AccountSnapshot, BucketSnapshot, Snapshot } from '../../src/snapshot/model.ts';

export const ACCOUNT = '111122223333';
export const REGION = 'us-east-1';
export const HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">';
export const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
export const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${KEY_ID}`;
export const TRAIL_ARN = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/org-trail`;

/** Records in call order per file, like the recorder writes them. */
class RawWriter {
  readonly files = new Map<string, RecordedCall[]>();
  private seq = 0;

  call(
    service: string,
    operation: string,
    input: unknown,
    result: {
      output?: unknown;
      outcome?: RecordedCall['outcome'];
      httpStatus?: number;
      errorName?: string;
      errorMessage?: string;
    },
  ): EvidenceRef {
    const file = `raw/${ACCOUNT}/${service}/${REGION}.jsonl`;
    const n = ++this.seq;
    const record: RecordedCall = {
      id: `${service}-${REGION}-${String(n).padStart(4, '0')}`,
      service,
      operation,
      region: REGION,
      accountId: ACCOUNT,
      input,
      output: result.output,
      httpStatus: result.httpStatus ?? 200,
      requestId: `REQ${String(n).padStart(6, '0')}EXAMPLE`,
      attempts: 1,
      startedAt: new Date(Date.UTC(2026, 2, 31, 12, 0, n)).toISOString(),
      durationMs: 42,
      errorName: result.errorName,
      errorMessage: result.errorMessage,
      outcome: result.outcome ?? 'ok',
    };
    const list = this.files.get(file) ?? [];
    list.push(record);
    this.files.set(file, list);
    return { file, callId: record.id, service, operation, requestId: record.requestId };
  }

  async write(workDir: string): Promise<void> {
    for (const [file, records] of this.files) {
      await mkdir(join(workDir, file, '..'), { recursive: true });
      await writeFile(join(workDir, file), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    }
  }
}

const pab = {
  blockPublicAcls: true,
  ignorePublicAcls: true,
  blockPublicPolicy: true,
  restrictPublicBuckets: true,
};

function bucket(raw: RawWriter, name: string, tags: Record<string, string>, policy?: string): BucketSnapshot {
  const ev = (op: string, output?: unknown): EvidenceRef => raw.call('s3', op, { Bucket: name }, { output });
  // The recorded 404 behind an absent outcome; the outcome itself comes from the typed shared builder.
  const notConfigured = (op: string, code: string): EvidenceRef =>
    raw.call(
      's3',
      op,
      { Bucket: name },
      { outcome: 'absent', httpStatus: 404, errorName: code, errorMessage: 'not configured' },
    );
  const encOut = {
    ServerSideEncryptionConfiguration: {
      Rules: [
        {
          ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: KEY_ARN },
          BucketKeyEnabled: true,
        },
      ],
    },
  };
  return {
    name,
    arn: `arn:aws:s3:::${name}`,
    accountId: ACCOUNT,
    region: REGION,
    regionSource: 'ListBuckets',
    encryption: {
      status: 'ok',
      value: { rules: [{ sseAlgorithm: 'aws:kms', kmsMasterKeyId: KEY_ARN, bucketKeyEnabled: true }] },
      evidence: ev('GetBucketEncryption', encOut),
    },
    policy: policy
      ? { status: 'ok', value: { text: policy }, evidence: ev('GetBucketPolicy', { Policy: policy }) }
      : absentOf(
          'NoSuchBucketPolicy',
          'GetBucketPolicy',
          's3',
          notConfigured('GetBucketPolicy', 'NoSuchBucketPolicy'),
        ),
    policyStatus: policy
      ? {
          status: 'ok',
          value: { isPublic: false },
          evidence: ev('GetBucketPolicyStatus', { PolicyStatus: { IsPublic: false } }),
        }
      : absentOf(
          'NoSuchBucketPolicy',
          'GetBucketPolicyStatus',
          's3',
          notConfigured('GetBucketPolicyStatus', 'NoSuchBucketPolicy'),
        ),
    publicAccessBlock: name.startsWith('legacy')
      ? absentOf(
          'NoSuchPublicAccessBlockConfiguration',
          'GetPublicAccessBlock',
          's3',
          notConfigured('GetPublicAccessBlock', 'NoSuchPublicAccessBlockConfiguration'),
        )
      : {
          status: 'ok',
          value: pab,
          evidence: ev('GetPublicAccessBlock', {
            PublicAccessBlockConfiguration: {
              BlockPublicAcls: true,
              IgnorePublicAcls: true,
              BlockPublicPolicy: true,
              RestrictPublicBuckets: true,
            },
          }),
        },
    acl: {
      status: 'ok',
      value: { ownerId: 'abc', grants: [] },
      evidence: ev('GetBucketAcl', { Grants: [] }),
    },
    ownershipControls: {
      status: 'ok',
      value: { objectOwnership: 'BucketOwnerEnforced' },
      evidence: ev('GetBucketOwnershipControls', {}),
    },
    tags: {
      status: 'ok',
      value: tags,
      evidence: ev('GetBucketTagging', {
        TagSet: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
      }),
    },
    versioning: {
      status: 'ok',
      value: { status: 'Enabled' },
      evidence: ev('GetBucketVersioning', { Status: 'Enabled' }),
    },
  };
}

export const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: HOSTILE,
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: ['arn:aws:s3:::data-prod', 'arn:aws:s3:::data-prod/*'],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
  ],
});

export const KEY_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'Enable IAM User Permissions',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      Action: 'kms:*',
      Resource: '*',
    },
  ],
});

/** Build the fixture snapshot and write its raw records under a fresh temp dir. */
export async function writeFixture(
  opts: { sandbox?: boolean; ruleName?: string } = {},
): Promise<{ workDir: string; snapshot: Snapshot }> {
  const ruleName = opts.ruleName ?? 's3-encryption';
  const raw = new RawWriter();
  const identityRef = raw.call(
    'sts',
    'GetCallerIdentity',
    {},
    { output: { Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/auditor` } },
  );
  const accountPab = raw.call(
    's3control',
    'GetPublicAccessBlock',
    { AccountId: ACCOUNT },
    {
      output: {
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          IgnorePublicAcls: true,
          BlockPublicPolicy: true,
          RestrictPublicBuckets: false,
        },
      },
    },
  );
  const buckets = [
    bucket(raw, 'data-prod', { classification: HOSTILE }, POLICY),
    bucket(raw, 'legacy-logs', { team: 'ops' }),
  ];
  const describeKey = raw.call(
    'kms',
    'DescribeKey',
    { KeyId: KEY_ARN },
    {
      output: { KeyMetadata: { KeyId: KEY_ID, Arn: KEY_ARN, KeyManager: 'CUSTOMER', KeyState: 'Enabled' } },
    },
  );
  const keyPolicy = raw.call(
    'kms',
    'GetKeyPolicy',
    { KeyId: KEY_ID, PolicyName: 'default' },
    { output: { Policy: KEY_POLICY, PolicyName: 'default' } },
  );
  const ruleResults = raw.call(
    'config',
    'GetComplianceDetailsByConfigRule',
    { ConfigRuleName: ruleName },
    {
      output: {
        EvaluationResults: buckets.map((b, i) => ({
          EvaluationResultIdentifier: {
            EvaluationResultQualifier: {
              ConfigRuleName: ruleName,
              ResourceType: 'AWS::S3::Bucket',
              ResourceId: b.name,
            },
          },
          ComplianceType: i === 0 ? 'COMPLIANT' : 'NON_COMPLIANT',
          ResultRecordedTime: '2026-03-30T10:00:00.000Z',
          ConfigRuleInvokedTime: '2026-03-30T09:59:00.000Z',
          Annotation: i === 0 ? undefined : HOSTILE,
        })),
      },
    },
  );
  const trailStatus = raw.call(
    'cloudtrail',
    'GetTrailStatus',
    { Name: TRAIL_ARN },
    { output: { IsLogging: true } },
  );
  const selectors = raw.call(
    'cloudtrail',
    'GetEventSelectors',
    { TrailName: TRAIL_ARN },
    {
      output: {
        TrailARN: TRAIL_ARN,
        EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [] }],
      },
    },
  );
  const discovery = raw.call(
    'cloudtrail',
    'DescribeTrails',
    {},
    { output: { trailList: [{ Name: 'org-trail', TrailARN: TRAIL_ARN }] } },
  );

  const account: AccountSnapshot = {
    accountId: ACCOUNT,
    name: 'production',
    source: { kind: 'caller' },
    identity: {
      status: 'ok',
      value: { arn: `arn:aws:iam::${ACCOUNT}:user/auditor`, userId: 'AIDAEXAMPLE' },
      evidence: identityRef,
    },
    regions: [REGION],
    bucketListing: { status: 'ok', value: { count: buckets.length }, evidence: identityRef },
    buckets,
    accountPublicAccessBlock: {
      status: 'ok',
      value: { ...pab, restrictPublicBuckets: false },
      evidence: accountPab,
    },
    kmsKeys: [
      {
        accountId: ACCOUNT,
        region: REGION,
        references: [KEY_ARN],
        usedBy: buckets.map((b) => b.arn),
        metadata: {
          status: 'ok',
          value: {
            keyId: KEY_ID,
            arn: KEY_ARN,
            keyAccountId: ACCOUNT,
            keyManager: 'CUSTOMER',
            keyState: 'Enabled',
            keySpec: 'SYMMETRIC_DEFAULT',
            keyUsage: 'ENCRYPT_DECRYPT',
            origin: 'AWS_KMS',
          },
          evidence: describeKey,
        },
        policy: { status: 'ok', value: { text: KEY_POLICY }, evidence: keyPolicy },
        rotation: { status: 'ok', value: { enabled: true }, evidence: describeKey },
        rotations: { status: 'ok', value: [], evidence: describeKey },
        aliases: ['alias/data'],
      },
    ],
    config: [
      {
        accountId: ACCOUNT,
        region: REGION,
        recorders: { status: 'ok', value: [], evidence: ruleResults },
        recorderStatus: { status: 'ok', value: [], evidence: ruleResults },
        rules: { status: 'ok', value: [], evidence: ruleResults },
        results: [
          {
            ruleName,
            sourceIdentifier: 'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED',
            evaluations: { status: 'ok', value: [], evidence: ruleResults },
          },
        ],
      },
    ],
    cloudTrail: {
      discovery: [
        { region: REGION, result: { status: 'ok', value: { trailArns: [TRAIL_ARN] }, evidence: discovery } },
      ],
      trails: [
        {
          name: 'org-trail',
          arn: TRAIL_ARN,
          homeRegion: REGION,
          isMultiRegionTrail: true,
          isOrganizationTrail: false,
          logFileValidationEnabled: true,
          status: { status: 'ok', value: { isLogging: true }, evidence: trailStatus },
          selectors: { status: 'ok', value: {}, evidence: selectors },
        },
      ],
      keyUsage: [],
    },
  };
  const snapshot: Snapshot = {
    schema: 'evidence-pack/snapshot@1',
    tool: { name: 'evidence-pack', version: '0.0.0-test' },
    runId: 'run-2026-03-31',
    collection: { startedAt: '2026-03-31T12:00:00.000Z', finishedAt: '2026-03-31T12:05:00.000Z' },
    caller: { accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/auditor`, userId: 'AIDAEXAMPLE' },
    sandbox: opts.sandbox ?? true,
    accounts: [account],
  };
  const workDir = await mkdtemp(join(tmpdir(), 'ep-capture-'));
  await raw.write(workDir);
  return { workDir, snapshot };
}
