import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packNameFor } from '../../pipeline/build-pack.ts';
import { readRebuildSource, rebuildPack, RebuildSourceError, savedConfigOf } from '../../pipeline/rebuild.ts';
import { usageError } from '../errors.ts';
import { checkConfiguredBrowser, finish, loadConfigOrExit, progressFor } from './shared.ts';

/** Options of `evidence-pack pack`. */
export interface PackCommandOptions {
  from: string;
  config?: string;
  out: string;
  screenshots: boolean;
  json?: boolean;
  failOn: 'fail' | 'gap' | 'none';
}

/** `evidence-pack pack --from <zip|snapshot.json>`: rebuild a pack without calling AWS. */
export async function packCommand(opts: PackCommandOptions): Promise<number> {
  let source;
  try {
    source = await readRebuildSource(opts.from);
  } catch (err) {
    if (err instanceof RebuildSourceError) throw usageError(err.message);
    throw err;
  }
  let loaded;
  if (opts.config) loaded = await loadConfigOrExit(opts.config);
  else {
    const saved = savedConfigOf(source);
    if ('errors' in saved) throw usageError(`the config saved in ${opts.from} is not usable`, saved.errors);
    loaded = saved;
  }
  checkConfiguredBrowser(loaded.config);
  // The name is fixed by the snapshot: refuse now rather than after the whole rebuild.
  const zip = join(opts.out, `${packNameFor(source.snapshot, loaded.config)}.zip`);
  if (existsSync(zip))
    throw usageError(`${zip} already exists; refusing to overwrite it`, [
      'nothing was written; choose another output directory with --out',
    ]);
  const progress = progressFor(opts.json);
  const built = await rebuildPack({
    source,
    config: loaded.config,
    outDir: opts.out,
    screenshots: opts.screenshots,
    progress,
  });
  return finish(built, opts, progress);
}
