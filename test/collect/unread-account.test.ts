/**
 * An account of the organization whose role cannot be assumed (org-fixture.ts deletes its
 * OrganizationAccountAccessRole through the sandbox's admin API; everything else is SDK calls) is
 * not read: every check that reads AWS reports insufficient evidence for it, naming the refused
 * AssumeRole and its request id, never a pass or a fail built on an inventory that was never read.
 */
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collect } from '../../src/collect/collect.ts';
import { CHECKS } from '../../src/checks/registry.ts';
import { evaluate } from '../../src/evaluate/evaluate.ts';
import { buildOrgFixture, type OrgFixture } from '../sandbox/org-fixture.ts';
import { startHarness, testConfig, type Harness } from './harness.ts';

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
  fx = await buildOrgFixture(h.sandbox, org);
});
afterEach(async () => {
  org.destroy();
  await h.close();
});

describe('an organization account whose role cannot be assumed, over the wire', () => {
  it('is insufficient evidence for every check that reads AWS, naming the AssumeRole error and request id', async () => {
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
      runId: 'unread-account',
    });
    const { findings } = await evaluate(snapshot, config);
    const assumeRole = (await h.records()).find(
      (r) => r.operation === 'AssumeRole' && r.accountId === fx.noRole,
    );
    expect(assumeRole?.outcome).toBe('denied');
    const requestId = assumeRole?.requestId ?? '';
    expect(requestId).not.toBe('');

    const ofNoRole = findings.filter((f) => f.resource.accountId === fx.noRole);
    const readingChecks = CHECKS.filter((c) => c.reads.length > 0).map((c) => c.id);
    // Every family (s3, kms, config, cloudtrail) is there, once per check, and only as a gap.
    expect(ofNoRole.map((f) => f.checkId).sort()).toEqual([...readingChecks].sort());
    for (const prefix of ['s3.', 'kms.', 'config.', 'cloudtrail.'])
      expect(
        ofNoRole.some((f) => f.checkId.startsWith(prefix)),
        prefix,
      ).toBe(true);
    for (const f of ofNoRole) {
      expect(f.status, `${f.checkId}: ${f.reason}`).toBe('insufficient-evidence');
      expect(f.reason).toContain(
        `AssumeRole into arn:aws:iam::${fx.noRole}:role/OrganizationAccountAccessRole was denied`,
      );
      expect(f.reason).toContain(`request id ${requestId}`);
      expect(f.evidence.length).toBeGreaterThan(0);
    }

    // A read account without a trail still fails: the gap is the unread account's alone.
    const trail = findings.find(
      (f) => f.checkId === 'cloudtrail.multi-region-logging' && f.resource.accountId === fx.prod,
    );
    expect(trail?.status, trail?.reason).toBe('fail');
  });
});
