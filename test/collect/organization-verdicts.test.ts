/**
 * The verdicts organization policies decide, end to end: an organization set up through SDK calls
 * (org-fixture.ts: a TLS-only RCP on OU Workloads/Prod, an S3 policy enforcing Block Public Access
 * on the root), buckets with no policy created in member accounts, the organization collected
 * through the role and the snapshot evaluated. The bucket under the RCP passes s3.tls-only citing
 * the RCP and its attachment; the one outside fails; with the RCP listing of the OU refused, the
 * verdict is insufficient evidence. An account exempted from the root's Block Public Access policy by
 * an account-level "none" S3 policy fails s3.account-public-access-block naming both policies.
 */
import { AttachPolicyCommand, CreatePolicyCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collect } from '../../src/collect/collect.ts';
import { CHECKS } from '../../src/checks/registry.ts';
import { evaluate } from '../../src/evaluate/evaluate.ts';
import type { Finding } from '../../src/evaluate/types.ts';
import { buildOrgFixture, type OrgFixture } from '../sandbox/org-fixture.ts';
import { startHarness, testConfig, type Harness } from './harness.ts';
import { s3BpaPolicy } from '../support/snapshot.ts';

let h: Harness;
let fx: OrgFixture;
let org: OrganizationsClient;

/** Create a bucket (no policy) in `accountId`, signed by its OrganizationAccountAccessRole. */
async function bucketIn(accountId: string, name: string): Promise<void> {
  const client = new STSClient({
    region: 'us-east-1',
    endpoint: h.sandbox.url,
    credentials: { accessKeyId: 'AKIAORGSETUP', secretAccessKey: 'x' },
    maxAttempts: 1,
  });
  const out = await client.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${accountId}:role/OrganizationAccountAccessRole`,
      RoleSessionName: 'setup',
    }),
  );
  client.destroy();
  const s3 = new S3Client({
    region: 'us-east-1',
    endpoint: h.sandbox.url,
    forcePathStyle: true,
    maxAttempts: 1,
    credentials: {
      accessKeyId: out.Credentials?.AccessKeyId ?? '',
      secretAccessKey: out.Credentials?.SecretAccessKey ?? '',
      sessionToken: out.Credentials?.SessionToken ?? '',
    },
  });
  await s3.send(new CreateBucketCommand({ Bucket: name }));
  s3.destroy();
}

async function findings(checkIds: string[]): Promise<Finding[]> {
  const config = testConfig({
    organization: { name: 'Org Test', roleName: 'OrganizationAccountAccessRole' } as never,
    regions: ['us-east-1'],
    collection: { maxAttempts: 1, keyUsage: { lookbackDays: 1, maxEventsPerRegion: 0 } },
  } as never);
  const snapshot = await collect({
    config,
    factory: h.factory,
    sink: h.sink,
    toolVersion: '0.0.0',
    runId: 'org-verdicts',
  });
  const evaluation = await evaluate(snapshot, config, {
    checks: CHECKS.filter((c) => checkIds.includes(c.id)),
  });
  return evaluation.findings;
}

function about(all: Finding[], checkId: string, name: string): Finding {
  const f = all.find((x) => x.checkId === checkId && x.resource.name === name);
  if (!f) throw new Error(`no ${checkId} finding for ${name}`);
  return f;
}

beforeEach(async () => {
  h = await startHarness();
  org = new OrganizationsClient({
    region: 'us-east-1',
    endpoint: h.sandbox.url,
    credentials: { accessKeyId: 'AKIAORGSETUP', secretAccessKey: 'x' },
    maxAttempts: 1,
  });
  fx = await buildOrgFixture(h.sandbox, org);
  await bucketIn(fx.prod, 'prod-orders');
  await bucketIn(fx.dev, 'dev-scratch');
});
afterEach(async () => {
  org.destroy();
  await h.close();
});

describe('organization policies in the verdicts, over the wire', () => {
  it('passes s3.tls-only for the bucket under the TLS-only RCP, citing it, and fails the one outside', async () => {
    const all = await findings(['s3.tls-only', 's3.account-public-access-block']);
    const prod = about(all, 's3.tls-only', 'prod-orders');
    expect(prod.status, prod.reason).toBe('pass');
    expect(prod.reason).toContain(
      `resource control policy ${fx.policies.tlsRcp} "tls-only" (Sid "EnforceSecureTransport")`,
    );
    expect(prod.reason).toContain(`attached to OU "Prod" (${fx.ous.prodOu})`);
    expect(prod.evidence.map((e) => e.operation)).toContain('DescribePolicy');
    const dev = about(all, 's3.tls-only', 'dev-scratch');
    expect(dev.status, dev.reason).toBe('fail');

    const bpa = all.find(
      (f) => f.checkId === 's3.account-public-access-block' && f.resource.accountId === fx.dev,
    );
    expect(bpa?.status, bpa?.reason).toBe('pass');
    expect(bpa?.reason).toContain(
      `enforced by organization S3 policy ${fx.policies.s3Bpa} "block-public-access" attached to the root (${fx.rootId})`,
    );
  });

  it('is insufficient evidence when the RCP listing of the OU is refused', async () => {
    h.addFault({
      service: 'organizations',
      operation: 'ListPoliciesForTarget',
      resource: fx.ous.prodOu,
      kind: 'AccessDenied',
    });
    const all = await findings(['s3.tls-only']);
    const prod = about(all, 's3.tls-only', 'prod-orders');
    expect(prod.status, prod.reason).toBe('insufficient-evidence');
    expect(prod.reason).toContain(`resource control policies in force for account ${fx.prod} are unknown`);
    expect(about(all, 's3.tls-only', 'dev-scratch').status).toBe('fail');
  });

  it("names the account-level exemption and the root's S3 policy it overrides", async () => {
    const exemption = await org.send(
      new CreatePolicyCommand({
        Name: 'dev-public-exemption',
        Description: 'Dev hosts a public site',
        Type: 'S3_POLICY',
        Content: s3BpaPolicy('none'),
      }),
    );
    const exemptionId = exemption.Policy?.PolicySummary?.Id ?? '';
    await org.send(new AttachPolicyCommand({ PolicyId: exemptionId, TargetId: fx.dev }));
    const all = await findings(['s3.account-public-access-block']);
    const of = (accountId: string) =>
      all.find((f) => f.checkId === 's3.account-public-access-block' && f.resource.accountId === accountId);
    const dev = of(fx.dev);
    expect(dev?.status, dev?.reason).toBe('fail');
    expect(dev?.reason).toContain(
      `Organization S3 policy ${exemptionId} "dev-public-exemption" attached to the account itself sets public_access_block_configuration "none", overriding organization S3 policy ${fx.policies.s3Bpa} "block-public-access" attached to the root (${fx.rootId}) ("all")`,
    );
    expect(dev?.reason).toMatch(/^Account-level Block Public Access is missing BlockPublicAcls, /);
    const prod = of(fx.prod);
    expect(prod?.status, prod?.reason).toBe('pass');
    expect(prod?.reason).not.toContain('dev-public-exemption');
  });
});
