import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_CONFIG_FILE } from '../../config/load.ts';
import { packNameFor } from '../../pipeline/build-pack.ts';
import { readRebuildSource, rebuildPack, savedConfigOf } from '../../pipeline/rebuild.ts';
import { PackSourceError } from '../../pipeline/source-error.ts';
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
  forceOutputDir?: boolean;
}

/**
 * `evidence-pack pack --from <zip|snapshot.json>`: rebuild a pack without calling AWS. The source
 * must verify first; settings naming files or programs never come from the source's saved config.
 */
export async function packCommand(opts: PackCommandOptions): Promise<number> {
  let source;
  try {
    source = await readRebuildSource(opts.from);
  } catch (err) {
    if (err instanceof PackSourceError) throw usageError(err.message, err.details);
    throw err;
  }
  const progress = progressFor(opts.json);
  let loaded;
  if (opts.config) {
    loaded = await loadConfigOrExit(opts.config);
    progress.log(`config: ${resolve(opts.config)}`);
  } else {
    const localPath = resolve(DEFAULT_CONFIG_FILE);
    const local = existsSync(localPath) ? await loadConfigOrExit(localPath) : undefined;
    const saved = savedConfigOf(source, local?.config);
    if ('errors' in saved) throw usageError(`the config saved in ${opts.from} is not usable`, saved.errors);
    loaded = saved;
    progress.log(
      `config: the one saved in ${opts.from}; signing key, logo, templates and browser ` +
        (local ? `from ${localPath}` : `not taken from it (no ${DEFAULT_CONFIG_FILE} here; pass --config)`),
    );
  }
  checkConfiguredBrowser(loaded.config);
  // The name is fixed by the snapshot: refuse now rather than after the whole rebuild.
  const zip = join(opts.out, `${packNameFor(source.snapshot, loaded.config)}.zip`);
  if (existsSync(zip))
    throw usageError(`${zip} already exists; refusing to overwrite it`, [
      'nothing was written; choose another output directory with --out',
    ]);
  const built = await rebuildPack({
    source,
    config: loaded.config,
    outDir: opts.out,
    screenshots: opts.screenshots,
    progress,
    forceOutputDir: opts.forceOutputDir === true,
  });
  return finish(built, opts, progress);
}
