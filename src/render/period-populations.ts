import { columnsOfPart, population, type Column, type Population } from './columns.ts';
import type { Cell } from './report-model.ts';
import { dateLabel } from '../period/windows.ts';
import type {
  ChangeEvent,
  PeriodEvaluation,
  PeriodMonitoringResult,
  PeriodStatus,
  PeriodWindow,
  ReconciliationEntry,
} from '../period/types.ts';

/** Pack path of the per-bucket configuration timeline. */
export const PERIOD_TIMELINE_CSV = 'inventory/period-timeline.csv';
/** Pack path of every bucket's verdict per period check (the report's table shows the first rows). */
export const PERIOD_VERDICTS_CSV = 'inventory/period-verdicts.csv';
/** Pack path of the reconciliation of the last in-period state with today's read. */
export const PERIOD_RECONCILIATION_CSV = 'inventory/period-reconciliation.csv';

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

/** Broken first, then unknown, held and not applicable; by `key` within a status. */
export function worstFirst<R>(
  rows: readonly R[],
  status: (r: R) => PeriodStatus,
  key: (r: R) => string,
): R[] {
  return rows
    .map((r) => ({ r, rank: RANK[status(r)], key: key(r) }))
    .sort((a, b) => a.rank - b.rank || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((x) => x.r);
}

function eventText(e: ChangeEvent): string {
  return `${e.eventName} by ${e.userArn ?? 'unknown principal'} at ${dateLabel(e.eventTime)}${e.requestId ? ` (request id ${e.requestId})` : ''}`;
}

/** A broken window with the events that opened and closed it. */
export function windowText(w: PeriodWindow): string {
  const opened = w.opened ? `; opened by ${eventText(w.opened)}` : '';
  const closed = w.closed ? `; closed by ${eventText(w.closed)}` : '';
  return `${dateLabel(w.from)} to ${dateLabel(w.to)}${opened}${closed}`;
}

/** A verdict over the period as the tables show it. */
type Verdict = Pick<PeriodMonitoringResult, 'checkId' | 'status' | 'brokenWindows' | 'reason'>;

/** The columns every table of period verdicts ends with: the check, its status, the broken windows, why. */
export const VERDICT_COLUMNS: readonly Column<Verdict>[] = [
  { id: 'check_id', header: 'Check', cell: (v) => ({ text: v.checkId, tone: 'mono' }) },
  {
    id: 'period_status',
    header: 'Over the period',
    cell: (v) => ({ text: STATUS_TEXT[v.status], tone: STATUS_TONE[v.status] }),
  },
  {
    id: 'broken_windows',
    header: 'Broken (from, to)',
    cell: (v) => ({ text: v.brokenWindows.map(windowText).join(' | ') || 'none' }),
  },
  { id: 'reason', header: 'Reason', cell: (v) => ({ text: v.reason }) },
];

type PeriodBucket = PeriodEvaluation['buckets'][number];
type PeriodCheck = PeriodBucket['checks'][number];
type TimelineEntry = PeriodBucket['timeline'][number];

/** The bucket columns both period tables start with (the timeline lists account and region in the CSV only). */
function bucketColumns(where: boolean): Column<{ b: PeriodBucket }>[] {
  return [
    { id: 'bucket', header: 'Bucket', cell: ({ b }) => ({ text: b.bucket }) },
    {
      id: 'account_id',
      header: where ? 'Account' : undefined,
      cell: ({ b }) => ({ text: b.accountId, tone: 'mono' }),
    },
    { id: 'region', header: where ? 'Region' : undefined, cell: ({ b }) => ({ text: b.region }) },
  ];
}

const BUCKET_VERDICT_COLUMNS: readonly Column<{ b: PeriodBucket; c: PeriodCheck }>[] = [
  ...bucketColumns(true),
  ...columnsOfPart(({ c }: { c: PeriodCheck }) => c, VERDICT_COLUMNS),
];

/** One row per bucket and period check: broken first, then unknown, then held. */
export function periodVerdictPopulation(period: PeriodEvaluation): Population {
  const rows = worstFirst(
    period.buckets.flatMap((b) => b.checks.map((c) => ({ b, c }))),
    ({ c }) => c.status,
    ({ b, c }) => `${b.accountId}|${b.region}|${b.bucket}|${c.checkId}`,
  );
  return population(
    {
      path: PERIOD_VERDICTS_CSV,
      title: 'Checks over the audit period',
      columns: BUCKET_VERDICT_COLUMNS,
    },
    rows,
  );
}

type Monitoring = NonNullable<PeriodEvaluation['monitoring']>[number];

const MONITORING_COLUMNS: readonly Column<{ m: Monitoring }>[] = [
  { id: 'resource', header: 'Resource', cell: ({ m }) => ({ text: m.resource.name }) },
  {
    id: 'resource_type',
    header: 'Type',
    // An AWS resource type reads as one word: never broken at its "::".
    cls: 'nowrap',
    cell: ({ m }) => ({ text: m.resource.type, tone: 'mono' }),
  },
  { id: 'account_id', header: 'Account', cell: ({ m }) => ({ text: m.resource.accountId, tone: 'mono' }) },
  { id: 'region', header: 'Region', cell: ({ m }) => ({ text: m.resource.region }) },
  ...columnsOfPart(({ m }: { m: Monitoring }) => m, VERDICT_COLUMNS),
];

/** Pack path of the monitoring controls over the period (trail logging, recorder, rule compliance). */
export const PERIOD_MONITORING_CSV = 'inventory/period-monitoring.csv';

/**
 * One row per monitoring control and resource over the period (each trail's logging, the recorder
 * per region, each bucket under each required Config rule): broken first, then unknown, then held.
 */
export function periodMonitoringPopulation(period: PeriodEvaluation): Population {
  const rows = worstFirst(
    (period.monitoring ?? []).map((m) => ({ m })),
    ({ m }) => m.status,
    ({ m }) => `${m.checkId}|${m.resource.accountId}|${m.resource.region}|${m.resource.name}`,
  );
  return population(
    { path: PERIOD_MONITORING_CSV, title: 'Monitoring over the audit period', columns: MONITORING_COLUMNS },
    rows,
  );
}

const TIMELINE_COLUMNS: readonly Column<{ b: PeriodBucket; e: TimelineEntry }>[] = [
  ...bucketColumns(false),
  { id: 'captured_at', header: 'Recorded at', cell: ({ e }) => ({ text: dateLabel(e.at) }) },
  { id: 'item_status', cell: ({ e }) => ({ text: e.itemStatus }) },
  {
    id: 'encryption',
    header: 'Encryption',
    cell: ({ e }) => ({ text: e.encryption, tone: e.encryption === 'none' ? 'bad' : undefined }),
  },
  {
    id: 'policy',
    header: 'Policy',
    cell: ({ e }) => ({ text: e.policy, tone: e.policy.includes('anonymous') ? 'bad' : undefined }),
  },
  {
    id: 'public_access_block',
    header: 'Block Public Access',
    cell: ({ e }) => ({
      text: e.publicAccessBlock,
      tone: e.publicAccessBlock === 'all four on' ? undefined : 'warn',
    }),
  },
  {
    id: 'changes',
    header: 'Changed',
    cell: ({ b, e }) => ({
      text:
        e.changes.join('; ') ||
        (e === b.timeline[0] ? 'first recorded state' : 'no change to these settings'),
    }),
  },
];

/** One row per recorded configuration item of each bucket, oldest first within a bucket. */
export function periodTimelinePopulation(period: PeriodEvaluation): Population {
  const buckets = [...period.buckets].sort((a, b) =>
    `${a.accountId}|${a.region}|${a.bucket}` < `${b.accountId}|${b.region}|${b.bucket}` ? -1 : 1,
  );
  return population(
    {
      path: PERIOD_TIMELINE_CSV,
      title: 'Configuration timeline (AWS Config history)',
      columns: TIMELINE_COLUMNS,
    },
    buckets.flatMap((b) => b.timeline.map((e) => ({ b, e }))),
  );
}

/** e.g. `7 LookupEvents pages`. */
function pagesText(n: number): string {
  return `${n} LookupEvents page${n === 1 ? '' : 's'}`;
}

const RECONCILIATION_COLUMNS: readonly Column<ReconciliationEntry>[] = [
  { id: 'bucket', header: 'Bucket', cell: (r) => ({ text: r.bucket }) },
  { id: 'account_id', header: 'Account', cell: (r) => ({ text: r.accountId, tone: 'mono' }) },
  { id: 'region', header: 'Region', cell: (r) => ({ text: r.region }) },
  { id: 'setting', header: 'Setting', cell: (r) => ({ text: r.setting }) },
  { id: 'at_period_end', header: 'At the period end', cell: (r) => ({ text: r.recorded }) },
  { id: 'today', header: 'Today', cell: (r) => ({ text: r.live }) },
  {
    id: 'changed_by',
    header: 'Changed by (CloudTrail)',
    cell: (r) =>
      r.events.length > 0
        ? { text: r.events.map(eventText).join('; ') }
        : {
            text: `changed, event not found${r.searched ? ` (searched ${pagesText(r.searched.pages)})` : ''}`,
            tone: 'gap',
          },
  },
  {
    id: 'evidence_calls',
    cell: (r) => ({
      text: [
        ...r.evidence.map((e) => `${e.file}#${e.callId}`),
        ...(r.searched ? [`${r.searched.file}#${r.searched.firstCallId}..${r.searched.lastCallId}`] : []),
      ].join(' '),
      tone: 'mono',
    }),
  },
];

/** One row per setting whose last in-period record differs from today's read, with the events that changed it. */
export function periodReconciliationPopulation(period: PeriodEvaluation): Population {
  const key = (r: ReconciliationEntry) => `${r.accountId}|${r.region}|${r.bucket}|${r.setting}`;
  const rows = [...(period.reconciliation ?? [])].sort((a, b) => (key(a) < key(b) ? -1 : 1));
  return population(
    { path: PERIOD_RECONCILIATION_CSV, title: 'Reconciliation with today', columns: RECONCILIATION_COLUMNS },
    rows,
  );
}
