import { describe, expect, it } from 'vitest';
import { tmpdir } from 'node:os';
import { runChild } from '../../src/bench/shards.ts';

describe('bench --shards: a child process peak RSS', () => {
  it.runIf(process.platform === 'linux')(
    "is the child's own, not the high-water mark of the bench it was forked from",
    async () => {
      // The bench holds a large snapshot when it spawns the shards and the merge: a child that
      // reported the forking parent's memory would show at least this much.
      const ballast = Buffer.alloc(400 * 1024 * 1024, 1);
      const child = await runChild(['--version'], tmpdir(), process.env, 'version');
      expect(ballast.length).toBeGreaterThan(0);
      expect(child.exitCode).toBe(0);
      expect(child.peakRssKb).toBeGreaterThan(10 * 1024);
      expect(child.peakRssKb).toBeLessThan(300 * 1024);
    },
    60_000,
  );
});
