import { describe, expect, it } from 'vitest';
import { lowerBounds } from '../../src/bench/bounds.ts';
import { formatBenchResult } from '../../src/bench/format.ts';
import { runBench } from '../../src/bench/run-bench.ts';
import { formatShardBench, runShardBench } from '../../src/bench/shards.ts';
import type { CallStats } from '../../src/aws/client-factory.ts';
import { silentProgress } from '../../src/progress/progress.ts';

function stats(perAccount: CallStats['perAccount'], globalLimit: number): CallStats {
  const tasks = perAccount.reduce((n, a) => n + a.attempts, 0);
  const limiter = { tasks, busySlotMs: 0, idleSlotMs: 0, cuts: 0, lowestLimit: globalLimit };
  return {
    accounts: perAccount.length,
    calls: tasks,
    retries: 0,
    backoffMs: 0,
    ...limiter,
    globalLimit,
    global: limiter,
    perAccount,
  };
}

describe('lowerBounds', () => {
  const account = (accountId: string, attempts: number, limit = 12) => ({
    accountId,
    calls: attempts,
    attempts,
    limit,
    cuts: 0,
  });

  it('takes the busiest account, the global cap and the CPU, and names the largest', () => {
    const b = lowerBounds({
      stats: stats([account('A', 1200), account('B', 600), account('C', 600)], 24),
      calls: 2400,
      latencyMs: 20,
      cpuMsPerCall: 0.5,
      cores: 1,
    });
    expect(b.account).toMatchObject({ accountId: 'A', attempts: 1200, limit: 12, ms: 2000 });
    expect(b.global).toMatchObject({ attempts: 2400, cap: 24, ms: 2000 });
    expect(b.cpu.ms).toBe(1200);
    expect(b.ms).toBe(2000);
    // With 200 accounts of 350 calls and a cap of 24, the global cap binds, not one account.
    const org = lowerBounds({
      stats: stats(
        Array.from({ length: 200 }, (_, i) => account(String(i), 350)),
        24,
      ),
      calls: 70_000,
      latencyMs: 20,
      cpuMsPerCall: 0.1,
      cores: 1,
    });
    expect(org.larger).toBe('global');
    expect(org.ms).toBeCloseTo((70_000 * 20) / 24);
    // A CPU cost per call above L ÷ cap makes the run CPU-bound; more cores lower that bound.
    const cpu = lowerBounds({
      stats: stats([account('x', 70_000, 256)], 256),
      calls: 70_000,
      latencyMs: 20,
      cpuMsPerCall: 1.2,
      cores: 2,
    });
    expect(cpu.larger).toBe('cpu');
    expect(cpu.cpu.ms).toBeCloseTo(42_000);
  });
});

describe('bench --accounts (a tiny generated organization)', () => {
  it('collects every member account and bucket as an organization run, and prints the bounds', async () => {
    const result = await runBench({
      accounts: 3,
      buckets: 4,
      regions: 1,
      latencyMs: 0,
      faults: false,
      screenshots: false,
      progress: silentProgress,
    });
    expect(result.inventory.buckets).toBe(4);
    // Management account + 3 members, all listed and all read.
    expect(result.snapshotAccounts).toEqual({ total: 4, read: 4 });
    const members = result.calls?.perAccount.filter((a) => /^\d{12}$/.test(a.accountId) && a.attempts > 0);
    expect(members?.length).toBe(4);
    expect(result.calibration?.calls).toBeGreaterThan(0);
    expect(result.calibration?.cpuMsPerCall).toBeGreaterThan(0);
    // Measured after the SDK has warmed up, so that the CPU bound is not the cold SDK's.
    expect(result.calibration?.warmupCalls).toBe(3000);
    expect(result.bounds?.larger).toMatch(/^(account|global|cpu)$/);
    const text = formatBenchResult(result);
    expect(text).toContain('organization: 3 member accounts + management; 4 accounts listed, 4 read');
    expect(text).toMatch(
      /busiest account +\d+\.\d\d s +\(\d+ attempts × L ÷ its concurrency 12; account \d{12}\)/,
    );
    expect(text).toMatch(/global cap +\d+\.\d\d s +\(\d+ attempts × L ÷ global cap \d+\)/);
    expect(text).toMatch(/CPU +\d+\.\d\d s +\(\d+ calls × \d+\.\d{3} ms replayed ÷ 1 usable core\)/);
    // The CPU cost per call is the bare SDK making the collection's own calls again: every account,
    // a client per account, service and region, every recorded operation rebuilt.
    expect(result.replay).toMatchObject({ accounts: 4, skipped: 0 });
    expect(result.replay?.clients).toBeGreaterThanOrEqual(4);
    expect(result.bounds?.cpu.cpuMsPerCall).toBe(result.replay?.cpuMsPerCall);
    expect(text).toMatch(
      /SDK CPU cost per call replaying the collection's own calls \(bare SDK clients, one per account, service and region as the collection makes them; 4 account\(s\), \d+ clients, \d+ calls after \d+ to warm up, in a fresh process\): \d+\.\d{3} ms/,
    );
    expect(text).toMatch(/with the single-client calibration as the CPU cost instead: CPU bound \d+\.\d\d s/);
    expect(text).toMatch(/achieved\/larger lower bound \((account|global|cpu)\): \d+\.\d\d×/);
    expect(text).toMatch(
      /SDK CPU cost per call on this machine \(bare S3Client, 1200 calls after 3000 to warm up\): \d+\.\d{3} ms \(\d+\.\d{3} ms over the warm-up\)/,
    );
    expect(text).toMatch(/global cap in use: \d+% of its slot time/);
    expect(text).toContain('s3:GetBucketEncryption                              4  (1.00/bucket)');
    expect(text).toContain('inventory: 4 buckets in the snapshot');
  }, 240_000);

  it('runs the organization as 2 shard processes and merges them', async () => {
    const result = await runShardBench({
      accounts: 3,
      buckets: 4,
      regions: 1,
      latencyMs: 0,
      shards: 2,
      screenshots: false,
      oneProcessCollectMs: 1000,
      oneProcessTotalMs: 2000,
      log: () => undefined,
    });
    expect(result.perShard).toHaveLength(2);
    for (const s of result.perShard) {
      expect(s.exitCode).toBe(0);
      expect(s.peakRssKb).toBeGreaterThan(0);
    }
    expect(result.merge.peakRssKb).toBeGreaterThan(0);
    expect(result.mergedPackFiles).toBeGreaterThan(0);
    expect(result.shardCalls).toBeGreaterThan(0);
    // As the one-process run it is compared with: no console screenshots in the shards either.
    expect(result.shardScreenshots).toBe(0);
    expect(result.merge.stagesMs.map((s) => s.stage)).toEqual([
      'start',
      'verify shards',
      'evaluate',
      'capture + files',
      'report',
      'write pack',
    ]);
    const text = formatShardBench(result);
    expect(text).toMatch(/shard 1\/2 +\d+\.\d\d s +\(peak RSS \d+ MiB\)/);
    expect(text).toMatch(/shard 2\/2 +\d+\.\d\d s/);
    expect(text).toMatch(/merge +\d+\.\d\d s +\(peak RSS \d+ MiB\)/);
    expect(text).toMatch(/merge stages: +start \d+\.\d\d s, verify shards \d+\.\d\d s, evaluate /);
    expect(text).toMatch(/speed-up over one process: collection \d+\.\d\d×/);
  }, 300_000);
});
