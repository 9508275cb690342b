import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { CreateBucketCommand, PutBucketEncryptionCommand } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { collect } from '../../src/collect/collect.ts';
import { evaluate } from '../../src/evaluate/evaluate.ts';
import { clientsAs, MEMBER_ROLE, setUpOrganization } from '../sandbox-json/org-helpers.ts';
import { startHarness, testConfig, type Harness } from './harness.ts';

/** An account outside the organization and outside the run. */
const OUTSIDER = '999988887777';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A key in `owner` whose policy lets `user`'s account use it. */
async function sharedKey(harness: Harness, owner: string, user: string): Promise<string> {
  const { kms } = await clientsAs(harness.sandbox, owner, 'us-east-1');
  const policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'Owner',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${owner}:root` },
        Action: 'kms:*',
        Resource: '*',
      },
      {
        Sid: 'User',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${user}:root` },
        Action: ['kms:DescribeKey', 'kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
      },
    ],
  });
  const made = await kms.send(new CreateKeyCommand({ Policy: policy, Description: `shared by ${owner}` }));
  return made.KeyMetadata?.Arn ?? '';
}

describe('keys of other accounts over HTTP', () => {
  it('reads a key in its own account when that account is read, and flags one the organization does not control', async () => {
    h = await startHarness({ accountId: undefined });
    const { ids } = await setUpOrganization(h.sandbox, ['data', 'keys']);
    const DATA = ids['data'] ?? '';
    const KEYS = ids['keys'] ?? '';
    const inOrg = await sharedKey(h, KEYS, DATA);
    const outside = await sharedKey(h, OUTSIDER, DATA);
    const { s3 } = await clientsAs(h.sandbox, DATA, 'us-east-1');
    for (const [bucket, key] of [
      ['data-org-key', inOrg],
      ['data-foreign-key', outside],
    ] as const) {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await s3.send(
        new PutBucketEncryptionCommand({
          Bucket: bucket,
          ServerSideEncryptionConfiguration: {
            Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key } }],
          },
        }),
      );
    }

    const config = testConfig({
      regions: ['us-east-1'],
      includeCallerAccount: false,
      accounts: [
        { name: 'data', roleArn: `arn:aws:iam::${DATA}:role/${MEMBER_ROLE}` },
        { name: 'keys', roleArn: `arn:aws:iam::${KEYS}:role/${MEMBER_ROLE}` },
      ],
    });
    const snapshot = await collect({ config, factory: h.factory, toolVersion: 'test', runId: 'keys' });
    const data = snapshot.accounts.find((a) => a.accountId === DATA);
    const keys = snapshot.accounts.find((a) => a.accountId === KEYS);

    // The organization's key is read in its own account and belongs there, used by the data bucket.
    const owned = keys?.kmsKeys.find((k) => k.metadata.status === 'ok' && k.metadata.value.arn === inOrg);
    expect(owned).toMatchObject({
      accountId: KEYS,
      usedBy: ['arn:aws:s3:::data-org-key'],
      policy: { status: 'ok' },
      rotation: { status: 'ok' },
    });
    expect(owned?.foreignAccount).toBeUndefined();
    expect(data?.kmsKeys.some((k) => k.references.includes(inOrg))).toBe(false);
    // The outsider's key stays with the bucket's account, marked as belonging to an account not read.
    const foreign = data?.kmsKeys.find((k) => k.references.includes(outside));
    expect(foreign?.foreignAccount).toMatchObject({ accountId: OUTSIDER, organization: 'unknown' });

    const { findings } = await evaluate(snapshot, config);
    const of = (check: string, name: string) =>
      findings.find((f) => f.checkId === check && (f.resource.name === name || f.resource.arn === name));
    expect(of('s3.sse-kms-cmk', 'data-org-key')?.status).toBe('pass');
    const rotation = of('kms.rotation-enabled', inOrg);
    expect(rotation?.resource.accountId).toBe(KEYS);
    expect(rotation?.status).toBe('fail');
    const cmk = of('s3.sse-kms-cmk', 'data-foreign-key');
    expect(cmk?.status).toBe('fail');
    expect(cmk?.reason).toContain(`of account ${OUTSIDER}, which the organization does not control`);
    const usable = of('kms.key-usable', outside);
    expect(usable?.status).toBe('insufficient-evidence');
    expect(usable?.reason).toContain(`account ${OUTSIDER} is not among the accounts this run reads`);
  });
});
