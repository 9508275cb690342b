import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/evaluate/evaluate.ts';
import type { ConfigHistoryItem, Snapshot } from '../../src/snapshot/model.ts';
import { ACCOUNT, REGION, account, bucket, config, okOf, snapshot } from '../support/snapshot.ts';

const PERIOD = { start: '2026-03-01T00:00:00.000Z', end: '2026-06-01T00:00:00.000Z' };
const ON = {
  blockPublicAcls: true,
  ignorePublicAcls: true,
  blockPublicPolicy: true,
  restrictPublicBuckets: true,
};

function item(at: string, pab: boolean): ConfigHistoryItem {
  return {
    captureTime: at,
    status: 'OK',
    supplementaryConfiguration: pab ? { PublicAccessBlockConfiguration: JSON.stringify(ON) } : {},
  };
}

/** One bucket whose Block Public Access was off from 10 to 17 April, judged on 1 July. */
async function deviationUnder(expires: string) {
  const b = bucket('lapsed-bucket');
  const snap: Snapshot = snapshot([
    account({
      buckets: [b],
      configHistory: [
        {
          bucketArn: b.arn,
          bucket: b.name,
          accountId: ACCOUNT,
          region: REGION,
          period: PERIOD,
          items: okOf(
            [
              item('2026-01-01T00:00:00.000Z', true),
              item('2026-04-10T00:00:00.000Z', false),
              item('2026-04-17T00:00:00.000Z', true),
            ],
            'GetResourceConfigHistory',
            'config',
          ),
        },
      ],
    }),
  ]);
  const cfg = config({
    period: PERIOD,
    exceptions: [
      {
        bucket: 'lapsed-bucket',
        checks: ['s3.bucket-public-access-block'],
        justification: 'Migration window',
        approvedBy: 'CISO',
        expires,
      },
    ],
  });
  const evaluation = await evaluate(snap, cfg, { now: new Date('2026-07-01T00:00:00Z') });
  return evaluation.findings.find((f) => f.deviation && f.checkId === 's3.bucket-public-access-block');
}

describe('exceptions and deviations during the period', () => {
  it('covers a deviation with an exception that was valid throughout it, though it has expired since', async () => {
    const f = await deviationUnder('2026-04-17');
    expect(f?.status).toBe('excepted');
    expect(f?.reason).toContain('Excepted by exception-0');
  });

  it('does not cover a deviation that outlasted the exception', async () => {
    const f = await deviationUnder('2026-04-15');
    expect(f?.status).toBe('fail');
    expect(f?.deviation).toMatchObject({
      from: '2026-04-10T00:00:00.000Z',
      to: '2026-04-17T00:00:00.000Z',
      durationMs: 7 * 86_400_000,
    });
  });
});
