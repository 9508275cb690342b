import { startConfigRecorder } from '../support/config-recorder.ts';
import {
  CreateBucketCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
} from '@aws-sdk/client-s3';
import {
  GetResourceConfigHistoryCommand,
  type GetResourceConfigHistoryCommandInput,
} from '@aws-sdk/client-config-service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectBucketConfigHistory } from '../../src/collect/config-history.ts';
import type { BucketRef } from '../../src/collect/buckets.ts';
import { ACCOUNT, startHarness, type Harness } from './harness.ts';

const DAY = 86_400_000;
const BASE = Math.floor(Date.now() / DAY) * DAY;
const D = (days: number, minutes = 0) => new Date(BASE - days * DAY + minutes * 60_000);
const PERIOD = { start: D(80).toISOString(), end: D(10).toISOString() };

let h: Harness;
const at = (t: Date) => h.sandbox.state.setNow(t);

function ref(name: string): BucketRef {
  return {
    name,
    arn: `arn:aws:s3:::${name}`,
    accountId: ACCOUNT,
    region: 'us-east-1',
    regionSource: 'ListBuckets',
  };
}

/** Each change is one configuration item: a versioning toggle at `t`. */
async function change(bucket: string, t: Date, i: number): Promise<void> {
  at(t);
  await h.s3().send(
    new PutBucketVersioningCommand({
      Bucket: bucket,
      VersioningConfiguration: { Status: i % 2 === 0 ? 'Enabled' : 'Suspended' },
    }),
  );
}

/** What reading the baseline and the period apart returns: the item ids, oldest first. */
async function reference(bucket: string): Promise<string[]> {
  const cfg = h.config();
  const base = { resourceType: 'AWS::S3::Bucket', resourceId: bucket } as const;
  const ids: string[] = [];
  const baseline = await cfg.send(
    new GetResourceConfigHistoryCommand({
      ...base,
      laterTime: new Date(PERIOD.start),
      chronologicalOrder: 'Reverse',
      limit: 1,
    }),
  );
  ids.push(...(baseline.configurationItems ?? []).map((i) => i.configurationStateId ?? ''));
  let token: string | undefined;
  do {
    const input: GetResourceConfigHistoryCommandInput = {
      ...base,
      earlierTime: new Date(PERIOD.start),
      laterTime: new Date(PERIOD.end),
      chronologicalOrder: 'Forward',
      limit: 100,
      ...(token ? { nextToken: token } : {}),
    };
    const page = await cfg.send(new GetResourceConfigHistoryCommand(input));
    for (const i of page.configurationItems ?? [])
      if (!ids.includes(i.configurationStateId ?? '')) ids.push(i.configurationStateId ?? '');
    token = page.nextToken;
  } while (token);
  return ids;
}

beforeAll(async () => {
  h = await startHarness();
  const s3 = h.s3();
  const cfg = h.config();
  at(D(120));
  await s3.send(new CreateBucketCommand({ Bucket: 'config-logs' }));
  await startConfigRecorder(cfg, ACCOUNT);
  for (const b of ['quiet', 'busy', 'edge', 'late']) {
    at(D(b === 'late' ? 5 : 110));
    await s3.send(new CreateBucketCommand({ Bucket: b }));
  }
  // quiet: a few changes before and during the period, one after it.
  for (const [i, t] of [D(100), D(90), D(60), D(30), D(5)].entries()) await change('quiet', t, i);
  // busy: 20 changes before the period, 150 inside it (two pages read backwards), 3 after.
  for (let i = 0; i < 20; i++) await change('busy', D(100, i), i);
  for (let i = 0; i < 150; i++) await change('busy', D(50, i), i);
  for (let i = 0; i < 3; i++) await change('busy', D(5, i), i);
  // edge: two changes exactly at the period start and 99 after it: the first backwards page of
  // 100 ends on the later of the two, and the other is on the next page.
  await change('edge', D(95), 0);
  await change('edge', new Date(PERIOD.start), 1);
  await change('edge', new Date(PERIOD.start), 2);
  for (let i = 0; i < 99; i++) await change('edge', D(40, i), i);
  at(D(4));
  await s3.send(
    new PutBucketTaggingCommand({ Bucket: 'late', Tagging: { TagSet: [{ Key: 'a', Value: 'b' }] } }),
  );
  await s3.send(
    new PutPublicAccessBlockCommand({
      Bucket: 'quiet',
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
    }),
  );
  h.sandbox.state.useRealTime();
}, 120_000);

afterAll(async () => {
  await h.close();
});

describe("a bucket's AWS Config history around the audit period", () => {
  it.each(['quiet', 'busy', 'edge'])(
    'holds the same items as reading the baseline and the period apart (%s)',
    async (name) => {
      const got = await collectBucketConfigHistory(h.factory, ref(name), PERIOD);
      expect(got.items.status).toBe('ok');
      const ids = got.items.status === 'ok' ? got.items.value.map((i) => i.configurationStateId) : [];
      expect(ids).toEqual(await reference(name));
    },
  );

  it('takes one call for a bucket with fewer than 100 items in the period, and cites it', async () => {
    const got = await collectBucketConfigHistory(h.factory, ref('quiet'), PERIOD);
    expect(got.pages).toHaveLength(1);
    const items = got.items.status === 'ok' ? got.items.value : [];
    expect(items.map((i) => i.captureTime)).toEqual([D(90), D(60), D(30)].map((d) => d.toISOString()));
    for (const i of items) expect(i.evidence?.callId).toBe(got.pages?.[0]?.callId);
  });

  it('reads on past a page that ends exactly at the period start, and cites every page', async () => {
    const busy = await collectBucketConfigHistory(h.factory, ref('busy'), PERIOD);
    expect(busy.pages).toHaveLength(2);
    const edge = await collectBucketConfigHistory(h.factory, ref('edge'), PERIOD);
    expect(edge.pages).toHaveLength(2);
    const items = edge.items.status === 'ok' ? edge.items.value : [];
    expect(items.filter((i) => i.captureTime === PERIOD.start)).toHaveLength(2);
    expect(items[0]?.captureTime).toBe(PERIOD.start);
  });

  it('dates a bucket created after the period by the first item after it', async () => {
    const got = await collectBucketConfigHistory(h.factory, ref('late'), PERIOD);
    expect(got.items).toMatchObject({ status: 'ok', value: [] });
    expect(got.afterPeriod?.status === 'ok' && got.afterPeriod.value[0]?.resourceCreationTime).toBe(
      D(5).toISOString(),
    );
  });
});
