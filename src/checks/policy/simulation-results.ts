/** Reading iam-simulate's results: shared by the probe analysis and the external-access analysis. */
import type { RequestAnalysis, RunSimulationResults } from '@cloud-copilot/iam-simulate';

/** `Sid "X"` when the statement has a Sid, else `statement #N` (1-based, document order). */
export function statementLabel(statement: { sid(): string | undefined; index(): number }): string {
  const sid = statement.sid();
  return sid ? `Sid "${sid}"` : `statement #${statement.index()}`;
}

/** The analysis of a simulation's single request (the first one of a wildcard run), if any. */
export function analysisOf(result: RunSimulationResults): RequestAnalysis | undefined {
  if (result.resultType === 'single') return result.result.analysis;
  if (result.resultType === 'wildcard') return result.results[0]?.analysis;
  return undefined;
}
