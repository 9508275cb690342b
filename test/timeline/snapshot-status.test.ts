import { describe, expect, it } from 'vitest';
import type { CheckStatus } from '../../src/checks/types.ts';
import type { PackResult } from '../../src/diff/types.ts';
import { buildTimeline, type TimelineSource } from '../../src/timeline/build-timeline.ts';

const BUCKET = {
  arn: 'arn:aws:s3:::prod',
  name: 'prod',
  accountId: '111122223333',
  type: 'AWS::S3::Bucket',
};
const result = (checkId: string, status: CheckStatus, extra: Partial<PackResult> = {}): PackResult => ({
  checkId,
  resource: BUCKET,
  status,
  reason: '',
  ...extra,
});
const pack = (day: number, results: PackResult[]): TimelineSource => ({
  file: `p${day}.zip`,
  sha256: String(day).padStart(64, '0'),
  manifestSha256: '',
  runId: `run-${day}`,
  collectedAt: new Date(Date.UTC(2026, 6, 1 + day)).toISOString(),
  accounts: ['111122223333'],
  regions: ['us-east-1'],
  criteria: [],
  sandbox: false,
  signature: 'unsigned',
  results,
});
const statusesOf = (sources: TimelineSource[], checkId: string) =>
  buildTimeline(sources).rows.find((r) => r.checkId === checkId)?.statuses;

describe("a check's status at each snapshot", () => {
  it("is today's result of the pack, not a deviation during the pack's audit period", () => {
    const deviation = result('s3.not-public', 'fail', { deviation: { from: '2026-05-01T00:00:00.000Z' } });
    const sources = [
      pack(0, [result('s3.not-public', 'pass')]),
      // A later pack whose period covers last month's exposure: fixed today.
      pack(7, [result('s3.not-public', 'pass'), deviation]),
      pack(14, [deviation, result('s3.not-public', 'pass')]),
    ];
    expect(statusesOf(sources, 's3.not-public')).toEqual(['pass', 'pass', 'pass']);
    expect(buildTimeline(sources).changes).toEqual([]);
  });

  it('is the worst of several results on one resource (one per Config rule), in any order', () => {
    const sources = [
      pack(0, [result('config.rule-compliant', 'pass'), result('config.rule-compliant', 'pass')]),
      pack(7, [result('config.rule-compliant', 'fail'), result('config.rule-compliant', 'pass')]),
      pack(14, [result('config.rule-compliant', 'pass'), result('config.rule-compliant', 'fail')]),
    ];
    expect(statusesOf(sources, 'config.rule-compliant')).toEqual(['pass', 'fail', 'fail']);
    const changes = buildTimeline(sources).changes;
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ from: 'pass', to: 'fail' });
  });
});
