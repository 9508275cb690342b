import { launchBrowser } from '../../browser/launch.ts';
import { removeStalePartials } from '../../pack/write-pack.ts';
import type { Progress } from '../../progress/progress.ts';
import type { Snapshot } from '../../snapshot/model.ts';
import { prepareOutputDir } from '../output-dir.ts';
import { createWorkDir, removeStaleWorkDirs, removeWorkDir } from '../workdir.ts';
import type { PipelineBrowser } from './capture.ts';

/** The frame every pipeline runs in: where it writes, and how to get its snapshot. */
export interface StagedRunInput<S extends { snapshot: Snapshot }, T> {
  outDir: string;
  /** Accept an output folder the tool did not create (see `prepareOutputDir`). */
  forceOutputDir: boolean;
  /** Names the staging directory (`.work-<runId>-…`). */
  runId: string;
  /** The browser's configured path (`browser.executablePath`), if any. */
  browserPath: string | undefined;
  progress: Progress;
  /** Stage "collect | load": fill `workDir/raw/` and return the snapshot (and what else it made). */
  source(workDir: string): Promise<S>;
  /** The stages that follow (evaluate → capture → render → pack, and anything after). */
  build(sourced: S, workDir: string, browser: PipelineBrowser): Promise<T>;
  /**
   * Release what the source stage holds open (e.g. the collection's clients), after the build and
   * before the work directory is removed; also called when the source stage itself failed.
   */
  release?: (() => Promise<void>) | undefined;
}

/**
 * The skeleton `run` and `pack --from` share: prepare the output folder (clearing what an earlier,
 * interrupted run left), stage in a fresh work directory, get the snapshot, launch the browser —
 * after the source stage: Playwright's async-context tracking would otherwise tax every one of the
 * collection's promises — run the remaining stages, then close the browser exactly once, release the
 * source's resources and remove the work directory, whatever happens.
 */
export async function stagedRun<S extends { snapshot: Snapshot }, T>(
  input: StagedRunInput<S, T>,
): Promise<T> {
  await prepareOutputDir(input.outDir, { force: input.forceOutputDir });
  await removeStalePartials(input.outDir).catch(() => []);
  await removeStaleWorkDirs(input.outDir).catch(() => []);
  const workDir = await createWorkDir(input.outDir, input.runId);
  let launching: ReturnType<typeof launchBrowser> | undefined;
  try {
    const sourced = await input.source(workDir);
    launching = launchBrowser({ configured: input.browserPath });
    const launched = await launching;
    if (!launched.ok)
      input.progress.log(`no browser: ${launched.reason} — using the plain PDF layout, no screenshots`);
    return await input.build(
      sourced,
      workDir,
      launched.ok ? { ok: true, browser: launched.browser, version: launched.version } : launched,
    );
  } finally {
    const launched = await launching?.catch(() => undefined);
    if (launched?.ok) await launched.browser.close().catch(() => undefined);
    await input.release?.().catch(() => undefined);
    await removeWorkDir(workDir);
  }
}
