import type { EvidenceRef } from '../snapshot/outcome.ts';
import type { BucketSnapshot, Snapshot } from '../snapshot/model.ts';
import type { PolicyAnalysis } from './policy/types.ts';

/**
 * Status of one check result: `pass`/`fail` judge a known fact; `excepted` is a failure covered by a
 * valid exception; `not-applicable` means the check does not apply to the resource;
 * `insufficient-evidence` means a read it needs was denied or failed (a gap, never a pass);
 * `error` means the check itself threw.
 */
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
  /** AWS Config in one region of one account (this tool's kind; no AWS resource type is one). */
  | 'EvidencePack::ConfigRegion'
  /** CloudTrail in one account, all trails together (this tool's kind). */
  | 'EvidencePack::CloudTrailAccount'
  | 'AWS::CloudTrail::Trail'
  /** An account as a whole: the subject of a check's result for an account that was not read. */
  | 'AWS::::Account'
  | 'AWS::CloudTrail::Trail'
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

/** Which two sources of the pack disagree. */
export type CrossCheckKind =
  | 'config-rule-vs-check'
  | 'policy-status-vs-probe'
  | 'config-history-vs-live'
  | 'denied-read-vs-config-item'
  | 'denied-read-vs-console-page';

/** One side of a contradiction: what a source says and the recorded calls it comes from. */
export interface CrossCheckSource {
  /** The source, e.g. `AWS Config rule "x" (S3_BUCKET_PUBLIC_READ_PROHIBITED)`. */
  source: string;
  /** What it says, as a sentence fragment. */
  says: string;
  evidence: EvidenceRef[];
  /** Pack paths of the screenshots the source is (`screenshots/….png`), when it is a console page. */
  screenshots?: string[] | undefined;
}

/**
 * Two sources in the pack that disagree about one resource. A contradiction is a finding of its
 * own: listed in the report's Cross-checks section and in findings.json, counted on the cover,
 * never scored as a pass.
 */
export interface CrossCheck {
  kind: CrossCheckKind;
  resource: ResourceRef;
  /** What the sources disagree about, e.g. `public read access`. */
  subject: string;
  /** One sentence: who says what, and what it means. */
  summary: string;
  sources: [CrossCheckSource, CrossCheckSource];
  /** Check ids whose results the contradiction concerns. */
  checks: string[];
}

/** Bucket sensitivity, with the rule that decided it. */
export interface Classification {
  level: 'sensitive' | 'standard';
  /** Human description of the deciding rule, e.g. `tag data-class=public` or `default`. */
  rule: string;
  /**
   * Set when the deciding rule reads a bucket tag and the bucket has ABAC enabled (or its ABAC
   * status is unknown): that tag is then also an access-control input, so whoever may tag the
   * bucket changes both its classification and who may reach it. One sentence.
   */
  tagAccessControl?: string | undefined;
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
  /** The exception log, validated once by the evaluator (`exceptions.valid` reports on it). */
  exceptions: readonly ValidatedException[];
  /** Managed-rule identifiers that must exist in AWS Config. */
  requiredConfigRules: readonly string[];
  /** Bucket and key policies judged against probe requests (precomputed: the simulator is async). */
  policyAnalysis?: PolicyAnalysis | undefined;
  /** The longest rotation period `kms.rotation-enabled` accepts (config `kms.maxRotationDays`, 365). */
  maxRotationDays?: number | undefined;
  /** External accounts declared trusted (config `trustedAccounts`), with their validity at `now`. */
  trustedAccounts?: readonly TrustedAccount[] | undefined;
  /** Organization ids whose `aws:PrincipalOrgID` grants count as internal (config `trustedOrganizationIds`). */
  trustedOrganizationIds?: readonly string[] | undefined;
}

/** One entry of the config's `trustedAccounts`, as judged at evaluation time. */
export interface TrustedAccount {
  accountId: string;
  justification: string;
  approvedBy: string;
  /** `YYYY-MM-DD`, inclusive. */
  expires: string;
  /** False once the entry has expired: the account is then treated as external again. */
  valid: boolean;
}

/** A check in the registry: metadata plus a pure evaluation function. */
export interface CheckDefinition {
  id: string;
  title: string;
  severity: Severity;
  /**
   * The SOC 2 criteria (2017 Trust Services Criteria, rev. 2022) the check supports by default, e.g.
   * `['CC6.6', 'CC6.1']`; empty for an advisory check. The default control mapping is derived from
   * these; the config's `controls` overrides it.
   */
  criteria: readonly string[];
  /** What the check judges, for the report. */
  description: string;
  /**
   * The API operations whose responses the check reads (`service:Operation`), for the report's
   * Method section. Empty when the check reads only the configuration.
   */
  reads: readonly string[];
  /** How the check decides pass, fail, not applicable and insufficient evidence, in prose. */
  method: string;
  evaluate(ctx: EvaluationContext): CheckResult[];
}

/** An exception-log entry after validation. */
export interface ValidatedException {
  entry: ExceptionEntry;
  valid: boolean;
  /** Why it is invalid (expired, unknown bucket, missing approver...). Empty when valid. */
  problems: string[];
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
