import type { Snapshot } from '../snapshot/model.ts';
import type { Config } from '../config/schema.ts';
import {
  type CheckDefinition,
  type CheckResult,
  type CheckStatus,
  type EvaluationContext,
} from '../checks/types.ts';
import type { Evaluation, Finding } from './types.ts';
import { CHECKS } from '../checks/registry.ts';
import { criteriaOf, resolveCriteria } from '../controls/mapping.ts';
import { analyzePolicies } from '../checks/policy/analyze-policies.ts';
import { makeClassifier } from './classify.ts';
import {
  applyException,
  coveringException,
  deviationException,
  exceptionEntries,
  validateExceptions,
} from './exceptions.ts';
import { trustedAccounts } from './trusted-accounts.ts';
import { summarize } from './summary.ts';
import { findCrossChecks } from './cross-checks.ts';
import { evaluatePeriod } from '../period/evaluate-period.ts';
import { deviationResults } from '../period/deviations.ts';
import { unreadAccounts, withUnreadAccounts } from './unread-accounts.ts';

/** Options of {@link evaluate}. */
export interface EvaluateOptions {
  /** Evaluation time; defaults to the snapshot's collection end so a rebuild is reproducible. */
  now?: Date;
  /** The checks to run (default: the whole catalogue). */
  checks?: readonly CheckDefinition[];
}

/** Run one check; a throw becomes a single `error` result instead of crashing the run. */
function runCheck(check: CheckDefinition, ctx: EvaluationContext): CheckResult[] {
  try {
    return check.evaluate(ctx);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return [
      {
        checkId: check.id,
        resource: {
          arn: `evidence-pack:check/${check.id}`,
          type: 'EvidencePack::Exception',
          accountId: '',
          name: check.id,
        },
        status: 'error',
        reason: `The check failed to run: ${message}.`,
        evidence: [],
      },
    ];
  }
}

function compareFindings(order: Map<string, number>) {
  return (a: Finding, b: Finding): number =>
    (order.get(a.checkId) ?? 999) - (order.get(b.checkId) ?? 999) ||
    a.resource.accountId.localeCompare(b.resource.accountId) ||
    (a.resource.region ?? '').localeCompare(b.resource.region ?? '') ||
    a.resource.arn.localeCompare(b.resource.arn) ||
    a.reason.localeCompare(b.reason);
}

/**
 * Evaluate a snapshot under a config: analyze policies, run every check, apply valid exceptions,
 * attach criteria, title and severity, and summarize. Never throws for a failing check.
 */
export async function evaluate(
  snapshot: Snapshot,
  config: Config,
  opts: EvaluateOptions = {},
): Promise<Evaluation> {
  const now = opts.now ?? new Date(snapshot.collection.finishedAt);
  const classify = makeClassifier(config.classification);
  const exceptions = validateExceptions(exceptionEntries(config.exceptions), snapshot, classify, now);
  const ctx: EvaluationContext = {
    snapshot,
    now,
    classify,
    exceptions,
    requiredConfigRules: config.awsConfig.requiredRules,
    policyAnalysis: await analyzePolicies(snapshot),
    maxRotationDays: config.kms.maxRotationDays,
    trustedAccounts: trustedAccounts(config.trustedAccounts, now),
    trustedOrganizationIds: config.trustedOrganizationIds,
  };
  const criteria = resolveCriteria(config.controls);
  const checks = opts.checks ?? CHECKS;
  // An account whose role could not be assumed is one gap per check, never a pass or a fail.
  const unread = unreadAccounts(snapshot);
  // Many results share a reason word for word; keeping one copy of each saves memory at scale.
  const reasons = new Map<string, string>();
  const intern = (reason: string): string => {
    const known = reasons.get(reason);
    if (known !== undefined) return known;
    reasons.set(reason, reason);
    return reason;
  };
  const findings: Finding[] = checks.flatMap((check) => {
    // One criteria list per check, shared by its findings (there can be 10,000+ per check).
    const checkCriteria = criteriaOf(check.id, criteria);
    return withUnreadAccounts(check, runCheck(check, ctx), unread).map((r) => {
      const x = coveringException(r, exceptions);
      const result = x ? applyException(r, x) : r;
      return {
        ...result,
        reason: intern(result.reason),
        title: check.title,
        severity: check.severity,
        criteria: checkCriteria,
      };
    });
  });
  const period = config.period ? await evaluatePeriod(snapshot, config.period, ctx) : undefined;
  if (period) {
    // A control broken during the period is a finding of its check, like a failure today.
    const meta = new Map(checks.map((c) => [c.id, c]));
    for (const d of deviationResults(period)) {
      const check = meta.get(d.checkId);
      if (!check) continue;
      const x = deviationException(d, d.deviation.to, exceptions);
      findings.push({
        ...(x ? applyException(d, x) : d),
        deviation: d.deviation,
        title: check.title,
        severity: check.severity,
        criteria: criteriaOf(check.id, criteria),
      });
    }
  }
  findings.sort(compareFindings(new Map(checks.map((c, i) => [c.id, i]))));
  const crossChecks = findCrossChecks(ctx);
  const classifications = snapshot.accounts.flatMap((a) =>
    a.buckets.map((b) => ({
      bucketArn: b.arn,
      accountId: a.accountId,
      bucket: b.name,
      classification: classify(b),
    })),
  );
  return {
    evaluatedAt: now.toISOString(),
    findings,
    criteria,
    classifications,
    exceptions,
    summary: summarize(
      findings,
      criteria,
      checks.map((c) => c.id),
      crossChecks.length,
    ),
    crossChecks,
    ...(config.trustedAccounts.length > 0 ? { trustedAccounts: [...(ctx.trustedAccounts ?? [])] } : {}),
    ...(period ? { period } : {}),
  };
}

/**
 * The exit code for `--fail-on`: `fail` → 1 on any fail or error; `gap` → 1 also on
 * insufficient-evidence; `none` → 0.
 */
export function failLevelExitCode(evaluation: Evaluation, level: 'fail' | 'gap' | 'none'): 0 | 1 {
  if (level === 'none') return 0;
  const bad: CheckStatus[] =
    level === 'fail' ? ['fail', 'error'] : ['fail', 'error', 'insufficient-evidence'];
  return bad.some((s) => evaluation.summary.byStatus[s] > 0) ? 1 : 0;
}
