/**
 * Records a successful API call of a JSON service as a CloudTrail management event, so that
 * LookupEvents shows who did what (KMS key usage, Config and CloudTrail changes).
 */
import type { Caller, JsonRequest, JsonService } from '../../types.ts';

/** What a service knows about one call beyond the request itself. */
export interface CallRecord {
  /** e.g. `kms.amazonaws.com`. */
  eventSource: string;
  readOnly: boolean;
  resources: { type: string; name: string }[];
}

/** Request members CloudTrail never logs (plaintext, ciphertext, messages, signatures). */
const SECRET_MEMBERS = new Set(['Plaintext', 'CiphertextBlob', 'Message', 'Signature', 'Mac']);

/** Record `req` as a management event in the caller's account and the request's region. */
export function recordCall(req: JsonRequest, record: CallRecord): void {
  req.state.recordEvent({
    eventName: req.operation,
    eventSource: record.eventSource,
    eventTime: req.state.now(),
    awsRegion: req.region,
    accountId: req.caller.accountId,
    userArn: req.caller.arn,
    username: usernameOf(req.caller),
    accessKeyId: req.caller.accessKeyId,
    readOnly: record.readOnly,
    resources: record.resources,
    requestParameters: requestParameters(req.input),
  });
}

/**
 * A JSON service whose operations are each recorded as a management event once they succeed;
 * `recordOf` says what the service knows about the call.
 */
export function recordedService(
  handlers: Record<string, (req: JsonRequest) => unknown>,
  recordOf: (req: JsonRequest) => CallRecord,
): JsonService {
  return Object.fromEntries(
    Object.entries(handlers).map(([name, handler]) => [
      name,
      (req: JsonRequest) => {
        const output = handler(req);
        recordCall(req, recordOf(req));
        return output;
      },
    ]),
  );
}

/**
 * The user name LookupEvents reports: the IAM user name, the role session name for assumed roles,
 * `root` for the account root, the federated user name otherwise.
 */
export function usernameOf(caller: Pick<Caller, 'arn'>): string {
  const resource = caller.arn.split(':').slice(5).join(':');
  if (resource === 'root') return 'root';
  const parts = resource.split('/');
  return parts[parts.length - 1] ?? resource;
}

/** CloudTrail logs request members in lower camel case, without secrets. */
function requestParameters(input: Record<string, unknown>): Record<string, unknown> | null {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (SECRET_MEMBERS.has(key) || value === undefined) continue;
    out[key.charAt(0).toLowerCase() + key.slice(1)] = value;
  }
  return Object.keys(out).length > 0 ? out : null;
}
