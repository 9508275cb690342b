import type { CheckStatus, ExceptionEntry } from '../checks/types.ts';
import type { Snapshot } from '../snapshot/model.ts';

/** Schema id of the JSON printed by `evidence-pack diff --json` (a contract: bump on incompatible change). */
export const DIFF_SCHEMA = 'evidence-pack/diff@1';

/** One check result as stored in `findings/findings.json` (the fields the diff reads). */
export interface PackResult {
  checkId: string;
  resource: { arn: string; name: string; accountId: string; type: string; region?: string | undefined };
  status: CheckStatus;
  reason: string;
  /** Set on a deviation during the audit period (packs with a period). */
  deviation?: { from: string } | undefined;
}

/** One validated exception as stored in `findings/findings.json`. */
export interface PackException {
  entry: ExceptionEntry;
  valid: boolean;
  problems: string[];
}

/** The part of `findings/findings.json` the diff reads. */
export interface PackFindings {
  schema: string;
  runId: string;
  evaluatedAt: string;
  results: PackResult[];
  exceptions: PackException[];
}

/** What the diff compares from one pack. */
export interface PackContents {
  snapshot: Snapshot;
  findings: PackFindings;
}

/** Which run a side of the diff is. */
export interface PackIdentity {
  runId: string;
  collectedAt: string;
  evaluatedAt: string;
  sandbox: boolean;
  accounts: string[];
}

/**
 * One changed property, both sides described in words (`"aws:kms"`, `"none"`,
 * `"not read (denied: AccessDenied)"`) so that text and JSON say the same thing.
 */
export interface FieldChange {
  /** E.g. `encryption.algorithm`, `encryption.key`, `policy`, `policy.public`, `publicAccessBlock.blockPublicAcls`. */
  field: string;
  old: string;
  new: string;
}

/** A bucket, identified by account and name. */
export interface BucketRef {
  accountId: string;
  name: string;
  region: string;
}

/** A bucket present in both packs whose configuration changed. */
export interface BucketChange extends BucketRef {
  changes: FieldChange[];
}

/** Account-level Block Public Access that changed. */
export interface AccountChange {
  accountId: string;
  changes: FieldChange[];
}

/** A check result present in only one pack. */
export interface ResultEntry {
  checkId: string;
  arn: string;
  name: string;
  accountId: string;
  status: CheckStatus;
  reason: string;
}

/** A check result whose status flipped (keyed by check id and resource ARN). */
export interface ResultFlip {
  checkId: string;
  arn: string;
  name: string;
  accountId: string;
  oldStatus: CheckStatus;
  newStatus: CheckStatus;
  /** The new result's reason. */
  reason: string;
}

/** `valid`, `expired` (past its date on the run's evaluation day) or `invalid` (other problems). */
export type ExceptionState = 'valid' | 'expired' | 'invalid';

/** An exception identified by bucket, account restriction and the checks it covers. */
export interface ExceptionRef {
  bucket: string;
  accountId?: string | undefined;
  checks: string[];
  expires: string;
  state: ExceptionState;
  problems: string[];
}

/** An exception present in both packs that changed (state, problems, dates, approver...). */
export interface ExceptionChange extends ExceptionRef {
  changes: FieldChange[];
}

/** Everything that changed from one pack to another. */
export interface PackDiff {
  schema: typeof DIFF_SCHEMA;
  old: PackIdentity;
  new: PackIdentity;
  /** True when any list below is non-empty. */
  changed: boolean;
  accounts: { added: string[]; removed: string[]; publicAccessBlock: AccountChange[] };
  buckets: { added: BucketRef[]; removed: BucketRef[]; changed: BucketChange[] };
  results: { flipped: ResultFlip[]; added: ResultEntry[]; removed: ResultEntry[] };
  exceptions: { added: ExceptionRef[]; removed: ExceptionRef[]; changed: ExceptionChange[] };
}
