import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alignAttributes, hclString, renderTerraform } from '../../src/remediate/terraform.ts';
import { PLAN_SCHEMA, type PlanCall, type RemediationPlan } from '../../src/remediate/types.ts';

const ACCOUNT = '111122223333';
const fix = {
  checkId: 's3.sse-kms-cmk',
  resourceArn: 'arn:aws:s3:::acme-data',
  resourceName: 'acme-data',
  reason: 'r',
};
const s3 = (operation: string, input: Record<string, unknown>): PlanCall => ({
  service: 's3',
  operation,
  accountId: ACCOUNT,
  region: 'eu-west-1',
  input: { Bucket: 'acme-data', ...input },
});

const plan: RemediationPlan = {
  schema: PLAN_SCHEMA,
  runId: 'run-1',
  steps: [
    {
      fixes: [fix],
      summary: 'Set the default encryption.',
      call: s3('PutBucketEncryption', {
        ServerSideEncryptionConfiguration: {
          Rules: [
            {
              ApplyServerSideEncryptionByDefault: {
                SSEAlgorithm: 'aws:kms',
                KMSMasterKeyID: 'arn:aws:kms:eu-west-1:111122223333:key/k',
              },
              BucketKeyEnabled: true,
              BlockedEncryptionTypes: { EncryptionType: ['SSE-C'] },
            },
          ],
        },
      }),
    },
    {
      fixes: [{ ...fix, checkId: 's3.tls-only' }],
      summary: 'Add a statement.',
      call: s3('PutBucketPolicy', { Policy: '{"Statement":[{"Sid":"${aws:username}"}]}' }),
    },
    {
      fixes: [{ ...fix, checkId: 's3.account-public-access-block' }],
      summary: 'Block public access for the account.',
      call: {
        service: 's3control',
        operation: 'PutPublicAccessBlock',
        accountId: '444455556666',
        region: 'us-west-2',
        input: {
          AccountId: '444455556666',
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            IgnorePublicAcls: true,
            BlockPublicPolicy: true,
            RestrictPublicBuckets: true,
          },
        },
      },
    },
    {
      fixes: [{ ...fix, checkId: 'kms.rotation-enabled' }],
      summary: 'Enable rotation.',
      call: {
        service: 'kms',
        operation: 'EnableKeyRotation',
        accountId: ACCOUNT,
        region: 'eu-west-1',
        input: { KeyId: 'k', RotationPeriodInDays: 365 },
      },
    },
    { fixes: [{ ...fix, checkId: 'config.rules-present' }], summary: 'Deploy the rule by hand.' },
  ],
};

describe('remediate --format terraform', () => {
  const tf = renderTerraform(plan, 'pack.zip');

  it('manages each setting with its aws_s3_* resource and imports what already exists', () => {
    expect(tf).toContain('resource "aws_s3_bucket_server_side_encryption_configuration" "acme_data" {');
    expect(tf).toMatch(/kms_master_key_id = "arn:aws:kms:eu-west-1:111122223333:key\/k"/);
    expect(tf).toMatch(/blocked_encryption_types = \["SSE-C"\]/);
    expect(tf).toMatch(
      /import \{\n {2}to {7}= aws_s3_bucket_server_side_encryption_configuration\.acme_data\n {2}id {7}= "acme-data"/,
    );
    expect(tf).toContain('resource "aws_s3_account_public_access_block" "account_444455556666" {');
    expect(tf).toMatch(/id {7}= "444455556666"/);
    // One provider per account and region, pinned to its account.
    expect(tf).toMatch(
      /alias {15}= "a111122223333_eu_west_1"\n {2}region {14}= "eu-west-1"\n {2}allowed_account_ids = \["111122223333"\]/,
    );
    expect(tf).toMatch(/alias {15}= "a444455556666_us_west_2"/);
  });

  it('does not let a policy interpolate: ${...} in the document stays literal', () => {
    expect(hclString('${aws:username} %{if}')).toBe('"$${aws:username} %%{if}"');
    expect(tf).toContain('$${aws:username}');
  });

  it('leaves KMS rotation and manual steps as comments naming the findings', () => {
    const lines = tf.split('\n');
    const at = lines.findIndex((l) => l.includes('fixes kms.rotation-enabled'));
    expect(lines.slice(at, at + 6).every((l) => l.startsWith('#'))).toBe(true);
    expect(tf).toMatch(/# {3}enable_key_rotation {5}= true/);
    expect(tf).toContain('# (not scripted: a manual step)');
    expect(tf).not.toMatch(/resource "aws_kms_key"/);
  });

  it('aligns attributes as terraform fmt does', () => {
    expect(alignAttributes(['a {', '  x = 1', '  long = 2', '  b {', '    y = 3', '  }', '}'])).toEqual([
      'a {',
      '  x    = 1',
      '  long = 2',
      '  b {',
      '    y = 3',
      '  }',
      '}',
    ]);
  });

  const terraform = spawnSync('terraform', ['version'], { encoding: 'utf8' }).status === 0;
  it.skipIf(!terraform)('is a configuration terraform parses and leaves unchanged under fmt', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ep-tf-'));
    try {
      writeFileSync(join(dir, 'fix.tf'), tf);
      // `fmt -check` parses the file (a syntax error fails) and fails on any formatting difference.
      execFileSync('terraform', ['fmt', '-check', '-diff', 'fix.tf'], { cwd: dir, stdio: 'pipe' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
