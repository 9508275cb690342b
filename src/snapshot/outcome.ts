/**
 * The four outcomes of an AWS read, kept distinct from collection to report.
 *
 * - `ok`: the fact is known.
 * - `absent`: valid negative evidence (e.g. `NoSuchBucketPolicy`): the thing does not exist.
 * - `denied`: evidence gap, we were not allowed to look (`AccessDenied`, `AccessDeniedException`).
 * - `error`: evidence gap, the look failed (throttled past retries, 5xx, timeout, unparseable).
 */
export type OutcomeStatus = 'ok' | 'absent' | 'denied' | 'error';

/**
 * Where a fact came from: one recorded API call in `raw/`.
 * `file` is the pack-relative path of the JSON Lines file, `callId` the record's `id` inside it.
 */
export interface EvidenceRef {
  /** Pack-relative path, e.g. `raw/s3/us-east-1.jsonl` (one service and region, every account). */
  file: string;
  /** The `id` field of the recorded call inside that file. */
  callId: string;
  service: string;
  operation: string;
  requestId?: string | undefined;
}

/** A fact that was read. */
export interface Ok<T> {
  status: 'ok';
  value: T;
  evidence: EvidenceRef;
}

/** The thing does not exist (a 404-style "not configured" answer): valid negative evidence. */
export interface Absent {
  status: 'absent';
  /** The AWS error name that said so, e.g. `NoSuchBucketPolicy`, or `derived:<reason>` when implied. */
  errorCode: string;
  evidence: EvidenceRef;
}

/** We could not look: permission denied. An evidence gap. */
export interface Denied {
  status: 'denied';
  errorCode: string;
  message: string;
  evidence: EvidenceRef;
}

/** The look failed: throttled past retries, 5xx, network, timeout, unparseable. An evidence gap. */
export interface Failed {
  status: 'error';
  errorCode: string;
  message: string;
  evidence: EvidenceRef;
}

/** The outcome of one AWS read. */
export type Outcome<T> = Ok<T> | Absent | Denied | Failed;

/** A gap: we do not know the fact. */
export type Gap = Denied | Failed;

/** True when the outcome is an evidence gap (denied or error). */
export function isGap<T>(o: Outcome<T>): o is Gap {
  return o.status === 'denied' || o.status === 'error';
}

/**
 * Why a read was not made because an earlier answer implies its outcome (`absent` with errorCode
 * `derived:<reason>`, evidence pointing at the answer that implies it).
 */
export const DERIVED = {
  /** GetBucketPolicyStatus without a policy: there is no policy to judge. */
  noPolicy: 'NoSuchBucketPolicy',
  /** GetBucketPolicyStatus of a policy with only Deny statements: it grants nothing, so it is not public. */
  denyOnlyPolicy: 'PolicyHasNoAllowStatement',
  /** GetBucketAcl with Object Ownership BucketOwnerEnforced: ACLs are disabled and do not affect access. */
  aclsDisabled: 'BucketOwnerEnforced',
  /** GetBucketTagging of a bucket the Tagging API's GetResources does not list: it has no tags. */
  untagged: 'NoTagsInGetResources',
} as const;

/** True when `o` is an absence derived for `reason` (one of {@link DERIVED}). */
export function isDerived<T>(o: Outcome<T>, reason: (typeof DERIVED)[keyof typeof DERIVED]): boolean {
  return o.status === 'absent' && o.errorCode === `derived:${reason}`;
}

/** Build an `ok` outcome. */
export function ok<T>(value: T, evidence: EvidenceRef): Ok<T> {
  return { status: 'ok', value, evidence };
}

/** Error codes of an answer that arrived but could not be read; their message says what was wrong. */
const RESPONSE_PROBLEMS = new Set(['MissingField', 'MalformedField', 'Unparseable']);

/**
 * One-line description of a gap for a finding's reason, naming the call and request id, and for
 * an answer that lacked or garbled a field, which field.
 */
export function describeGap(gap: Gap): string {
  const rid = gap.evidence.requestId ? `, request id ${gap.evidence.requestId}` : '';
  if (RESPONSE_PROBLEMS.has(gap.errorCode)) {
    const detail = gap.message.replace(new RegExp(`^${gap.evidence.operation}: `), '');
    return `${gap.evidence.operation} answered but ${detail} (${gap.errorCode}${rid})`;
  }
  const what = gap.status === 'denied' ? 'was denied' : 'failed';
  return `${gap.evidence.operation} ${what} (${gap.errorCode}${rid})`;
}
