import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetBucketEncryptionCommand } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { createClientFactory, type ClientFactory } from '../../src/aws/client-factory.ts';
import { defaultGlobalConcurrency } from '../../src/aws/defaults.ts';
import { createLimiter, underGlobalCap } from '../../src/aws/limiter.ts';
import { createRequestRecorder } from '../../src/aws/recorder.ts';
import { validateConfig } from '../../src/config/load.ts';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('underGlobalCap', () => {
  it('keeps every account within its own limit and all of them within the global cap', async () => {
    const global = createLimiter({ max: 5 });
    const accounts = [0, 1, 2].map(() => underGlobalCap(createLimiter({ max: 3 }), global));
    const running = [0, 0, 0];
    const peaks = [0, 0, 0];
    let total = 0;
    let peakTotal = 0;
    const gates = Array.from({ length: 60 }, deferred);
    const tasks = gates.map((gate, i) => {
      const a = i % 3;
      return accounts[a]!.run(async () => {
        running[a]!++;
        total++;
        peaks[a] = Math.max(peaks[a]!, running[a]!);
        peakTotal = Math.max(peakTotal, total);
        await gate.promise;
        running[a]!--;
        total--;
        return i;
      });
    });
    for (let round = 0; round < 20; round++) {
      await new Promise((r) => setTimeout(r, 0));
      expect(global.active).toBeLessThanOrEqual(5);
      // Release a few of the running tasks at a time, so slots are taken and given back many times.
      for (const g of gates.splice(0, 3)) g.resolve();
    }
    for (const g of gates) g.resolve();
    const done = await Promise.all(tasks);
    expect(done).toHaveLength(60);
    expect(peakTotal).toBe(5);
    for (const p of peaks) expect(p).toBeLessThanOrEqual(3);
    expect(global.stats().tasks).toBe(60);
  });

  it('halves only the throttled account, never the global cap or another account', () => {
    const global = createLimiter({ max: 24 });
    const throttled = underGlobalCap(createLimiter({ max: 12 }), global);
    const healthy = underGlobalCap(createLimiter({ max: 12 }), global);
    for (let i = 0; i < 30; i++) {
      throttled.onThrottle();
      healthy.onSuccess();
    }
    expect(throttled.limit).toBeLessThan(12);
    expect(throttled.stats().cuts).toBeGreaterThan(0);
    expect(healthy.limit).toBe(12);
    expect(healthy.stats().cuts).toBe(0);
    expect(global.limit).toBe(24);
  });
});

describe('client factory: per-account limits under the global cap, over HTTP', () => {
  let server: Server | undefined;
  const factories: ClientFactory[] = [];
  afterEach(async () => {
    for (const f of factories.splice(0)) f.destroy();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    server = undefined;
  });

  /** An S3 stand-in that counts requests in flight, per access key and in all, and throttles key `SLOW`. */
  async function countingS3(): Promise<{ url: string; peak: () => number; peakOf: (k: string) => number }> {
    let inFlight = 0;
    let peak = 0;
    const perKey = new Map<string, { now: number; peak: number }>();
    const keyOf = (req: IncomingMessage) =>
      /Credential=([^/]+)\//.exec(String(req.headers.authorization))?.[1] ?? '?';
    server = createServer((req, res) => {
      const key = keyOf(req);
      const k = perKey.get(key) ?? { now: 0, peak: 0 };
      perKey.set(key, k);
      inFlight++;
      k.now++;
      peak = Math.max(peak, inFlight);
      k.peak = Math.max(k.peak, k.now);
      req.resume();
      setTimeout(() => {
        inFlight--;
        k.now--;
        const throttle = key === 'SLOW';
        const code = throttle ? 'SlowDown' : 'ServerSideEncryptionConfigurationNotFoundError';
        res.writeHead(throttle ? 503 : 404, { 'content-type': 'application/xml', 'x-amz-request-id': 'R1' });
        res.end(`<?xml version="1.0"?><Error><Code>${code}</Code><Message>m</Message></Error>`);
      }, 15);
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, peak: () => peak, peakOf: (k) => perKey.get(k)?.peak ?? 0 };
  }

  function root(url: string, concurrency: number, globalConcurrency: number): ClientFactory {
    const f = createClientFactory({
      endpointUrl: url,
      credentials: () => Promise.resolve({ accessKeyId: 'ROOT', secretAccessKey: 'x' }),
      maxAttempts: 1,
      userAgent: 'evidence-pack/test',
      recorder: createRequestRecorder({
        write: (c) =>
          Promise.resolve({ file: 'raw/x.jsonl', callId: '1', service: c.service, operation: c.operation }),
      }),
      accountId: '111111111111',
      concurrency,
      globalConcurrency,
    });
    factories.push(f);
    return f;
  }

  const read = (f: ClientFactory, n: number) =>
    Promise.allSettled(
      Array.from({ length: n }, (_, i) =>
        f.s3('us-east-1').send(new GetBucketEncryptionCommand({ Bucket: `b-${i}` })),
      ),
    );

  it('sends at most the global cap over all accounts, and at most each account its own limit', async () => {
    const s3 = await countingS3();
    const r = root(s3.url, 4, 6);
    const accounts = ['A', 'B', 'C'].map((key, i) =>
      r.forAccount(`22222222222${i}`, () => Promise.resolve({ accessKeyId: key, secretAccessKey: 'x' })),
    );
    await Promise.all(accounts.map((f) => read(f, 30)));
    expect(s3.peak()).toBe(6);
    for (const key of ['A', 'B', 'C']) expect(s3.peakOf(key)).toBeLessThanOrEqual(4);
    const stats = r.stats();
    expect(stats.globalLimit).toBe(6);
    expect(stats.global.tasks).toBe(90);
    expect(stats.perAccount.filter((a) => a.attempts > 0).map((a) => [a.accountId, a.attempts])).toEqual([
      ['222222222220', 30],
      ['222222222221', 30],
      ['222222222222', 30],
    ]);
  });

  it('a throttled account halves its own limit; the others keep theirs', async () => {
    const s3 = await countingS3();
    const r = root(s3.url, 8, 16);
    const slow = r.forAccount('333333333333', () =>
      Promise.resolve({ accessKeyId: 'SLOW', secretAccessKey: 'x' }),
    );
    const fine = r.forAccount('444444444444', () =>
      Promise.resolve({ accessKeyId: 'FINE', secretAccessKey: 'x' }),
    );
    await Promise.all([read(slow, 60), read(fine, 60)]);
    expect(slow.limiter.limit).toBeLessThan(8);
    expect(fine.limiter.limit).toBe(8);
    const byId = new Map(r.stats().perAccount.map((a) => [a.accountId, a]));
    expect(byId.get('333333333333')?.cuts).toBeGreaterThan(0);
    expect(byId.get('444444444444')?.cuts).toBe(0);
    expect(r.stats().globalLimit).toBe(16);
  });
});

describe('collection.globalConcurrency', () => {
  it('is optional (resolved when the run starts) and sized to the machine by default', () => {
    const loaded = validateConfig({ organization: 'X' });
    expect(loaded.ok && loaded.config.collection.globalConcurrency).toBeUndefined();
    expect(defaultGlobalConcurrency(1)).toBe(24);
    expect(defaultGlobalConcurrency(2)).toBe(48);
    expect(defaultGlobalConcurrency(64)).toBe(256);
  });

  it('refuses a cap below 1', () => {
    const loaded = validateConfig({ organization: 'X', collection: { globalConcurrency: 0 } });
    expect(loaded.ok).toBe(false);
  });
});
