import { availableParallelism } from 'node:os';

/**
 * Concurrent AWS calls per account when none is configured. At 20 ms per call the AWS SDK's own CPU
 * cost (about 1.5 ms a call on a 2-vCPU runner) saturates a core beyond ~13 calls in flight, so more
 * would only queue inside the process; README "Performance" has the measurements.
 */
export const DEFAULT_CONCURRENCY = 12;

/** Calls in flight per CPU core the run-wide cap allows by default (see {@link defaultGlobalConcurrency}). */
export const GLOBAL_CONCURRENCY_PER_CORE = 12;

/**
 * Concurrent AWS calls over all accounts of a run when `collection.globalConcurrency` is not set:
 * {@link GLOBAL_CONCURRENCY_PER_CORE} per core `os.availableParallelism()` reports, at least
 * {@link DEFAULT_CONCURRENCY} and at most 256. Each account keeps its own limit
 * (`collection.concurrency`) under this cap: with hundreds of accounts the per-account limits add up
 * to thousands of calls, far more than one process can prepare and parse (about 1.5 ms of CPU a
 * call), so they would only queue in the process. On one core this is the per-account default, so
 * a single-account run is unchanged.
 */
export function defaultGlobalConcurrency(cores: number = availableParallelism()): number {
  return Math.min(256, Math.max(DEFAULT_CONCURRENCY, GLOBAL_CONCURRENCY_PER_CORE * Math.max(1, cores)));
}
