import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRawRecordSink, type UnnumberedCall } from '../../src/aws/raw-sink.ts';
import type { RecordedCall } from '../../src/aws/recorded-call.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

function callOf(service: string, region: string, accountId: string, operation = 'Op'): UnnumberedCall {
  return {
    service,
    operation,
    region,
    accountId,
    input: {},
    attempts: 1,
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 1,
    requestId: `rid-${operation}`,
    outcome: 'ok',
  };
}

describe('createRawRecordSink', () => {
  it('files records by (service, region), each naming its account, and returns a reference to each', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sink-'));
    dirs.push(dir);
    const sink = createRawRecordSink(dir);
    const a = await sink.write(callOf('s3', 'us-east-1', '111122223333', 'ListBuckets'));
    const b = await sink.write(callOf('s3', 'us-east-1', '111122223333', 'GetBucketAcl'));
    const c = await sink.write(callOf('kms', 'eu-west-1', '444455556666', 'DescribeKey'));
    await sink.close();

    expect(a).toEqual({
      file: 'raw/s3/us-east-1.jsonl',
      callId: 's3-us-east-1-111122223333-000001',
      service: 's3',
      operation: 'ListBuckets',
      requestId: 'rid-ListBuckets',
    });
    expect(b.callId).toBe('s3-us-east-1-111122223333-000002');
    expect(c.file).toBe('raw/kms/eu-west-1.jsonl');
    expect(sink.files()).toEqual(['raw/kms/eu-west-1.jsonl', 'raw/s3/us-east-1.jsonl']);

    const lines = (await readFile(path.join(dir, a.file), 'utf8')).trim().split('\n');
    const records = lines.map((l) => JSON.parse(l) as RecordedCall);
    expect(records.map((r) => [r.id, r.accountId, r.operation])).toEqual([
      ['s3-us-east-1-111122223333-000001', '111122223333', 'ListBuckets'],
      ['s3-us-east-1-111122223333-000002', '111122223333', 'GetBucketAcl'],
    ]);
    // Only the pack layout is left in the work directory.
    expect(await readdir(dir)).toEqual(['raw']);
  });

  it('keeps ids unique across accounts, and writes each account whole, in account-id order', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sink-'));
    dirs.push(dir);
    const sink = createRawRecordSink(dir);
    const accounts = ['999900001111', '111122223333', '444455556666'];
    // Interleaved, as accounts read at the same time write.
    const refs = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        sink.write(callOf('s3', 'us-east-1', accounts[i % 3] as string, `Op${i}`)),
      ),
    );
    await sink.close();
    expect(new Set(refs.map((r) => r.callId)).size).toBe(60);
    expect(new Set(refs.map((r) => r.file))).toEqual(new Set(['raw/s3/us-east-1.jsonl']));

    const records = (await readFile(path.join(dir, 'raw/s3/us-east-1.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as RecordedCall);
    expect(records.map((r) => r.accountId)).toEqual(
      [...accounts].sort().flatMap((id) => Array.from({ length: 20 }, () => id)),
    );
    // Within an account, the order its calls were written.
    const mine = records.filter((r) => r.accountId === '999900001111').map((r) => r.operation);
    expect(mine).toEqual(Array.from({ length: 20 }, (_, k) => `Op${k * 3}`));
  });

  it('closes once: a second close neither fails nor writes the records again', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sink-'));
    dirs.push(dir);
    const sink = createRawRecordSink(dir);
    await sink.write(callOf('s3', 'us-east-1', '111122223333'));
    await sink.close();
    await sink.close();
    const text = await readFile(path.join(dir, 'raw/s3/us-east-1.jsonl'), 'utf8');
    expect(text.trim().split('\n')).toHaveLength(1);
  });

  it('refuses writes after close', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sink-'));
    dirs.push(dir);
    const sink = createRawRecordSink(dir);
    await sink.close();
    await expect(sink.write(callOf('s3', 'us-east-1', '1'))).rejects.toThrow(/closed/);
  });
});
