import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { isProcessAlive } from '../pack/process-alive.ts';

/**
 * A hidden staging directory under the output directory for one run
 * (`.work-<runId>-p<pid>-<random>`): raw records stream there during collection and screenshots
 * land there. Its name never looks like a pack, and it is removed when the run ends, whether it
 * succeeded or not; a run killed outright leaves it behind for {@link removeStaleWorkDirs}.
 */
export async function createWorkDir(outDir: string, runId: string): Promise<string> {
  // The run id may come from a pack being rebuilt: only its safe characters reach the name.
  const safeId = runId.replace(/[^A-Za-z0-9-]/g, '_').slice(0, 64);
  const dir = join(outDir, `.work-${safeId}-p${process.pid}-${randomBytes(3).toString('hex')}`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, WORK_MARKER), `evidence-pack staging folder of pid ${process.pid}\n`);
  return dir;
}

/** The file that marks a staging folder as the tool's: cleanup removes no folder without it. */
export const WORK_MARKER = '.evidence-pack-work';

const WORK_DIR = /^\.work-.*?(?:-p(\d+))?-[0-9a-f]{6}$/;

/** Staging directories older than this are removed even when their pid looks alive (pid reuse). */
export const STALE_WORK_DIR_MS = 24 * 60 * 60 * 1000;

/**
 * Remove `.work-*` staging directories in `outDir` (only those holding the tool's marker file) left
 * by runs that were killed: those whose pid
 * (in the name) is no longer running, and any older than `maxAgeMs` (a pid may have been reused;
 * directories named before the pid was recorded go by age only). This process's own are kept.
 * The pid is only meaningful on this host: do not share one output directory between machines
 * running at the same time. Returns the names removed.
 */
export async function removeStaleWorkDirs(
  outDir: string,
  opts: { maxAgeMs?: number; now?: Date } = {},
): Promise<string[]> {
  const maxAge = opts.maxAgeMs ?? STALE_WORK_DIR_MS;
  const now = (opts.now ?? new Date()).getTime();
  const removed: string[] = [];
  let entries;
  try {
    entries = await readdir(outDir, { withFileTypes: true });
  } catch {
    return removed;
  }
  for (const e of entries) {
    const m = e.isDirectory() ? WORK_DIR.exec(e.name) : null;
    if (!m) continue;
    const marked = await lstat(join(outDir, e.name, WORK_MARKER)).then(
      (s) => s.isFile(),
      () => false,
    );
    if (!marked) continue;
    const pid = m[1] === undefined ? undefined : Number(m[1]);
    if (pid === process.pid) continue;
    const dir = join(outDir, e.name);
    const dead = pid !== undefined && !isProcessAlive(pid);
    const old = await stat(dir).then(
      (s) => now - s.mtimeMs > maxAge,
      () => false,
    );
    if (!dead && !old) continue;
    await rm(dir, { recursive: true, force: true }).then(
      () => removed.push(e.name),
      () => undefined,
    );
  }
  return removed;
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
