import { accessSync, constants } from 'node:fs';
import { chromium } from 'playwright-core';

/** Where a browser was found. */
export type BrowserSource = 'config' | 'env' | 'playwright' | 'system';

/** The outcome of looking for a Chromium-family browser. */
export type BrowserResolution =
  | { found: true; executablePath: string; source: BrowserSource }
  | {
      found: false;
      tried: string[];
      advice: string;
      /** True when the path was given (config or environment): a mistake to report, not a fallback. */
      explicit: boolean;
    };

/** Environment variable that points the tool at a browser binary. */
export const BROWSER_ENV = 'EVIDENCE_PACK_BROWSER';

const SYSTEM_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
];

/** Advice printed when no browser can be found. */
export const NO_BROWSER_ADVICE =
  `No Chromium or Chrome was found. Install one (Debian/Ubuntu: "apt-get install -y chromium"; ` +
  `or "npx playwright-core install chromium" where downloads are allowed), or point to it with ` +
  `browser.executablePath in evidence.config.ts or the ${BROWSER_ENV} environment variable.`;

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Find a browser: the config's `browser.executablePath`, then `$EVIDENCE_PACK_BROWSER`, then the
 * browser Playwright installed, then the usual system locations. An explicitly configured path that
 * does not exist is reported as not found (never silently replaced by another browser).
 */
export function resolveBrowser(
  opts: { configured?: string | undefined; env?: NodeJS.ProcessEnv } = {},
): BrowserResolution {
  const env = opts.env ?? process.env;
  const tried: string[] = [];
  if (opts.configured) {
    if (isExecutable(opts.configured))
      return { found: true, executablePath: opts.configured, source: 'config' };
    return {
      found: false,
      tried: [`config browser.executablePath: ${opts.configured}`],
      advice: `browser.executablePath in the config points to "${opts.configured}", which is not an executable file.`,
      explicit: true,
    };
  }
  const fromEnv = env[BROWSER_ENV];
  if (fromEnv) {
    if (isExecutable(fromEnv)) return { found: true, executablePath: fromEnv, source: 'env' };
    return {
      found: false,
      tried: [`${BROWSER_ENV}: ${fromEnv}`],
      advice: `${BROWSER_ENV} points to "${fromEnv}", which is not an executable file.`,
      explicit: true,
    };
  }
  try {
    const pw = chromium.executablePath();
    tried.push(`playwright: ${pw}`);
    if (pw && isExecutable(pw)) return { found: true, executablePath: pw, source: 'playwright' };
  } catch {
    tried.push('playwright: no browser installed');
  }
  for (const candidate of SYSTEM_CANDIDATES) {
    tried.push(candidate);
    if (isExecutable(candidate)) return { found: true, executablePath: candidate, source: 'system' };
  }
  return { found: false, tried, advice: NO_BROWSER_ADVICE, explicit: false };
}

/** Launch flags that work in containers and closed networks (no background traffic, no sandbox as root). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
];
