import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collect, OrganizationNotInUseError } from '../../src/collect/collect.ts';
import { accountPopulation } from '../../src/render/organization-populations.ts';
import { policiesInForce } from '../../src/snapshot/organization.ts';
import type { Snapshot } from '../../src/snapshot/model.ts';
import { buildOrgFixture, type OrgFixture } from '../sandbox/org-fixture.ts';
import { ACCOUNT, startHarness, testConfig, type Harness } from './harness.ts';

let h: Harness;
let fx: OrgFixture;
let org: OrganizationsClient;

beforeEach(async () => {
  h = await startHarness();
  org = new OrganizationsClient({
    region: 'us-east-1',
    endpoint: h.sandbox.url,
    credentials: { accessKeyId: 'AKIAORGSETUP', secretAccessKey: 'x' },
    maxAttempts: 1,
  });
});
afterEach(async () => {
  org.destroy();
  await h.close();
});

async function run(
  organization: Record<string, unknown>,
  more: Record<string, unknown> = {},
): Promise<Snapshot> {
  return collect({
    config: testConfig({
      organization: { name: 'Org Test', ...organization } as never,
      regions: ['us-east-1'],
      collection: { maxAttempts: 2, keyUsage: { lookbackDays: 1, maxEventsPerRegion: 0 } },
      ...more,
    }),
    factory: h.factory,
    sink: h.sink,
    toolVersion: '0.0.0',
    runId: 'org-run',
  });
}

function coverageById(snap: Snapshot): Record<string, string> {
  return Object.fromEntries(
    (snap.organization?.accounts ?? []).map((a) => [
      a.id,
      a.coverage.status === 'not-read' ? `not-read:${a.coverage.reason}` : a.coverage.status,
    ]),
  );
}

describe('organization discovery against an organization set up through SDK calls', () => {
  beforeEach(async () => {
    fx = await buildOrgFixture(h.sandbox, org);
  });

  it('reads every ACTIVE account through the role, lists the closing one with its reason, and the missing role as a gap', async () => {
    const snap = await run({ roleName: 'OrganizationAccountAccessRole' });
    const o = snap.organization;
    expect(o?.description).toMatchObject({ status: 'ok', value: { managementAccountId: ACCOUNT } });
    expect(o?.accountListing).toMatchObject({ status: 'ok', value: { count: 7 } });
    expect(coverageById(snap)).toEqual({
      [fx.management]: 'read',
      [fx.logArchive]: 'read',
      [fx.audit]: 'read',
      [fx.prod]: 'read',
      [fx.dev]: 'read',
      [fx.closed]: 'not-read:pending-closure',
      [fx.noRole]: 'gap',
    });
    // The accounts read are the snapshot's accounts (the gap too, as an unreachable account).
    expect(snap.accounts.map((a) => a.accountId).sort()).toEqual(
      [fx.management, fx.logArchive, fx.audit, fx.prod, fx.dev, fx.noRole].sort(),
    );
    const gap = o?.accounts.find((a) => a.id === fx.noRole)?.coverage;
    expect(gap).toMatchObject({
      status: 'gap',
      roleArn: `arn:aws:iam::${fx.noRole}:role/OrganizationAccountAccessRole`,
      gap: { status: 'denied', errorCode: 'AccessDenied' },
    });
    expect(gap?.status === 'gap' && gap.gap.evidence.requestId).toMatch(/\S+/);
    const prod = o?.accounts.find((a) => a.id === fx.prod);
    expect(prod?.path).toMatchObject({
      status: 'ok',
      value: [
        { id: fx.rootId, type: 'ROOT' },
        { id: fx.ous.workloads, name: 'Workloads' },
        { id: fx.ous.prodOu, name: 'Prod' },
      ],
    });
    expect(o?.organizationalUnits.map((u) => u.name).sort()).toEqual([
      'Dev',
      'Prod',
      'Security',
      'Workloads',
    ]);

    // accounts.csv reconciles: every account once, read + not read + gaps = the organization.
    const csv = accountPopulation(o!);
    expect(csv.rows).toHaveLength(7);
    const byId = new Map(csv.rows.map((r) => [r[0]?.text, r]));
    expect(byId.get(fx.closed)?.map((c) => c.text)).toEqual(
      expect.arrayContaining(['PENDING_CLOSURE', 'not read', expect.stringMatching(/^pending-closure: /)]),
    );
    expect(byId.get(fx.noRole)?.[5]?.text).toBe('gap');
    expect(byId.get(fx.noRole)?.[7]?.text).toBe(gap?.status === 'gap' ? gap.gap.evidence.requestId : 'x');
    expect(byId.get(fx.prod)?.[4]?.text).toBe('Root / Workloads / Prod');
  });

  it('reads the RCPs, SCPs and S3 policies on each in-scope path and the effective S3 policy of each read account', async () => {
    const snap = await run({ roleName: 'OrganizationAccountAccessRole' });
    const o = snap.organization!;
    const rcps = policiesInForce(o, fx.prod, 'RESOURCE_CONTROL_POLICY');
    expect(rcps.unknown).toEqual([]);
    expect(rcps.policies.map((p) => [p.policy.id, p.attachedTo.type]).sort()).toEqual(
      [
        ['p-RCPFullAWSAccess', 'ACCOUNT'],
        ['p-RCPFullAWSAccess', 'ORGANIZATIONAL_UNIT'],
        ['p-RCPFullAWSAccess', 'ORGANIZATIONAL_UNIT'],
        ['p-RCPFullAWSAccess', 'ROOT'],
        [fx.policies.tlsRcp, 'ORGANIZATIONAL_UNIT'],
      ].sort(),
    );
    expect(
      policiesInForce(o, fx.dev, 'RESOURCE_CONTROL_POLICY').policies.map((p) => p.policy.id),
    ).not.toContain(fx.policies.tlsRcp);
    const s3 = policiesInForce(o, fx.dev, 'S3_POLICY');
    expect(s3.policies).toEqual([
      expect.objectContaining({
        policy: expect.objectContaining({ id: fx.policies.s3Bpa }),
        attachedTo: expect.objectContaining({ type: 'ROOT' }),
      }),
    ]);
    // Each policy described once, whatever the number of targets it is attached to.
    const records = await h.records();
    const describes = records.filter((r) => r.operation === 'DescribePolicy');
    expect(describes.length).toBe(new Set(o.policies.map((p) => p.id)).size);
    expect(o.effectiveS3Policies.map((e) => e.accountId).sort()).toEqual(
      [fx.management, fx.logArchive, fx.audit, fx.prod, fx.dev].sort(),
    );
    for (const e of o.effectiveS3Policies) {
      expect(e.result.status === 'ok' && JSON.parse(e.result.value.content)).toEqual({
        s3_attributes: { public_access_block_configuration: 'all' },
      });
    }
    // Organizations calls are recorded with request ids under the caller's account.
    const listAccounts = records.find((r) => r.operation === 'ListAccounts');
    expect(listAccounts).toMatchObject({ service: 'organizations', accountId: ACCOUNT });
    expect(listAccounts?.requestId).toMatch(/\S+/);
  });

  it('lists excluded accounts and those outside the listed OUs with the reason, and does not read them', async () => {
    const snap = await run({
      roleName: 'OrganizationAccountAccessRole',
      ous: ['Workloads'],
      excludeAccounts: [fx.dev],
    });
    expect(coverageById(snap)).toEqual({
      [fx.management]: 'not-read:outside-ous',
      [fx.logArchive]: 'not-read:outside-ous',
      [fx.audit]: 'not-read:outside-ous',
      [fx.prod]: 'read',
      [fx.dev]: 'not-read:excluded',
      [fx.closed]: 'not-read:pending-closure',
      [fx.noRole]: 'gap',
    });
    expect(snap.accounts.map((a) => a.accountId).sort()).toEqual([fx.prod, fx.noRole].sort());
    // Policies are read only for the in-scope paths.
    const targets = new Set(snap.organization?.attachments.map((l) => l.targetId));
    expect(targets.has(fx.ous.security)).toBe(false);
    expect(targets.has(fx.ous.prodOu)).toBe(true);
  });

  it('from the delegated administrator: the same population, the management account read through the role', async () => {
    const snap = await collect({
      config: testConfig({
        organization: { name: 'Org Test', roleName: 'OrganizationAccountAccessRole' },
        regions: ['us-east-1'],
        includeCallerAccount: true,
        collection: { maxAttempts: 2, keyUsage: { lookbackDays: 1, maxEventsPerRegion: 0 } },
      }),
      factory: h.factory.forAccount(
        fx.audit,
        h.factory.assumeRoleCredentials(fx.audit, {
          roleArn: `arn:aws:iam::${fx.audit}:role/OrganizationAccountAccessRole`,
        }),
      ),
      toolVersion: '0.0.0',
      runId: 'org-run-admin',
    });
    expect(snap.organization?.readFromAccountId).toBe(fx.audit);
    expect(snap.organization?.accounts.find((a) => a.id === fx.audit)?.coverage).toMatchObject({
      status: 'read',
      via: 'caller',
    });
    expect(snap.organization?.accounts.find((a) => a.id === fx.management)?.coverage).toMatchObject({
      status: 'read',
      via: 'role',
    });
  });
});

describe('organization discovery outside an organization', () => {
  it('stops with OrganizationNotInUseError naming AWSOrganizationsNotInUseException', async () => {
    const err = await run({ roleName: 'EvidencePackReader' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OrganizationNotInUseError);
    expect((err as Error).message).toMatch(/AWSOrganizationsNotInUseException/);
  });

  it('without organization.roleName, nothing of the organization is read', async () => {
    await buildOrgFixture(h.sandbox, org);
    const snap = await collect({
      config: testConfig({ regions: ['us-east-1'] }),
      factory: h.factory,
      sink: h.sink,
      toolVersion: '0.0.0',
      runId: 'plain',
    });
    expect(snap.organization).toBeUndefined();
    expect(snap.accounts.map((a) => a.accountId)).toEqual([ACCOUNT]);
    expect((await h.records()).some((r) => r.service === 'organizations')).toBe(false);
  });
});
