import type { BenchResult } from './run-bench.ts';

const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/**
 * The lines of the benchmark report about accounts, the SDK calibration and the three lower
 * bounds (busiest account, global cap, CPU), which one is the larger and the ratio to it.
 */
export function formatBounds(r: BenchResult): string[] {
  const lines: string[] = [];
  if (r.snapshotAccounts && r.accounts !== undefined)
    lines.push(
      `organization: ${r.accounts} member accounts + management; ${r.snapshotAccounts.total} accounts listed, ${r.snapshotAccounts.read} read`,
    );
  if (r.calibration)
    lines.push(
      `SDK CPU cost per call on this machine (bare S3Client, ${r.calibration.calls} calls after ${r.calibration.warmupCalls} to warm up): ${r.calibration.cpuMsPerCall.toFixed(3)} ms (${r.calibration.warmupCpuMsPerCall.toFixed(3)} ms over the warm-up)`,
    );
  if (r.replay)
    lines.push(
      `SDK CPU cost per call replaying the collection's own calls (bare SDK clients, one per account, service and region as the collection makes them; ${r.replay.accounts} account(s), ${r.replay.clients} clients, ${r.replay.calls} calls after ${r.replay.warmupCalls} to warm up, in a fresh process): ${r.replay.cpuMsPerCall.toFixed(3)} ms${r.replay.skipped ? ` (${r.replay.skipped} recorded calls not rebuilt)` : ''}`,
    );
  const b = r.bounds;
  if (!b) return lines;
  const mark = (k: typeof b.larger) => (b.larger === k ? '  <- larger' : '');
  lines.push('collection lower bounds:');
  lines.push(
    `    busiest account  ${secs(b.account.ms).padStart(10)}  (${b.account.attempts} attempts × L ÷ its concurrency ${b.account.limit}; account ${b.account.accountId})${mark('account')}`,
  );
  lines.push(
    `    global cap       ${secs(b.global.ms).padStart(10)}  (${b.global.attempts} attempts × L ÷ global cap ${b.global.cap})${mark('global')}`,
  );
  lines.push(
    `    CPU              ${secs(b.cpu.ms).padStart(10)}  (${b.cpu.calls} calls × ${b.cpu.cpuMsPerCall.toFixed(3)} ms ${r.replay ? 'replayed' : 'calibrated'} ÷ ${b.cpu.cores} usable core${b.cpu.cores === 1 ? '' : 's'})${mark('cpu')}`,
  );
  lines.push(`achieved/larger lower bound (${b.larger}): ${b.ratio.toFixed(2)}×`);
  const one = r.boundsSingleClient;
  if (r.replay && one)
    lines.push(
      `    (with the single-client calibration as the CPU cost instead: CPU bound ${secs(one.cpu.ms)}, achieved/larger (${one.larger}) ${one.ratio.toFixed(2)}×)`,
    );
  const g = r.calls?.global;
  if (g && g.busySlotMs + g.idleSlotMs > 0)
    lines.push(
      `global cap in use: ${((100 * g.busySlotMs) / (g.busySlotMs + g.idleSlotMs)).toFixed(0)}% of its slot time ` +
        `(a slot is held from sending an attempt until its answer is handled; one account alone uses at most its own limit)`,
    );
  return lines;
}
