import type { Browser } from 'playwright-core';
import {
  captureScreenshots,
  type CarriedConsole,
  type CaptureGap,
  type ScreenshotMeta,
} from '../../capture/capture.ts';
import type { ConsoleAccess } from '../../capture/console.ts';
import { selectCaptureTargets } from '../../capture/select.ts';
import type { ConsoleObservation } from '../../evaluate/console-cross-checks.ts';
import type { Evaluation } from '../../evaluate/types.ts';
import type { Config } from '../../config/schema.ts';
import { makeClassifier } from '../../evaluate/classify.ts';
import type { Snapshot } from '../../snapshot/model.ts';
import type { Progress } from '../../progress/progress.ts';
import type { TimeWindow } from '../../provenance/provenance.ts';

/** A launched browser, or why there is none (then: no screenshots, pdfkit report). */
export type PipelineBrowser = { ok: true; browser: Browser; version: string } | { ok: false; reason: string };

/** What the capture stage needs. */
export interface CaptureInput {
  snapshot: Snapshot;
  evaluation: Evaluation;
  config: Config;
  /** Staging directory receiving `screenshots/`. */
  workDir: string;
  browser: PipelineBrowser;
  /** False: take no screenshots whatever the config says (`--no-screenshots`). */
  screenshots: boolean;
  /** Console access for console screenshots (a live run only; a rebuild has none). */
  console?: ConsoleAccess | undefined;
  /** Console screenshots taken in the shards of a sharded run (`merge`), carried in. */
  carried?: CarriedConsole | undefined;
  /** Take the console screenshots only (a shard: the API views are taken by the merge). */
  consoleOnly?: boolean | undefined;
  /** The sample's seed when not `capture.seed` (default: derived from the run id). */
  seed?: string | undefined;
  buildKind: 'run' | 'rebuild';
  clock: () => Date;
  progress: Progress;
}

/** The screenshots taken, those that could not be, and when. */
export interface Captured {
  images: ScreenshotMeta[];
  gaps: CaptureGap[];
  /** What the captured console pages showed about known settings, in image order (for the cross-checks). */
  observations: ConsoleObservation[];
  /** The seed of the sampled buckets, when screenshots were taken. */
  seed?: string | undefined;
  /** When capture ran; null when nothing was captured. */
  window: TimeWindow | null;
}

/** Stage "capture": plan the screenshots from the findings and take them. */
export async function captureStage(input: CaptureInput): Promise<Captured> {
  const { snapshot, evaluation, config, progress } = input;
  const configured = input.screenshots ? config.capture.mode : 'none';
  const mode = input.consoleOnly
    ? configured === 'both' || configured === 'console'
      ? 'console'
      : 'none'
    : configured;
  if (mode === 'none') return { images: [], gaps: [], observations: [], window: null };
  if (!input.browser.ok)
    return {
      images: [],
      gaps: [{ item: 'all screenshots', reason: `no browser: ${input.browser.reason}` }],
      observations: [],
      window: null,
    };
  const classify = makeClassifier(config.classification);
  const plan = selectCaptureTargets({
    snapshot,
    settings: {
      keyBuckets: config.capture.keyBuckets,
      maxKeyBuckets: config.capture.maxKeyBuckets,
      sampleSize: config.capture.sampleSize,
      seed: config.capture.seed ?? input.seed,
      maxAttentionBuckets: config.capture.maxAttentionBuckets,
      maxAccounts: config.capture.maxAccounts,
    },
    isSensitive: (b) => classify(b).level === 'sensitive',
    findings: evaluation.findings,
  });
  const startedAt = input.clock().toISOString();
  const consoleReachable = Boolean(input.console ?? input.carried);
  const result = await captureScreenshots({
    mode: consoleReachable ? mode : mode === 'console' ? 'none' : 'api-view',
    plan,
    snapshot,
    workDir: input.workDir,
    browser: input.browser.browser,
    console: input.console,
    carried: input.carried,
    consoleUrls: config.capture.consoleUrls,
    concurrency: config.capture.concurrency,
    timeoutMs: config.capture.timeoutMs,
    findings: evaluation.findings,
    onProgress: (e) => progress.update({ stage: 'screenshots', done: e.done, total: e.total }),
  });
  // Carried console images were captured earlier (in the shards): the window starts with the first.
  const earliest = result.images.map((i) => (i.kind === 'console' ? i.capturedAt : startedAt)).sort()[0];
  const window = {
    startedAt: earliest !== undefined && earliest < startedAt ? earliest : startedAt,
    finishedAt: input.clock().toISOString(),
  };
  const gaps = result.gaps;
  if ((mode === 'console' || mode === 'both') && !consoleReachable) {
    gaps.push({
      item: 'console screenshots',
      reason:
        input.buildKind === 'rebuild'
          ? 'a rebuild does not call AWS, so the console cannot be signed in to'
          : 'console sign-in is not possible for this run',
    });
  }
  progress.log(`screenshots: ${result.images.length} taken, ${gaps.length} gaps`);
  const observations = result.images.flatMap((i) => i.observations ?? []);
  return { images: result.images, gaps, observations, seed: result.seed, window };
}
