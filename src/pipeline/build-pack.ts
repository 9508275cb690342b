import { trustedAccountWarnings } from '../evaluate/trusted-accounts.ts';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { captureScreenshots, type CaptureGap, type ScreenshotMeta } from '../capture/capture.ts';
import type { ConsoleAccess } from '../capture/console.ts';
import { selectCaptureTargets } from '../capture/select.ts';
import type { Evaluation } from '../evaluate/types.ts';
import type { Config } from '../config/schema.ts';
import { evaluate } from '../evaluate/evaluate.ts';
import { makeClassifier } from '../evaluate/classify.ts';
import { canonicalJsonBytes, writeCanonicalJsonFile } from '../pack/canonical-json.ts';
import { digestContent, type FileSource } from '../pack/file-source.ts';
import { renderSha256Sums } from '../pack/manifest.ts';
import { sha256Hex } from '../pack/pack-paths.ts';
import { renderPackReadme } from '../render/readme-txt.ts';
import type { Signer } from '../pack/sign.ts';
import { packName, writePack, type WrittenPack } from '../pack/write-pack.ts';
import { writeCsvFiles } from '../render/csv.ts';
import { renderReport } from '../render/report.ts';
import { buildReportModel } from '../render/view-model.ts';
import type { Snapshot } from '../snapshot/model.ts';
import type { Progress } from '../progress/progress.ts';
import { findingsDocument } from '../evaluate/findings-json.ts';
import { diffSnapshots, formatDiff } from '../diff/diff-packs.ts';
import type { PackContents } from '../diff/types.ts';
import { utcLabel } from '../render/cells.ts';
import type { ChangesSection } from '../render/report-model.ts';
import { listFiles } from './workdir.ts';
import { CODE_PATHS } from '../provenance/code-digest.ts';
import { buildClock, type Invocation, type Provenance, type TimeWindow } from '../provenance/provenance.ts';

/** What {@link buildPack} needs: a snapshot and its raw records in `workDir/raw/`. */
export interface BuildPackInput {
  snapshot: Snapshot;
  /** Staging directory holding `raw/` (and receiving `screenshots/`). */
  workDir: string;
  config: Config;
  outDir: string;
  /** A launched browser, or why there is none (then: no screenshots, pdfkit report). */
  browser: { ok: true; browser: Browser; version: string } | { ok: false; reason: string };
  screenshots: boolean;
  /** Console access for console screenshots (a live run only; a rebuild has none). */
  console?: ConsoleAccess | undefined;
  signer?: Signer | undefined;
  /** The previous pack, for the "changes since the previous pack" section (`--previous`). */
  previous?: PreviousPack | undefined;
  /** How the pack came to be: a live run, or a rebuild from a saved snapshot. */
  build: { kind: 'run' } | { kind: 'rebuild'; sourceSha256: string };
  toolVersion: string;
  /** Who ran it and how (operator, command line, code digest); recorded in the pack. */
  invocation: Invocation;
  /** The clock for the capture and render times (default: {@link buildClock} of the build kind). */
  clock?: (() => Date) | undefined;
  progress: Progress;
}

/** A previous pack as read by `--previous`. */
export interface PreviousPack {
  name: string;
  sha256: string;
  contents: PackContents;
}

/** The report section comparing this run with the previous pack. */
function changesSince(previous: PreviousPack, snapshot: Snapshot, evaluation: Evaluation): ChangesSection {
  const current: PackContents = {
    snapshot,
    findings: findingsDocument(snapshot, evaluation) as PackContents['findings'],
  };
  const diff = diffSnapshots(previous.contents, current);
  return {
    previousName: previous.name,
    previousSha256: previous.sha256,
    previousAsOfLabel: utcLabel(previous.contents.snapshot.collection.finishedAt),
    changed: diff.changed,
    text: formatDiff(diff),
  };
}

/** The pack written and what it found. */
export interface BuiltPack {
  written: WrittenPack;
  evaluation: Evaluation;
  renderer: 'chromium' | 'pdfkit';
  rendererReason?: string | undefined;
  pages: number;
  screenshots: ScreenshotMeta[];
  captureGaps: CaptureGap[];
}

/**
 * Evaluate, capture, render and pack one snapshot. Shared by `run` (after collection) and `pack
 * --from` (rebuild without AWS): everything here is a function of the snapshot, its raw records and
 * the config, so two rebuilds of one snapshot give the same bytes.
 */
export async function buildPack(input: BuildPackInput): Promise<BuiltPack> {
  const { snapshot, config, progress } = input;
  const asOf = new Date(snapshot.collection.finishedAt);
  const now = input.clock ?? buildClock(input.build.kind);

  progress.update({ stage: 'evaluate' });
  const evaluation = await evaluate(snapshot, config);
  progress.log(
    `evaluated ${evaluation.findings.length} results: ` +
      Object.entries(evaluation.summary.byStatus)
        .filter(([, n]) => n > 0)
        .map(([s, n]) => `${n} ${s}`)
        .join(', '),
  );

  // Said now, not only inside the pack: an exception that excepts nothing turns findings into fails.
  for (const x of evaluation.exceptions) {
    if (x.valid) continue;
    progress.log(
      `warning: exception ${x.entry.index} (bucket "${x.entry.bucket}", ${x.entry.checks.join(', ')}) is invalid ` +
        `and excepts nothing: ${x.problems.join('; ')}. Renew or correct it in the config's exceptions ` +
        `(the pack records it as a failed exceptions.valid result).`,
    );
  }

  for (const line of trustedAccountWarnings(evaluation.trustedAccounts ?? []))
    progress.log(`warning: ${line}`);

  let screenshots: ScreenshotMeta[] = [];
  let captureGaps: CaptureGap[] = [];
  let seed: string | undefined;
  let captureWindow: TimeWindow | null = null;
  const mode = input.screenshots ? config.capture.mode : 'none';
  if (mode !== 'none') {
    if (!input.browser.ok) {
      captureGaps = [{ item: 'all screenshots', reason: `no browser: ${input.browser.reason}` }];
    } else {
      const classify = makeClassifier(config.classification);
      const plan = selectCaptureTargets({
        snapshot,
        settings: {
          keyBuckets: config.capture.keyBuckets,
          maxKeyBuckets: config.capture.maxKeyBuckets,
          sampleSize: config.capture.sampleSize,
          seed: config.capture.seed,
          maxAttentionBuckets: config.capture.maxAttentionBuckets,
        },
        isSensitive: (b) => classify(b).level === 'sensitive',
        findings: evaluation.findings,
      });
      const captureStarted = now().toISOString();
      const result = await captureScreenshots({
        mode: input.console ? mode : mode === 'console' ? 'none' : 'api-view',
        plan,
        snapshot,
        workDir: input.workDir,
        browser: input.browser.browser,
        console: input.console,
        consoleUrls: config.capture.consoleUrls,
        concurrency: config.capture.concurrency,
        timeoutMs: config.capture.timeoutMs,
        findings: evaluation.findings,
        onProgress: (e) => progress.update({ stage: 'screenshots', done: e.done, total: e.total }),
      });
      screenshots = result.images;
      captureGaps = result.gaps;
      captureWindow = { startedAt: captureStarted, finishedAt: now().toISOString() };
      seed = result.seed;
      if ((mode === 'console' || mode === 'both') && !input.console) {
        captureGaps.push({
          item: 'console screenshots',
          reason:
            input.build.kind === 'rebuild'
              ? 'a rebuild does not call AWS, so the console cannot be signed in to'
              : 'console sign-in is not possible for this run',
        });
      }
      progress.log(`screenshots: ${screenshots.length} taken, ${captureGaps.length} gaps`);
    }
  }

  // Files of the pack, apart from the report (which lists their hashes) and README.txt. The large
  // generated files (snapshot, findings, CSVs) are written to the staging directory in chunks and,
  // like raw records and screenshots, hashed and zipped by streaming: a 10,000-bucket run would
  // otherwise hold well over 100 MB of their text until the pack is written.
  const generated = join(input.workDir, GENERATED_DIR);
  await mkdir(join(generated, 'findings'), { recursive: true });
  const files: { path: string; content: Buffer | string | FileSource }[] = [];
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
  for (const rel of await listFiles(input.workDir, 'raw')) {
    files.push({ path: rel, content: { file: join(input.workDir, rel) } });
  }
  for (const shot of screenshots)
    files.push({ path: shot.path, content: { file: join(input.workDir, shot.path) } });
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  const evidenceIndex: { path: string; sha256: string; bytes: number }[] = [];
  for (const f of files) evidenceIndex.push({ path: f.path, ...(await digestContent(f.content)) });
  const evidenceDigest = sha256Hex(renderSha256Sums(evidenceIndex));

  progress.update({ stage: 'render report' });
  const renderStarted = now().toISOString();
  const model = buildReportModel({
    snapshot,
    evaluation,
    config,
    evidenceIndex,
    evidenceDigest,
    screenshots: screenshots.map((s) => ({ ...s, absolutePath: join(input.workDir, s.path) })),
    renderer: input.browser.ok ? 'chromium' : 'pdfkit',
    ...(input.browser.ok ? {} : { fallbackReason: input.browser.reason }),
    toolVersion: input.toolVersion,
    provenance: {
      ...input.invocation,
      times: { collection: snapshot.collection, capture: captureWindow, renderStartedAt: renderStarted },
    },
    configDigest: `sha256:${configDigest}`,
    ...(input.previous ? { changes: changesSince(input.previous, snapshot, evaluation) } : {}),
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
      capture: captureWindow,
      render: { startedAt: renderStarted, finishedAt: now().toISOString() },
    },
  };
  progress.log(`report: ${report.pages} pages (${report.renderer})`);

  const name = packNameFor(snapshot, config);
  // What both README.txt and manifest.json say about the run.
  const about = {
    tool: snapshot.tool,
    runId: snapshot.runId,
    generatedAt: snapshot.collection.finishedAt,
    collection: snapshot.collection,
    callerIdentityArn: snapshot.caller.arn || null,
    accounts: snapshot.accounts.map((a) => a.accountId),
    regions: [...new Set(snapshot.accounts.flatMap((a) => a.regions))].sort(),
    criteria: evaluation.criteria.map((c) => c.id),
    sandbox: snapshot.sandbox,
  };

  let readme = renderPackReadme({
    ...about,
    provenance,
    configDigest: `sha256:${configDigest}`,
    evidenceDigest,
    zipName: `${name}.zip`,
    files: [...files.map((f) => f.path), 'README.txt'].sort(),
    signature: input.signer ? { algorithm: input.signer.algorithm, keyId: input.signer.keyId } : null,
  });
  readme += renderRunNotes({ renderer: report.renderer, rendererReason, captureGaps, build: input.build });
  files.push({ path: 'README.txt', content: readme });

  progress.update({ stage: 'write pack' });
  const written = await writePack({
    outDir: input.outDir,
    name,
    files,
    fixedTime: asOf,
    ...(input.signer ? { signer: input.signer } : {}),
    manifest: {
      ...about,
      configDigest: `sha256:${configDigest}`,
      extra: {
        build: input.build,
        evidenceDigest,
        operator: provenance.operator,
        commandLine: provenance.commandLine,
        toolCode: { digest: provenance.codeDigest, files: provenance.codeFiles, covers: CODE_PATHS },
        timeWindow: provenance.times,
        report: {
          renderer: report.renderer,
          pages: report.pages,
          ...(rendererReason ? { reason: rendererReason } : {}),
        },
        screenshots: screenshots.map((s) => ({
          path: s.path,
          kind: s.kind,
          source: s.source,
          capturedAt: s.capturedAt,
          account: s.account,
          region: s.region,
          resource: s.resource,
          sha256: s.sha256,
          checks: s.checks,
          criteria: s.criteria,
        })),
        captureGaps,
        ...(seed ? { captureSampleSeed: seed } : {}),
      },
    },
  });
  return {
    written,
    evaluation,
    renderer: report.renderer,
    rendererReason,
    pages: report.pages,
    screenshots,
    captureGaps,
  };
}

/** Where generated pack files are staged, under the work directory (beside `raw/`). */
const GENERATED_DIR = 'generated';

/** Write `value` as canonical JSON to `file` and return it as a file-backed pack entry. */
function jsonFile(value: unknown, file: string): FileSource {
  writeCanonicalJsonFile(value, file);
  return { file };
}

/** The name (without `.zip`) of the pack built from `snapshot`: known before any work starts. */
export function packNameFor(snapshot: Snapshot, config: Pick<Config, 'organization'>): string {
  return packName(
    packSubject(
      config.organization,
      snapshot.accounts.map((a) => a.accountId),
    ),
    new Date(snapshot.collection.finishedAt),
  );
}

/**
 * What a pack is named after: the organization's slug (`Acme Corp.` → `acme-corp`), for `run`,
 * `demo` and `pack --from` alike; when the organization has no letters or digits to slug, the
 * account id of a single-account pack (when it is a 12-digit AWS account id), else `org`.
 */
export function packSubject(organization: string, accountIds: readonly string[]): string {
  const slug = organization
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40)
    .replace(/-$/, '');
  if (slug) return slug;
  // An account id may come from a rebuilt pack: only a real 12-digit one becomes part of a file name.
  const only = accountIds.length === 1 ? accountIds[0] : undefined;
  return only !== undefined && /^\d{12}$/.test(only) ? only : 'org';
}

function renderRunNotes(info: {
  renderer: 'chromium' | 'pdfkit';
  rendererReason: string | undefined;
  captureGaps: CaptureGap[];
  build: BuildPackInput['build'];
}): string {
  const lines: string[] = ['', 'NOTES ON THIS RUN', '-----------------'];
  if (info.build.kind === 'rebuild') {
    lines.push(
      `This pack was rebuilt without calling AWS from a saved snapshot (source sha256 ${info.build.sourceSha256}).`,
    );
  }
  if (info.renderer === 'pdfkit') {
    lines.push(
      'report.pdf uses the plain layout: no browser could be used to print the full report.',
      `Reason: ${info.rendererReason ?? 'unknown'}`,
      'The content (findings, exceptions, inventories, evidence index) is the same; install Chromium for the full layout.',
    );
  } else {
    lines.push('report.pdf was printed by headless Chromium from the HTML templates.');
  }
  if (info.captureGaps.length) {
    lines.push('Screenshots that could not be taken (evidence gaps):');
    for (const g of info.captureGaps) lines.push(`  - ${g.item}: ${g.reason}`);
  }
  return `${lines.join('\n')}\n`;
}
