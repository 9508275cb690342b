import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Config } from '../config/schema.ts';
import { validateConfig } from '../config/load.ts';
import { sha256File, sha256Hex } from '../pack/pack-paths.ts';
import { verifyPack } from '../pack/verify.ts';
import { entryNameProblem } from '../pack/zip-names.ts';
import { readPackEntries } from '../pack/zip-reader.ts';
import type { Snapshot } from '../snapshot/model.ts';
import type { Progress } from '../progress/progress.ts';
import type { BuiltPack } from './build-pack.ts';
import type { Invocation } from '../provenance/provenance.ts';
import { listFiles } from './workdir.ts';
import { buildOffline } from './offline-build.ts';
import { PackSourceError } from './source-error.ts';

export { pathInside } from './stages/load.ts';

/** What a rebuild starts from: a snapshot, its raw records, and the config saved with them. */
export interface RebuildSource {
  snapshot: Snapshot;
  raw: Map<string, Buffer>;
  savedConfig: unknown;
  sha256: string;
}

/** A problem with the rebuild source (bad path, not a pack, no snapshot): a usage error. */
export class RebuildSourceError extends PackSourceError {
  override name = 'RebuildSourceError';
}

/** Read a pack (.zip) or an unzipped pack's `snapshot.json` (with `raw/` beside it). */
export async function readRebuildSource(path: string): Promise<RebuildSource> {
  if (!existsSync(path)) throw new RebuildSourceError(`no such file: ${path}`);
  const sha256 = await sha256File(path);
  let files: Map<string, Buffer>;
  if (path.endsWith('.zip')) {
    // A pack that does not verify is never rebuilt (and so never re-signed).
    const check = await verifyPack(path);
    if (!check.ok) {
      throw new RebuildSourceError(
        `${path} does not verify; refusing to rebuild from it`,
        check.problems
          .filter((p) => p.severity === 'error')
          .map((p) => `[${p.kind}] ${p.path ? `${p.path}: ` : ''}${p.detail}`),
      );
    }
    try {
      files = await readPackEntries(path, {
        only: (p) => p === 'snapshot.json' || p.startsWith('raw/') || p === SAVED_CONFIG,
      });
    } catch (err) {
      throw new RebuildSourceError(
        `${path} is not a readable pack: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  } else {
    const root = dirname(path);
    files = new Map([['snapshot.json', await readFile(path)]]);
    for (const rel of await listFiles(root, 'raw')) {
      const problem = entryNameProblem(rel);
      if (problem) throw new RebuildSourceError(`${join(root, rel)}: ${problem}`);
      files.set(rel, await readFile(join(root, rel)));
    }
    const cfg = join(root, 'config', 'effective-config.json');
    if (existsSync(cfg)) files.set('config/effective-config.json', await readFile(cfg));
    await checkAgainstManifest(root, files);
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
  if (!isRunId(snapshot.runId)) {
    throw new RebuildSourceError(
      `snapshot.json in ${path} has run id ${JSON.stringify(String(snapshot.runId)).slice(0, 80)}, not one this tool writes`,
    );
  }
  const raw = new Map([...files].filter(([p]) => p.startsWith('raw/')));
  const cfg = files.get(SAVED_CONFIG);
  let savedConfig: unknown;
  try {
    savedConfig = cfg ? JSON.parse(cfg.toString('utf8')) : undefined;
  } catch {
    throw new RebuildSourceError(`${SAVED_CONFIG} in ${path} is not valid JSON`);
  }
  return { snapshot, raw, savedConfig, sha256 };
}

const SAVED_CONFIG = 'config/effective-config.json';

/**
 * An unzipped pack is held to its `manifest.json` when one lies beside `snapshot.json`: every file
 * read must match its listed SHA-256 and size, and no listed `raw/` file may be missing. (Without a
 * manifest nothing can be checked; the rebuild then proves even less about its source.)
 */
async function checkAgainstManifest(root: string, files: Map<string, Buffer>): Promise<void> {
  const manifestPath = join(root, 'manifest.json');
  if (!existsSync(manifestPath)) return;
  let listed: Map<string, { sha256: string; bytes: number }>;
  try {
    const parsed = JSON.parse(await readFile(manifestPath, 'utf8')) as { files?: unknown };
    if (!Array.isArray(parsed.files)) throw new Error('no files list');
    listed = new Map(
      (parsed.files as { path: string; sha256: string; bytes: number }[]).map((f) => [f.path, f]),
    );
  } catch (err) {
    throw new RebuildSourceError(`${manifestPath} is not a readable manifest: ${(err as Error).message}`);
  }
  const problems: string[] = [];
  for (const [rel, buf] of files) {
    const want = listed.get(rel);
    if (!want) problems.push(`${rel}: not listed in manifest.json`);
    else if (want.sha256 !== sha256Hex(buf) || want.bytes !== buf.length) {
      problems.push(`${rel}: content differs from manifest.json`);
    }
  }
  for (const rel of listed.keys()) {
    if (rel.startsWith('raw/') && !files.has(rel))
      problems.push(`${rel}: listed in manifest.json but missing`);
  }
  if (problems.length > 0) {
    throw new RebuildSourceError(
      `${root} does not match its manifest.json; refusing to rebuild from it`,
      problems,
    );
  }
}

/**
 * The config saved in the source pack, validated with today's schema, with every setting that
 * names a file or program (signing key, logo, templates, browser) removed and, when `local` is
 * given, taken from it instead: a pack must never choose what this machine reads or runs.
 */
export function savedConfigOf(
  source: RebuildSource,
  local?: Config,
): { config: Config; digest: string } | { errors: string[] } {
  if (source.savedConfig === undefined)
    return { errors: [`the source holds no ${SAVED_CONFIG}; pass --config`] };
  const load = validateConfig(source.savedConfig);
  if (!load.ok) return { errors: load.errors };
  const saved = load.config;
  const merged = {
    ...saved,
    report: { ...saved.report, templatesDir: local?.report.templatesDir, logo: local?.report.logo },
    browser: { executablePath: local?.browser.executablePath },
    sign: local?.sign,
  };
  const again = validateConfig(JSON.parse(JSON.stringify(merged)) as unknown);
  return again.ok ? { config: again.config, digest: again.digest } : { errors: again.errors };
}

const RUN_ID = /^\d{8}T\d{6}Z-[0-9a-f]{8}$/;

/** Whether a run id has the form {@link newRunId} gives (it becomes part of a folder name). */
export function isRunId(value: unknown): value is string {
  return typeof value === 'string' && RUN_ID.test(value);
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
  /** Accept an output folder the tool did not create (see `prepareOutputDir`). */
  forceOutputDir?: boolean;
}): Promise<BuiltPack> {
  return buildOffline({
    ...opts,
    snapshot: opts.source.snapshot,
    raw: opts.source.raw,
    build: { kind: 'rebuild', sourceSha256: opts.source.sha256 },
    noAwsBecause: 'a rebuild does not call AWS',
  });
}
