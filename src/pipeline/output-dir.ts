import { lstat, mkdir, readdir, writeFile } from 'node:fs/promises';
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
 * @throws OutputDirError naming the folder and the way out.
 */
export async function prepareOutputDir(outDir: string, opts: { force?: boolean } = {}): Promise<void> {
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
    await mkdir(dir, { recursive: true });
    await mark(dir);
    return;
  }
  if (!info.isDirectory()) throw new OutputDirError(`output folder ${dir} exists and is not a folder`);
  if (await isToolOutputDir(dir)) return;
  if ((await readdir(dir)).length === 0) {
    await mark(dir);
    return;
  }
  if (!force) {
    throw new OutputDirError(
      `output folder ${dir} is not empty and was not created by evidence-pack; ${flag}`,
    );
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
