import { lstat, mkdir, readdir, rm, rmdir, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { OUTPUT_MARKER } from '../pack/write-pack.ts';

export { OUTPUT_MARKER };

/** The output folder may not be used (exit 2, nothing written). */
export class OutputDirError extends Error {
  override name = 'OutputDirError';
}

/** Whether `dir` carries the marker the tool writes into output folders it owns. */
export async function isToolOutputDir(dir: string): Promise<boolean> {
  return lstat(join(dir, OUTPUT_MARKER)).then(
    (s) => s.isFile(),
    () => false,
  );
}

/**
 * Makes sure packs may be written to `outDir`: creates it (and marks it as the tool's) when
 * missing, marks it when empty, and accepts it when already marked. The file-system root, the
 * home folder and a non-empty folder the tool did not create are refused unless `force` is given
 * (then the folder is used but not marked, so the tool never cleans anything up in it except its
 * own marked work folders).
 *
 * @returns What it did to the folder, so a run that fails can undo it ({@link undoOutputDir}).
 * @throws OutputDirError naming the folder and the way out.
 */
export async function prepareOutputDir(
  outDir: string,
  opts: { force?: boolean } = {},
): Promise<PreparedOutputDir> {
  const dir = resolve(outDir);
  const force = opts.force === true;
  const flag = 'pass --force-output-dir to use it anyway, or choose another with --out / output.dir';
  if (!force && (dir === resolve('/') || dir === resolve(homedir()))) {
    throw new OutputDirError(
      `refusing to write packs into ${dir} (the ${dir === resolve('/') ? 'file-system root' : 'home folder'}); ${flag}`,
    );
  }
  const info = await lstat(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (!info) {
    // mkdir answers the first folder it created: only that much is undone on failure.
    const first = await mkdir(dir, { recursive: true });
    await mark(dir);
    return { dir, did: 'created', createdFrom: first ?? dir };
  }
  if (!info.isDirectory()) throw new OutputDirError(`output folder ${dir} exists and is not a folder`);
  if (await isToolOutputDir(dir)) return { dir, did: 'nothing' };
  if ((await readdir(dir)).length === 0) {
    await mark(dir);
    return { dir, did: 'marked' };
  }
  if (!force) {
    throw new OutputDirError(
      `output folder ${dir} is not empty and was not created by evidence-pack; ${flag}`,
    );
  }
  return { dir, did: 'nothing' };
}

/** What {@link prepareOutputDir} did: created the folder (from `createdFrom` down), marked it, or nothing. */
export type PreparedOutputDir =
  { dir: string; did: 'created'; createdFrom: string } | { dir: string; did: 'marked' | 'nothing' };

/**
 * Undo {@link prepareOutputDir} after a run that wrote no pack (a usage error says "nothing was
 * written", so the marker must go too): remove the marker it added, then the folders it created,
 * each only while empty. Anything else found there is left alone.
 */
export async function undoOutputDir(prepared: PreparedOutputDir): Promise<void> {
  if (prepared.did === 'nothing') return;
  if ((await readdir(prepared.dir).catch(() => [])).some((name) => name !== OUTPUT_MARKER)) return;
  await rm(join(prepared.dir, OUTPUT_MARKER), { force: true });
  if (prepared.did !== 'created') return;
  for (let d = prepared.dir; ; d = resolve(d, '..')) {
    const empty = await rmdir(d).then(
      () => true,
      () => false,
    );
    if (!empty || d === prepared.createdFrom || d === resolve(d, '..')) return;
  }
}

async function mark(dir: string): Promise<void> {
  await writeFile(
    join(dir, OUTPUT_MARKER),
    'This folder was created by evidence-pack. It removes only its own leftovers here: ' +
      '.work-* folders holding a .evidence-pack-work file and .*.partial-<pid> files of runs that died.\n',
    { flag: 'w' },
  );
}
