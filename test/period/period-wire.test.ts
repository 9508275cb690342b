import { startConfigRecorder } from '../support/config-recorder.ts';
import {
  CreateBucketCommand,
  DeleteBucketPolicyCommand,
  DeletePublicAccessBlockCommand,
  PutBucketPolicyCommand,
  PutPublicAccessBlockCommand,
} from '@aws-sdk/client-s3';
import {} from '@aws-sdk/client-config-service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Evaluation } from '../../src/evaluate/types.ts';
import { collect } from '../../src/collect/collect.ts';
import { evaluate } from '../../src/evaluate/evaluate.ts';
import type { PeriodCheckResult } from '../../src/period/types.ts';
import type { Snapshot } from '../../src/snapshot/model.ts';
import { ACCOUNT, startHarness, testConfig, type Harness } from '../collect/harness.ts';

const ALL_ON = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
};
const PERIOD = { start: '2026-03-01T00:00:00.000Z', end: '2026-06-01T00:00:00.000Z' };
const publicRead = (bucket: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'PublicRead',
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:::${bucket}/*`,
      },
    ],
  });

let h: Harness;
let snapshot: Snapshot;
let evaluation: Evaluation;

const at = (iso: string) => h.sandbox.state.setNow(new Date(iso));

/**
 * A history built over the wire with the sandbox clock: Config records each change at the pinned
 * time; the pack is then collected "today", when every bucket is compliant again.
 */
beforeAll(async () => {
  h = await startHarness();
  const s3 = h.s3();
  const cfg = h.config();
  at('2026-01-01T00:00:00Z');
  await s3.send(new CreateBucketCommand({ Bucket: 'config-logs' }));
  await startConfigRecorder(cfg, ACCOUNT);
  for (const Bucket of ['pab-lapse', 'changed-before', 'public-week'])
    await s3.send(new CreateBucketCommand({ Bucket }));
  // No recorder in eu-west-1: Config never discovers this bucket.
  await h.s3('eu-west-1').send(
    new CreateBucketCommand({
      Bucket: 'unrecorded-eu',
      CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
    }),
  );

  // Before the period: a lapse that must not count.
  at('2026-02-01T00:00:00Z');
  await s3.send(new DeletePublicAccessBlockCommand({ Bucket: 'changed-before' }));
  at('2026-02-08T00:00:00Z');
  await s3.send(
    new PutPublicAccessBlockCommand({ Bucket: 'changed-before', PublicAccessBlockConfiguration: ALL_ON }),
  );

  // Inside the period: Block Public Access removed for a week.
  at('2026-04-10T00:00:00Z');
  await s3.send(new DeletePublicAccessBlockCommand({ Bucket: 'pab-lapse' }));
  at('2026-04-17T00:00:00Z');
  await s3.send(
    new PutPublicAccessBlockCommand({ Bucket: 'pab-lapse', PublicAccessBlockConfiguration: ALL_ON }),
  );

  // Inside the period: a public policy for a week.
  at('2026-05-01T00:00:00Z');
  await s3.send(new DeletePublicAccessBlockCommand({ Bucket: 'public-week' }));
  at('2026-05-01T01:00:00Z');
  await s3.send(new PutBucketPolicyCommand({ Bucket: 'public-week', Policy: publicRead('public-week') }));
  at('2026-05-08T00:00:00Z');
  await s3.send(new DeleteBucketPolicyCommand({ Bucket: 'public-week' }));
  at('2026-05-08T01:00:00Z');
  await s3.send(
    new PutPublicAccessBlockCommand({ Bucket: 'public-week', PublicAccessBlockConfiguration: ALL_ON }),
  );

  h.sandbox.state.useRealTime();
  const config = testConfig({ regions: ['us-east-1', 'eu-west-1'], period: PERIOD });
  snapshot = await collect({
    config,
    factory: h.factory,
    sink: h.sink,
    toolVersion: '0.0.0',
    runId: 'period',
  });
  evaluation = await evaluate(snapshot, config);
}, 60_000);

afterAll(async () => {
  await h.close();
});

function periodResult(bucket: string, checkId: string): PeriodCheckResult | undefined {
  return evaluation.period?.buckets
    .find((b) => b.bucket === bucket)
    ?.checks.find((c) => c.checkId === checkId);
}

function todayStatus(bucket: string, checkId: string): string | undefined {
  return evaluation.findings.find((f) => f.checkId === checkId && f.resource.name === bucket && !f.deviation)
    ?.status;
}

describe('period evidence from AWS Config history, over the wire', () => {
  it('marks Block Public Access broken for the week it was off, though it passes on the day of the pack', () => {
    expect(todayStatus('pab-lapse', 's3.bucket-public-access-block')).toBe('pass');
    const r = periodResult('pab-lapse', 's3.bucket-public-access-block');
    expect(r?.status).toBe('broken');
    expect(r?.brokenWindows.map((w) => [w.from, w.to])).toEqual([
      ['2026-04-10T00:00:00.000Z', '2026-04-17T00:00:00.000Z'],
    ]);
    expect(r?.reason).toContain('2026-04-10 00:00:00 UTC to 2026-04-17 00:00:00 UTC');
    expect(periodResult('pab-lapse', 's3.default-encryption')?.status).toBe('held');
    expect(periodResult('pab-lapse', 's3.not-public')?.status).toBe('held');
  });

  it('marks the bucket public during the week a public policy was in force without Block Public Access', () => {
    expect(todayStatus('public-week', 's3.not-public')).toBe('pass');
    const r = periodResult('public-week', 's3.not-public');
    expect(r?.status).toBe('broken');
    expect(r?.brokenWindows.map((w) => [w.from, w.to])).toEqual([
      ['2026-05-01T01:00:00.000Z', '2026-05-08T00:00:00.000Z'],
    ]);
    expect(r?.brokenWindows[0]?.reason).toMatch(/anonymous access \(Sid "PublicRead"\)/);
    expect(
      periodResult('public-week', 's3.bucket-public-access-block')?.brokenWindows.map((w) => w.from),
    ).toEqual(['2026-05-01T00:00:00.000Z']);
  });

  it('ignores a change made before the period: the check held throughout', () => {
    expect(periodResult('changed-before', 's3.bucket-public-access-block')?.status).toBe('held');
  });

  it('says unknown for a bucket AWS Config never recorded', () => {
    const history = snapshot.accounts[0]?.configHistory?.find((x) => x.bucket === 'unrecorded-eu');
    expect(history?.items).toMatchObject({ status: 'absent', errorCode: 'ResourceNotDiscoveredException' });
    for (const checkId of ['s3.default-encryption', 's3.bucket-public-access-block', 's3.not-public']) {
      expect(periodResult('unrecorded-eu', checkId)?.status).toBe('unknown');
    }
  });

  it('keeps the timeline of recorded changes, with what changed to what', () => {
    const timeline = evaluation.period?.buckets.find((b) => b.bucket === 'public-week')?.timeline ?? [];
    const changes = timeline.flatMap((e) => e.changes.map((c) => `${e.at} ${c}`));
    expect(changes).toEqual([
      '2026-05-01T00:00:00.000Z Block Public Access: all four on → none',
      '2026-05-01T01:00:00.000Z Policy: none → set, allows anonymous access',
      '2026-05-08T00:00:00.000Z Policy: set, allows anonymous access → none',
      '2026-05-08T01:00:00.000Z Block Public Access: none → all four on',
    ]);
  });
});
