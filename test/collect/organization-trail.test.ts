import { CreateTrailCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { CreateBucketCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { collect } from '../../src/collect/collect.ts';
import { evaluate } from '../../src/evaluate/evaluate.ts';
import { MEMBER_ROLE, setUpOrganization } from '../sandbox-json/org-helpers.ts';
import { ACCOUNT, startHarness, testConfig, type Harness } from './harness.ts';

const OUTSIDER = '999988887777';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('an organization trail over HTTP', () => {
  it('is read from a member account and credited there, citing its home account and region', async () => {
    h = await startHarness({ accountId: undefined });
    const MEMBER = (await setUpOrganization(h.sandbox, ['member'])).ids['member'] ?? '';
    const s3 = h.s3();
    await s3.send(new CreateBucketCommand({ Bucket: 'org-trail-logs' }));
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: 'org-trail-logs',
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'cloudtrail.amazonaws.com' },
              Action: ['s3:GetBucketAcl', 's3:PutObject'],
              Resource: ['arn:aws:s3:::org-trail-logs', 'arn:aws:s3:::org-trail-logs/*'],
            },
          ],
        }),
      }),
    );
    const ct = h.cloudtrail();
    await ct.send(
      new CreateTrailCommand({
        Name: 'org-trail',
        S3BucketName: 'org-trail-logs',
        IsOrganizationTrail: true,
        IsMultiRegionTrail: true,
        EnableLogFileValidation: true,
      }),
    );
    await ct.send(new StartLoggingCommand({ Name: 'org-trail' }));

    const config = testConfig({
      regions: ['us-east-1', 'eu-west-1'],
      includeCallerAccount: false,
      accounts: [
        { name: 'member', roleArn: `arn:aws:iam::${MEMBER}:role/${MEMBER_ROLE}` },
        { name: 'outsider', roleArn: `arn:aws:iam::${OUTSIDER}:role/EvidencePackReader` },
      ],
    });
    const snapshot = await collect({ config, factory: h.factory, toolVersion: 'test', runId: 'org-trail' });
    const member = snapshot.accounts.find((a) => a.accountId === MEMBER);
    const orgArn = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/org-trail`;
    expect(member?.cloudTrail.trails).toHaveLength(1);
    expect(member?.cloudTrail.trails[0]).toMatchObject({
      arn: orgArn,
      homeRegion: 'us-east-1',
      isOrganizationTrail: true,
      status: { status: 'ok', value: { isLogging: true } },
      selectors: { status: 'ok' },
    });

    const { findings } = await evaluate(snapshot, config);
    const of = (check: string, account: string) =>
      findings.find((f) => f.checkId === check && f.resource.accountId === account);
    const logging = of('cloudtrail.multi-region-logging', MEMBER);
    expect(logging?.status).toBe('pass');
    expect(logging?.reason).toContain(
      `"org-trail" (organization trail of account ${ACCOUNT}, home region us-east-1)`,
    );
    expect(of('cloudtrail.log-file-validation', MEMBER)?.status).toBe('pass');
    expect(of('cloudtrail.kms-events-logged', MEMBER)?.status).toBe('pass');
    // An account outside the organization does not see the trail: it has none.
    expect(of('cloudtrail.multi-region-logging', OUTSIDER)?.status).toBe('fail');
  });
});
