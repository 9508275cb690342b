import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Evaluation } from '../../evaluate/types.ts';
import type { Config } from '../../config/schema.ts';
import { canonicalJsonBytes, writeCanonicalJsonFile } from '../../pack/canonical-json.ts';
import { digestContent, type FileSource } from '../../pack/file-source.ts';
import { renderSha256Sums } from '../../pack/manifest.ts';
import { sha256Hex } from '../../pack/pack-paths.ts';
import { writeCsvFiles } from '../../render/csv.ts';
import { renderReport } from '../../render/report.ts';
import { buildReportModel } from '../../render/view-model.ts';
import type { ChangesSection } from '../../render/report-model.ts';
import type { Snapshot } from '../../snapshot/model.ts';
import type { Progress } from '../../progress/progress.ts';
import type { Invocation, Provenance } from '../../provenance/provenance.ts';
import { findingsDocument } from '../../evaluate/findings-json.ts';
import { listFiles } from '../workdir.ts';
import type { Captured, PipelineBrowser } from './capture.ts';

/** One file of the pack: its path inside the ZIP and its bytes (or a staged file holding them). */
export interface PackFile {
  path: string;
  content: Buffer | string | FileSource;
}

/** What the render stage needs. */
export interface RenderInput {
  snapshot: Snapshot;
  evaluation: Evaluation;
  config: Config;
  /** Staging directory holding `raw/` and `screenshots/` (and receiving the generated files). */
  workDir: string;
  captured: Captured;
  browser: PipelineBrowser;
  toolVersion: string;
  invocation: Invocation;
  /** The report section comparing with the previous pack (`--previous`), if any. */
  changes?: ChangesSection | undefined;
  clock: () => Date;
  progress: Progress;
}

/** The pack's files but README.txt, with what the report, README.txt and manifest say about them. */
export interface Rendered {
  /** Every file but README.txt, the report last. */
  files: PackFile[];
  /** sha256 of the packed `config/effective-config.json`. */
  configDigest: string;
  /** sha256 of the SHA256SUMS-format list of the evidence files (all but the report and README.txt). */
  evidenceDigest: string;
  report: { renderer: 'chromium' | 'pdfkit'; pages: number; rendererReason?: string | undefined };
  provenance: Provenance;
}

/** Where generated pack files are staged, under the work directory (beside `raw/`). */
const GENERATED_DIR = 'generated';

/**
 * Stage "render": write the generated files (snapshot, findings, CSVs, effective config), hash every
 * evidence file, and render the report that lists those hashes.
 */
export async function renderStage(input: RenderInput): Promise<Rendered> {
  const { snapshot, evaluation, config, captured, progress } = input;
  // The large generated files (snapshot, findings, CSVs) are written to the staging directory in
  // chunks and, like raw records and screenshots, hashed and zipped by streaming: a 10,000-bucket run
  // would otherwise hold well over 100 MB of their text until the pack is written.
  const generated = join(input.workDir, GENERATED_DIR);
  await mkdir(join(generated, 'findings'), { recursive: true });
  const files: PackFile[] = [];
  files.push({ path: 'snapshot.json', content: jsonFile(snapshot, join(generated, 'snapshot.json')) });
  const configBytes = canonicalJsonBytes(config);
  // Anyone can recompute it: sha256 of the packed config/effective-config.json bytes.
  const configDigest = sha256Hex(configBytes);
  files.push({ path: 'config/effective-config.json', content: configBytes });
  files.push({
    path: 'findings/findings.json',
    content: jsonFile(findingsDocument(snapshot, evaluation), join(generated, 'findings', 'findings.json')),
  });
  files.push(...writeCsvFiles(snapshot, evaluation, generated));
  for (const rel of await listFiles(input.workDir, 'raw'))
    files.push({ path: rel, content: { file: join(input.workDir, rel) } });
  for (const shot of captured.images)
    files.push({ path: shot.path, content: { file: join(input.workDir, shot.path) } });
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  const evidenceIndex: { path: string; sha256: string; bytes: number }[] = [];
  for (const f of files) evidenceIndex.push({ path: f.path, ...(await digestContent(f.content)) });
  const evidenceDigest = sha256Hex(renderSha256Sums(evidenceIndex));

  progress.update({ stage: 'render report' });
  const renderStarted = input.clock().toISOString();
  const model = buildReportModel({
    snapshot,
    evaluation,
    config,
    evidenceIndex,
    evidenceDigest,
    screenshots: captured.images.map((s) => ({ ...s, absolutePath: join(input.workDir, s.path) })),
    renderer: input.browser.ok ? 'chromium' : 'pdfkit',
    ...(input.browser.ok ? {} : { fallbackReason: input.browser.reason }),
    toolVersion: input.toolVersion,
    provenance: {
      ...input.invocation,
      times: { collection: snapshot.collection, capture: captured.window, renderStartedAt: renderStarted },
    },
    configDigest: `sha256:${configDigest}`,
    ...(input.changes ? { changes: input.changes } : {}),
  });
  const report = await renderReport(model, {
    ...(input.browser.ok ? { browser: input.browser.browser } : {}),
    templatesDir: config.report.templatesDir,
  });
  const rendererReason =
    report.renderer === 'pdfkit'
      ? (report.fallbackReason ?? (input.browser.ok ? undefined : input.browser.reason))
      : undefined;
  files.push({ path: 'report.pdf', content: report.pdf });
  const provenance: Provenance = {
    ...input.invocation,
    times: {
      collection: { startedAt: snapshot.collection.startedAt, finishedAt: snapshot.collection.finishedAt },
      capture: captured.window,
      render: { startedAt: renderStarted, finishedAt: input.clock().toISOString() },
    },
  };
  progress.log(`report: ${report.pages} pages (${report.renderer})`);
  return {
    files,
    configDigest,
    evidenceDigest,
    report: { renderer: report.renderer, pages: report.pages, rendererReason },
    provenance,
  };
}

/** Write `value` as canonical JSON to `file` and return it as a file-backed pack entry. */
function jsonFile(value: unknown, file: string): FileSource {
  writeCanonicalJsonFile(value, file);
  return { file };
}
