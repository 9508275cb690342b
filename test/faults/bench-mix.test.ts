import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CallStats } from '../../src/aws/client-factory.ts';
import { BENCH_FAULTS } from '../../src/bench/admin-client.ts';
import { readPackContents, snapshotGaps } from '../../src/bench/pack-contents.ts';
import { validateConfig } from '../../src/config/load.ts';
import { runEvidencePack } from '../../src/pipeline/run.ts';
import { silentProgress } from '../../src/progress/progress.ts';
import { sandboxLink } from '../../src/sandbox/console/urls.ts';
import { startSandbox } from '../../src/sandbox/server.ts';
import { SCENARIO } from './harness.ts';

describe("the bench's fault mix (10% throttling, 2% 5xx, 1% resets) with the default retries", () => {
  it('loses nothing: every bucket, no gap, and the calls were retried with no slot held in backoff', async () => {
    const load = validateConfig({ organization: 'Bench mix' });
    if (!load.ok) throw new Error(load.errors.join('; '));
    const sandbox = await startSandbox({ scenario: SCENARIO, faults: [...BENCH_FAULTS], faultSeed: 5 });
    const outDir = await mkdtemp(join(tmpdir(), 'evidence-pack-bench-mix-'));
    let stats: CallStats | undefined;
    try {
      const built = await runEvidencePack({
        config: load.config,
        outDir,
        endpointUrl: sandbox.url,
        credentials: { accessKeyId: 'AKIAFAULTS', secretAccessKey: 'x' },
        screenshots: false,
        sandbox: sandboxLink(sandbox.url),
        progress: silentProgress,
        onCollected: (s) => {
          stats = s;
        },
      });
      const contents = await readPackContents(built.written.zipPath);
      const injected = Object.values(sandbox.faults.stats().faults).reduce((a, b) => a + b, 0);
      expect(injected).toBeGreaterThan(50);
      expect(contents.snapshot.accounts.flatMap((a) => a.buckets)).toHaveLength(120);
      // The scenario's one expected absence (no organization) aside, every fact was read.
      expect(
        snapshotGaps(contents.snapshot)
          .filter((g) => g.gap.errorCode !== 'NotFoundException')
          .map((g) => `${g.path}: ${g.gap.errorCode}`),
      ).toEqual([]);
      expect(stats?.retries).toBeGreaterThanOrEqual(injected * 0.9);
      expect(stats?.backoffMs).toBeGreaterThan(0);
      // Every attempt took a slot of its own: first attempts plus retries.
      expect(stats?.tasks).toBe((stats?.calls ?? 0) + (stats?.retries ?? 0));
    } finally {
      await sandbox.close();
      await rm(outDir, { recursive: true, force: true });
    }
  }, 240_000);
});
