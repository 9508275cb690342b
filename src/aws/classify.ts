import type { OutcomeStatus } from '../snapshot/outcome.ts';
import type { ServiceName } from './services.ts';

/**
 * Error names that mean "not configured" for one operation: valid negative evidence (`absent`).
 * Per operation on purpose: `NoSuchBucketPolicy` from GetBucketPolicyStatus means no policy, but an
 * `UnsupportedOperationException` from anything but GetKeyRotationStatus is a failure.
 */
export const ABSENT_CODES = {
  's3:GetBucketPolicy': ['NoSuchBucketPolicy'],
  's3:GetBucketPolicyStatus': ['NoSuchBucketPolicy'],
  's3:GetPublicAccessBlock': ['NoSuchPublicAccessBlockConfiguration'],
  's3:GetBucketEncryption': ['ServerSideEncryptionConfigurationNotFoundError'],
  's3:GetBucketOwnershipControls': ['OwnershipControlsNotFoundError'],
  's3:GetBucketTagging': ['NoSuchTagSet'],
  's3:GetObjectLockConfiguration': ['ObjectLockConfigurationNotFoundError'],
  's3control:GetPublicAccessBlock': ['NoSuchPublicAccessBlockConfiguration'],
  'kms:GetKeyRotationStatus': ['UnsupportedOperationException'],
  // No policy of the type is in force for the account (or the type is not enabled).
  'organizations:DescribeEffectivePolicy': ['EffectivePolicyNotFoundException'],
} as const satisfies Readonly<Record<string, readonly string[]>>;

/** Error names that mean "not permitted": an evidence gap of kind `denied`. */
const DENIED_CODES = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'AllAccessDisabled',
]);

/** Error names the services use for throttling (S3 SlowDown, JSON services ThrottlingException...). */
const THROTTLE_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'SlowDown',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
]);

/** A Node.js system error code (`ECONNRESET`, `EPIPE`, `ETIMEDOUT`...). */
const SYSTEM_CODE = /^E[A-Z0-9_]+$/;

/**
 * The error name the SDK gives, or `UnknownError` when the thrown value has none. A network failure
 * the SDK relabels `TimeoutError` so that it is retried (a reset connection is `TimeoutError` with
 * `code: 'ECONNRESET'`) is named by its system code (a real timeout, `ETIMEDOUT`, stays `TimeoutError`): an auditor reading the gap, and the progress
 * line, must see that the connection was reset, not that AWS was slow.
 */
export function errorName(err: unknown): string {
  if (err && typeof err === 'object') {
    const name = (err as { name?: unknown }).name;
    const systemCode = (err as { code?: unknown }).code;
    if (
      name === 'TimeoutError' &&
      typeof systemCode === 'string' &&
      SYSTEM_CODE.test(systemCode) &&
      systemCode !== 'ETIMEDOUT'
    )
      return systemCode;
    if (typeof name === 'string' && name !== '' && name !== 'Error') return name;
    const code = (err as { Code?: unknown; code?: unknown }).Code ?? (err as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    if (typeof name === 'string' && name !== '') return name;
  }
  return 'UnknownError';
}

/** The error's message, or its string form. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (err && typeof err === 'object' && typeof (err as { message?: unknown }).message === 'string') {
    return (err as { message: string }).message;
  }
  return String(err);
}

/** True when `name` is a "not configured" answer for this operation. */
export function isAbsentCode(service: ServiceName, operation: string, name: string): boolean {
  const codes: Readonly<Record<string, readonly string[] | undefined>> = ABSENT_CODES;
  return codes[`${service}:${operation}`]?.includes(name) ?? false;
}

/** True when the error name is a throttling answer. */
export function isThrottleCode(name: string): boolean {
  return THROTTLE_CODES.has(name);
}

/**
 * Classify a failed call by its error name (never its message): `absent` for the operation's
 * not-configured codes, `denied` for permission errors, `error` for everything else.
 */
export function classifyError(
  service: ServiceName,
  operation: string,
  err: unknown,
): Exclude<OutcomeStatus, 'ok'> {
  const name = errorName(err);
  if (isAbsentCode(service, operation, name)) return 'absent';
  if (DENIED_CODES.has(name)) return 'denied';
  return 'error';
}
