// Builds dist/ from src/ (tsc -p tsconfig.build.json, incremental) when any source is newer than
// the last build, and does nothing otherwise. Run before `npm run demo|sandbox|bench` in a clone
// and as the test suite's global setup, so neither ever runs a stale program; `npm pack` builds
// through the prepack script. (A `prepare` script would do this at `npm install`, but npm then
// lists the installed package as one with install scripts to approve.)
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync, utimesSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const STAMP = join(ROOT, 'dist', '.tsbuildinfo');

function newestMtime(dir) {
  // A directory's own time changes when a file in it is added, removed or renamed.
  let newest = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const t = entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
    if (t > newest) newest = t;
  }
  return newest;
}

function builtAt() {
  try {
    return statSync(STAMP).mtimeMs;
  } catch {
    return 0;
  }
}

/** Build when stale; returns true when it built. */
export function buildIfStale() {
  const sources = Math.max(
    newestMtime(join(ROOT, 'src')),
    statSync(join(ROOT, 'package.json')).mtimeMs,
    statSync(join(ROOT, 'tsconfig.build.json')).mtimeMs,
  );
  if (builtAt() >= sources) return false;
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  process.stderr.write('building dist/ from src/ (tsc)…\n');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  // tsc leaves its build info untouched when nothing changed; mark this build as current.
  const now = new Date();
  utimesSync(STAMP, now, now);
  return true;
}

/** Vitest global setup. */
export default function setup() {
  buildIfStale();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) buildIfStale();
