import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { entryNameProblem } from '../../pack/zip-names.ts';
import { PackSourceError } from '../source-error.ts';

/** Saved raw records: pack-relative path (`raw/…`) → bytes. */
export type RawRecords = Iterable<readonly [string, Buffer]>;

/**
 * Stage "load" (instead of "collect", for `pack --from` and `merge`): write saved raw records into
 * `workDir/raw/`, each path checked to stay inside it and each file written once.
 */
export async function loadStage(raw: RawRecords, workDir: string): Promise<void> {
  for (const [rel, buf] of raw) {
    const target = pathInside(workDir, rel);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, buf, { flag: 'wx' });
  }
}

/** `root/rel`, refusing any `rel` that would land outside `root`. */
export function pathInside(root: string, rel: string): string {
  const base = resolve(root);
  const full = resolve(base, rel);
  if (entryNameProblem(rel) !== null || !full.startsWith(base + sep)) {
    throw new PackSourceError(
      `refusing to write ${JSON.stringify(rel)}: it is not a safe path inside ${base}`,
    );
  }
  return full;
}
