import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/**
 * A hidden staging directory under the output directory for one run (`.work-<runId>`): raw records
 * stream there during collection and screenshots land there. Its name never looks like a pack, and
 * it is removed when the run ends, whether it succeeded or not.
 */
export async function createWorkDir(outDir: string, runId: string): Promise<string> {
  const dir = join(outDir, `.work-${runId}-${randomBytes(3).toString('hex')}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

/** Remove a staging directory (never throws). */
export async function removeWorkDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true }).catch(() => undefined);
}

/** Every file below `root/sub`, as sorted `/`-separated paths relative to `root`. */
export async function listFiles(root: string, sub: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(dir: string): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const full = join(dir, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.isFile()) out.push(relative(root, full).split(sep).join('/'));
    }
  }
  await walk(join(root, sub));
  return out.sort();
}

/** A run id: UTC time plus randomness, sortable and unique. */
export function newRunId(now: Date): string {
  return `${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z')}-${randomBytes(4).toString('hex')}`;
}
