import { CHECK_STATUSES, type CheckStatus } from '../checks/types.ts';
import type { PackResult } from '../diff/types.ts';

/** Schema id of `timeline/timeline.json` (a contract: bump on incompatible change). */
export const TIMELINE_SCHEMA = 'evidence-pack/timeline@1';

/** One verified source pack, as the timeline reads it. */
export interface TimelineSource {
  /** File name of the pack ZIP (no folder: folders differ between machines). */
  file: string;
  /** SHA-256 of the ZIP file. */
  sha256: string;
  /** SHA-256 of its manifest.json (what a signature covers). */
  manifestSha256: string;
  runId: string;
  /** When its collection started (ISO-8601): the snapshot's time. */
  collectedAt: string;
  accounts: string[];
  regions: string[];
  criteria: string[];
  sandbox: boolean;
  /** `verified`, `unverified` (signed, no trusted key given) or `unsigned`. */
  signature: 'verified' | 'unverified' | 'unsigned';
  results: PackResult[];
}

/** A check's status at one snapshot; `absent` = the resource was not in that pack. */
export type SnapshotStatus = CheckStatus | 'absent';

/** One check on one resource across the series. */
export interface TimelineRow {
  checkId: string;
  resource: { arn: string; name: string; accountId: string; region?: string | undefined };
  /** One status per snapshot, in snapshot order. */
  statuses: SnapshotStatus[];
}

/** A status change, reported at the snapshot where it first appears. */
export interface TimelineChange {
  checkId: string;
  resource: TimelineRow['resource'];
  /** Index of the snapshot where the new status is first seen. */
  at: number;
  from: SnapshotStatus;
  to: SnapshotStatus;
}

/** A run of consecutive snapshots in which a check failed on a resource. */
export interface TimelineDeviation {
  checkId: string;
  resource: TimelineRow['resource'];
  /** First and last snapshot (indices) where it was seen failing. */
  firstSeen: number;
  lastSeen: number;
  /**
   * The snapshot before `firstSeen` (it began after that one was taken), or `null` when it
   * was failing at the first snapshot (it may have begun before the series).
   */
  notSeenAt: number | null;
  /** The first snapshot after `lastSeen` where it no longer failed, or `null`: still open. */
  closedAt: number | null;
}

/** Two consecutive snapshots further apart than the schedule allows. */
export interface TimelineGap {
  /** Indices of the snapshots on either side. */
  after: number;
  before: number;
  /** Milliseconds between them. */
  durationMs: number;
}

/** The period report of a series of packs. */
export interface Timeline {
  schema: typeof TIMELINE_SCHEMA;
  /** Source packs, ordered by collection time. */
  snapshots: Omit<TimelineSource, 'results'>[];
  schedule: { ms: number; source: 'given' | 'inferred-median' | 'none' };
  /** An interval longer than `schedule.ms × (1 + tolerance)` is a gap. */
  tolerance: number;
  rows: TimelineRow[];
  changes: TimelineChange[];
  deviations: TimelineDeviation[];
  gaps: TimelineGap[];
}

/** Options of {@link buildTimeline}. */
export interface TimelineOptions {
  /** Expected time between packs in ms; absent = the median interval of the series. */
  scheduleMs?: number | undefined;
  /** Slack allowed over the schedule before an interval is a gap (default 0.1 = 10%). */
  tolerance?: number | undefined;
}

const keyOf = (r: PackResult) => `${r.checkId}\u0000${r.resource.arn}`;

function worse(a: SnapshotStatus, b: CheckStatus): CheckStatus {
  if (a === 'absent') return b;
  return CHECK_STATUSES.indexOf(a) <= CHECK_STATUSES.indexOf(b) ? a : b;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  if (s.length === 0) return 0;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Builds the period report of a series of packs: every check's status at every snapshot, each
 * change at the snapshot where it first appears, each deviation (consecutive failing snapshots)
 * with when it was first and last seen, and the intervals longer than the schedule.
 * Pure: sources are ordered here by collection time (then run id) whatever order they come in.
 */
export function buildTimeline(sources: readonly TimelineSource[], opts: TimelineOptions = {}): Timeline {
  const ordered = [...sources].sort(
    (a, b) => Date.parse(a.collectedAt) - Date.parse(b.collectedAt) || a.runId.localeCompare(b.runId),
  );
  const rows = new Map<string, TimelineRow>();
  ordered.forEach((src, i) => {
    for (const r of src.results) {
      // A deviation during a pack's audit period is not the state at its snapshot.
      if (r.deviation) continue;
      const key = keyOf(r);
      let row = rows.get(key);
      if (!row) {
        const { arn, name, accountId, region } = r.resource;
        row = {
          checkId: r.checkId,
          resource: { arn, name, accountId, ...(region === undefined ? {} : { region }) },
          statuses: ordered.map(() => 'absent' as SnapshotStatus),
        };
        rows.set(key, row);
      }
      // Several results of one check on one resource (one per Config rule): the worst stands.
      row.statuses[i] = worse(row.statuses[i] ?? 'absent', r.status);
    }
  });
  const sortedRows = [...rows.values()].sort(
    (a, b) => a.checkId.localeCompare(b.checkId) || a.resource.arn.localeCompare(b.resource.arn),
  );

  const changes: TimelineChange[] = [];
  const deviations: TimelineDeviation[] = [];
  for (const row of sortedRows) {
    row.statuses.forEach((to, i) => {
      const from = i > 0 ? row.statuses[i - 1]! : undefined;
      if (from !== undefined && from !== to)
        changes.push({ checkId: row.checkId, resource: row.resource, at: i, from, to });
      if (to === 'fail' && from !== 'fail') {
        let last = i;
        while (row.statuses[last + 1] === 'fail') last++;
        deviations.push({
          checkId: row.checkId,
          resource: row.resource,
          firstSeen: i,
          lastSeen: last,
          notSeenAt: i > 0 ? i - 1 : null,
          closedAt: last + 1 < row.statuses.length ? last + 1 : null,
        });
      }
    });
  }
  changes.sort((a, b) => a.at - b.at);
  deviations.sort((a, b) => a.firstSeen - b.firstSeen);

  const times = ordered.map((s) => Date.parse(s.collectedAt));
  const intervals = times.slice(1).map((t, i) => t - times[i]!);
  const schedule: Timeline['schedule'] =
    opts.scheduleMs !== undefined
      ? { ms: opts.scheduleMs, source: 'given' }
      : intervals.length > 0
        ? { ms: median(intervals), source: 'inferred-median' }
        : { ms: 0, source: 'none' };
  const tolerance = opts.tolerance ?? 0.1;
  const gaps: TimelineGap[] =
    schedule.source === 'none'
      ? []
      : intervals.flatMap((d, i) =>
          d > schedule.ms * (1 + tolerance) ? [{ after: i, before: i + 1, durationMs: d }] : [],
        );

  return {
    schema: TIMELINE_SCHEMA,
    snapshots: ordered.map(({ results: _results, ...rest }) => rest),
    schedule,
    tolerance,
    rows: sortedRows,
    changes,
    deviations,
    gaps,
  };
}

/** `7d`, `12h`, `30m`, `1w` → milliseconds, or `null` when it is not such a duration. */
export function parseDuration(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*([mhdw])$/.exec(text.trim());
  if (!m) return null;
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[m[2] as 'm' | 'h' | 'd' | 'w'];
  const ms = Number(m[1]) * unit;
  return ms > 0 ? ms : null;
}

/** A duration in days and hours, e.g. `9d 4h`; under an hour in minutes, e.g. `30m`. */
export function formatDuration(ms: number): string {
  if (ms < 3_570_000) return `${Math.max(1, Math.round(ms / 60_000))}m`;
  const hours = Math.round(ms / 3_600_000);
  const d = Math.floor(hours / 24);
  const h = hours % 24;
  if (d === 0) return `${h}h`;
  return h === 0 ? `${d}d` : `${d}d ${h}h`;
}
