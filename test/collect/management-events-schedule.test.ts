import { CreateTrailCommand } from '@aws-sdk/client-cloudtrail';
import { CreateBucketCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { CreateKeyCommand, DescribeKeyCommand } from '@aws-sdk/client-kms';
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordedCall } from '../../src/aws/recorded-call.ts';
import { collect } from '../../src/collect/collect.ts';
import { ACCOUNT, startHarness, testConfig, type Harness } from './harness.ts';

const DAY = 86_400_000;
const BASE = Math.floor(Date.now() / DAY) * DAY;
const D = (days: number) => new Date(BASE - days * DAY);

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** The LookupEvents calls of a region, by the attribute they looked up, in call-id order. */
function lookups(records: RecordedCall[], region: string, key: 'EventSource' | 'ReadOnly'): RecordedCall[] {
  return records
    .filter((r) => r.operation === 'LookupEvents' && r.region === region)
    .filter((r) => {
      const input = r.input as { LookupAttributes?: { AttributeKey?: string }[] };
      return input.LookupAttributes?.[0]?.AttributeKey === key;
    })
    .sort((a, b) => a.id.localeCompare(b.id));
}

describe('management events over an audit period', () => {
  it("start in each region once that region's key-usage lookups end, not once every region's have", async () => {
    h = await startHarness();
    const harness = h;
    harness.sandbox.state.setNow(D(5));
    await harness.s3().send(new CreateBucketCommand({ Bucket: 'busy-region-data' }));
    await harness.s3('eu-west-1').send(
      new CreateBucketCommand({
        Bucket: 'quiet-region-data',
        CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
      }),
    );
    const cloudtrail = 'cloudtrail.amazonaws.com';
    await harness.s3().send(
      new PutBucketPolicyCommand({
        Bucket: 'busy-region-data',
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: cloudtrail },
              Action: 's3:GetBucketAcl',
              Resource: 'arn:aws:s3:::busy-region-data',
            },
            {
              Effect: 'Allow',
              Principal: { Service: cloudtrail },
              Action: 's3:PutObject',
              Resource: `arn:aws:s3:::busy-region-data/AWSLogs/${ACCOUNT}/*`,
            },
          ],
        }),
      }),
    );
    await harness
      .cloudtrail()
      .send(
        new CreateTrailCommand({ Name: 'main', S3BucketName: 'busy-region-data', IsMultiRegionTrail: true }),
      );
    // us-east-1 holds four pages of KMS events (50 a page); eu-west-1 none but the tool's own.
    const kms = harness.kms();
    const key = await kms.send(new CreateKeyCommand({}));
    for (let i = 0; i < 170; i++) await kms.send(new DescribeKeyCommand({ KeyId: key.KeyMetadata?.KeyId }));

    const snap = await collect({
      config: testConfig({ period: { start: D(20).toISOString(), end: D(1).toISOString() } }),
      factory: harness.factory,
      sink: harness.sink,
      toolVersion: '0.0.0-test',
      runId: 'management-schedule',
      sandbox: true,
    });
    const records = await harness.records();

    const busyKeyUsage = lookups(records, 'us-east-1', 'EventSource');
    expect(busyKeyUsage.length).toBeGreaterThanOrEqual(4);
    const lastBusyPage = busyKeyUsage[busyKeyUsage.length - 1];
    const quietManagement = lookups(records, 'eu-west-1', 'ReadOnly');
    expect(quietManagement.length).toBeGreaterThan(0);
    // The quiet region's management lookups do not wait for the busy region's key-usage chain.
    expect(Date.parse(quietManagement[0]?.startedAt ?? '')).toBeLessThan(
      Date.parse(lastBusyPage?.startedAt ?? ''),
    );

    // Within each region the two chains run one after the other (one pacer), key usage first, so
    // the region's call ids come in the same order from run to run.
    for (const region of ['us-east-1', 'eu-west-1']) {
      const keyUsage = lookups(records, region, 'EventSource');
      const management = lookups(records, region, 'ReadOnly');
      expect(keyUsage.length, region).toBeGreaterThan(0);
      expect(management.length, region).toBeGreaterThan(0);
      const lastKeyUsage = keyUsage[keyUsage.length - 1];
      expect(Date.parse(management[0]?.startedAt ?? '')).toBeGreaterThanOrEqual(
        Date.parse(lastKeyUsage?.startedAt ?? '') + (lastKeyUsage?.durationMs ?? 0),
      );
      expect((management[0]?.id ?? '') > (lastKeyUsage?.id ?? ''), region).toBe(true);
    }
    // The trail's status and selectors (its home region) come before that region's management lookups too.
    const trailReads = records.filter(
      (r) => r.operation === 'GetTrailStatus' || r.operation === 'GetEventSelectors',
    );
    expect(trailReads.map((r) => r.region)).toEqual(['us-east-1', 'us-east-1']);
    const firstEastManagement = lookups(records, 'us-east-1', 'ReadOnly')[0]?.id ?? '';
    for (const r of trailReads) expect(r.id < firstEastManagement, r.operation).toBe(true);

    // The same evidence: every region's write events, citing the pages that listed them.
    const account = snap.accounts[0];
    const byRegion = new Map((account?.managementEvents ?? []).map((m) => [m.region, m]));
    const east = byRegion.get('us-east-1');
    expect(east?.events.status).toBe('ok');
    const created =
      east?.events.status === 'ok' ? east.events.value.find((e) => e.eventName === 'CreateKey') : undefined;
    expect(created?.evidence.callId).toBe(lookups(records, 'us-east-1', 'ReadOnly')[0]?.id);
    expect(byRegion.get('eu-west-1')?.events.status).toBe('ok');
  }, 120_000);
});
