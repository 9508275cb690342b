/**
 * Concurrent AWS calls per account when none is configured. At 20 ms per call the AWS SDK's own CPU
 * cost (about 1.5 ms a call on a 2-vCPU runner) saturates a core beyond ~13 calls in flight, so more
 * would only queue inside the process; README "Performance" has the measurements.
 */
export const DEFAULT_CONCURRENCY = 12;
