import { CreateBucketCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import {
  CreateKeyCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  DisableKeyRotationCommand,
  EnableKeyCommand,
} from '@aws-sdk/client-kms';
import {
  CreateTrailCommand,
  PutEventSelectorsCommand,
  StartLoggingCommand,
} from '@aws-sdk/client-cloudtrail';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EVENT_HISTORY_DAYS, collectCloudTrail } from '../../src/collect/cloudtrail.ts';
import { sensitiveKeyOperationPopulation } from '../../src/render/populations.ts';
import type { Snapshot } from '../../src/snapshot/model.ts';
import { ACCOUNT, startHarness, type Harness } from './harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ maxAttempts: 3 });
});
afterEach(async () => {
  await h.close();
});

const later = (): Date => new Date(Date.now() + 60_000);

async function trailBucket(name: string): Promise<void> {
  const s3 = h.s3();
  await s3.send(new CreateBucketCommand({ Bucket: name }));
  await s3.send(
    new PutBucketPolicyCommand({
      Bucket: name,
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Action: 's3:GetBucketAcl',
            Resource: `arn:aws:s3:::${name}`,
          },
          {
            Effect: 'Allow',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: `arn:aws:s3:::${name}/AWSLogs/${ACCOUNT}/*`,
          },
        ],
      }),
    }),
  );
}

describe('collectCloudTrail over HTTP', () => {
  it('deduplicates shadow trails and asks status and selectors once per trail in its home region', async () => {
    await trailBucket('trail-logs');
    const ct = h.cloudtrail();
    await ct.send(
      new CreateTrailCommand({
        Name: 'org-wide',
        S3BucketName: 'trail-logs',
        IsMultiRegionTrail: true,
        EnableLogFileValidation: true,
      }),
    );
    await ct.send(new StartLoggingCommand({ Name: 'org-wide' }));
    await ct.send(
      new PutEventSelectorsCommand({
        TrailName: 'org-wide',
        EventSelectors: [
          {
            ReadWriteType: 'All',
            IncludeManagementEvents: true,
            DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }],
          },
        ],
      }),
    );
    await h
      .cloudtrail('eu-west-1')
      .send(new CreateTrailCommand({ Name: 'local', S3BucketName: 'trail-logs' }));
    h.sandbox.faults.resetStats();

    const snap = await collectCloudTrail(h.factory, {
      regions: ['eu-west-1', 'us-east-1'],
      lookbackDays: 30,
      maxEventsPerRegion: 0,
      now: later,
    });

    expect(
      snap.discovery.map((d) => [
        d.region,
        d.result.status === 'ok' ? d.result.value.trailArns.length : d.result.status,
      ]),
    ).toEqual([
      ['eu-west-1', 2],
      ['us-east-1', 1],
    ]);
    expect(snap.trails.map((t) => [t.name, t.homeRegion])).toEqual([
      ['local', 'eu-west-1'],
      ['org-wide', 'us-east-1'],
    ]);
    expect(h.requests('cloudtrail', 'GetTrailStatus')).toBe(2);
    expect(h.requests('cloudtrail', 'GetEventSelectors')).toBe(2);
    expect(h.requests('cloudtrail', 'LookupEvents')).toBe(0);
    const org = snap.trails.find((t) => t.name === 'org-wide');
    expect(org).toMatchObject({
      isMultiRegionTrail: true,
      logFileValidationEnabled: true,
      s3BucketName: 'trail-logs',
    });
    expect(org?.status).toMatchObject({ status: 'ok', value: { isLogging: true } });
    expect(org?.selectors).toMatchObject({
      status: 'ok',
      value: {
        eventSelectors: [
          {
            readWriteType: 'All',
            includeManagementEvents: true,
            dataResources: [{ type: 'AWS::S3::Object', values: ['arn:aws:s3'] }],
          },
        ],
      },
    });
    expect(org?.status.evidence.file).toBe(`raw/cloudtrail/us-east-1.jsonl`);
    expect(snap.trails.find((t) => t.name === 'local')?.status).toMatchObject({
      status: 'ok',
      value: { isLogging: false },
    });
  });

  it('keeps denied discovery and denied selectors as gaps', async () => {
    await trailBucket('trail-logs');
    await h
      .cloudtrail()
      .send(new CreateTrailCommand({ Name: 'main', S3BucketName: 'trail-logs', IsMultiRegionTrail: true }));
    h.addFault({ service: 'cloudtrail', operation: 'GetEventSelectors', kind: 'AccessDenied' });
    h.addFault({ service: 'cloudtrail', operation: 'DescribeTrails', kind: 'AccessDenied', count: 1 });

    const snap = await collectCloudTrail(h.factory, {
      regions: ['us-east-1'],
      lookbackDays: 30,
      maxEventsPerRegion: 0,
      now: later,
    });
    expect(snap.discovery[0]?.result).toMatchObject({ status: 'denied', errorCode: 'AccessDeniedException' });
    expect(snap.trails).toEqual([]);

    const again = await collectCloudTrail(h.factory, {
      regions: ['us-east-1'],
      lookbackDays: 30,
      maxEventsPerRegion: 0,
      now: later,
    });
    expect(again.trails[0]?.selectors).toMatchObject({
      status: 'denied',
      errorCode: 'AccessDeniedException',
    });
    expect(again.trails[0]?.status.status).toBe('ok');
  });

  it('samples KMS events over several paced pages, up to the configured bound', async () => {
    const kms = h.kms();
    const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata;
    if (!key?.KeyId) throw new Error('no key');
    for (let i = 0; i < 110; i++) await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }));
    h.sandbox.faults.resetStats();

    const snap = await collectCloudTrail(h.factory, {
      regions: ['us-east-1'],
      lookbackDays: 1,
      maxEventsPerRegion: 120,
      now: later,
    });
    const usage = snap.keyUsage[0];
    expect(usage?.region).toBe('us-east-1');
    expect(usage?.events.status).toBe('ok');
    if (usage?.events.status !== 'ok') throw new Error('no events');
    expect(usage.events.value).toHaveLength(111);
    const describe = usage.events.value.find((e) => e.eventName === 'DescribeKey');
    expect(describe?.keyArns).toEqual([key.Arn]);
    expect(describe?.principalArn).toBe(`arn:aws:iam::${ACCOUNT}:user/sandbox-user`);
    expect(describe?.readOnly).toBe(true);

    const bounded = await collectCloudTrail(h.factory, {
      regions: ['us-east-1'],
      lookbackDays: 1,
      maxEventsPerRegion: 60,
      now: later,
    });
    expect(bounded.keyUsage[0]?.events.status === 'ok' && bounded.keyUsage[0].events.value.length).toBe(60);
    // Pages of 50: three pages for 111 events, then two pages for a bound of 60 (one record per page,
    // whatever retries the 2-per-second limit cost).
    const pages = (await h.records()).filter((r) => r.operation === 'LookupEvents');
    expect(pages.map((r) => r.outcome)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
  });

  it('reads every KMS event of the audit period (no cap by default), says what the 90-day history cannot cover, and lists sensitive operations', async () => {
    const kms = h.kms();
    const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata;
    if (!key?.KeyId) throw new Error('no key');
    for (let i = 0; i < 260; i++) await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }));
    await kms.send(new DisableKeyRotationCommand({ KeyId: key.KeyId }));
    await kms.send(new DisableKeyCommand({ KeyId: key.KeyId }));
    await kms.send(new EnableKeyCommand({ KeyId: key.KeyId }));
    const now = later();
    const period = {
      start: new Date(now.getTime() - 200 * 86_400_000).toISOString(),
      end: now.toISOString(),
    };

    const snap = await collectCloudTrail(h.factory, {
      regions: ['us-east-1'],
      lookbackDays: 1,
      period,
      now: () => now,
    });
    const usage = snap.keyUsage[0]!;
    if (usage.events.status !== 'ok') throw new Error('no events');
    // CreateKey, 260 DescribeKey, DisableKeyRotation, DisableKey, EnableKey: six pages, all read.
    expect(usage.events.value).toHaveLength(264);
    expect(usage.cap).toBeUndefined();
    const historyStart = new Date(now.getTime() - EVENT_HISTORY_DAYS * 86_400_000).toISOString();
    expect(usage.window).toEqual({ start: historyStart, end: period.end });
    expect(usage.uncovered).toMatchObject({ start: period.start, end: historyStart });
    expect(usage.uncovered?.reason).toContain('90 days');
    const lookups = (await h.records()).filter((r) => r.operation === 'LookupEvents');
    expect(lookups).toHaveLength(6);

    const snapshot = { accounts: [{ accountId: ACCOUNT, cloudTrail: snap }] } as unknown as Snapshot;
    const sensitive = sensitiveKeyOperationPopulation(snapshot);
    expect(sensitive.path).toBe('inventory/sensitive-key-operations.csv');
    const nameCol = sensitive.columns.findIndex((c) => c.id === 'event_name');
    expect(sensitive.rows.map((r) => r[nameCol]?.text).sort()).toEqual(['DisableKey', 'DisableKeyRotation']);
  });

  it('an optional cap keeps that many events per region and records that it dropped the rest', async () => {
    const kms = h.kms();
    const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata;
    for (let i = 0; i < 30; i++) await kms.send(new DescribeKeyCommand({ KeyId: key!.KeyId! }));
    const capped = await collectCloudTrail(h.factory, {
      regions: ['us-east-1'],
      lookbackDays: 1,
      maxEventsPerRegion: 10,
      now: later,
      lookupIntervalMs: 0,
    });
    const usage = capped.keyUsage[0]!;
    expect(usage.events.status === 'ok' && usage.events.value.length).toBe(10);
    expect(usage.cap).toEqual({ limit: 10, reached: true });
    const roomy = await collectCloudTrail(h.factory, {
      regions: ['us-east-1'],
      lookbackDays: 1,
      maxEventsPerRegion: 31,
      now: later,
      lookupIntervalMs: 0,
    });
    expect(roomy.keyUsage[0]?.events.status === 'ok' && roomy.keyUsage[0].events.value.length).toBe(31);
    expect(roomy.keyUsage[0]?.cap).toEqual({ limit: 31, reached: false });
  });
});
