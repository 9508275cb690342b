import type { Progress, ProgressEvent } from '../progress/progress.ts';

/** The stages a benchmark reports wall time for. */
export type BenchStage =
  'collect' | 'browser wait' | 'evaluate' | 'screenshots' | 'assemble' | 'render' | 'pack';

/** Wall time spent in one stage, in milliseconds. */
export type StageTimes = Partial<Record<BenchStage, number>>;

/**
 * Which stage a progress event or log line starts, if any. `buildPack` announces evaluate, render
 * and pack with `update`; the gaps between them (waiting for the browser after collection, reading
 * raw records and building CSVs before rendering) start at the log line that ends the stage before.
 */
export function stageOf(event: { stage?: string; line?: string }): BenchStage | undefined {
  const s = event.stage;
  if (s !== undefined) {
    if (s.startsWith('collect')) return 'collect';
    if (s === 'evaluate') return 'evaluate';
    if (s === 'screenshots') return 'screenshots';
    if (s.startsWith('render')) return 'render';
    if (s === 'write pack') return 'pack';
    return undefined;
  }
  const line = event.line ?? '';
  if (line.startsWith('collected ')) return 'browser wait';
  if (line.startsWith('evaluated ') || line.startsWith('screenshots:')) return 'assemble';
  return undefined;
}

/** A {@link Progress} that timestamps stage changes; optionally forwards to another display. */
export interface StageTimer extends Progress {
  /** Close the current stage and return the wall time per stage. */
  finish(): StageTimes;
  /** CPU time (user + system) of this process per stage, in milliseconds; valid after `finish`. */
  cpu(): StageTimes;
  /** Highest resident set size seen in each stage, in bytes (sampled); valid after `finish`. */
  peakRss(): StageTimes;
}

/** How often the resident set size is sampled. */
const RSS_SAMPLE_MS = 100;

const cpuNowMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Create a stage timer; `now` is injectable for tests. */
export function createStageTimer(
  forward?: Progress,
  now: () => number = () => performance.now(),
  cpuNow: () => number = cpuNowMs,
  rssNow: () => number = () => process.memoryUsage.rss(),
): StageTimer {
  const times: StageTimes = {};
  const cpuTimes: StageTimes = {};
  const rssPeaks: StageTimes = {};
  const sampleRss = () => {
    if (current !== undefined) rssPeaks[current] = Math.max(rssPeaks[current] ?? 0, rssNow());
  };
  const sampler = setInterval(sampleRss, RSS_SAMPLE_MS);
  sampler.unref();
  let cpuSince = cpuNow();
  // The timer is created as the run starts, and the run starts by collecting.
  let current: BenchStage | undefined = 'collect';
  let since = now();
  const enter = (stage: BenchStage | undefined) => {
    if (stage === undefined || stage === current) return;
    sampleRss();
    close();
    current = stage;
  };
  const close = () => {
    const t = now();
    const c = cpuNow();
    if (current !== undefined) {
      times[current] = (times[current] ?? 0) + (t - since);
      cpuTimes[current] = (cpuTimes[current] ?? 0) + (c - cpuSince);
    }
    since = t;
    cpuSince = c;
  };
  return {
    update(e: ProgressEvent) {
      enter(stageOf({ stage: e.stage }));
      forward?.update(e);
    },
    log(line: string) {
      enter(stageOf({ line }));
      forward?.log(line);
    },
    done() {
      forward?.done();
    },
    finish() {
      sampleRss();
      clearInterval(sampler);
      close();
      current = undefined;
      return { ...times };
    },
    cpu() {
      return { ...cpuTimes };
    },
    peakRss() {
      return { ...rssPeaks };
    },
  };
}
