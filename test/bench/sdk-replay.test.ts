import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPackContents, type PackContents } from '../../src/bench/pack-contents.ts';
import { replaySdkCalls, sampleReplayCalls } from '../../src/bench/sdk-replay.ts';
import { startSandbox } from '../../src/sandbox/server.ts';
import { USER_AGENT } from '../../src/version.ts';
import { runAgainst } from '../faults/harness.ts';

const CREDENTIALS = { accessKeyId: 'AKIAFAULTS', secretAccessKey: 'x' };

describe('the SDK replay behind the bench CPU bound', () => {
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  let outDir: string;
  let contents: PackContents;

  beforeAll(async () => {
    sandbox = await startSandbox({ scenario: 'generated:40:2:7' });
    outDir = await mkdtemp(join(tmpdir(), 'evidence-pack-replay-'));
    const built = await runAgainst(sandbox.url, outDir);
    contents = await readPackContents(built.written.zipPath);
  }, 120_000);

  afterAll(async () => {
    await sandbox?.close();
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('makes exactly the recorded calls again, with a client per account, service and region', async () => {
    const calls = sampleReplayCalls(contents.calls, 100_000);
    expect(calls.length).toBe(contents.calls.length);
    sandbox.faults.resetStats();
    const replay = await replaySdkCalls(calls, {
      url: sandbox.url,
      credentials: CREDENTIALS,
      callerAccountId: contents.snapshot.caller.accountId,
      concurrency: 12,
      warmupCalls: 20,
      userAgent: USER_AGENT,
    });
    expect(replay.skipped).toBe(0);
    expect(replay.warmupCalls + replay.calls).toBe(calls.length);
    expect(replay.cpuMsPerCall).toBeGreaterThan(0);
    const clients = new Set(contents.calls.map((c) => `${c.accountId}|${c.service}|${c.region}`));
    expect(replay.clients).toBe(clients.size);
    // The sandbox saw the same operations, as many times each, as the pack's raw records hold.
    const recorded: Record<string, number> = {};
    for (const c of contents.calls) {
      const key = `${c.service}:${c.operation}`;
      recorded[key] = (recorded[key] ?? 0) + 1;
    }
    const served = sandbox.faults.stats().requests;
    const servedByOp: Record<string, number> = {};
    for (const [key, n] of Object.entries(served)) {
      const [service = '', operation = ''] = key.split(':');
      const name = `${service}:${operation}`;
      servedByOp[name] = (servedByOp[name] ?? 0) + n;
    }
    expect(Object.keys(servedByOp).sort()).toEqual(Object.keys(recorded).sort());
    expect(servedByOp).toEqual(recorded);
  }, 120_000);

  it('samples whole accounts, every k-th, up to the budget', () => {
    const call = (accountId: string, operation: string) => ({
      service: 's3',
      operation,
      region: 'us-east-1',
      accountId,
      input: {},
    });
    const calls = ['a', 'b', 'c', 'd'].flatMap((id) => [
      { ...call(id, 'AssumeRole'), service: 'sts' },
      call(id, 'GetBucketPolicy'),
      call(id, 'GetBucketAcl'),
    ]);
    // 8 calls besides AssumeRole (which the replay makes as the account's credentials); half the budget.
    const sample = sampleReplayCalls(calls, 4);
    expect(sample.map((c) => c.accountId)).toEqual(['a', 'a', 'c', 'c']);
    expect(sample.every((c) => c.operation !== 'AssumeRole')).toBe(true);
  });
});
