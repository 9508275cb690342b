import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  DeletePublicAccessBlockCommand,
  PutBucketAclCommand,
  PutBucketEncryptionCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { PutPublicAccessBlockCommand as PutAccountPab, S3ControlClient } from '@aws-sdk/client-s3-control';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  EnableKeyRotationCommand,
  KMSClient,
} from '@aws-sdk/client-kms';
import {
  ConfigServiceClient,
  PutConfigRuleCommand,
  PutConfigurationRecorderCommand,
  PutDeliveryChannelCommand,
  StartConfigurationRecorderCommand,
} from '@aws-sdk/client-config-service';
import { CloudTrailClient, CreateTrailCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPackEntries } from '../../src/pack/zip-reader.ts';
import { BIN, runCli } from './cli.ts';

/**
 * The acceptance scenario: a standalone sandbox started with `--scenario empty`, set up only
 * through plain AWS SDK calls (two accounts, two regions, assorted settings), then read with
 * `evidence-pack run --endpoint-url`. The inventories must list exactly what was created, with the
 * right account and region, and the verdicts must match what was configured.
 */

const A = '111122223333';
const B = '555566667777';
const keys: AwsCredentialIdentity = {
  accessKeyId: 'AKIASTANDALONETEST01',
  secretAccessKey: 'standalone-secret',
};

function startStandalone(): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'sandbox', '--port', '0', '--scenario', 'empty'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CI: 'true' },
    });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /sandbox listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1]) resolve({ child, url: m[1] });
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`sandbox exited early (${code}): ${out}`)));
  });
}

const policy = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

async function setUp(url: string): Promise<void> {
  const s3 = (region: string, credentials = keys) =>
    new S3Client({ region, endpoint: url, credentials, forcePathStyle: true });
  const use1 = s3('us-east-1');
  const euc1 = s3('eu-central-1');
  const kms = new KMSClient({ region: 'eu-central-1', endpoint: url, credentials: keys });

  const key = await kms.send(new CreateKeyCommand({ Description: 'standalone test key' }));
  const keyId = key.KeyMetadata?.KeyId ?? '';
  await kms.send(new CreateAliasCommand({ AliasName: 'alias/st-data', TargetKeyId: keyId }));
  await kms.send(new EnableKeyRotationCommand({ KeyId: keyId }));

  // us-east-1: a default bucket (SSE-S3, all BPA flags on) and a public-by-policy one.
  await use1.send(new CreateBucketCommand({ Bucket: 'st-default' }));
  await use1.send(new CreateBucketCommand({ Bucket: 'st-public-policy' }));
  await use1.send(new DeletePublicAccessBlockCommand({ Bucket: 'st-public-policy' }));
  await use1.send(
    new PutBucketPolicyCommand({
      Bucket: 'st-public-policy',
      Policy: policy({
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::st-public-policy/*',
      }),
    }),
  );
  // eu-central-1: KMS with TLS-only policy; a public ACL neutralized by IgnorePublicAcls.
  await euc1.send(
    new CreateBucketCommand({
      Bucket: 'st-kms-tls',
      CreateBucketConfiguration: { LocationConstraint: 'eu-central-1' },
    }),
  );
  await euc1.send(
    new PutBucketEncryptionCommand({
      Bucket: 'st-kms-tls',
      ServerSideEncryptionConfiguration: {
        Rules: [
          {
            ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'alias/st-data' },
          },
        ],
      },
    }),
  );
  await euc1.send(
    new PutBucketPolicyCommand({
      Bucket: 'st-kms-tls',
      Policy: policy({
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: ['arn:aws:s3:::st-kms-tls', 'arn:aws:s3:::st-kms-tls/*'],
        Condition: { Bool: { 'aws:SecureTransport': false } },
      }),
    }),
  );
  await euc1.send(
    new CreateBucketCommand({
      Bucket: 'st-acl',
      CreateBucketConfiguration: { LocationConstraint: 'eu-central-1' },
    }),
  );
  await euc1.send(
    new PutBucketOwnershipControlsCommand({
      Bucket: 'st-acl',
      OwnershipControls: { Rules: [{ ObjectOwnership: 'ObjectWriter' }] },
    }),
  );
  await euc1.send(
    new PutPublicAccessBlockCommand({
      Bucket: 'st-acl',
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: false,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
    }),
  );
  await euc1.send(new PutBucketAclCommand({ Bucket: 'st-acl', ACL: 'public-read' }));

  // Account A: account-level BPA fully on; Config in us-east-1; a multi-region trail.
  const control = new S3ControlClient({
    region: 'us-east-1',
    credentials: keys,
    endpointProvider: () => ({ url: new URL(url) }),
  });
  await control.send(
    new PutAccountPab({
      AccountId: A,
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
    }),
  );
  const config = new ConfigServiceClient({ region: 'us-east-1', endpoint: url, credentials: keys });
  await config.send(
    new PutConfigurationRecorderCommand({
      ConfigurationRecorder: {
        name: 'default',
        roleARN: `arn:aws:iam::${A}:role/config`,
        recordingGroup: { allSupported: true },
      },
    }),
  );
  await config.send(
    new PutDeliveryChannelCommand({ DeliveryChannel: { name: 'default', s3BucketName: 'st-default' } }),
  );
  await config.send(new StartConfigurationRecorderCommand({ ConfigurationRecorderName: 'default' }));
  await config.send(
    new PutConfigRuleCommand({
      ConfigRule: {
        ConfigRuleName: 'renamed-by-conformance-pack-x1',
        Source: { Owner: 'AWS', SourceIdentifier: 'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED' },
      },
    }),
  );
  await use1.send(new CreateBucketCommand({ Bucket: 'st-trail-logs' }));
  await use1.send(
    new PutBucketPolicyCommand({
      Bucket: 'st-trail-logs',
      Policy: policy(
        {
          Effect: 'Allow',
          Principal: { Service: 'cloudtrail.amazonaws.com' },
          Action: 's3:GetBucketAcl',
          Resource: 'arn:aws:s3:::st-trail-logs',
        },
        {
          Effect: 'Allow',
          Principal: { Service: 'cloudtrail.amazonaws.com' },
          Action: 's3:PutObject',
          Resource: `arn:aws:s3:::st-trail-logs/AWSLogs/${A}/*`,
        },
      ),
    }),
  );
  const trail = new CloudTrailClient({ region: 'us-east-1', endpoint: url, credentials: keys });
  await trail.send(
    new CreateTrailCommand({
      Name: 'st-trail',
      S3BucketName: 'st-trail-logs',
      IsMultiRegionTrail: true,
      EnableLogFileValidation: true,
    }),
  );
  await trail.send(new StartLoggingCommand({ Name: 'st-trail' }));

  // Account B through AssumeRole: one bucket in eu-central-1.
  const sts = new STSClient({ region: 'us-east-1', endpoint: url, credentials: keys });
  const role = await sts.send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${B}:role/EvidencePackReader`, RoleSessionName: 'setup' }),
  );
  const c = role.Credentials;
  const b = s3('eu-central-1', {
    accessKeyId: c?.AccessKeyId ?? '',
    secretAccessKey: c?.SecretAccessKey ?? '',
    sessionToken: c?.SessionToken ?? '',
  });
  await b.send(
    new CreateBucketCommand({
      Bucket: 'st-b-data',
      CreateBucketConfiguration: { LocationConstraint: 'eu-central-1' },
    }),
  );
}

interface Result {
  checkId: string;
  status: string;
  resource: { name: string; accountId: string; region?: string };
}

describe('run --endpoint-url against a standalone sandbox set up with plain SDK calls', () => {
  let sandbox: { child: ChildProcess; url: string };
  let entries: Map<string, Buffer>;
  let results: Result[];

  beforeAll(async () => {
    sandbox = await startStandalone();
    await setUp(sandbox.url);
    const dir = await mkdtemp(join(tmpdir(), 'ep-standalone-'));
    const config = join(dir, 'evidence.config.ts');
    await writeFile(
      config,
      `export default {
        organization: 'Standalone Test',
        accounts: [{ name: 'b', roleArn: 'arn:aws:iam::${B}:role/EvidencePackReader' }],
        classification: { default: 'sensitive', rules: [{ level: 'standard', namePattern: 'st-public-*' }] },
        capture: { mode: 'none' },
      };\n`,
    );
    const run = await runCli(
      ['run', '--config', config, '--out', join(dir, 'out'), '--json', '--fail-on', 'none'],
      {
        cwd: dir,
        env: {
          AWS_ACCESS_KEY_ID: keys.accessKeyId,
          AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
          AWS_REGION: 'us-east-1',
          AWS_ENDPOINT_URL: sandbox.url,
        },
      },
    );
    expect(run.stderr).not.toMatch(/Warning/);
    expect(run.code, run.stderr).toBe(0);
    const { pack } = JSON.parse(run.stdout) as { pack: string };
    // `run` names the pack after the organization, as `demo` does (not after the account id).
    expect(pack).toMatch(/\/evidence-pack_standalone-test_\d{8}T\d{6}Z\.zip$/);
    entries = await readPackEntries(pack);
    results = (JSON.parse(entries.get('findings/findings.json')?.toString() ?? '{}') as { results: Result[] })
      .results;
  }, 180_000);

  afterAll(() => {
    sandbox?.child.kill('SIGTERM');
  });

  const csvRows = (path: string) => {
    const [header, ...rows] = (entries.get(path)?.toString() ?? '').trim().split('\n');
    const cols = (header ?? '').split(',');
    return rows.map((r) =>
      Object.fromEntries(r.split(',').map((v, i) => [cols[i], v.replace(/^"|"$/g, '')])),
    );
  };

  it('inventories every bucket that was created, no more, with account and region', () => {
    const buckets = csvRows('inventory/buckets.csv')
      .map(
        (r) =>
          `${r['account_id'] ?? r['accountId'] ?? r['account']}/${r['region']}/${r['bucket'] ?? r['name']}`,
      )
      .sort();
    expect(buckets).toEqual(
      [
        `${A}/eu-central-1/st-acl`,
        `${A}/eu-central-1/st-kms-tls`,
        `${A}/us-east-1/st-default`,
        `${A}/us-east-1/st-public-policy`,
        `${A}/us-east-1/st-trail-logs`,
        `${B}/eu-central-1/st-b-data`,
      ].sort(),
    );
  });

  it('labels the pack as sandbox data, since the endpoint is the evidence-pack sandbox', () => {
    const manifest = JSON.parse(entries.get('manifest.json')?.toString() ?? '{}') as { sandbox: boolean };
    expect(manifest.sandbox).toBe(true);
    expect(entries.get('README.txt')?.toString()).toMatch(/sandbox/i);
  });

  it('lists the key, the Config rule and the trail that were created', () => {
    const keysCsv = entries.get('inventory/kms-keys.csv')?.toString() ?? '';
    expect(keysCsv).toContain('alias/st-data');
    expect(keysCsv).toContain('eu-central-1');
    const rules = entries.get('inventory/config-rules.csv')?.toString() ?? '';
    expect(rules).toContain('renamed-by-conformance-pack-x1');
    expect(rules).toContain('S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED');
    const trails = entries.get('inventory/trails.csv')?.toString() ?? '';
    expect(trails).toContain('st-trail');
    expect(trails.trim().split('\n')).toHaveLength(2);
  });

  it('gives the verdicts that match what was configured', () => {
    const v = (check: string, name: string) =>
      results.filter((r) => r.checkId === check && r.resource.name === name).map((r) => r.status);
    expect(v('s3.default-encryption', 'st-default')).toEqual(['pass']);
    expect(v('s3.sse-kms-cmk', 'st-default')).toEqual(['fail']);
    expect(v('s3.sse-kms-cmk', 'st-kms-tls')).toEqual(['pass']);
    expect(v('s3.tls-only', 'st-kms-tls')).toEqual(['pass']);
    expect(v('s3.tls-only', 'st-default')).toEqual(['fail']);
    expect(v('s3.bucket-public-access-block', 'st-default')).toEqual(['pass']);
    expect(v('s3.bucket-public-access-block', 'st-acl')).toEqual(['fail']);
    // The public policy was written before account-level BPA; RestrictPublicBuckets now neutralizes it.
    expect(v('s3.not-public', 'st-public-policy')).toEqual(['pass']);
    // The public-read ACL is neutralized by IgnorePublicAcls.
    expect(v('s3.not-public', 'st-acl')).toEqual(['pass']);
    expect(
      v('kms.rotation-enabled', 'alias/st-data').concat(v('kms.rotation-enabled', 'st-data')),
    ).not.toContain('fail');
    const acct = results.filter((r) => r.checkId === 's3.account-public-access-block');
    expect(acct.find((r) => r.resource.accountId === A)?.status).toBe('pass');
    expect(acct.find((r) => r.resource.accountId === B)?.status).toBe('fail');
    const rules = results.filter((r) => r.checkId === 'config.rules-present' && r.resource.accountId === A);
    expect(rules.find((r) => r.resource.region === 'us-east-1')?.status).toBe('fail');
    const trail = results.filter((r) => r.checkId === 'cloudtrail.multi-region-logging');
    expect(trail.find((r) => r.resource.accountId === A)?.status).toBe('pass');
  });
});
