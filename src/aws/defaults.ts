import { availableParallelism } from 'node:os';

/**
 * Concurrent AWS calls per account when none is configured. At 20 ms per call the AWS SDK's own CPU
 * cost (about 1.5 ms a call on a 2-vCPU runner) saturates a core beyond ~13 calls in flight, so more
 * would only queue inside the process; README "Performance" has the measurements.
 */
export const DEFAULT_CONCURRENCY = 12;

/**
 * Calls in flight per CPU core the run-wide cap allows by default (see {@link defaultGlobalConcurrency}).
 * To keep the process's one JavaScript thread busy, the calls in flight must cover the latency:
 * latency ÷ CPU per call, ~17 at 20 ms and ~1.2 ms a call, and more at AWS's usual 30–60 ms. With
 * 12 per core (24 on two) each attempt held its slot ~32 ms against the sandbox's 20 ms and the
 * thread still waited; with 24 per core (48), the 200-account bench's collection took 99 s instead
 * of 113 s (README "Performance").
 */
export const GLOBAL_CONCURRENCY_PER_CORE = 24;

/**
 * Concurrent AWS calls over all accounts of a run when `collection.globalConcurrency` is not set:
 * {@link GLOBAL_CONCURRENCY_PER_CORE} per core `os.availableParallelism()` reports, at least
 * {@link DEFAULT_CONCURRENCY} and at most 256. Each account keeps its own limit
 * (`collection.concurrency`) under this cap: with hundreds of accounts the per-account limits add up
 * to thousands of calls, far more than one process can prepare and parse (about 1–1.5 ms of CPU a
 * call), so they would only queue in the process. A single-account run is bounded by its own limit.
 */
export function defaultGlobalConcurrency(cores: number = availableParallelism()): number {
  return Math.min(256, Math.max(DEFAULT_CONCURRENCY, GLOBAL_CONCURRENCY_PER_CORE * Math.max(1, cores)));
}
