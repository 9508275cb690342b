/**
 * The shape every protocol hands back to the server: which service and operation a request is
 * (known before it runs, so faults and statistics can target it), how to run it, and how that
 * protocol spells an error.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { AuthFailure, AuthResult } from '../auth.ts';
import type { ErrorFaultKind } from '../faults.ts';
import type { SandboxState } from '../state.ts';
import { SandboxError } from '../types.ts';

/** An HTTP answer, before request-id headers are added. */
export interface SandboxResponse {
  status: number;
  headers: Record<string, string>;
  body?: string | Buffer | undefined;
}

/** Wire protocol families; each has its own error shape and request-id headers. */
export type Protocol = 'rest-xml' | 'json' | 'query';

/** A request as read off the socket, with its caller resolved. */
export interface IncomingCall {
  method: string;
  /** Raw (still percent-encoded) path. */
  rawPath: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  requestId: string;
  state: SandboxState;
  auth: AuthResult;
}

/** A request routed to one operation of one service. */
export interface RoutedCall {
  protocol: Protocol;
  /** `s3`, `s3control`, `sts`, `kms`, `config`, `cloudtrail`. */
  service: string;
  operation: string;
  /** Bucket name, key id, trail or rule name, when the operation targets one. */
  resource?: string | undefined;
  /** Run the operation (throws `SandboxError` for AWS errors). */
  execute(): Promise<SandboxResponse>;
  /** Render an AWS error in this protocol's shape. */
  renderError(error: SandboxError): SandboxResponse;
}

/** How each protocol names an injected fault. */
const FAULT_ERRORS: Record<
  Protocol,
  Record<Exclude<ErrorFaultKind, 'Reset' | 'Timeout'>, [string, string, number]>
> = {
  'rest-xml': {
    AccessDenied: ['AccessDenied', 'Access Denied', 403],
    Throttle: ['SlowDown', 'Please reduce your request rate.', 503],
    InternalError: ['InternalError', 'We encountered an internal error. Please try again.', 500],
    ServiceUnavailable: ['ServiceUnavailable', 'Service is unable to handle request.', 503],
  },
  json: {
    AccessDenied: ['AccessDeniedException', 'User is not authorized to perform this operation', 400],
    Throttle: ['ThrottlingException', 'Rate exceeded', 400],
    InternalError: ['InternalFailure', 'The request processing has failed because of an unknown error.', 500],
    ServiceUnavailable: ['ServiceUnavailableException', 'Service is unavailable', 503],
  },
  query: {
    AccessDenied: ['AccessDenied', 'User is not authorized to perform this operation', 403],
    Throttle: ['Throttling', 'Rate exceeded', 400],
    InternalError: ['InternalFailure', 'The request processing has failed because of an unknown error.', 500],
    ServiceUnavailable: ['ServiceUnavailable', 'Service is unavailable', 503],
  },
};

/** The error an injected fault answers with in the given protocol. */
export function faultError(
  kind: Exclude<ErrorFaultKind, 'Reset' | 'Timeout'>,
  protocol: Protocol,
): SandboxError {
  const [code, message, status] = FAULT_ERRORS[protocol][kind];
  return new SandboxError(code, message, status);
}

const AUTH_ERRORS: Record<Protocol, Record<AuthFailure, [string, string, number]>> = {
  'rest-xml': {
    missing: ['AccessDenied', 'Access Denied', 403],
    'unknown-key': [
      'InvalidAccessKeyId',
      'The AWS Access Key Id you provided does not exist in our records.',
      403,
    ],
    expired: ['ExpiredToken', 'The provided token has expired.', 400],
  },
  json: {
    missing: ['MissingAuthenticationTokenException', 'Missing Authentication Token', 400],
    'unknown-key': [
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
      400,
    ],
    expired: ['ExpiredTokenException', 'The security token included in the request is expired', 400],
  },
  query: {
    missing: ['MissingAuthenticationToken', 'Request is missing Authentication Token', 403],
    'unknown-key': ['InvalidClientTokenId', 'The security token included in the request is invalid.', 403],
    expired: ['ExpiredToken', 'The security token included in the request is expired', 403],
  },
};

/** The error for a request that could not be authenticated, in the given protocol. */
export function authError(failure: AuthFailure, protocol: Protocol): SandboxError {
  const [code, message, status] = AUTH_ERRORS[protocol][failure];
  return new SandboxError(code, message, status);
}
