import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DEFAULT_CONFIG_FILE } from '../../config/load.ts';
import { mergeShards, ShardMergeError } from '../../pipeline/shard/merge.ts';
import { usageError } from '../errors.ts';
import { checkConfiguredBrowser, finish, loadConfigOrExit, progressFor } from './shared.ts';

/** Options of `evidence-pack merge`. */
export interface MergeCommandOptions {
  config?: string;
  out: string;
  shardKey?: string;
  screenshots: boolean;
  json?: boolean;
  failOn: 'fail' | 'gap' | 'none';
  forceOutputDir?: boolean;
}

/**
 * `evidence-pack merge <shard packs...>`: verify the shard packs of one `run --shard` plan and
 * write the one final pack. Any problem with the shards is a usage error (exit 2, nothing written).
 */
export async function mergeCommand(paths: string[], opts: MergeCommandOptions): Promise<number> {
  const progress = progressFor(opts.json);
  const localPath = resolve(opts.config ?? DEFAULT_CONFIG_FILE);
  const local = existsSync(localPath) || opts.config ? await loadConfigOrExit(localPath) : undefined;
  if (local) checkConfiguredBrowser(local.config);
  let publicKeyPem: string | undefined;
  if (opts.shardKey) {
    if (!existsSync(opts.shardKey)) throw usageError(`no such public key file: ${opts.shardKey}`);
    publicKeyPem = await readFile(opts.shardKey, 'utf8');
  } else if (local?.config.sign) {
    throw usageError(
      'signing is configured: pass --shard-key <public.pem> to check the shard packs against it',
      ['the trusted public key of the key the shards were signed with'],
    );
  }
  for (const p of paths) if (!existsSync(p)) throw usageError(`no such shard pack: ${p}`);
  try {
    const built = await mergeShards({
      paths,
      outDir: opts.out,
      local: local?.config,
      publicKeyPem,
      screenshots: opts.screenshots,
      forceOutputDir: opts.forceOutputDir === true,
      progress,
    });
    return finish(built, opts, progress);
  } catch (err) {
    if (err instanceof ShardMergeError) throw usageError(err.message, err.details);
    throw err;
  }
}
