import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyPack } from '../../src/pack/verify.ts';
import { BIN, runCli } from '../e2e/cli.ts';
import { tempDir } from '../pack/helpers.ts';

/**
 * `demo` killed with SIGKILL at several stages (no chance to clean up): whatever is left in the
 * output directory never passes for a finished pack, and the next run into the same directory
 * succeeds, verifies and clears what the killed runs left behind.
 */

const started = new Set<number>();

/** How a run ended: `signal` is set only when the kill reached the process before it finished. */
interface Ended {
  sentKill: boolean;
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/**
 * Run `demo` in its own process group and SIGKILL the group (node and its Chromium) as soon as
 * the progress line `at` appears on stderr: the moment is a stage of the run, not a wall-clock guess.
 */
function demoKilled(out: string, at: RegExp): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'demo', '--out', out, '--no-screenshots'], {
      env: { ...process.env, CI: 'true' },
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    const pid = child.pid;
    if (pid === undefined) return reject(new Error('spawn failed'));
    started.add(pid);
    let stderr = '';
    let sentKill = false;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (sentKill || !at.test(stderr)) return;
      sentKill = true;
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      started.delete(pid);
      resolve({ sentKill, code, signal, stderr });
    });
  });
}

/** Kill a demo at `at` and assert that the kill, not the end of the run, stopped it. */
async function killAt(out: string, at: RegExp): Promise<void> {
  const ended = await demoKilled(out, at);
  expect(ended.sentKill, `never saw ${String(at)}:\n${ended.stderr}`).toBe(true);
  expect(ended.signal, `the run finished (exit ${ended.code}) before the kill`).toBe('SIGKILL');
  expect(ended.stderr).not.toMatch(/^findings: /m);
}

afterAll(() => {
  for (const pid of started) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
});

/** Every visible file is a pack ZIP (which must verify with its sidecar) or a sidecar. */
async function assertNoUnfinishedPack(out: string): Promise<void> {
  const names = await readdir(out).catch(() => [] as string[]);
  for (const name of names.filter((n) => !n.startsWith('.'))) {
    expect(name, `unexpected file ${name}`).toMatch(/\.zip(\.sha256)?$/);
    if (name.endsWith('.zip')) {
      const report = await verifyPack(join(out, name), { requireSidecar: true });
      expect(report.ok, `${name}: ${JSON.stringify(report.problems)}`).toBe(true);
    }
  }
}

describe('demo killed mid-run', () => {
  const moments: [string, RegExp][] = [
    ['while collecting', /^collect bucket-config/m],
    ['at "evaluate"', /^evaluate$/m],
    ['at "render report"', /^render report/m],
    ['at "write pack"', /^write pack/m],
  ];

  it.each(moments)(
    '%s leaves nothing that passes for a finished pack',
    async (_label, at) => {
      const out = await tempDir();
      await killAt(out, at);
      await assertNoUnfinishedPack(out);
    },
    120_000,
  );

  it('the next run into the same directory succeeds, verifies, and removes stale staging dirs', async () => {
    const out = await tempDir();
    await killAt(out, /^render report/m);
    const before = await readdir(out);
    // SIGKILL gives no chance to clean up: the killed run left its staging dir.
    expect(before.filter((n) => n.startsWith('.work-')).length).toBeGreaterThan(0);

    const run = await runCli(['demo', '--out', out, '--no-screenshots', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as { pack: string };
    const report = await verifyPack(summary.pack, { requireSidecar: true });
    expect(report.ok, JSON.stringify(report.problems)).toBe(true);

    const after = await readdir(out);
    expect(after.filter((n) => n.startsWith('.work-') || n.includes('.partial-'))).toEqual([]);
    await assertNoUnfinishedPack(out);
  }, 180_000);
});
