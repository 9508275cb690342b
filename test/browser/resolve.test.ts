import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BROWSER_ENV, resolveBrowser, type BrowserResolution } from '../../src/browser/resolve.ts';

/** The browser lookup order: config > EVIDENCE_PACK_BROWSER > Playwright's browser > system locations. */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'ep-browser-'));

function executable(path: string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, '#!/bin/sh\nexit 0\n');
  chmodSync(path, 0o755);
  return path;
}

/**
 * Resolve in a fresh Node process: Playwright reads PLAYWRIGHT_BROWSERS_PATH when it loads, so
 * the Playwright step can only be pointed at a test folder from a new process (the built program).
 */
function resolveIn(env: NodeJS.ProcessEnv, script = 'resolveBrowser()'): unknown {
  const out = execFileSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { chromium } from 'playwright-core';
       import { resolveBrowser } from './dist/browser/resolve.js';
       void chromium;
       process.stdout.write(JSON.stringify(${script}));`,
    ],
    { cwd: ROOT, env: { ...process.env, [BROWSER_ENV]: '', ...env }, encoding: 'utf8' },
  );
  return JSON.parse(out) as unknown;
}

describe('resolveBrowser', () => {
  const fromConfig = executable(join(dir, 'config-chrome'));
  const fromEnv = executable(join(dir, 'env-chrome'));

  it('takes the config first, even when the environment names another browser', () => {
    const r = resolveBrowser({ configured: fromConfig, env: { [BROWSER_ENV]: fromEnv } });
    expect(r).toEqual({ found: true, executablePath: fromConfig, source: 'config' });
  });

  it('takes EVIDENCE_PACK_BROWSER when the config names none', () => {
    const r = resolveBrowser({ env: { [BROWSER_ENV]: fromEnv } });
    expect(r).toEqual({ found: true, executablePath: fromEnv, source: 'env' });
  });

  it('never falls back from a configured or named browser that does not exist', () => {
    const missing = join(dir, 'nope');
    const viaConfig = resolveBrowser({ configured: missing, env: { [BROWSER_ENV]: fromEnv } });
    expect(viaConfig).toMatchObject({ found: false, explicit: true });
    const viaEnv = resolveBrowser({ env: { [BROWSER_ENV]: missing } });
    expect(viaEnv).toMatchObject({ found: false, explicit: true });
  });

  it("takes Playwright's browser before the system's, and the system's when Playwright has none", () => {
    const browsers = join(dir, 'playwright-browsers');
    mkdirSync(browsers, { recursive: true });
    const env = { PLAYWRIGHT_BROWSERS_PATH: browsers };
    const none = resolveIn(env) as BrowserResolution;
    // This machine has a system Chromium (the project's CI and dev image install one).
    expect(none).toMatchObject({ found: true, source: 'system' });

    const pwPath = resolveIn(env, 'chromium.executablePath()') as string;
    expect(pwPath.startsWith(browsers)).toBe(true);
    executable(pwPath);
    expect(resolveIn(env)).toEqual({ found: true, executablePath: pwPath, source: 'playwright' });
  });
});
