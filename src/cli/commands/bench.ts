import { formatBenchResult } from '../../bench/format.ts';
import { runBench } from '../../bench/run-bench.ts';
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
  });
  process.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : formatBenchResult(result));
  return 0;
}
