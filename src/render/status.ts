import { CHECK_STATUSES, type CheckStatus } from '../checks/types.ts';
import type { OverallStatus, StatusChart, StatusCount } from './report-model.ts';

/** The words a reader sees for each status (badges always carry text, colour is only a cue). */
export const STATUS_LABELS: Readonly<Record<CheckStatus, string>> = {
  fail: 'Fail',
  'insufficient-evidence': 'Insufficient evidence',
  error: 'Error',
  excepted: 'Excepted',
  pass: 'Pass',
  'not-applicable': 'Not applicable',
};

/** Badge colours shared by the CSS and the pdfkit layout. */
export const STATUS_COLOURS: Readonly<Record<CheckStatus, string>> = {
  fail: '#b42318',
  'insufficient-evidence': '#b54708',
  error: '#6941c6',
  excepted: '#175cd3',
  pass: '#067647',
  'not-applicable': '#667085',
};

/** An all-zero count per status. */
export function emptyCounts(): Record<CheckStatus, number> {
  return { fail: 0, 'insufficient-evidence': 0, error: 0, excepted: 0, pass: 0, 'not-applicable': 0 };
}

/** Counts as a list in report order (worst first). */
export function toStatusCounts(counts: Partial<Record<CheckStatus, number>>): StatusCount[] {
  return CHECK_STATUSES.map((status) => ({
    status,
    label: STATUS_LABELS[status],
    count: counts[status] ?? 0,
  }));
}

/** The worst status with a non-zero count; `none` when there are no results at all. */
export function overallStatus(counts: readonly StatusCount[]): OverallStatus {
  const worst = counts.find((c) => c.count > 0);
  return worst
    ? { status: worst.status, label: STATUS_LABELS[worst.status] }
    : { status: 'none', label: 'No results' };
}

/** A stacked horizontal bar of status counts; each non-zero segment stays at least 2 units wide. */
export function statusChart(counts: readonly StatusCount[], width = 400, height = 14): StatusChart {
  const nonZero = counts.filter((c) => c.count > 0);
  const total = nonZero.reduce((sum, c) => sum + c.count, 0);
  const minWidth = 2;
  const segments = [];
  let x = 0;
  for (const [i, c] of nonZero.entries()) {
    const isLast = i === nonZero.length - 1;
    const remainingMin = (nonZero.length - 1 - i) * minWidth;
    const raw = (c.count / total) * width;
    const w = isLast ? width - x : Math.min(Math.max(raw, minWidth), width - x - remainingMin);
    segments.push({
      status: c.status,
      label: c.label,
      count: c.count,
      x: round2(x),
      width: round2(w),
      fill: STATUS_COLOURS[c.status],
    });
    x += w;
  }
  const description =
    nonZero.length === 0 ? 'No results' : nonZero.map((c) => `${c.count} ${c.label}`).join(', ');
  return { width, height, segments, description };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
