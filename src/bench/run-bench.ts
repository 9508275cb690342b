import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../config/load.ts';
import type { CallStats } from '../aws/client-factory.ts';
import type { Progress } from '../progress/progress.ts';
import { runEvidencePack } from '../pipeline/run.ts';
import type { SandboxStats } from '../sandbox/faults.ts';
import { BENCH_FAULTS, getStats, resetStats, setFaults } from './admin-client.ts';
import { readPackContents, retryFigures, snapshotGaps } from './pack-contents.ts';
import { SANDBOX_CREDENTIALS, startSandboxProcess } from './sandbox-process.ts';
import { createStageTimer, type StageTimes } from './stage-timer.ts';
import { sandboxLink } from '../sandbox/console/urls.ts';
import { lowerBounds, type LowerBounds } from './bounds.ts';
import { CALIBRATION_WARMUP_CALLS, calibrateSdk, type SdkCalibration } from './calibrate.ts';
import { replayInChild, sampleReplayCalls, type SdkReplay } from './sdk-replay.ts';
import { benchConfigInput, calibrationTarget } from './organization.ts';
import { generateScenario } from '../sandbox/scenarios/generated.ts';
import { ORGANIZATION_ACCESS_ROLE } from '../sandbox/services/organizations.ts';
import { USER_AGENT } from '../version.ts';
import {
  measureSdkCpuPerCall,
  periodBenchSetup,
  periodFigures,
  startProcessSampler,
  type PeriodFigures,
} from './period.ts';

/** Parameters of one benchmark run. */
export interface BenchOptions {
  buckets: number;
  regions: number;
  latencyMs: number;
  /** Collection concurrency; default: the config default. */
  concurrency?: number | undefined;
  faults: boolean;
  screenshots: boolean;
  /** Where the pipeline's own progress goes (besides the stage timer). */
  progress?: Progress | undefined;
  /** An organization run: this many member accounts share the buckets (`--accounts`). */
  accounts?: number | undefined;
  /** The run-wide cap on calls in flight (`collection.globalConcurrency`); default: the config default. */
  globalConcurrency?: number | undefined;
  /** A quarter of AWS Config history and CloudTrail events, collected with `period` set. */
  period?: boolean | undefined;
}

/** Everything a benchmark run measured. */
export interface BenchResult {
  params: {
    buckets: number;
    regions: number;
    latencyMs: number;
    concurrency: number;
    faults: boolean;
    screenshots: boolean;
  };
  /** Sandbox counters at the end of collection (setup excluded). */
  collectionStats: SandboxStats;
  /** Sandbox counters at the end of the run (screenshot sign-in calls included). */
  totalStats: SandboxStats;
  stagesMs: StageTimes;
  /** CPU time of this process per stage: near the wall time means the stage is CPU-bound here. */
  stagesCpuMs: StageTimes;
  /** Highest resident set size of this process seen in each stage, in bytes (sampled every 100 ms). */
  stagesPeakRss: StageTimes;
  /** CPU time the sandbox process spent serving the collection (Linux only). */
  sandboxCollectCpuMs?: number | undefined;
  totalMs: number;
  /** calls × latency ÷ concurrency: collection cannot be faster than this. */
  lowerBoundMs: number;
  /** Collection wall time ÷ lower bound. */
  collectRatio: number;
  /** The lower bound without the failed (fault-injected) requests: what a fault-free run needs. */
  faultFreeLowerBoundMs: number;
  /** Collection wall time ÷ fault-free lower bound. */
  faultFreeRatio: number;
  /** Calls, retries, backoff and limiter slot use of the collection, as the client factory counted them. */
  calls?: CallStats | undefined;
  peakRssKb: number;
  pack: { bytes: number; files: number; pages: number; renderer: string; screenshots: number };
  inventory: { buckets: number };
  recorded: ReturnType<typeof retryFigures>;
  gaps: { total: number; byErrorCode: Record<string, number> };
  findings: Record<string, number>;
  /** Member accounts of the generated organization (absent: one account). */
  accounts?: number | undefined;
  /** Accounts in the snapshot (read or not) and how many were read. */
  snapshotAccounts?: { total: number; read: number } | undefined;
  /** The SDK's CPU cost per call on this machine, measured before the run. */
  calibration?: SdkCalibration | undefined;
  /**
   * The bare SDK making the collection's own calls again (a sample of whole accounts, one client
   * per account, service and region, in a fresh process): the CPU bound's cost per call.
   */
  replay?: SdkReplay | undefined;
  /** The lower bounds with the single-client calibration instead of the replay (for comparison). */
  boundsSingleClient?: (LowerBounds & { ratio: number }) | undefined;
  /** The busiest account's, the global cap's and the CPU's lower bounds, and the ratio to the largest. */
  bounds?: (LowerBounds & { ratio: number }) | undefined;
  /** With `period`: the period collection's calls, time, lower bound and verdicts. */
  period?: PeriodFigures | undefined;
}

/**
 * Recorded calls the SDK replay makes again, measured after {@link CALIBRATION_WARMUP_CALLS} of
 * them: whole accounts, so each client serves as many calls as in the collection.
 */
const REPLAY_SAMPLE_CALLS = 15_000;

/** The seed of the benchmark's fault rules, so two runs meet the same faults. */
const FAULT_SEED = 42;

/**
 * Run one benchmark: a `generated` sandbox of N buckets over R regions in a child process (so its
 * CPU and memory are not measured as ours), optional faults, then the whole pipeline in-process.
 */
export async function runBench(opts: BenchOptions): Promise<BenchResult> {
  const periodSetup = opts.period ? periodBenchSetup(opts.buckets, opts.regions) : undefined;
  const load = validateConfig({
    ...benchConfigInput(opts),
    ...(periodSetup ? { period: periodSetup.period } : {}),
  });
  if (!load.ok) throw new Error(`invalid bench config: ${load.errors.join('; ')}`);
  const config = load.config;
  const outDir = await mkdtemp(join(tmpdir(), 'evidence-pack-bench-'));
  const sandbox = await startSandboxProcess({ ...opts, scenario: periodSetup?.scenario });
  const onSignal = () => {
    void sandbox.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const calibration = await calibrateSdk({
      url: sandbox.url,
      credentials: SANDBOX_CREDENTIALS,
      ...calibrationTarget(opts),
    });
    if (opts.faults) await setFaults(sandbox.url, BENCH_FAULTS, FAULT_SEED);
    // Before the counters are reset: the SDK's own CPU per history page, for the CPU bound.
    const sdkCpu = periodSetup
      ? await measureSdkCpuPerCall(
          sandbox.url,
          SANDBOX_CREDENTIALS,
          (
            generateScenario({ buckets: Math.min(opts.buckets, 50), regions: opts.regions }).buckets ?? []
          ).map((b) => ({ bucket: b.name, region: b.region ?? 'us-east-1' })),
          periodSetup.period,
        )
      : undefined;
    await resetStats(sandbox.url);
    let collectionStats: Promise<SandboxStats> | undefined;
    let sandboxCpuAtCollection: Promise<number | undefined> | undefined;
    const sandboxCpuAtStart = await sandbox.cpuMs();
    const timer = createStageTimer({
      update: (e) => opts.progress?.update(e),
      log: (line) => {
        // Counted the moment collection ends, before screenshots sign in to the console.
        if (line.startsWith('collected ')) {
          collectionStats = getStats(sandbox.url);
          sandboxCpuAtCollection = sandbox.cpuMs();
        }
        opts.progress?.log(line);
      },
      done: () => opts.progress?.done(),
    });
    let calls: CallStats | undefined;
    const sampler = periodSetup ? startProcessSampler() : undefined;
    const started = performance.now();
    const built = await runEvidencePack({
      onCollected: (stats) => {
        calls = stats;
      },
      config,
      outDir,
      endpointUrl: sandbox.url,
      credentials: SANDBOX_CREDENTIALS,
      screenshots: opts.screenshots,
      sandbox: sandboxLink(sandbox.url),
      progress: timer,
    });
    const totalMs = performance.now() - started;
    const stagesMs = timer.finish();
    sampler?.stop();
    const peakRssKb = process.resourceUsage().maxRSS;
    const totalStats = await getStats(sandbox.url);
    const atCollection = (await collectionStats) ?? totalStats;
    const sandboxCpuEnd = await sandboxCpuAtCollection;
    const sandboxCollectCpuMs =
      sandboxCpuEnd !== undefined && sandboxCpuAtStart !== undefined
        ? sandboxCpuEnd - sandboxCpuAtStart
        : undefined;

    const contents = await readPackContents(built.written.zipPath);
    // Not under faults: the replay would meet them too and measure retries, not the SDK's cost.
    const replay =
      calls && !opts.faults
        ? await replayInChild(sampleReplayCalls(contents.calls, REPLAY_SAMPLE_CALLS), {
            url: sandbox.url,
            credentials: SANDBOX_CREDENTIALS,
            callerAccountId: contents.snapshot.caller.accountId,
            roleName: opts.accounts !== undefined ? ORGANIZATION_ACCESS_ROLE : undefined,
            concurrency: calls.globalLimit,
            warmupCalls: CALIBRATION_WARMUP_CALLS,
            userAgent: USER_AGENT,
          })
        : undefined;
    const gaps = snapshotGaps(contents.snapshot);
    const byErrorCode: Record<string, number> = {};
    for (const g of gaps) byErrorCode[g.gap.errorCode] = (byErrorCode[g.gap.errorCode] ?? 0) + 1;
    const concurrency = config.collection.concurrency;
    const lowerBoundMs = (atCollection.total * opts.latencyMs) / concurrency;
    const injected = Object.values(atCollection.faults).reduce((a, b) => a + b, 0);
    const faultFreeLowerBoundMs = ((atCollection.total - injected) * opts.latencyMs) / concurrency;
    const collectMs = stagesMs.collect ?? 0;
    const boundsAt = (stats: CallStats, cpuMsPerCall: number) =>
      withRatio(
        lowerBounds({ stats, calls: atCollection.total, latencyMs: opts.latencyMs, cpuMsPerCall, cores: 1 }),
        collectMs,
      );
    return {
      params: {
        buckets: opts.buckets,
        regions: opts.regions,
        latencyMs: opts.latencyMs,
        concurrency,
        faults: opts.faults,
        screenshots: opts.screenshots,
      },
      collectionStats: atCollection,
      totalStats,
      stagesMs,
      stagesCpuMs: timer.cpu(),
      stagesPeakRss: timer.peakRss(),
      sandboxCollectCpuMs,
      totalMs,
      lowerBoundMs,
      collectRatio: lowerBoundMs > 0 ? collectMs / lowerBoundMs : Number.NaN,
      faultFreeLowerBoundMs,
      faultFreeRatio: faultFreeLowerBoundMs > 0 ? collectMs / faultFreeLowerBoundMs : Number.NaN,
      calls,
      peakRssKb,
      pack: {
        bytes: built.written.bytes,
        files: built.written.fileCount,
        pages: built.pages,
        renderer: built.renderer,
        screenshots: built.screenshots.length,
      },
      inventory: { buckets: contents.snapshot.accounts.reduce((n, a) => n + a.buckets.length, 0) },
      recorded: retryFigures(contents.calls),
      gaps: { total: gaps.length, byErrorCode },
      findings: { ...built.evaluation.summary.byStatus },
      ...(opts.accounts !== undefined ? { accounts: opts.accounts } : {}),
      snapshotAccounts: {
        total: contents.snapshot.organization?.accounts.length ?? contents.snapshot.accounts.length,
        read: contents.snapshot.accounts.length,
      },
      calibration,
      replay,
      ...(calls
        ? {
            bounds: boundsAt(calls, replay?.cpuMsPerCall ?? calibration.cpuMsPerCall),
            boundsSingleClient: boundsAt(calls, calibration.cpuMsPerCall),
          }
        : {}),
      ...(periodSetup && sampler && sdkCpu
        ? {
            period: periodFigures({
              calls: contents.calls,
              sampler,
              latencyMs: opts.latencyMs,
              concurrency,
              sdkCpuMsPerCall: sdkCpu.cpuMsPerCall,
              period: periodSetup.period,
              evaluation: built.evaluation.period,
              inventoryBuckets: contents.snapshot.accounts.reduce((n, a) => n + a.buckets.length, 0),
            }),
          }
        : {}),
    };
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await sandbox.stop();
    await rm(outDir, { recursive: true, force: true });
  }
}

function withRatio(b: LowerBounds, collectMs: number): LowerBounds & { ratio: number } {
  return { ...b, ratio: b.ms > 0 ? collectMs / b.ms : Number.NaN };
}
