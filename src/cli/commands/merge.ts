import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { validateConfig } from '../../config/load.ts';
import { uploadBuilt } from '../../pipeline/run.ts';
import type { S3Target } from '../../upload/s3-uri.ts';
import { DEFAULT_CONFIG_FILE } from '../../config/load.ts';
import { mergeShards } from '../../pipeline/shard/merge.ts';
import { PackSourceError } from '../../pipeline/source-error.ts';
import { usageError } from '../errors.ts';
import { checkConfiguredBrowser, finish, loadConfigOrExit, progressFor, uploadFor } from './shared.ts';

/** Options of `evidence-pack merge`. */
export interface MergeCommandOptions {
  config?: string;
  out: string;
  shardKey?: string;
  screenshots: boolean;
  json?: boolean;
  failOn: 'fail' | 'gap' | 'none';
  forceOutputDir?: boolean;
  upload?: S3Target;
  endpointUrl?: string;
  profile?: string;
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
    const cfg = local?.config ?? defaultConfig();
    const wanted = uploadFor(opts.upload, cfg);
    if (!wanted) return finish(built, opts, progress);
    const work = await mkdtemp(join(tmpdir(), 'evidence-pack-merge-upload-'));
    try {
      const upload = await uploadBuilt(built, wanted, {
        maxAttempts: cfg.collection.maxAttempts,
        endpointUrl: opts.endpointUrl ?? (process.env.AWS_ENDPOINT_URL || undefined),
        profile: opts.profile,
        workDir: work,
        progress,
      });
      return finish({ ...built, upload }, opts, progress);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  } catch (err) {
    if (err instanceof PackSourceError) throw usageError(err.message, err.details);
    throw err;
  }
}

function defaultConfig() {
  const load = validateConfig({});
  if (!load.ok) throw new Error(load.errors.join('; '));
  return load.config;
}
