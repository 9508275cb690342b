/**
 * The sandbox's federation endpoint (`/federation`), modelled on signin.aws.amazon.com:
 * `Action=getSigninToken&Session=<json>` answers `{"SigninToken": ...}` for valid sandbox-issued
 * temporary credentials; `Action=login&SigninToken=..&Destination=..` sets an HttpOnly session cookie
 * and redirects to the destination (a sandbox console URL, or a real console URL mapped onto it).
 */
import type { ServerResponse } from 'node:http';
import { toSandboxConsoleUrl } from './urls.ts';
import type { IssuedCredentials } from '../state.ts';
import type { SandboxStateApi } from '../types.ts';
import { issueSigninToken, redeemSigninToken, type ConsolePrincipal } from './sessions.ts';

/** Name of the console session cookie. */
export const SESSION_COOKIE = 'sandbox-console-session';

/** Path of the sign-in page that unauthenticated console requests are sent to. */
export const SIGNIN_PAGE_PATH = '/_console/signin';

const DEFAULT_ACCOUNT = '111122223333';

/**
 * The principal of a federation Session document, or why it is refused. Credentials must be
 * temporary credentials issued by the sandbox's STS (matching secret and token, not expired). A state
 * without an STS credential store (a bare `SandboxStateApi`) accepts any `ASIA` key with a token,
 * acting as the default account.
 */
export function principalForSession(
  state: SandboxStateApi,
  session: unknown,
): { ok: true; principal: ConsolePrincipal } | { ok: false; reason: string } {
  const s = session as { sessionId?: unknown; sessionKey?: unknown; sessionToken?: unknown } | null;
  if (
    !s ||
    typeof s.sessionId !== 'string' ||
    typeof s.sessionKey !== 'string' ||
    typeof s.sessionToken !== 'string'
  ) {
    return { ok: false, reason: 'Session must carry sessionId, sessionKey and sessionToken' };
  }
  if (s.sessionToken === '')
    return { ok: false, reason: 'long-term credentials cannot sign in to the console' };
  const issued = (state as { issuedCredentials?: unknown }).issuedCredentials;
  if (issued instanceof Map) {
    const creds = (issued as Map<string, IssuedCredentials>).get(s.sessionId);
    if (!creds || creds.secretAccessKey !== s.sessionKey || creds.sessionToken !== s.sessionToken) {
      return { ok: false, reason: 'the session credentials are not valid' };
    }
    if (creds.expiration.getTime() <= state.now().getTime())
      return { ok: false, reason: 'the session has expired' };
    return { ok: true, principal: { accountId: creds.caller.accountId, arn: creds.caller.arn } };
  }
  if (!s.sessionId.startsWith('ASIA'))
    return { ok: false, reason: 'the session credentials are not temporary' };
  const accountId = (state as { defaultAccountId?: unknown }).defaultAccountId;
  const id = typeof accountId === 'string' ? accountId : DEFAULT_ACCOUNT;
  return { ok: true, principal: { accountId: id, arn: `arn:aws:sts::${id}:federated-user/sandbox-console` } };
}

/** Serve `/federation`. */
export function handleFederation(
  query: URLSearchParams,
  res: ServerResponse,
  state: SandboxStateApi,
  baseUrl: string,
): void {
  const action = query.get('Action');
  if (action === 'getSigninToken') {
    let session: unknown;
    try {
      session = JSON.parse(query.get('Session') ?? '');
    } catch {
      return text(res, 400, 'Bad Request: Session is not JSON');
    }
    const checked = principalForSession(state, session);
    if (!checked.ok) return text(res, 400, `Bad Request: ${checked.reason}`);
    const token = issueSigninToken(state, checked.principal);
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify({ SigninToken: token }));
    return;
  }
  if (action === 'login') {
    const destination = consoleDestination(query.get('Destination') ?? '', baseUrl);
    if (!destination) return text(res, 400, 'Bad Request: Destination must be a console URL');
    const sessionId = redeemSigninToken(state, query.get('SigninToken') ?? '');
    if (!sessionId) {
      res.writeHead(302, { location: `${SIGNIN_PAGE_PATH}?reason=token`, 'cache-control': 'no-store' });
      res.end();
      return;
    }
    res.writeHead(302, {
      location: destination,
      'set-cookie': `${SESSION_COOKIE}=${sessionId}; Path=/; HttpOnly; SameSite=Lax`,
      'cache-control': 'no-store',
    });
    res.end();
    return;
  }
  text(res, 400, 'Bad Request: unknown Action');
}

/** A sandbox console URL for `destination`, or `undefined` (no open redirects). */
function consoleDestination(destination: string, baseUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(destination);
  } catch {
    return undefined;
  }
  const base = new URL(baseUrl);
  if (url.origin === base.origin && url.pathname.startsWith('/_console/')) return url.toString();
  if (url.protocol === 'https:' && /(^|\.)console\.aws\.amazon\.com$/.test(url.hostname)) {
    return toSandboxConsoleUrl(url.toString(), baseUrl);
  }
  return undefined;
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(body);
}
