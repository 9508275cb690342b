import type { Population } from './populations.ts';
import type { Cell } from './report-model.ts';
import { dateLabel } from '../period/judge.ts';
import type { ChangeEvent, PeriodEvaluation, PeriodStatus, PeriodWindow } from '../period/types.ts';

/** A broken window with the events that opened and closed it. */
function windowText(w: PeriodWindow): string {
  const opened = w.opened ? `; opened by ${eventText(w.opened)}` : '';
  const closed = w.closed ? `; closed by ${eventText(w.closed)}` : '';
  return `${dateLabel(w.from)} to ${dateLabel(w.to)}${opened}${closed}`;
}

/** Pack path of the per-bucket configuration timeline. */
export const PERIOD_TIMELINE_CSV = 'inventory/period-timeline.csv';
/** Pack path of the reconciliation of the last in-period state with today's read. */
export const PERIOD_RECONCILIATION_CSV = 'inventory/period-reconciliation.csv';

function eventText(e: ChangeEvent): string {
  return `${e.eventName} by ${e.userArn ?? 'unknown principal'} at ${dateLabel(e.eventTime)}${e.requestId ? ` (request id ${e.requestId})` : ''}`;
}

/** One row per setting whose last in-period record differs from today's read, with the events that changed it. */
export function periodReconciliationPopulation(period: PeriodEvaluation): Population {
  const rows = [...(period.reconciliation ?? [])].sort((a, b) =>
    `${a.accountId}|${a.region}|${a.bucket}|${a.setting}` <
    `${b.accountId}|${b.region}|${b.bucket}|${b.setting}`
      ? -1
      : 1,
  );
  return {
    path: PERIOD_RECONCILIATION_CSV,
    title: 'Reconciliation with today',
    columns: [
      { id: 'bucket', pdfHeader: 'Bucket', weight: 1.5 },
      { id: 'account_id', pdfHeader: 'Account', weight: 1 },
      { id: 'region', pdfHeader: 'Region', weight: 0.8 },
      { id: 'setting', pdfHeader: 'Setting', weight: 1.2 },
      { id: 'at_period_end', pdfHeader: 'At the period end', weight: 1.6 },
      { id: 'today', pdfHeader: 'Today', weight: 1.6 },
      { id: 'changed_by', pdfHeader: 'Changed by (CloudTrail)', weight: 3 },
      { id: 'evidence_calls', weight: 1.5 },
    ],
    rows: rows.map((r): Cell[] => [
      { text: r.bucket },
      { text: r.accountId, tone: 'mono' },
      { text: r.region },
      { text: r.setting },
      { text: r.recorded },
      { text: r.live },
      r.events.length > 0
        ? { text: r.events.map(eventText).join('; ') }
        : { text: 'changed, event not found', tone: 'gap' },
      { text: r.evidence.map((e) => `${e.file}#${e.callId}`).join(' '), tone: 'mono' },
    ]),
  };
}

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
          text: c.brokenWindows.map(windowText).join(' | ') || 'none',
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
