import { CHECK_STATUSES, type CheckStatus } from '../checks/types.ts';
import type { Evaluation, Finding } from './types.ts';
import type { Criterion } from '../checks/types.ts';

function zero(): Record<CheckStatus, number> {
  return Object.fromEntries(CHECK_STATUSES.map((s) => [s, 0])) as Record<CheckStatus, number>;
}

/**
 * Count findings per status, per criterion (every resolved criterion) and per check (every check
 * run). The control totals are the sum of the criterion rows; checks mapped to no criterion are
 * counted apart as "other checks", so control totals plus other checks is what the cover shows.
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
  for (const c of criteria) byCriterion[c.id] = zero();
  for (const id of checkIds) byCheck[id] = zero();
  for (const f of findings) {
    byStatus[f.status] += 1;
    (byCheck[f.checkId] ??= zero())[f.status] += 1;
    for (const c of f.criteria) (byCriterion[c] ??= zero())[f.status] += 1;
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
    byStatus,
    byCriterion,
    byCheck,
    controlTotals,
    otherChecks: { checks: other, byStatus: otherStatus },
    crossChecks,
  };
}
