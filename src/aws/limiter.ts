/**
 * Bounded concurrency with additive-increase / multiplicative-decrease: at most `limit` tasks run at
 * once. Sustained throttling (more than a quarter of recent answers) halves the limit, at most once
 * per round trip (the typical task duration, as in TCP: the other throttles of that round answer
 * requests sent before the cut); successes raise it again by one per `limit` successes, up to the
 * configured maximum. Sporadic throttles are left to the SDK's retries (exponential backoff with
 * jitter): halving on each of them collapses throughput to a few calls in flight without lowering
 * the throttle rate (README "Performance" has the measurements). Either way throttling slows the
 * run down instead of failing it.
 */
export interface Limiter {
  /** Run `task` when a slot is free. */
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Report a throttled attempt (sustained throttling halves the limit, never below the minimum). */
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
  /** Clock in milliseconds (tests). */
  now?: () => number;
}

/** Weight of the newest task in the running average of task durations. */
const ROUND_WEIGHT = 0.1;

/** Weight of the newest answer in the running share of throttled answers. */
const THROTTLE_WEIGHT = 0.05;

/** Share of throttled answers above which throttling is sustained and the limit is cut. */
const SUSTAINED_THROTTLING = 0.25;

/** Create an AIMD concurrency limiter. */
export function createLimiter(opts: LimiterOptions): Limiter {
  const max = Math.max(1, Math.floor(opts.max));
  const min = Math.max(1, Math.min(max, Math.floor(opts.min ?? 1)));
  let limit = max;
  let active = 0;
  let credit = 0;
  const now = opts.now ?? (() => performance.now());
  /** Running average of task durations: one round trip. */
  let roundMs = 0;
  let lastCut = -Infinity;
  /** Running share of throttled answers among recent attempts. */
  let throttled = 0;
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
      const started = now();
      try {
        return await task();
      } finally {
        const took = now() - started;
        roundMs = roundMs === 0 ? took : roundMs + ROUND_WEIGHT * (took - roundMs);
        active--;
        pump();
      }
    },
    onThrottle() {
      throttled += THROTTLE_WEIGHT * (1 - throttled);
      if (throttled <= SUSTAINED_THROTTLING) return;
      const t = now();
      if (t - lastCut < roundMs) return;
      lastCut = t;
      limit = Math.max(min, Math.floor(limit / 2));
      credit = 0;
    },
    onSuccess() {
      throttled -= THROTTLE_WEIGHT * throttled;
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
