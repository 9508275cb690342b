/**
 * Bounded concurrency with additive-increase / multiplicative-decrease: at most `limit` tasks run at
 * once. A task is one attempt of an AWS call (see `attempt-slots.ts`): a call waiting out the SDK's
 * retry backoff holds no slot, so a few throttled calls do not idle the pool. Sustained throttling (more than a quarter of recent answers) halves the limit, at most once
 * per round trip (the typical task duration, as in TCP: the other throttles of that round answer
 * requests sent before the cut); successes raise it again by one per `limit` successes, up to the
 * configured maximum. Sporadic throttles are left to the SDK's retries (exponential backoff with
 * jitter): halving on each of them collapses throughput to a few calls in flight without lowering
 * the throttle rate (README "Performance" has the measurements). Either way throttling slows the
 * run down instead of failing it.
 */
export interface Limiter {
  /**
   * Run `task` when a slot is free. `first`: queue ahead of the tasks not yet started (a retry
   * re-acquiring its slot after the backoff goes before calls that have not been sent yet).
   */
  run<T>(task: () => Promise<T>, opts?: { first?: boolean }): Promise<T>;
  /** Report a throttled attempt (sustained throttling halves the limit, never below the minimum). */
  onThrottle(): void;
  /** Report a successful attempt (slowly raises the limit back toward the maximum). */
  onSuccess(): void;
  /** Current concurrency limit. */
  readonly limit: number;
  /** Tasks running now. */
  readonly active: number;
  /** How the slots were used so far. */
  stats(): LimiterStats;
}

/** Slot use of a {@link Limiter} since its first task. */
export interface LimiterStats {
  /** Tasks run (attempts). */
  tasks: number;
  /** Slot-milliseconds with a task running (∫ active dt). */
  busySlotMs: number;
  /** Slot-milliseconds free while the limiter was in use (∫ (limit − active) dt from the first task on). */
  idleSlotMs: number;
  /** Times sustained throttling halved the limit. */
  cuts: number;
  /** Lowest limit reached. */
  lowestLimit: number;
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

/**
 * Weight of the newest answer in the running share of throttled answers: about the last 50 answers
 * count. Random throttling of one answer in ten crosses a quarter in a shorter window by chance
 * (with 0.05, measured: ~50 needless halvings in a 2,000-bucket run under the bench's fault mix);
 * with 0.02 it practically never does, and a throttle storm is still noticed after 15 answers.
 */
const THROTTLE_WEIGHT = 0.02;

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
  let tasks = 0;
  let cuts = 0;
  let lowestLimit = limit;
  let busySlotMs = 0;
  let idleSlotMs = 0;
  /** When slot use was last accounted for; undefined before the first task. */
  let accountedAt: number | undefined;

  /** Account for slot use up to now (call before `active` or `limit` changes); `start` starts the clock. */
  function account(start = false): void {
    const t = now();
    if (accountedAt === undefined) {
      if (start) accountedAt = t;
      return;
    }
    const dt = t - accountedAt;
    busySlotMs += Math.min(active, limit) * dt;
    idleSlotMs += Math.max(0, limit - active) * dt;
    accountedAt = t;
  }

  function pump(): void {
    while (active < limit && waiting.length > 0) {
      account(true);
      active++;
      tasks++;
      waiting.shift()?.();
    }
  }

  return {
    async run<T>(task: () => Promise<T>, runOpts?: { first?: boolean }): Promise<T> {
      await new Promise<void>((resolve) => {
        if (runOpts?.first) waiting.unshift(resolve);
        else waiting.push(resolve);
        pump();
      });
      const started = now();
      try {
        return await task();
      } finally {
        const took = now() - started;
        roundMs = roundMs === 0 ? took : roundMs + ROUND_WEIGHT * (took - roundMs);
        account();
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
      account();
      const cut = Math.max(min, Math.floor(limit / 2));
      if (cut < limit) cuts++;
      limit = cut;
      lowestLimit = Math.min(lowestLimit, limit);
      credit = 0;
    },
    onSuccess() {
      throttled -= THROTTLE_WEIGHT * throttled;
      if (limit >= max) return;
      credit++;
      if (credit >= limit) {
        credit = 0;
        account();
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
    stats() {
      account();
      return { tasks, busySlotMs, idleSlotMs, cuts, lowestLimit };
    },
  };
}

/**
 * An account's limiter under the run's global cap: each task takes a slot of the account's limiter
 * first, then one of `global`, so no more than `global.limit` tasks run at once over all accounts
 * while each account stays within its own limit. Throttling is reported to the account's limiter
 * only: AWS throttles per account and region, so a throttled account halves its own limit and the
 * others keep theirs. The account slot is taken first so that a task waiting for the global cap
 * never holds a global slot idle; a retry (`first`) goes ahead in both queues. `limit`, `active`
 * and `stats()` are the account's.
 */
export function underGlobalCap(account: Limiter, global: Limiter): Limiter {
  return {
    run: (task, opts) => account.run(() => global.run(task, opts), opts),
    onThrottle: () => account.onThrottle(),
    onSuccess: () => account.onSuccess(),
    get limit() {
      return account.limit;
    },
    get active() {
      return account.active;
    },
    stats: () => account.stats(),
  };
}

/**
 * Spaces tasks at least `intervalMs` apart (start to start), one at a time: for APIs with a hard
 * request rate such as CloudTrail LookupEvents (2 per second per account and region).
 */
export interface Pacer {
  run<T>(task: () => Promise<T>): Promise<T>;
}

/** Options of {@link createPacer}. */
export interface PacerOptions {
  /**
   * Also keep any `burst` consecutive tasks `burst × intervalMs` apart counted from the *end* of
   * the earlier one. A request reaches the service some time between its start and its answer, so
   * spacing starts alone lets a request delayed on the way (a loaded machine, a slow network) land
   * within the window of the ones after it and be throttled; counted from the answer, the service
   * can never see more than `burst` requests in its window, whatever the delays.
   */
  burst?: number | undefined;
}

/** Create a {@link Pacer}. */
export function createPacer(intervalMs: number, sleep = defaultSleep, opts: PacerOptions = {}): Pacer {
  let chain: Promise<unknown> = Promise.resolve();
  let lastStart = -Infinity;
  const burst = opts.burst ?? 0;
  // End times of the last `burst` tasks, oldest first.
  const ends: number[] = [];
  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      const result = chain.then(async () => {
        const windowStart =
          burst > 0 && ends.length >= burst ? (ends[ends.length - burst] ?? -Infinity) : -Infinity;
        const wait = Math.max(lastStart + intervalMs, windowStart + burst * intervalMs) - Date.now();
        if (wait > 0) await sleep(wait);
        lastStart = Date.now();
        try {
          return await task();
        } finally {
          if (burst > 0) {
            ends.push(Date.now());
            if (ends.length > burst) ends.shift();
          }
        }
      });
      chain = result.catch(() => undefined);
      return result;
    },
  };
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
