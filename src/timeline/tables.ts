import { toCsv } from '../render/csv.ts';
import { formatDuration, type Timeline } from './build-timeline.ts';

/** One column, defined once for the CSV and the PDF: CSV header, report header, cell of a row. */
interface TimelineColumn<R> {
  id: string;
  header: string;
  cell(row: R): string;
}

/** A table of the timeline pack: one CSV and one table in its report, from the same columns. */
export interface TimelineTable {
  /** Pack path of the CSV. */
  path: string;
  title: string;
  /** What the table shows, for the report. */
  note: string;
  columns: { id: string; header: string }[];
  rows: string[][];
}

function table<R>(
  path: string,
  title: string,
  note: string,
  columns: readonly TimelineColumn<R>[],
  rows: readonly R[],
): TimelineTable {
  return {
    path,
    title,
    note,
    columns: columns.map(({ id, header }) => ({ id, header })),
    rows: rows.map((r) => columns.map((c) => c.cell(r))),
  };
}

/** The timeline's tables, in report order. */
export function timelineTables(t: Timeline): TimelineTable[] {
  const at = (i: number | null) => (i === null ? '' : (t.snapshots[i]?.collectedAt ?? ''));
  const snap = (i: number | null) => (i === null ? '' : `#${i + 1}`);
  type Row = Timeline['rows'][number];
  type Dev = Timeline['deviations'][number];
  type Chg = Timeline['changes'][number];
  type Gap = Timeline['gaps'][number];
  type Src = Timeline['snapshots'][number];
  const indexed = t.snapshots.map((s, i) => ({ ...s, i }));
  return [
    table<Src & { i: number }>(
      'timeline/snapshots.csv',
      'Source packs',
      'Each pack verified (manifest, SHA256SUMS, sidecar, signature when present) before use; ordered by collection time.',
      [
        { id: 'snapshot', header: '#', cell: (s) => snap(s.i) },
        { id: 'collected_at', header: 'Collected at', cell: (s) => s.collectedAt },
        { id: 'pack', header: 'Pack', cell: (s) => s.file },
        { id: 'sha256', header: 'SHA-256 of the ZIP', cell: (s) => s.sha256 },
        { id: 'manifest_sha256', header: '', cell: (s) => s.manifestSha256 },
        { id: 'run_id', header: '', cell: (s) => s.runId },
        { id: 'accounts', header: 'Accounts', cell: (s) => s.accounts.join(' ') },
        { id: 'signature', header: 'Signature', cell: (s) => s.signature },
      ],
      indexed,
    ),
    table<Gap>(
      'timeline/gaps.csv',
      'Gaps between snapshots',
      t.schedule.source === 'none'
        ? 'No schedule: a single interval cannot be judged.'
        : `Intervals longer than the schedule (${formatDuration(t.schedule.ms)}, ${
            t.schedule.source === 'given' ? 'given with --schedule' : 'the median interval'
          }) by more than ${Math.round(t.tolerance * 100)}%: no pack is evidence for these stretches.`,
      [
        { id: 'after_snapshot', header: 'After', cell: (g) => snap(g.after) },
        { id: 'after_collected_at', header: 'From', cell: (g) => at(g.after) },
        { id: 'before_snapshot', header: 'Before', cell: (g) => snap(g.before) },
        { id: 'before_collected_at', header: 'To', cell: (g) => at(g.before) },
        { id: 'duration', header: 'Interval', cell: (g) => formatDuration(g.durationMs) },
        { id: 'duration_ms', header: '', cell: (g) => String(g.durationMs) },
      ],
      t.gaps,
    ),
    table<Dev>(
      'timeline/deviations.csv',
      'Deviations',
      'A check failing on a resource over consecutive snapshots: it began after the last snapshot without it ' +
        '(blank: already failing at the first) and was fixed before the snapshot that closed it (blank: still open).',
      [
        { id: 'check_id', header: 'Check', cell: (d) => d.checkId },
        { id: 'resource', header: 'Resource', cell: (d) => d.resource.name },
        { id: 'resource_arn', header: '', cell: (d) => d.resource.arn },
        { id: 'not_seen_at', header: 'Not failing at', cell: (d) => at(d.notSeenAt) },
        { id: 'first_seen', header: 'First seen', cell: (d) => at(d.firstSeen) },
        { id: 'last_seen', header: 'Last seen', cell: (d) => at(d.lastSeen) },
        { id: 'closed_at', header: 'Closed by', cell: (d) => at(d.closedAt) || 'open' },
        { id: 'first_seen_snapshot', header: '', cell: (d) => snap(d.firstSeen) },
        { id: 'last_seen_snapshot', header: '', cell: (d) => snap(d.lastSeen) },
      ],
      t.deviations,
    ),
    table<Chg>(
      'timeline/changes.csv',
      'Changes',
      'Every status change, at the snapshot where it first appears ("absent": the resource was not in that pack).',
      [
        { id: 'snapshot', header: '#', cell: (c) => snap(c.at) },
        { id: 'collected_at', header: 'Seen at', cell: (c) => at(c.at) },
        { id: 'check_id', header: 'Check', cell: (c) => c.checkId },
        { id: 'resource', header: 'Resource', cell: (c) => c.resource.name },
        { id: 'resource_arn', header: '', cell: (c) => c.resource.arn },
        { id: 'from', header: 'From', cell: (c) => c.from },
        { id: 'to', header: 'To', cell: (c) => c.to },
      ],
      t.changes,
    ),
    table<Row>(
      'timeline/status-matrix.csv',
      'Status at every snapshot',
      'Every check on every resource, one column per snapshot.',
      [
        { id: 'check_id', header: 'Check', cell: (r) => r.checkId },
        { id: 'resource', header: 'Resource', cell: (r) => r.resource.name },
        { id: 'resource_arn', header: '', cell: (r) => r.resource.arn },
        { id: 'account_id', header: '', cell: (r) => r.resource.accountId },
        ...t.snapshots.map((s, i) => ({
          id: `status_${s.collectedAt}`,
          header: snap(i),
          cell: (r: Row) => r.statuses[i] ?? 'absent',
        })),
      ],
      t.rows,
    ),
  ];
}

/** RFC 4180 text of a table, every column (report-hidden ones included). */
export function tableCsv(t: TimelineTable): string {
  return toCsv(
    t.columns.map((c) => c.id),
    t.rows,
  );
}
