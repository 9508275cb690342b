import { launchBrowser } from '../../browser/launch.ts';
import { removeStalePartials } from '../../pack/write-pack.ts';
import type { Progress } from '../../progress/progress.ts';
import type { Snapshot } from '../../snapshot/model.ts';
import { prepareOutputDir, undoOutputDir } from '../output-dir.ts';
import { createWorkDir, removeStaleWorkDirs, removeWorkDir } from '../workdir.ts';
import type { PipelineBrowser } from './capture.ts';

/** What every stage after the source runs with: the staging folder, the browser, where packs go. */
export interface StageContext {
  /** Staging directory holding `raw/` (and receiving `screenshots/` and the generated files). */
  workDir: string;
  /** A launched browser, or why there is none (then: no screenshots, pdfkit report). */
  browser: PipelineBrowser;
  outDir: string;
  progress: Progress;
}

/** The frame every pipeline runs in: where it writes, and how to get its snapshot. */
export interface StagedRunInput<S extends { snapshot: Snapshot }, T> {
  outDir: string;
  /** Accept an output folder the tool did not create (see `prepareOutputDir`). */
  forceOutputDir: boolean;
  /** Names the staging directory (`.work-<runId>-…`). */
  runId: string;
  /** The browser's configured path (`browser.executablePath`), if any. */
  browserPath: string | undefined;
  /** False: the stages need no browser (a shard without console screenshots); none is launched. */
  browserNeeded?: boolean | undefined;
  progress: Progress;
  /** Stage "collect | load": fill `workDir/raw/` and return the snapshot (and what else it made). */
  source(workDir: string): Promise<S>;
  /** The stages that follow (evaluate → capture → render → pack, and anything after). */
  build(sourced: S, stage: StageContext): Promise<T>;
  /**
   * Release what the source stage holds open (e.g. the collection's clients), after the build and
   * before the work directory is removed; also called when the source stage itself failed.
   */
  release?: (() => Promise<void>) | undefined;
}

/**
 * The skeleton `run`, `run --shard`, `pack --from` and `merge` share: prepare the output folder (clearing what an earlier,
 * interrupted run left), stage in a fresh work directory, get the snapshot, launch the browser —
 * after the source stage: Playwright's async-context tracking would otherwise tax every one of the
 * collection's promises — run the remaining stages, then close the browser exactly once, release the
 * source's resources and remove the work directory, whatever happens.
 */
export async function stagedRun<S extends { snapshot: Snapshot }, T>(
  input: StagedRunInput<S, T>,
): Promise<T> {
  const prepared = await prepareOutputDir(input.outDir, { force: input.forceOutputDir });
  await removeStalePartials(input.outDir).catch(() => []);
  await removeStaleWorkDirs(input.outDir).catch(() => []);
  const workDir = await createWorkDir(input.outDir, input.runId);
  let launching: ReturnType<typeof launchBrowser> | undefined;
  let produced = false;
  try {
    const sourced = await input.source(workDir);
    if (input.browserNeeded === false) {
      const built = await input.build(sourced, {
        workDir,
        browser: { ok: false, reason: 'not needed' },
        outDir: input.outDir,
        progress: input.progress,
      });
      produced = true;
      return built;
    }
    launching = launchBrowser({ configured: input.browserPath });
    const launched = await launching;
    if (!launched.ok)
      input.progress.log(`no browser: ${launched.reason} — using the plain PDF layout, no screenshots`);
    const built = await input.build(sourced, {
      workDir,
      browser: launched.ok ? { ok: true, browser: launched.browser, version: launched.version } : launched,
      outDir: input.outDir,
      progress: input.progress,
    });
    produced = true;
    return built;
  } finally {
    const launched = await launching?.catch(() => undefined);
    if (launched?.ok) await launched.browser.close().catch(() => undefined);
    await input.release?.().catch(() => undefined);
    await removeWorkDir(workDir);
    // A run that failed before its pack leaves the output folder as it found it.
    if (!produced) await undoOutputDir(prepared).catch(() => undefined);
  }
}
