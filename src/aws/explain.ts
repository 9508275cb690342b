/**
 * Turns the error of a failed AWS call into a sentence a user can act on. The SDK's error names and
 * Node's error codes (ENOTFOUND, ECONNREFUSED, TimeoutError, CredentialsProviderError...) mean
 * nothing to most users; each family gets its cause and what to do, and the raw code stays in
 * brackets for whoever searches for it.
 */

/** What was being attempted when the error happened. */
export interface FailureContext {
  /** The custom endpoint, if any (`--endpoint-url` / `AWS_ENDPOINT_URL`). */
  endpointUrl?: string | undefined;
  profile?: string | undefined;
  region?: string | undefined;
  /** Attempts made (for timeouts). */
  attempts?: number | undefined;
  /** Per-attempt timeout in milliseconds (for timeouts). */
  requestTimeoutMs?: number | undefined;
}

/** The cause in one line, and what to do about it. */
export interface Explanation {
  kind:
    | 'dns'
    | 'refused'
    | 'timeout'
    | 'network'
    | 'no-credentials'
    | 'expired'
    | 'invalid-credentials'
    | 'denied'
    | 'unknown-profile'
    | 'other';
  cause: string;
  hints: string[];
}

const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME']);
const REFUSED = new Set(['ECONNREFUSED']);
const TIMEOUT = new Set([
  'TimeoutError',
  'ETIMEDOUT',
  'RequestTimeout',
  'RequestTimeoutException',
  'ESOCKETTIMEDOUT',
]);
const NETWORK = new Set([
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
  'NetworkingError',
]);
const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'TokenRefreshRequired', 'RequestExpired']);
const INVALID = new Set([
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'UnrecognizedClientException',
  'InvalidAccessKeyId',
  'IncompleteSignature',
  'AuthFailure',
]);
const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation']);

/** Host (and port) of the endpoint in use, for messages. */
function target(ctx: FailureContext): string {
  if (!ctx.endpointUrl) return `AWS${ctx.region ? ` (${ctx.region})` : ''}`;
  try {
    return new URL(ctx.endpointUrl).host;
  } catch {
    return ctx.endpointUrl;
  }
}

function endpointHint(ctx: FailureContext): string {
  if (!ctx.endpointUrl)
    return 'check the network path to AWS from this machine: DNS, proxy (HTTPS_PROXY), firewall, VPC endpoints';
  const local = /^(localhost|127\.|\[::1\])/.test(target(ctx));
  return (
    `check the endpoint ${ctx.endpointUrl} (from --endpoint-url or AWS_ENDPOINT_URL)` +
    (local
      ? '; for the bundled sandbox start `evidence-pack sandbox` first (default port 4566), or use `evidence-pack demo`'
      : ' and the network path to it')
  );
}

/** Explain a failed call from its error code (SDK error name or Node error code) and message. */
export function explainFailure(code: string, message: string, ctx: FailureContext = {}): Explanation {
  const where = target(ctx);
  const raw = `[${code}: ${message}]`;
  if (DNS.has(code) || /getaddrinfo/.test(message)) {
    return {
      kind: 'dns',
      cause: `the host name of ${where} does not resolve ${raw}`,
      hints: [
        endpointHint(ctx),
        ...(ctx.endpointUrl ? [] : ['check the region name (--regions, AWS_REGION)']),
      ],
    };
  }
  if (REFUSED.has(code)) {
    return {
      kind: 'refused',
      cause: `nothing accepts connections at ${where} ${raw}`,
      hints: [endpointHint(ctx)],
    };
  }
  if (TIMEOUT.has(code)) {
    const each = ctx.requestTimeoutMs ? ` (${Math.round(ctx.requestTimeoutMs / 1000)} s each)` : '';
    const tries = ctx.attempts ? ` after ${ctx.attempts} attempt(s)${each}` : '';
    return {
      kind: 'timeout',
      cause: `no answer from ${where}${tries} ${raw}`,
      hints: [
        endpointHint(ctx),
        'on a slow link raise collection.requestTimeoutMs; collection.maxAttempts bounds the retries',
      ],
    };
  }
  if (NETWORK.has(code)) {
    return {
      kind: 'network',
      cause: `the connection to ${where} broke off ${raw}`,
      hints: [endpointHint(ctx)],
    };
  }
  if (/Could not resolve credentials using profile/.test(message) || /Profile .* not found/i.test(message)) {
    return {
      kind: 'unknown-profile',
      cause: `no AWS profile "${ctx.profile ?? '?'}" with credentials in ~/.aws/config or ~/.aws/credentials (missing, or it sets no keys, role, SSO or process) ${raw}`,
      hints: [
        'list the profiles with `aws configure list-profiles`, or create one with `aws configure sso` / `aws configure --profile <name>`',
        'AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE move those files elsewhere',
      ],
    };
  }
  if (
    EXPIRED.has(code) ||
    /expired|token is not valid|refresh failed/i.test(message) ||
    (code === 'CredentialsProviderError' && /sso/i.test(message))
  ) {
    return {
      kind: 'expired',
      cause: `the AWS credentials have expired ${raw}`,
      hints: [
        `for an SSO profile sign in again: aws sso login${ctx.profile ? ` --profile ${ctx.profile}` : ''}`,
        'for session credentials in the environment (AWS_SESSION_TOKEN), get new ones',
      ],
    };
  }
  if (code === 'CredentialsProviderError' || /Could not load credentials/.test(message)) {
    if (ctx.endpointUrl) {
      return {
        kind: 'no-credentials',
        cause: `no AWS credentials were found for ${ctx.endpointUrl} ${raw}`,
        hints: [
          'the SDK signs every request, even to a local endpoint; against the evidence-pack sandbox any key works:',
          `AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test evidence-pack run --endpoint-url ${ctx.endpointUrl}`,
        ],
      };
    }
    return {
      kind: 'no-credentials',
      cause: `no AWS credentials were found ${raw}`,
      hints: [
        'the standard chain is searched: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, ~/.aws/credentials and ~/.aws/config (SSO), web identity (OIDC), container and instance roles',
        'name a profile with --profile <name>; for an SSO profile sign in first with `aws sso login --profile <name>`',
      ],
    };
  }
  if (INVALID.has(code)) {
    return {
      kind: 'invalid-credentials',
      cause: `${where} does not accept these credentials ${raw}`,
      hints: [
        'the access key is unknown, deleted, or its secret is wrong: check AWS_ACCESS_KEY_ID / the profile in use',
        ...(ctx.endpointUrl ? [] : ['keys made for another partition (GovCloud, China) do not work here']),
      ],
    };
  }
  if (DENIED.has(code)) {
    return {
      kind: 'denied',
      cause: `the identity is not allowed to make this call ${raw}`,
      hints: [
        'attach the policy written by `evidence-pack init` (see README "Quick start"); a service control policy may also deny it',
      ],
    };
  }
  return {
    kind: 'other',
    cause: `the call failed ${raw}`,
    hints: ['run again with DEBUG=1 for details; if it persists, check the AWS Health Dashboard'],
  };
}
