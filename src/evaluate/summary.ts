import {
  CHECK_STATUSES,
  type CheckStatus,
  type Criterion,
  type Evaluation,
  type Finding,
} from '../checks/types.ts';

function zero(): Record<CheckStatus, number> {
  return Object.fromEntries(CHECK_STATUSES.map((s) => [s, 0])) as Record<CheckStatus, number>;
}

/** Count findings per status, per criterion (every resolved criterion) and per check (every check run). */
export function summarize(
  findings: readonly Finding[],
  criteria: readonly Criterion[],
  checkIds: readonly string[],
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
  return { byStatus, byCriterion, byCheck };
}
