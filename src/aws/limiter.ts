/**
 * Bounded concurrency with additive-increase / multiplicative-decrease: at most `limit` tasks run at
 * once; a throttling answer halves the limit, successes raise it again by one per `limit` successes,
 * up to the configured maximum. Combined with the SDK's adaptive retries, throttling slows the run
 * down instead of failing it.
 */
export interface Limiter {
  /** Run `task` when a slot is free. */
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Report a throttling answer (halves the limit, never below the minimum). */
  onThrottle(): void;
  /** Report a successful attempt (slowly raises the limit back toward the maximum). */
  onSuccess(): void;
  /** Current concurrency limit. */
  readonly limit: number;
  /** Tasks running now. */
  readonly active: number;
}

/** Options of {@link createLimiter}. */
export interface LimiterOptions {
  /** Upper bound and starting limit (config `collection.concurrency`). */
  max: number;
  /** Lower bound (default 1). */
  min?: number;
}

/** Create an AIMD concurrency limiter. */
export function createLimiter(opts: LimiterOptions): Limiter {
  const max = Math.max(1, Math.floor(opts.max));
  const min = Math.max(1, Math.min(max, Math.floor(opts.min ?? 1)));
  let limit = max;
  let active = 0;
  let credit = 0;
  const waiting: (() => void)[] = [];

  function pump(): void {
    while (active < limit && waiting.length > 0) {
      active++;
      waiting.shift()?.();
    }
  }

  return {
    async run<T>(task: () => Promise<T>): Promise<T> {
      await new Promise<void>((resolve) => {
        waiting.push(resolve);
        pump();
      });
      try {
        return await task();
      } finally {
        active--;
        pump();
      }
    },
    onThrottle() {
      limit = Math.max(min, Math.floor(limit / 2));
      credit = 0;
    },
    onSuccess() {
      if (limit >= max) return;
      credit++;
      if (credit >= limit) {
        credit = 0;
        limit++;
        pump();
      }
    },
    get limit() {
      return limit;
    },
    get active() {
      return active;
    },
  };
}

/**
 * Spaces tasks at least `intervalMs` apart (start to start), one at a time: for APIs with a hard
 * request rate such as CloudTrail LookupEvents (2 per second per account and region).
 */
export interface Pacer {
  run<T>(task: () => Promise<T>): Promise<T>;
}

/** Create a {@link Pacer}. */
export function createPacer(intervalMs: number, sleep = defaultSleep): Pacer {
  let chain: Promise<unknown> = Promise.resolve();
  let lastStart = -Infinity;
  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      const result = chain.then(async () => {
        const wait = lastStart + intervalMs - Date.now();
        if (wait > 0) await sleep(wait);
        lastStart = Date.now();
        return task();
      });
      chain = result.catch(() => undefined);
      return result;
    },
  };
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
