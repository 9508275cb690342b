import { afterEach, describe, expect, it } from 'vitest';
import { GetBucketTaggingCommand, GetBucketVersioningCommand } from '@aws-sdk/client-s3';
import { call } from '../../src/aws/call.ts';
import { createClientFactory, type ClientFactory } from '../../src/aws/client-factory.ts';
import type { RecordWriter } from '../../src/aws/raw-sink.ts';
import { createRequestRecorder } from '../../src/aws/recorder.ts';
import type { FaultRule } from '../../src/sandbox/faults.ts';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/server.ts';

const sink: RecordWriter = {
  write: (r) =>
    Promise.resolve({ file: 'raw/x.jsonl', callId: r.operation, service: r.service, operation: r.operation }),
};

let sandbox: RunningSandbox | undefined;
let factory: ClientFactory | undefined;
afterEach(async () => {
  factory?.destroy();
  await sandbox?.close();
});

/** A factory with `concurrency` slots against a sandbox with these faults. */
async function slots(concurrency: number, faults: FaultRule[]): Promise<ClientFactory> {
  sandbox = await startSandbox({ scenario: 'generated:4:1:1', latencyMs: 40, faults });
  factory = createClientFactory({
    endpointUrl: sandbox.url,
    credentials: () => Promise.resolve({ accessKeyId: 'AKIASLOTS', secretAccessKey: 'x' }),
    maxAttempts: 4,
    userAgent: 'evidence-pack/test',
    recorder: createRequestRecorder(sink),
    accountId: '111122223333',
    concurrency,
  });
  return factory;
}

describe('limiter slots per attempt', () => {
  it('lets a second call proceed while the first waits out its retry backoff', async () => {
    const f = await slots(1, [{ service: 's3', operation: 'GetBucketTagging', kind: 'Throttle', count: 1 }]);
    const finished: string[] = [];
    const track = <T>(name: string, p: Promise<T>) =>
      p.then((v) => {
        finished.push(name);
        return v;
      });
    const Bucket = 'gen-000000';
    const [tagging, versioning] = await Promise.all([
      track(
        'tagging',
        call(f, 's3', 'us-east-1', new GetBucketTaggingCommand({ Bucket }), () => 'read'),
      ),
      track(
        'versioning',
        call(f, 's3', 'us-east-1', new GetBucketVersioningCommand({ Bucket }), () => 'read'),
      ),
    ]);
    // The throttled call was retried and read in the end; the other one, sent after it through the
    // only slot, answered first: the slot was free during the backoff.
    expect(tagging.status === 'ok' || tagging.status === 'absent').toBe(true);
    expect(versioning.status).toBe('ok');
    expect(finished).toEqual(['versioning', 'tagging']);
    const stats = f.stats();
    expect(stats.calls).toBe(2);
    expect(stats.retries).toBe(1);
    expect(stats.tasks).toBe(3);
    expect(stats.backoffMs).toBeGreaterThanOrEqual(0);
  });

  it('halves the limit under sustained throttling, and not for a single throttle', async () => {
    const once = await slots(8, [
      { service: 's3', operation: 'GetBucketVersioning', kind: 'Throttle', count: 1 },
    ]);
    await Promise.all(
      Array.from({ length: 16 }, () =>
        call(once, 's3', 'us-east-1', new GetBucketVersioningCommand({ Bucket: 'gen-000001' }), () => 'read'),
      ),
    );
    expect(once.stats().retries).toBe(1);
    expect(once.stats().cuts).toBe(0);
    expect(once.limiter.limit).toBe(8);
    once.destroy();
    await sandbox?.close();

    // Every first attempt throttled: sustained, so the limit comes down (and the calls still succeed).
    const sustained = await slots(8, [
      { service: 's3', operation: 'GetBucketVersioning', kind: 'Throttle', count: 24 },
    ]);
    const results = await Promise.all(
      Array.from({ length: 24 }, () =>
        call(
          sustained,
          's3',
          'us-east-1',
          new GetBucketVersioningCommand({ Bucket: 'gen-000001' }),
          () => 'read',
        ),
      ),
    );
    expect(results.every((r) => r.status === 'ok')).toBe(true);
    expect(sustained.stats().cuts).toBeGreaterThanOrEqual(1);
    expect(sustained.stats().lowestLimit).toBeLessThanOrEqual(4);
  });
});
