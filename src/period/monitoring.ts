import type { EvaluationContext } from '../checks/types.ts';
import type { Snapshot } from '../snapshot/model.ts';
import { judgeRecorderLogging } from './recorder-logging.ts';
import { judgeRuleCompliance } from './rule-compliance.ts';
import { judgeTrailLogging } from './trail-logging.ts';
import type { PeriodMonitoringResult } from './types.ts';

/**
 * The monitoring controls over the period, every account: each trail's logging, the Config
 * recorder's recording per region, and each bucket's compliance with the required Config rules.
 */
export function judgeMonitoring(
  snapshot: Snapshot,
  period: { start: string; end: string },
  ctx: Pick<EvaluationContext, 'requiredConfigRules'>,
): PeriodMonitoringResult[] {
  return snapshot.accounts.flatMap((account) => [
    ...judgeTrailLogging(account, period),
    ...judgeRecorderLogging(account, period),
    ...judgeRuleCompliance(account, ctx.requiredConfigRules, period),
  ]);
}
