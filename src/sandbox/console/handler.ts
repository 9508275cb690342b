/**
 * Entry point of the sandbox console: `/federation` (sign-in) and `/_console/<host>/<path>` pages.
 * The sandbox server calls {@link handleConsoleRequest} first and falls through when it returns false.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxStateApi } from '../types.ts';
import { handleFederation, SESSION_COOKIE, SIGNIN_PAGE_PATH } from './federation.ts';
import {
  accountSettingsPage,
  bucketPage,
  cloudTrailPage,
  configPage,
  kmsPage,
  notFoundPage,
  signinPage,
  type ConsolePage,
} from './pages.ts';
import { sessionPrincipal, type ConsolePrincipal } from './sessions.ts';

/**
 * Serve the console paths; returns false (without touching `res`) for any other path.
 * `ctx.baseUrl` is the sandbox's own URL (e.g. `http://127.0.0.1:4566`).
 */
export async function handleConsoleRequest(
  req: IncomingMessage,
  res: ServerResponse,
  state: SandboxStateApi,
  ctx: { baseUrl: string },
): Promise<boolean> {
  const url = new URL(req.url ?? '/', ctx.baseUrl);
  const isFederation = url.pathname === '/federation';
  if (!isFederation && !url.pathname.startsWith('/_console/')) return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' });
    res.end('Method Not Allowed');
    return true;
  }
  if (isFederation) {
    handleFederation(url.searchParams, res, state, ctx.baseUrl);
    return true;
  }
  if (url.pathname === SIGNIN_PAGE_PATH) {
    send(res, signinPage(url.searchParams.get('reason')));
    return true;
  }
  const principal = sessionPrincipal(state, readCookie(req.headers.cookie, SESSION_COOKIE));
  if (!principal) {
    res.writeHead(302, { location: SIGNIN_PAGE_PATH, 'cache-control': 'no-store' });
    res.end();
    return true;
  }
  send(res, route(state, principal, url));
  return true;
}

/** `/_console/<host>/<path>` → the page mirroring the real console. */
function route(state: SandboxStateApi, principal: ConsolePrincipal, url: URL): ConsolePage {
  const rest = url.pathname.slice('/_console/'.length);
  const slash = rest.indexOf('/');
  const host = slash < 0 ? rest : rest.slice(0, slash);
  const path = slash < 0 ? '/' : rest.slice(slash);
  const hostRegion = /^([a-z]{2}(?:-[a-z]+)+-\d)\.console\.aws\.amazon\.com$/.exec(host)?.[1];
  const region = url.searchParams.get('region') ?? hostRegion ?? 'us-east-1';

  if (host === 's3.console.aws.amazon.com') {
    if (path === '/s3/settings') return accountSettingsPage(state, principal);
    const bucket = /^\/s3\/buckets\/([^/]+)\/?$/.exec(path)?.[1];
    if (bucket) return bucketPage(state, principal, decodeURIComponent(bucket), url.searchParams.get('tab'));
  }
  if (hostRegion) {
    if (path === '/kms/home') return kmsPage(state, principal, region);
    if (path === '/config/home') return configPage(state, principal, region);
    if (path === '/cloudtrail/home') return cloudTrailPage(state, principal, region);
  }
  return notFoundPage(principal, `The sandbox console has no page for ${host}${path}.`);
}

function send(res: ServerResponse, page: ConsolePage): void {
  res.writeHead(page.status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'x-frame-options': 'DENY',
  });
  res.end(page.body);
}

/** The value of cookie `name` in a Cookie header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
