import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS, resolveBrowser, type BrowserResolution } from './resolve.ts';

/** A launched browser, or why there is none. */
export type BrowserLaunch =
  | { ok: true; browser: Browser; executablePath: string; version: string }
  | { ok: false; reason: string; resolution: BrowserResolution };

/** Resolve and launch headless Chromium; never throws: a failure comes back as `{ ok: false, reason }`. */
export async function launchBrowser(opts: { configured?: string | undefined } = {}): Promise<BrowserLaunch> {
  const resolution = resolveBrowser({ configured: opts.configured });
  if (!resolution.found) return { ok: false, reason: resolution.advice, resolution };
  try {
    const browser = await chromium.launch({
      executablePath: resolution.executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: 30_000,
    });
    return { ok: true, browser, executablePath: resolution.executablePath, version: browser.version() };
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return {
      ok: false,
      reason: `The browser at ${resolution.executablePath} could not be started: ${message}`,
      resolution,
    };
  }
}
