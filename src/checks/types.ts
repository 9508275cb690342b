import type { EvidenceRef } from '../aws/outcome.ts';
import type { BucketSnapshot, Snapshot } from '../snapshot/model.ts';
import type { PeriodEvaluation } from '../period/types.ts';
import type { PolicyAnalysis } from './policy/types.ts';

/** Status of one check result. See DESIGN.md "Outcomes". */
export type CheckStatus = 'pass' | 'fail' | 'excepted' | 'not-applicable' | 'insufficient-evidence' | 'error';

/** Every status, in report order (worst first). */
export const CHECK_STATUSES: readonly CheckStatus[] = [
  'fail',
  'insufficient-evidence',
  'error',
  'excepted',
  'pass',
  'not-applicable',
];

export type Severity = 'high' | 'medium' | 'low';

/** What a result is about. */
export type ResourceType =
  | 'AWS::S3::Bucket'
  | 'AWS::S3::AccountPublicAccessBlock'
  | 'AWS::KMS::Key'
  | 'AWS::Config::Region'
  | 'AWS::CloudTrail::Account'
  | 'EvidencePack::Exception';

export interface ResourceRef {
  arn: string;
  type: ResourceType;
  accountId: string;
  region?: string | undefined;
  /** Short human name (bucket name, key alias or id, trail name). */
  name: string;
}

/** The result of one check on one resource, before criteria are attached. */
export interface CheckResult {
  checkId: string;
  resource: ResourceRef;
  status: CheckStatus;
  /** One sentence a compliance lead can read. */
  reason: string;
  /** The raw records this result relied on. */
  evidence: EvidenceRef[];
}

/** Bucket sensitivity, with the rule that decided it. */
export interface Classification {
  level: 'sensitive' | 'standard';
  /** Human description of the deciding rule, e.g. `tag data-class=public` or `default`. */
  rule: string;
}

/** One entry of the exception log after validation. */
export interface ExceptionEntry {
  /** Index in the config's `exceptions` array (stable id: `exception-<index>`). */
  index: number;
  bucket: string;
  /** Optional account restriction. */
  accountId?: string | undefined;
  checks: string[];
  justification: string;
  approvedBy: string;
  ticket?: string | undefined;
  /** `YYYY-MM-DD`, inclusive: the exception is valid through that UTC day. */
  expires: string;
}

/** Everything a check may read. Checks are pure: no I/O, no clock other than `now`. */
export interface EvaluationContext {
  snapshot: Snapshot;
  /** Evaluation time (defaults to the collection end time, so a rebuild is reproducible). */
  now: Date;
  classify(bucket: BucketSnapshot): Classification;
  exceptions: readonly ExceptionEntry[];
  /** Managed-rule identifiers that must exist in AWS Config. */
  requiredConfigRules: readonly string[];
  /** Bucket and key policies judged against probe requests (precomputed: the simulator is async). */
  policyAnalysis?: PolicyAnalysis | undefined;
}

/** A check in the registry: metadata plus a pure evaluation function. */
export interface CheckDefinition {
  id: string;
  title: string;
  severity: Severity;
  /** What the check judges, for the report. */
  description: string;
  evaluate(ctx: EvaluationContext): CheckResult[];
}

/** A check result with its criteria and metadata attached: one row of findings.json. */
export interface Finding extends CheckResult {
  title: string;
  severity: Severity;
  criteria: string[];
}

/** A SOC 2 criterion with the checks mapped to it (from the control mapping data). */
export interface Criterion {
  /** e.g. `CC6.6`. */
  id: string;
  title: string;
  /** Short narrative of how the checks evidence the criterion. */
  narrative: string;
  checks: string[];
}

/** An exception-log entry after validation. */
export interface ValidatedException {
  entry: ExceptionEntry;
  valid: boolean;
  /** Why it is invalid (expired, unknown bucket, missing approver...). Empty when valid. */
  problems: string[];
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
    byStatus: Record<CheckStatus, number>;
    byCriterion: Record<string, Record<CheckStatus, number>>;
    byCheck: Record<string, Record<CheckStatus, number>>;
  };
  /** Per-bucket verdicts over the audit period, from AWS Config history (only when `period` is set). */
  period?: PeriodEvaluation | undefined;
}
