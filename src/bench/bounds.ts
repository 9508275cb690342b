import type { CallStats } from '../aws/client-factory.ts';

/** The collection's lower bounds: it cannot be faster than the largest of them. */
export interface LowerBounds {
  /** The busiest account's attempts × L ÷ its concurrency limit (AWS throttles per account). */
  account: { ms: number; accountId: string; attempts: number; limit: number };
  /** Every attempt × L ÷ the run-wide cap. */
  global: { ms: number; attempts: number; cap: number };
  /** Calls × the SDK's measured CPU cost per call ÷ the cores that can run them. */
  cpu: { ms: number; calls: number; cpuMsPerCall: number; cores: number };
  /** Which of the three is the largest. */
  larger: 'account' | 'global' | 'cpu';
  /** The largest of the three. */
  ms: number;
}

/**
 * The lower bounds of one collection from its call statistics (`calls` counts every call the
 * sandbox answered, `stats` the attempts per account and the caps), the latency L per request, the
 * SDK's CPU cost per call and the usable cores (one per collecting process: the SDK runs on the
 * process's one JavaScript thread).
 */
export function lowerBounds(opts: {
  stats: CallStats;
  calls: number;
  latencyMs: number;
  cpuMsPerCall: number;
  cores: number;
}): LowerBounds {
  const { stats, latencyMs } = opts;
  const busiest = stats.perAccount
    .map((a) => ({ ...a, ms: (a.attempts * latencyMs) / Math.max(1, a.limit) }))
    .sort((a, b) => b.ms - a.ms)[0] ?? { accountId: 'none', attempts: 0, limit: 1, ms: 0 };
  const attempts = stats.global.tasks;
  const account = {
    ms: busiest.ms,
    accountId: busiest.accountId,
    attempts: busiest.attempts,
    limit: busiest.limit,
  };
  const global = {
    ms: (attempts * latencyMs) / Math.max(1, stats.globalLimit),
    attempts,
    cap: stats.globalLimit,
  };
  const cores = Math.max(1, opts.cores);
  const cpu = {
    ms: (opts.calls * opts.cpuMsPerCall) / cores,
    calls: opts.calls,
    cpuMsPerCall: opts.cpuMsPerCall,
    cores,
  };
  const ranked = (
    [
      ['account', account.ms],
      ['global', global.ms],
      ['cpu', cpu.ms],
    ] as const
  ).reduce((a, b) => (b[1] > a[1] ? b : a));
  return { account, global, cpu, larger: ranked[0], ms: ranked[1] };
}
