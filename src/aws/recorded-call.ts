/**
 * One AWS API call as recorded by the request-recorder middleware, written as one JSON line in
 * `raw/<service>/<region>.jsonl` (every account's, in account-id order). This shape is part of the
 * pack contract.
 */
export interface RecordedCall {
  /** Unique within the pack: `<service>-<region>-<accountId>-<sequence>`, numbered per account. */
  id: string;
  service: string;
  operation: string;
  region: string;
  accountId: string;
  /** Command input with secrets redacted. */
  input: unknown;
  /** Response output (without `$metadata`), present when the call succeeded. */
  output?: unknown;
  httpStatus?: number | undefined;
  requestId?: string | undefined;
  extendedRequestId?: string | undefined;
  attempts: number;
  /** ISO-8601 UTC. */
  startedAt: string;
  durationMs: number;
  /** The SDK error name (`error.name`) when the call failed. */
  errorName?: string | undefined;
  errorMessage?: string | undefined;
  /** ok / absent / denied / error, as classified for this operation. */
  outcome: 'ok' | 'absent' | 'denied' | 'error';
}
