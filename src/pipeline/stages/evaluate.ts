import type { Evaluation } from '../../evaluate/types.ts';
import type { Config } from '../../config/schema.ts';
import { evaluate } from '../../evaluate/evaluate.ts';
import { deviationClause } from '../../evaluate/summary.ts';
import { trustedAccountWarnings } from '../../evaluate/trusted-accounts.ts';
import type { Snapshot } from '../../snapshot/model.ts';
import type { Progress } from '../../progress/progress.ts';

/**
 * Stage "evaluate": judge the snapshot with every check, say what was found and warn about every
 * invalid exception (an exception that excepts nothing turns findings into fails, so it is said now,
 * not only inside the pack) and every trusted-account entry that needs attention.
 */
export async function evaluateStage(
  snapshot: Snapshot,
  config: Config,
  progress: Progress,
): Promise<Evaluation> {
  progress.update({ stage: 'evaluate' });
  const evaluation = await evaluate(snapshot, config);
  progress.log(
    `evaluated ${evaluation.findings.length} results: ` +
      Object.entries(evaluation.summary.byStatus)
        .filter(([, n]) => n > 0)
        .map(([s, n]) => `${n} ${s}`)
        .join(', ') +
      (deviationClause(evaluation.summary) ? `; ${deviationClause(evaluation.summary)}` : ''),
  );
  for (const x of evaluation.exceptions) {
    if (x.valid) continue;
    progress.log(
      `warning: exception ${x.entry.index} (bucket "${x.entry.bucket}", ${x.entry.checks.join(', ')}) is invalid ` +
        `and excepts nothing: ${x.problems.join('; ')}. Renew or correct it in the config's exceptions ` +
        `(the pack records it as a failed exceptions.valid result).`,
    );
  }
  for (const line of trustedAccountWarnings(evaluation.trustedAccounts ?? []))
    progress.log(`warning: ${line}`);
  return evaluation;
}
