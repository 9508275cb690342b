import type { CaptureGap, CarriedConsole, ScreenshotMeta } from '../capture/capture.ts';
import type { ConsoleAccess } from '../capture/console.ts';
import type { Evaluation } from '../evaluate/types.ts';
import type { Config } from '../config/schema.ts';
import type { Signer } from '../pack/sign.ts';
import type { WrittenPack } from '../pack/write-pack.ts';
import type { Snapshot } from '../snapshot/model.ts';
import type { Progress } from '../progress/progress.ts';
import { findingsDocument } from '../evaluate/findings-json.ts';
import { diffSnapshots, formatDiff } from '../diff/diff-packs.ts';
import type { PackContents } from '../diff/types.ts';
import { utcLabel } from '../render/cells.ts';
import type { ChangesSection } from '../render/report-model.ts';
import { buildClock, currentInvocation, type Invocation } from '../provenance/provenance.ts';
import { TOOL_VERSION } from '../version.ts';
import { withConsoleCrossChecks } from '../evaluate/console-cross-checks.ts';
import { evaluateStage } from './stages/evaluate.ts';
import { captureStage, type PipelineBrowser } from './stages/capture.ts';
import { renderStage } from './stages/render.ts';
import { packStage, type BuildKind } from './stages/pack.ts';

export { packNameFor, packSubject } from './stages/pack.ts';

/** What {@link buildPack} needs: a snapshot and its raw records in `workDir/raw/`. */
export interface BuildPackInput {
  snapshot: Snapshot;
  /** Staging directory holding `raw/` (and receiving `screenshots/`). */
  workDir: string;
  config: Config;
  outDir: string;
  /** A launched browser, or why there is none (then: no screenshots, pdfkit report). */
  browser: PipelineBrowser;
  screenshots: boolean;
  /** Console access for console screenshots (a live run only; a rebuild has none). */
  console?: ConsoleAccess | undefined;
  /** Console screenshots taken in the shards, carried in (`merge`). */
  carried?: CarriedConsole | undefined;
  /** The capture sample's seed when the config sets none (`merge`: the plan's, as in the shards). */
  captureSeed?: string | undefined;
  signer?: Signer | undefined;
  /** The previous pack, for the "changes since the previous pack" section (`--previous`). */
  previous?: PreviousPack | undefined;
  /** How the pack came to be: a live run, a rebuild from a saved snapshot, or a merge of shards. */
  build: BuildKind;
  /** Default: this tool's version. */
  toolVersion?: string | undefined;
  /** Who ran it and how (operator, command line, code digest); default: this process's. */
  invocation?: Invocation | undefined;
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
 * The stages after the snapshot is in hand — evaluate → capture → render → pack — shared by `run`
 * (after collection) and `pack --from` (after loading a saved pack). Everything here is a function
 * of the snapshot, its raw records, the config and the clock, so two rebuilds of one snapshot give
 * the same bytes.
 */
export async function buildPack(input: BuildPackInput): Promise<BuiltPack> {
  const { snapshot, config, progress } = input;
  const clock = input.clock ?? buildClock(input.build.kind === 'rebuild' ? 'rebuild' : 'run');
  const evaluated = await evaluateStage(snapshot, config, progress);
  const captured = await captureStage({
    snapshot,
    evaluation: evaluated,
    config,
    workDir: input.workDir,
    browser: input.browser,
    screenshots: input.screenshots,
    console: input.console,
    carried: input.carried,
    seed: input.captureSeed,
    buildKind: input.build.kind === 'rebuild' ? 'rebuild' : 'run',
    clock,
    progress,
  });
  // What the console pages showed is set against the reads: a denied read whose value a page shows
  // is a contradiction the report and findings.json must carry.
  const evaluation = withConsoleCrossChecks(evaluated, snapshot, captured.observations);
  const rendered = await renderStage({
    snapshot,
    evaluation,
    config,
    workDir: input.workDir,
    captured,
    browser: input.browser,
    toolVersion: input.toolVersion ?? TOOL_VERSION,
    invocation: input.invocation ?? currentInvocation(),
    changes: input.previous ? changesSince(input.previous, snapshot, evaluation) : undefined,
    clock,
    progress,
  });
  const written = await packStage({
    snapshot,
    evaluation,
    config,
    captured,
    rendered,
    outDir: input.outDir,
    signer: input.signer,
    build: input.build,
    progress,
  });
  return {
    written,
    evaluation,
    renderer: rendered.report.renderer,
    rendererReason: rendered.report.rendererReason,
    pages: rendered.report.pages,
    screenshots: captured.images,
    captureGaps: captured.gaps,
  };
}
