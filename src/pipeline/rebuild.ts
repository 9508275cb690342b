import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Config } from '../config/schema.ts';
import { validateConfig } from '../config/load.ts';
import { sha256File, sha256Hex } from '../pack/pack-paths.ts';
import { verifyPack } from '../pack/verify.ts';
import { entryNameProblem } from '../pack/zip-names.ts';
import { readPackEntries } from '../pack/zip-reader.ts';
import type { Snapshot } from '../snapshot/model.ts';
import type { Progress } from '../progress/progress.ts';
import { TOOL_VERSION } from '../version.ts';
import { buildPack, type BuiltPack } from './build-pack.ts';
import { currentInvocation, type Invocation } from '../provenance/provenance.ts';
import { listFiles } from './workdir.ts';
import { stagedRun } from './stages/skeleton.ts';
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
  constructor(
    message: string,
    /** One line per problem found (e.g. each reason the pack does not verify). */
    readonly details: string[] = [],
  ) {
    super(message);
  }
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

/** `root/rel`, refusing any `rel` that would land outside `root`. */
export function pathInside(root: string, rel: string): string {
  const base = resolve(root);
  const full = resolve(base, rel);
  if (entryNameProblem(rel) !== null || !full.startsWith(base + sep)) {
    throw new RebuildSourceError(
      `refusing to write ${JSON.stringify(rel)}: it is not a safe path inside ${base}`,
    );
  }
  return full;
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
  const { source, progress } = opts;
  let config = opts.config;
  if (config.sign?.kmsKeyId) {
    progress.log('not signing: a rebuild does not call AWS, so the KMS signing key cannot be used');
    config = { ...config, sign: undefined };
  }
  const signer = await makeSigner(config, undefined);
  return stagedRun({
    outDir: opts.outDir,
    forceOutputDir: opts.forceOutputDir === true,
    runId: source.snapshot.runId,
    browserPath: config.browser.executablePath,
    progress,
    source: (workDir) => loadStage(source, workDir),
    build: ({ snapshot }, workDir, browser) =>
      buildPack({
        snapshot,
        workDir,
        config,
        outDir: opts.outDir,
        browser,
        screenshots: opts.screenshots,
        signer,
        build: { kind: 'rebuild', sourceSha256: source.sha256 },
        invocation: opts.invocation ?? currentInvocation(),
        toolVersion: TOOL_VERSION,
        progress,
      }),
  });
}

/** Stage "load": the saved raw records into `workDir/raw/`, each path checked to stay inside it. */
async function loadStage(source: RebuildSource, workDir: string): Promise<{ snapshot: Snapshot }> {
  for (const [rel, buf] of source.raw) {
    const target = pathInside(workDir, rel);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, buf, { flag: 'wx' });
  }
  return { snapshot: source.snapshot };
}
