import { request } from 'node:http';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/server.ts';
import { failure, s3 } from './clients.ts';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, maxBodyBytes: 4096 });
});
afterAll(async () => {
  await sandbox.close();
});

/** A raw request, so the Host and Origin headers are exactly what a browser or attacker sends. */
function raw(
  method: string,
  path: string,
  headers: Record<string, string>,
  body = '',
): Promise<{ status: number; body: string }> {
  const url = new URL(sandbox.url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('sandbox boundaries', () => {
  it('answers a request body over the cap with EntityTooLarge, as S3 does, and serves smaller ones', async () => {
    const client = s3(sandbox);
    await client.send(new CreateBucketCommand({ Bucket: 'cap-test' }));
    await client.send(new PutObjectCommand({ Bucket: 'cap-test', Key: 'small', Body: 'x'.repeat(4096) }));
    expect(
      await failure(
        client.send(new PutObjectCommand({ Bucket: 'cap-test', Key: 'big', Body: 'x'.repeat(4097) })),
      ),
    ).toEqual({ name: 'EntityTooLarge', status: 400 });
  });

  it('the admin API answers loopback Host names only, and refuses a non-loopback Origin', async () => {
    const port = new URL(sandbox.url).port;
    const rules = JSON.stringify({ rules: [] });
    expect((await raw('POST', '/_sandbox/faults', { host: `127.0.0.1:${port}` }, rules)).status).toBe(200);
    expect((await raw('POST', '/_sandbox/faults', { host: `localhost:${port}` }, rules)).status).toBe(200);
    const rebound = await raw('POST', '/_sandbox/faults', { host: `attacker.example:${port}` }, rules);
    expect(rebound.status).toBe(403);
    expect(rebound.body).toMatch(/only on a loopback host name/);
    const fromPage = await raw(
      'POST',
      '/_sandbox/latency',
      { host: `127.0.0.1:${port}`, origin: 'https://evil.example' },
      '{"ms":5000}',
    );
    expect(fromPage.status).toBe(403);
    expect(fromPage.body).toMatch(/refuses requests from web origin https:\/\/evil\.example/);
    expect(sandbox.faults.latencyMs).toBe(0);
    expect(
      (await raw('GET', '/_sandbox/stats', { host: `[::1]:${port}`, origin: `http://localhost:${port}` }))
        .status,
    ).toBe(200);
    // Health is read-only and tells a sandbox on another address from AWS.
    expect((await raw('GET', '/_sandbox/health', { host: `sandbox.internal:${port}` })).status).toBe(200);
  });
});
