import { CHECK_STATUSES, type CheckStatus } from '../checks/types.ts';
import type { Evaluation, Finding } from './types.ts';
import type { Criterion } from '../checks/types.ts';

function zero(): Record<CheckStatus, number> {
  return Object.fromEntries(CHECK_STATUSES.map((s) => [s, 0])) as Record<CheckStatus, number>;
}

/**
 * Count findings per status, per criterion (every resolved criterion) and per check (every check
 * run). The control totals are the sum of the criterion rows; checks mapped to no criterion are
 * counted apart as "other checks", so control totals plus other checks add up to the criterion
 * rows. `byStatus` counts every result once (today's reads and the deviations during the audit
 * period alike): it is what the CLI prints, the cover shows and findings.csv has one row each of;
 * `periodDeviations` says how many of them are deviations.
 */
export function summarize(
  findings: readonly Finding[],
  criteria: readonly Criterion[],
  checkIds: readonly string[],
  crossChecks = 0,
): Evaluation['summary'] {
  const byStatus = zero();
  const byCriterion: Record<string, Record<CheckStatus, number>> = {};
  const byCheck: Record<string, Record<CheckStatus, number>> = {};
  const deviations = { results: 0, byStatus: zero(), byCheck: {} as Record<string, number> };
  for (const c of criteria) byCriterion[c.id] = zero();
  for (const id of checkIds) byCheck[id] = zero();
  for (const f of findings) {
    byStatus[f.status] += 1;
    (byCheck[f.checkId] ??= zero())[f.status] += 1;
    for (const c of f.criteria) (byCriterion[c] ??= zero())[f.status] += 1;
    if (f.deviation) {
      deviations.results += 1;
      deviations.byStatus[f.status] += 1;
      deviations.byCheck[f.checkId] = (deviations.byCheck[f.checkId] ?? 0) + 1;
    }
  }
  const controlTotals = zero();
  for (const row of Object.values(byCriterion)) for (const s of CHECK_STATUSES) controlTotals[s] += row[s];
  const mapped = new Set(criteria.flatMap((c) => c.checks));
  const other = Object.keys(byCheck)
    .filter((id) => !mapped.has(id))
    .sort();
  const otherStatus = zero();
  for (const id of other) for (const s of CHECK_STATUSES) otherStatus[s] += byCheck[id]?.[s] ?? 0;
  return {
    results: findings.length,
    byStatus,
    periodDeviations: deviations,
    byCriterion,
    byCheck,
    controlTotals,
    otherChecks: { checks: other, byStatus: otherStatus },
    crossChecks,
  };
}

/** How the CLI and the report name each status in running text. */
const STATUS_WORDS: Record<CheckStatus, string> = {
  pass: 'pass',
  fail: 'fail',
  excepted: 'excepted',
  'insufficient-evidence': 'insufficient evidence',
  'not-applicable': 'not applicable',
  error: 'error',
};

/** The CLI's order of statuses in the summary line. */
const LINE_ORDER: readonly CheckStatus[] = [
  'pass',
  'fail',
  'excepted',
  'insufficient-evidence',
  'not-applicable',
  'error',
];

/**
 * How many of the results are deviations during the audit period, e.g. `27 of them are deviations
 * during the audit period: 25 fail, 2 excepted`; empty when there are none.
 */
export function deviationClause(summary: Evaluation['summary']): string {
  const d = summary.periodDeviations;
  if (d.results === 0) return '';
  const parts = LINE_ORDER.filter((s) => d.byStatus[s] > 0).map((s) => `${d.byStatus[s]} ${STATUS_WORDS[s]}`);
  return `${d.results} of them ${d.results === 1 ? 'is a deviation' : 'are deviations'} during the audit period: ${parts.join(', ')}`;
}

/**
 * The summary line the CLI prints after `findings: `: every status, each result counted once, and
 * how many of those results are deviations during the audit period. The same numbers as
 * findings.json's `summary.byStatus` and the report's cover.
 */
export function summaryLine(summary: Evaluation['summary']): string {
  const counts = LINE_ORDER.map((s) => `${summary.byStatus[s]} ${STATUS_WORDS[s]}`).join(', ');
  const deviations = deviationClause(summary);
  return `${counts} (${summary.results} results, each counted once${deviations ? `; ${deviations}` : ''})`;
}
