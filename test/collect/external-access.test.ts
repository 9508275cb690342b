import { CreateBucketCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { CreateKeyCommand, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { PutBucketEncryptionCommand } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.ts';
import { collect } from '../../src/collect/collect.ts';
import { evaluate } from '../../src/evaluate/evaluate.ts';
import { ACCOUNT, startHarness, testConfig, type Harness } from './harness.ts';

/** A second account reached by AssumeRole: in scope. */
const IN_SCOPE = '444455556666';
/** An account the run does not read: outside the scope. */
const OUTSIDE = '999988887777';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const readGrant = (bucket: string, account: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: `Read${account}`,
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${account}:root` },
        Action: ['s3:GetObject', 's3:ListBucket'],
        Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
      },
    ],
  });

async function run(config: Config) {
  const snapshot = await collect({
    config,
    factory: h.factory,
    sink: h.sink,
    toolVersion: '0.0.0-test',
    runId: 'external-access',
    endpoint: h.sandbox.url,
    sandbox: true,
  });
  return evaluate(snapshot, config);
}

describe('external access on an estate set up over the wire', () => {
  it('fails a bucket policy granting an account outside scope, passes one granting an in-scope account', async () => {
    const s3 = h.s3();
    for (const [bucket, account] of [
      ['shared-outside', OUTSIDE],
      ['shared-in-scope', IN_SCOPE],
    ] as const) {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: readGrant(bucket, account) }));
    }
    await s3.send(new CreateBucketCommand({ Bucket: 'no-policy' }));
    const kms = h.kms();
    const key = (await kms.send(new CreateKeyCommand({ Description: 'shared key' }))).KeyMetadata;
    if (!key?.KeyId) throw new Error('no key');
    await kms.send(
      new PutKeyPolicyCommand({
        KeyId: key.KeyId,
        PolicyName: 'default',
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'Root',
              Effect: 'Allow',
              Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
              Action: 'kms:*',
              Resource: '*',
            },
            {
              Sid: 'OutsideDecrypt',
              Effect: 'Allow',
              Principal: { AWS: OUTSIDE },
              Action: 'kms:Decrypt',
              Resource: '*',
            },
          ],
        }),
      }),
    );
    await s3.send(
      new PutBucketEncryptionCommand({
        Bucket: 'no-policy',
        ServerSideEncryptionConfiguration: {
          Rules: [
            { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key.KeyId } },
          ],
        },
      }),
    );

    const config = testConfig({
      regions: ['us-east-1'],
      accounts: [{ name: 'reporting', roleArn: `arn:aws:iam::${IN_SCOPE}:role/EvidencePackReader` }],
    });
    const evaluation = await run(config);
    const result = (check: string, name: string) =>
      evaluation.findings.find((f) => f.checkId === check && f.resource.name === name);
    const outside = result('s3.no-external-access', 'shared-outside');
    expect(outside?.status).toBe('fail');
    expect(outside?.reason).toContain(
      `account ${OUTSIDE} may call s3:GetObject, s3:ListBucket (Sid "Read${OUTSIDE}")`,
    );
    expect(outside?.evidence[0]?.operation).toBe('GetBucketPolicy');
    expect(result('s3.no-external-access', 'shared-in-scope')?.status).toBe('pass');
    expect(result('s3.no-external-access', 'no-policy')?.reason).toContain('NoSuchBucketPolicy');
    const keyResult = evaluation.findings.find((f) => f.checkId === 'kms.no-external-access');
    expect(keyResult?.status).toBe('fail');
    expect(keyResult?.reason).toContain('kms:Decrypt');
    expect(keyResult?.reason).toContain('Sid "OutsideDecrypt"');

    // Without the second account in scope, its grant is external too.
    const alone = await run(testConfig({ regions: ['us-east-1'] }));
    expect(
      alone.findings.find(
        (f) => f.checkId === 's3.no-external-access' && f.resource.name === 'shared-in-scope',
      )?.status,
    ).toBe('fail');

    // The same estate with the outside account declared trusted (and unexpired) passes.
    const trusted = await run(
      testConfig({
        ...config,
        trustedAccounts: [
          { accountId: OUTSIDE, justification: 'auditor', approvedBy: 'CISO', expires: '2099-01-01' },
        ],
      }),
    );
    const again = trusted.findings.find(
      (f) => f.checkId === 's3.no-external-access' && f.resource.name === 'shared-outside',
    );
    expect(again?.status).toBe('pass');
    expect(again?.reason).toContain('trusted until 2099-01-01');
  });
});
