import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyPack } from '../../src/pack/verify.ts';
import { BIN, runCli } from '../e2e/cli.ts';
import { tempDir } from '../pack/helpers.ts';

/**
 * `demo` killed with SIGKILL at several moments (no chance to clean up): whatever is left in the
 * output directory never passes for a finished pack, and the next run into the same directory
 * succeeds, verifies and clears what the killed runs left behind.
 */

type KillAt = { afterMs: number } | { onStderr: RegExp };

const started = new Set<number>();

/** Run `demo` in its own process group and SIGKILL the group (node and its Chromium) at `when`. */
function demoKilled(out: string, when: KillAt): Promise<{ killed: boolean; stderr: string }> {
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
    let killed = false;
    const kill = () => {
      if (killed) return;
      killed = true;
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = 'afterMs' in when ? setTimeout(kill, when.afterMs) : undefined;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if ('onStderr' in when && when.onStderr.test(stderr)) kill();
    });
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      started.delete(pid);
      resolve({ killed, stderr });
    });
  });
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
  const moments: [string, KillAt][] = [
    ['after 1 s', { afterMs: 1000 }],
    ['after 3 s', { afterMs: 3000 }],
    ['at "render report"', { onStderr: /^render report/m }],
    ['at "write pack"', { onStderr: /^write pack/m }],
  ];
  let out: string;

  it.each(moments)(
    '%s leaves nothing that passes for a finished pack',
    async (_label, when) => {
      out ??= await tempDir();
      const { killed } = await demoKilled(out, when);
      // The progress line was seen and the kill sent: the test did interrupt the run.
      if ('onStderr' in when) expect(killed).toBe(true);
      await assertNoUnfinishedPack(out);
    },
    120_000,
  );

  it('the next run into the same directory succeeds, verifies, and removes stale staging dirs', async () => {
    const before = await readdir(out);
    const staleWork = before.filter((n) => n.startsWith('.work-'));
    // SIGKILL gives no chance to clean up: at least one killed run left its staging dir.
    expect(staleWork.length).toBeGreaterThan(0);

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
