/**
 * Console capture through federated sign-in: run credentials (temporary ones directly, long-term
 * IAM-user keys through STS GetFederationToken) → `federation?Action=getSigninToken` → a browser
 * context logged in via `federation?Action=login` → console deep links. The sign-in token, login URL,
 * cookies and credentials never leave this module: errors are sanitized before they are returned.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { ResourceIdentity } from './console-urls.ts';
import { readConsolePage, type ConsoleField, type ConsoleReading } from './console-readings.ts';
import { pagesOf } from './page-pool.ts';
import { sanitizeError, sanitizeUrl } from './sanitize.ts';

/** AWS credentials as the run holds them. */
export interface ConsoleCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

/** Temporary credentials from STS GetFederationToken (optionally with the federated user's ARN). */
export interface FederationCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  arn?: string | undefined;
}

/** How to reach the console for an account. */
export interface ConsoleAccess {
  /** `https://signin.aws.amazon.com`, or the sandbox URL. */
  signinBase: string;
  /** Real console URL → the URL to open (identity for AWS, the sandbox console URL for the sandbox). */
  urlFor: (realUrl: string) => string;
  /** The run's credentials for an account (the account id is passed for multi-account runs). */
  credentials: (accountId: string) => Promise<ConsoleCredentials>;
  /** STS GetFederationToken with the run's long-term credentials. */
  getFederationToken: (accountId: string) => Promise<FederationCredentials>;
  /** True when the console is the sandbox's (images are labelled). */
  sandbox: boolean;
  /** CSS selector that marks a settled page (`config.capture.settleSelector`). */
  settleSelector?: string | undefined;
}

/** A browser context signed in to the console, or why sign-in was not possible. */
export type ConsoleSession =
  | { ok: true; context: BrowserContext; secrets: string[]; federated: boolean; arn?: string | undefined }
  | { ok: false; reason: string };

/** Viewport of console captures. */
export const CONSOLE_VIEWPORT = { width: 1440, height: 900 } as const;

/** The issuer named in login URLs. */
export const SIGNIN_ISSUER = 'evidence-pack';

/** True when a page URL is a sign-in page rather than the console (sign-in did not hold). */
export function isSigninPage(url: string, signinBase: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.host === 'signin.aws.amazon.com' || parsed.pathname.startsWith('/_console/signin')) return true;
  return url.startsWith(`${signinBase.replace(/\/+$/, '')}/federation`) || parsed.pathname.endsWith('/oauth');
}

/**
 * Sign in to the console for `accountId` and return a browser context holding the session cookies.
 * `destination` is the first page to land on (already mapped through `urlFor`).
 */
export async function signInToConsole(
  browser: Browser,
  access: ConsoleAccess,
  accountId: string,
  opts: { destination: string; timeoutMs: number },
): Promise<ConsoleSession> {
  const secrets: string[] = [];
  let creds: FederationCredentials;
  let federated = false;
  try {
    const run = await access.credentials(accountId);
    secrets.push(run.accessKeyId, run.secretAccessKey, run.sessionToken ?? '');
    if (run.sessionToken) {
      creds = {
        accessKeyId: run.accessKeyId,
        secretAccessKey: run.secretAccessKey,
        sessionToken: run.sessionToken,
      };
    } else {
      creds = await access.getFederationToken(accountId);
      federated = true;
      secrets.push(creds.accessKeyId, creds.secretAccessKey, creds.sessionToken);
    }
  } catch (err) {
    return {
      ok: false,
      reason: `console sign-in not possible: no temporary credentials (${sanitizeError(err, secrets)})`,
    };
  }

  const token = await getSigninToken(access.signinBase, creds, opts.timeoutMs, secrets);
  if (!token.ok) return token;
  secrets.push(token.signinToken);

  const loginUrl =
    `${access.signinBase.replace(/\/+$/, '')}/federation?Action=login&Issuer=${encodeURIComponent(SIGNIN_ISSUER)}` +
    `&Destination=${encodeURIComponent(opts.destination)}&SigninToken=${encodeURIComponent(token.signinToken)}`;
  secrets.push(loginUrl);

  const context = await browser.newContext({
    viewport: CONSOLE_VIEWPORT,
    deviceScaleFactor: 1,
    locale: 'en-US',
    timezoneId: 'UTC',
    colorScheme: 'light',
    bypassCSP: true,
  });
  context.setDefaultTimeout(opts.timeoutMs);
  const page = await context.newPage();
  try {
    await page.goto(loginUrl, { waitUntil: 'load', timeout: opts.timeoutMs });
    if (isSigninPage(page.url(), access.signinBase)) {
      await context.close();
      return { ok: false, reason: 'console sign-in was refused (the login landed on a sign-in page)' };
    }
  } catch (err) {
    await context.close();
    return { ok: false, reason: `console login failed: ${sanitizeError(err, secrets)}` };
  } finally {
    if (!page.isClosed()) await page.close().catch(() => undefined);
  }
  return { ok: true, context, secrets, federated, arn: creds.arn };
}

async function getSigninToken(
  signinBase: string,
  creds: FederationCredentials,
  timeoutMs: number,
  secrets: string[],
): Promise<{ ok: true; signinToken: string } | { ok: false; reason: string }> {
  const session = JSON.stringify({
    sessionId: creds.accessKeyId,
    sessionKey: creds.secretAccessKey,
    sessionToken: creds.sessionToken,
  });
  const url = `${signinBase.replace(/\/+$/, '')}/federation?Action=getSigninToken&Session=${encodeURIComponent(session)}`;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
    if (res.status !== 200) {
      await res.body?.cancel();
      return {
        ok: false,
        reason: `console sign-in not possible: the federation endpoint answered HTTP ${res.status}`,
      };
    }
    const body = (await res.json()) as { SigninToken?: unknown };
    if (typeof body.SigninToken !== 'string' || body.SigninToken === '') {
      return {
        ok: false,
        reason: 'console sign-in not possible: the federation endpoint returned no SigninToken',
      };
    }
    return { ok: true, signinToken: body.SigninToken };
  } catch (err) {
    return {
      ok: false,
      reason: `console sign-in not possible: ${sanitizeError(err, [...secrets, url, session])}`,
    };
  }
}

/** A captured console page: the PNG and the sanitized URL the browser showed. */
export interface ConsoleShot {
  png: Buffer;
  /** The page's URL after navigation, without token-like parameters. */
  visitedUrl: string;
  capturedAt: string;
  /** The requested settings as the captured page showed them (see `console-readings.ts`). */
  readings: ConsoleReading[];
}

/**
 * Elements that mean a console page is still loading: ARIA busy regions and the AWS console's
 * (Cloudscape) spinners and loading status indicators. The sandbox console marks its loading state
 * the same way.
 */
export const LOADING_SELECTOR =
  '[aria-busy="true"], [class*="awsui_spinner"], [class*="status-indicator"][class*="loading"], [data-testid="spinner"]';

/** Longest wait for a page to show the stamped resource (a wrong page fails within this bound). */
export const IDENTIFY_TIMEOUT_MS = 10_000;

/** The rendered page does not show the resource the stamp would name (it is not kept). */
export class ResourceMismatchError extends Error {}

/**
 * Open `url` in the signed-in context, wait for it to settle and to show `identity` as visible text
 * with nothing left loading, then screenshot it. Throws (with a sanitized message) when the page
 * lands on a sign-in page, does not settle in time, or shows another resource
 * ({@link ResourceMismatchError}). `fresh` uses a page that has shown nothing before.
 */
export async function captureConsolePage(
  context: BrowserContext,
  url: string,
  opts: {
    signinBase: string;
    settleSelector?: string | undefined;
    timeoutMs: number;
    secrets: string[];
    identity?: ResourceIdentity | undefined;
    fresh?: boolean | undefined;
    /** Settings to read back from the page's visible text once it is captured. */
    reads?: readonly ConsoleField[] | undefined;
  },
): Promise<ConsoleShot> {
  try {
    return await pagesOf(context).use(
      async (page) => {
        await page.goto(url, { waitUntil: 'load', timeout: opts.timeoutMs });
        if (isSigninPage(page.url(), opts.signinBase))
          throw new Error('the console session was not accepted (sign-in page shown)');
        if (opts.settleSelector) {
          await page.waitForSelector(opts.settleSelector, { state: 'visible', timeout: opts.timeoutMs });
        } else {
          await page.waitForLoadState('networkidle', { timeout: opts.timeoutMs }).catch(() => undefined);
        }
        if (opts.identity)
          await waitForIdentity(page, opts.identity, Math.min(opts.timeoutMs, IDENTIFY_TIMEOUT_MS));
        const capturedAt = new Date().toISOString();
        const png = await page.screenshot({ fullPage: true, type: 'png', animations: 'disabled' });
        // The page could have changed between the check and the shot (a late route): check again.
        if (opts.identity && !(await showsIdentity(page, opts.identity)))
          throw new ResourceMismatchError(
            `the console page changed while it was captured and no longer shows ${opts.identity.label} ${opts.identity.value}`,
          );
        // Read from the page the image shows (same document, checked again above).
        const readings = opts.reads?.length
          ? readConsolePage(await page.evaluate(() => document.body.innerText), opts.reads)
          : [];
        return { png, visitedUrl: sanitizeUrl(page.url()), capturedAt, readings };
      },
      { fresh: opts.fresh },
    );
  } catch (err) {
    const message = sanitizeError(err, opts.secrets);
    if (err instanceof ResourceMismatchError) throw new ResourceMismatchError(message);
    // The cause is deliberately dropped: its message may carry the URL or a token.
    // eslint-disable-next-line preserve-caught-error
    throw new Error(message);
  }
}

/** True when the page has finished loading and its visible text shows the identifier. */
function showsIdentity(page: Page, identity: ResourceIdentity): Promise<boolean> {
  return page.evaluate(identityProbe, { forms: identity.forms, loading: LOADING_SELECTOR });
}

/** Runs in the page: loaded, nothing loading, and the identifier among the visible text. */
function identityProbe(arg: { forms: string[]; loading: string }): boolean {
  if (document.readyState !== 'complete' || document.querySelector(arg.loading)) return false;
  const text = document.body.innerText;
  return arg.forms.some((f) => f !== '' && text.includes(f));
}

async function waitForIdentity(page: Page, identity: ResourceIdentity, timeoutMs: number): Promise<void> {
  try {
    await page.waitForFunction(
      identityProbe,
      { forms: identity.forms, loading: LOADING_SELECTOR },
      {
        timeout: timeoutMs,
        polling: 100,
      },
    );
  } catch {
    const shown = await page
      .evaluate((loading) => {
        const visible = [...document.querySelectorAll<HTMLElement>('h1, h2')].filter(
          (h) => h.offsetParent !== null,
        );
        const heading = visible
          .slice(0, 3)
          .map((h) => h.innerText.replace(/\s+/g, ' ').trim())
          .join(' / ');
        return { heading: heading.slice(0, 200), loading: document.querySelector(loading) !== null };
      }, LOADING_SELECTOR)
      .catch(() => ({ heading: '', loading: false }));
    const state = shown.loading ? 'was still loading' : 'showed another resource';
    throw new ResourceMismatchError(
      `the console page did not show ${identity.label} ${identity.value} within ${timeoutMs} ms: it ${state}` +
        (shown.heading ? ` (headings "${shown.heading}")` : ''),
    );
  }
}
