import { mkdtemp, readFile, rm } from 'node:fs/promises';
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
  it('appends JSON lines per (account, service, region) and returns a reference to each record', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sink-'));
    dirs.push(dir);
    const sink = createRawRecordSink(dir);
    const a = await sink.write(callOf('s3', 'us-east-1', '111122223333', 'ListBuckets'));
    const b = await sink.write(callOf('s3', 'us-east-1', '111122223333', 'GetBucketAcl'));
    const c = await sink.write(callOf('kms', 'eu-west-1', '444455556666', 'DescribeKey'));
    await sink.close();

    expect(a).toEqual({
      file: 'raw/111122223333/s3/us-east-1.jsonl',
      callId: 's3-us-east-1-000001',
      service: 's3',
      operation: 'ListBuckets',
      requestId: 'rid-ListBuckets',
    });
    expect(b.callId).toBe('s3-us-east-1-000002');
    expect(c.file).toBe('raw/444455556666/kms/eu-west-1.jsonl');
    expect(sink.files()).toEqual([
      'raw/111122223333/s3/us-east-1.jsonl',
      'raw/444455556666/kms/eu-west-1.jsonl',
    ]);

    const lines = (await readFile(path.join(dir, a.file), 'utf8')).trim().split('\n');
    const records = lines.map((l) => JSON.parse(l) as RecordedCall);
    expect(records.map((r) => [r.id, r.operation])).toEqual([
      ['s3-us-east-1-000001', 'ListBuckets'],
      ['s3-us-east-1-000002', 'GetBucketAcl'],
    ]);
  });

  it('keeps ids unique across accounts sharing a service and region', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sink-'));
    dirs.push(dir);
    const sink = createRawRecordSink(dir);
    const ids = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        sink.write(callOf('s3', 'us-east-1', i % 2 ? '111122223333' : '444455556666')),
      ),
    );
    await sink.close();
    expect(new Set(ids.map((r) => r.callId)).size).toBe(50);
  });

  it('refuses writes after close', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sink-'));
    dirs.push(dir);
    const sink = createRawRecordSink(dir);
    await sink.close();
    await expect(sink.write(callOf('s3', 'us-east-1', '1'))).rejects.toThrow(/closed/);
  });
});
