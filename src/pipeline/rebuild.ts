import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { launchBrowser } from '../browser/launch.ts';
import type { Config } from '../config/schema.ts';
import { validateConfig } from '../config/load.ts';
import { readPackEntries } from '../pack/zip-reader.ts';
import { removeStalePartials } from '../pack/write-pack.ts';
import type { Snapshot } from '../snapshot/model.ts';
import type { Progress } from '../cli/progress.ts';
import { TOOL_VERSION } from '../version.ts';
import { buildPack, type BuiltPack } from './build-pack.ts';
import { currentInvocation, type Invocation } from '../provenance/provenance.ts';
import { createWorkDir, listFiles, removeWorkDir } from './workdir.ts';
import { makeSigner } from './run.ts';

/** What a rebuild starts from: a snapshot, its raw records, and the config saved with them. */
export interface RebuildSource {
  snapshot: Snapshot;
  raw: Map<string, Buffer>;
  savedConfig: unknown;
  sha256: string;
}

/** A problem with the rebuild source (bad path, not a pack, no snapshot): a usage error. */
export class RebuildSourceError extends Error {
  override name = 'RebuildSourceError';
}

/** Read a pack (.zip) or an unzipped pack's `snapshot.json` (with `raw/` beside it). */
export async function readRebuildSource(path: string): Promise<RebuildSource> {
  if (!existsSync(path)) throw new RebuildSourceError(`no such file: ${path}`);
  const bytes = await readFile(path);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  let files: Map<string, Buffer>;
  if (path.endsWith('.zip')) {
    try {
      files = await readPackEntries(path);
    } catch (err) {
      throw new RebuildSourceError(
        `${path} is not a readable pack: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  } else {
    const root = dirname(path);
    files = new Map([['snapshot.json', bytes]]);
    for (const rel of await listFiles(root, 'raw')) files.set(rel, await readFile(join(root, rel)));
    const cfg = join(root, 'config', 'effective-config.json');
    if (existsSync(cfg)) files.set('config/effective-config.json', await readFile(cfg));
  }
  const snapBytes = files.get('snapshot.json');
  if (!snapBytes) throw new RebuildSourceError(`${path} holds no snapshot.json`);
  let snapshot: Snapshot;
  try {
    snapshot = JSON.parse(snapBytes.toString('utf8')) as Snapshot;
  } catch {
    throw new RebuildSourceError(`snapshot.json in ${path} is not valid JSON`);
  }
  if (snapshot.schema !== 'evidence-pack/snapshot@1') {
    throw new RebuildSourceError(
      `snapshot.json in ${path} has schema ${String(snapshot.schema)}, expected evidence-pack/snapshot@1`,
    );
  }
  const raw = new Map([...files].filter(([p]) => p.startsWith('raw/')));
  const cfg = files.get('config/effective-config.json');
  return { snapshot, raw, savedConfig: cfg ? JSON.parse(cfg.toString('utf8')) : undefined, sha256 };
}

/** The config saved in the source pack, validated with today's schema. */
export function savedConfigOf(
  source: RebuildSource,
): { config: Config; digest: string } | { errors: string[] } {
  if (source.savedConfig === undefined)
    return { errors: ['the source holds no config/effective-config.json; pass --config'] };
  const load = validateConfig(source.savedConfig);
  return load.ok ? { config: load.config, digest: load.digest } : { errors: load.errors };
}

/**
 * Rebuild a pack from a saved snapshot without calling AWS: re-evaluate (with a possibly corrected
 * config), re-render, re-capture the API views, and pack. Console screenshots and KMS signing need
 * AWS and are left out (recorded in the pack's notes).
 */
export async function rebuildPack(opts: {
  source: RebuildSource;
  config: Config;
  outDir: string;
  screenshots: boolean;
  /** Who runs the rebuild and how (default: this process's operator, command line and code). */
  invocation?: Invocation | undefined;
  progress: Progress;
}): Promise<BuiltPack> {
  const { source, progress } = opts;
  await removeStalePartials(opts.outDir).catch(() => []);
  const workDir = await createWorkDir(opts.outDir, source.snapshot.runId);
  const launched = await launchBrowser({ configured: opts.config.browser.executablePath });
  try {
    for (const [rel, buf] of source.raw) {
      await mkdir(dirname(join(workDir, rel)), { recursive: true });
      await writeFile(join(workDir, rel), buf);
    }
    let config = opts.config;
    if (config.sign?.kmsKeyId) {
      progress.log('not signing: a rebuild does not call AWS, so the KMS signing key cannot be used');
      config = { ...config, sign: undefined };
    }
    return await buildPack({
      snapshot: source.snapshot,
      workDir,
      config,
      outDir: opts.outDir,
      browser: launched.ok ? { ok: true, browser: launched.browser, version: launched.version } : launched,
      screenshots: opts.screenshots,
      signer: await makeSigner(config, undefined),
      build: { kind: 'rebuild', sourceSha256: source.sha256 },
      invocation: opts.invocation ?? currentInvocation(),
      toolVersion: TOOL_VERSION,
      progress,
    });
  } finally {
    if (launched.ok) await launched.browser.close().catch(() => undefined);
    await removeWorkDir(workDir);
  }
}
