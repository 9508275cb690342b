import type { Population } from './populations.ts';
import type { Cell } from './report-model.ts';
import { dateLabel } from '../period/judge.ts';
import type { PeriodEvaluation, PeriodStatus } from '../period/types.ts';

/** Pack path of the per-bucket configuration timeline. */
export const PERIOD_TIMELINE_CSV = 'inventory/period-timeline.csv';

const STATUS_TEXT: Record<PeriodStatus, string> = {
  broken: 'Broken during the period',
  unknown: 'Unknown',
  held: 'Held throughout',
  'not-applicable': 'Not applicable',
};
const STATUS_TONE: Record<PeriodStatus, Cell['tone']> = {
  broken: 'bad',
  unknown: 'gap',
  held: 'good',
  'not-applicable': undefined,
};
const RANK: Record<PeriodStatus, number> = { broken: 0, unknown: 1, held: 2, 'not-applicable': 3 };

/** One row per bucket and period check: broken first, then unknown, then held. */
export function periodVerdictPopulation(period: PeriodEvaluation): Population {
  const rows = period.buckets.flatMap((b) =>
    b.checks.map((c) => ({
      rank: RANK[c.status],
      key: `${b.accountId}|${b.region}|${b.bucket}|${c.checkId}`,
      cells: [
        { text: b.bucket },
        { text: b.accountId, tone: 'mono' },
        { text: b.region },
        { text: c.checkId, tone: 'mono' },
        { text: STATUS_TEXT[c.status], tone: STATUS_TONE[c.status] },
        {
          text: c.brokenWindows.map((w) => `${dateLabel(w.from)} to ${dateLabel(w.to)}`).join('; ') || 'none',
        },
        { text: c.reason },
      ] satisfies Cell[],
    })),
  );
  rows.sort((a, b) => a.rank - b.rank || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    path: 'findings/findings.json',
    title: 'Checks over the audit period',
    columns: [
      { id: 'bucket', pdfHeader: 'Bucket', weight: 1.6 },
      { id: 'account_id', pdfHeader: 'Account', weight: 1.1 },
      { id: 'region', pdfHeader: 'Region', weight: 0.8 },
      { id: 'check_id', pdfHeader: 'Check', weight: 1.6 },
      { id: 'period_status', pdfHeader: 'Over the period', weight: 1.2 },
      { id: 'broken_windows', pdfHeader: 'Broken (from, to)', weight: 2 },
      { id: 'reason', pdfHeader: 'Reason', weight: 3.2 },
    ],
    rows: rows.map((r) => r.cells),
  };
}

/** One row per recorded configuration item of each bucket, oldest first within a bucket. */
export function periodTimelinePopulation(period: PeriodEvaluation): Population {
  const buckets = [...period.buckets].sort((a, b) =>
    `${a.accountId}|${a.region}|${a.bucket}` < `${b.accountId}|${b.region}|${b.bucket}` ? -1 : 1,
  );
  return {
    path: PERIOD_TIMELINE_CSV,
    title: 'Configuration timeline (AWS Config history)',
    columns: [
      { id: 'bucket', pdfHeader: 'Bucket', weight: 1.6 },
      { id: 'account_id', weight: 1 },
      { id: 'region', weight: 1 },
      { id: 'captured_at', pdfHeader: 'Recorded at', weight: 1.3 },
      { id: 'item_status', weight: 1 },
      { id: 'encryption', pdfHeader: 'Encryption', weight: 1.2 },
      { id: 'policy', pdfHeader: 'Policy', weight: 1.2 },
      { id: 'public_access_block', pdfHeader: 'Block Public Access', weight: 1.2 },
      { id: 'changes', pdfHeader: 'Changed', weight: 3 },
    ],
    rows: buckets.flatMap((b) =>
      b.timeline.map((e): Cell[] => [
        { text: b.bucket },
        { text: b.accountId, tone: 'mono' },
        { text: b.region },
        { text: dateLabel(e.at) },
        { text: e.itemStatus },
        { text: e.encryption, tone: e.encryption === 'none' ? 'bad' : undefined },
        { text: e.policy, tone: e.policy.includes('anonymous') ? 'bad' : undefined },
        { text: e.publicAccessBlock, tone: e.publicAccessBlock === 'all four on' ? undefined : 'warn' },
        {
          text:
            e.changes.join('; ') ||
            (e === b.timeline[0] ? 'first recorded state' : 'no change to these settings'),
        },
      ]),
    ),
  };
}
