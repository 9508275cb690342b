import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderSha256Sums } from '../pack/manifest.ts';
import { sha256Hex } from '../pack/pack-paths.ts';

/**
 * What the tool's code digest covers, relative to the installed package's root: the code that
 * runs (the compiled `dist/`, not the TypeScript sources, which the package does not ship).
 */
export const CODE_PATHS: readonly string[] = ['package.json', 'bin', 'dist', 'templates'];

/** The compiler's incremental-build state in a clone's dist/: not code, and not in the package. */
const EXCLUDED_SUFFIX = '.tsbuildinfo';

/** The shell command that recomputes the digest in the package directory. */
export const CODE_DIGEST_COMMAND = `find ${CODE_PATHS.join(' ')} -type f ! -name '*${EXCLUDED_SUFFIX}' | LC_ALL=C sort | xargs sha256sum | sha256sum`;

/** The digest of the tool's installed code, and how many files it covers. */
export interface CodeDigest {
  /** `sha256:<hex>` of the SHA256SUMS-format list of the covered files. */
  digest: string;
  files: number;
}

function walk(root: string, rel: string, out: string[]): void {
  const abs = join(root, rel);
  let st;
  try {
    st = statSync(abs);
  } catch {
    return;
  }
  if (st.isFile()) {
    if (!rel.endsWith(EXCLUDED_SUFFIX)) out.push(rel);
    return;
  }
  if (!st.isDirectory()) return;
  for (const name of readdirSync(abs)) walk(root, join(rel, name), out);
}

/**
 * The sha256 of the SHA256SUMS-format list (`<hex>  <path>\n`, paths sorted by their bytes) of
 * every file under {@link CODE_PATHS} in the package root — the same construction as the pack's
 * evidence digest, so it can be recomputed with `sha256sum` (see README).
 */
export function computeCodeDigest(root: string): CodeDigest {
  const files: string[] = [];
  for (const p of CODE_PATHS) walk(root, p, files);
  const entries = files.map((rel) => ({
    path: relative(root, join(root, rel)).split(sep).join('/'),
    sha256: sha256Hex(readFileSync(join(root, rel))),
  }));
  return { digest: `sha256:${sha256Hex(renderSha256Sums(entries))}`, files: entries.length };
}

let cached: CodeDigest | undefined;

/** {@link computeCodeDigest} of this installation (computed once per process). */
export function installedCodeDigest(): CodeDigest {
  cached ??= computeCodeDigest(fileURLToPath(new URL('../..', import.meta.url)));
  return cached;
}
