/**
 * The output types of evaluation: what the report, the CSVs, findings.json and diff read.
 */
import type {
  CheckResult,
  CheckStatus,
  Classification,
  Criterion,
  CrossCheck,
  Severity,
  TrustedAccount,
  ValidatedException,
} from '../checks/types.ts';
import type { Deviation, PeriodEvaluation } from '../period/types.ts';

/** A check result with its criteria and metadata attached: one row of findings.json. */
export interface Finding extends CheckResult {
  title: string;
  severity: Severity;
  criteria: string[];
  /**
   * Set on a finding that is a deviation during the audit period (a window in which the check was
   * broken), rather than a result of today's read. Such a finding has no fix: it is in the past.
   */
  deviation?: Deviation | undefined;
}

/** The output of evaluation: everything the report, CSVs and findings.json need. */
export interface Evaluation {
  /** ISO-8601 UTC time used as "now" by the checks. */
  evaluatedAt: string;
  findings: Finding[];
  criteria: Criterion[];
  classifications: { bucketArn: string; accountId: string; bucket: string; classification: Classification }[];
  exceptions: ValidatedException[];
  summary: {
    /** How many results there are, each counted once (= `findings.length`, the rows of findings.csv). */
    results: number;
    /**
     * Every result, once: today's reads and the deviations during the audit period (the `--fail-on`
     * exit code, the CLI's summary line and the cover read this).
     */
    byStatus: Record<CheckStatus, number>;
    /**
     * The results among {@link byStatus} that are deviations during the audit period (a finding with
     * `deviation`): how many, per status and per check. The rest are results of today's read.
     */
    periodDeviations: {
      results: number;
      byStatus: Record<CheckStatus, number>;
      byCheck: Record<string, number>;
    };
    byCriterion: Record<string, Record<CheckStatus, number>>;
    byCheck: Record<string, Record<CheckStatus, number>>;
    /** The control totals: the sum of the criterion rows (results of checks mapped to a criterion). */
    controlTotals: Record<CheckStatus, number>;
    /** Results of checks mapped to no criterion (e.g. `s3.bucket-key`), reported apart. */
    otherChecks: { checks: string[]; byStatus: Record<CheckStatus, number> };
    /** How many contradictions between sources were found (see `crossChecks`). */
    crossChecks: number;
  };
  /** Contradictions between sources (Config vs own checks, PolicyStatus vs probe, history vs live). */
  crossChecks: CrossCheck[];
  /** Per-bucket verdicts over the audit period, from AWS Config history (only when `period` is set). */
  period?: PeriodEvaluation | undefined;
  /** The config's trusted external accounts with their validity (absent in packs made before them). */
  trustedAccounts?: TrustedAccount[] | undefined;
}
