import { formatBenchResult } from '../../bench/format.ts';
import { runBench } from '../../bench/run-bench.ts';
import { formatShardBench, runShardBench } from '../../bench/shards.ts';
import { usageError } from '../errors.ts';
import { silentProgress } from '../../progress/progress.ts';
import { createProgress } from '../progress.ts';

/** Options of `evidence-pack bench` (as parsed by commander in main.ts). */
export interface BenchCommandOptions {
  buckets: number;
  regions: number;
  latency: number;
  concurrency?: number | undefined;
  faults?: boolean | undefined;
  screenshots?: boolean | undefined;
  json?: boolean | undefined;
  /** An organization of N member accounts (`--accounts`). */
  accounts?: number | undefined;
  globalConcurrency?: number | undefined;
  /** Also run the organization as this many shard processes, then merge (`--shards`). */
  shards?: number | undefined;
  /** A quarter of history: time the period collection against its lower bound. */
  period?: boolean | undefined;
}

/**
 * `evidence-pack bench`: run the pipeline against a generated sandbox in a separate process and
 * print the figures (API calls, wall time per stage, lower bound, peak RSS, pack size, pages).
 */
export async function benchCommand(opts: BenchCommandOptions): Promise<number> {
  if (!Number.isInteger(opts.buckets) || !Number.isInteger(opts.regions) || opts.regions < 1) {
    throw usageError('--buckets and --regions must be whole numbers (regions at least 1)');
  }
  if (
    opts.concurrency !== undefined &&
    (!Number.isInteger(opts.concurrency) || opts.concurrency < 1 || opts.concurrency > 256)
  ) {
    throw usageError('--concurrency must be a whole number from 1 to 256');
  }
  validateOrganizationOptions(opts);
  const json = opts.json === true;
  const result = await runBench({
    buckets: opts.buckets,
    regions: opts.regions,
    latencyMs: opts.latency,
    concurrency: opts.concurrency,
    faults: opts.faults === true,
    screenshots: opts.screenshots === true,
    period: opts.period === true,
    progress: json ? silentProgress : createProgress(process.stderr),
    accounts: opts.accounts,
    globalConcurrency: opts.globalConcurrency,
  });
  if (opts.shards !== undefined && opts.accounts !== undefined) {
    // The one-process figures first: the sharded run that follows takes as long again.
    if (!json) process.stdout.write(formatBenchResult(result));
    const sharded = await runShardBench({
      accounts: opts.accounts,
      buckets: opts.buckets,
      regions: opts.regions,
      latencyMs: opts.latency,
      shards: opts.shards,
      screenshots: opts.screenshots === true,
      concurrency: opts.concurrency,
      globalConcurrency: opts.globalConcurrency,
      oneProcessCollectMs: result.stagesMs.collect ?? 0,
      oneProcessTotalMs: result.totalMs,
      log: json ? () => undefined : (line) => process.stderr.write(`${line}\n`),
    });
    process.stdout.write(
      json ? `${JSON.stringify({ ...result, sharded }, null, 2)}\n` : formatShardBench(sharded),
    );
    return 0;
  }
  process.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : formatBenchResult(result));
  return 0;
}

/** `--accounts`, `--global-concurrency` and `--shards`: whole numbers in range; shards need accounts. */
function validateOrganizationOptions(opts: BenchCommandOptions): void {
  const whole = (v: number | undefined, min: number, max: number) =>
    v === undefined || (Number.isInteger(v) && v >= min && v <= max);
  if (!whole(opts.accounts, 1, 10_000)) throw usageError('--accounts must be a whole number from 1 to 10000');
  if (!whole(opts.globalConcurrency, 1, 1024))
    throw usageError('--global-concurrency must be a whole number from 1 to 1024');
  if (!whole(opts.shards, 1, 256)) throw usageError('--shards must be a whole number from 1 to 256');
  if (opts.period === true && opts.accounts !== undefined)
    throw usageError('--period runs on one account: use it without --accounts');
  if (opts.shards !== undefined && opts.accounts === undefined)
    throw usageError('--shards needs --accounts (shards split an organization by account)');
  if (opts.shards !== undefined && opts.accounts !== undefined && opts.shards > opts.accounts + 1)
    throw usageError('--shards must not exceed the accounts (members and the management account)');
}
