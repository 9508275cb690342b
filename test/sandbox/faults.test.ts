import {
  CreateBucketCommand,
  GetBucketAclCommand,
  GetBucketPolicyCommand,
  PutBucketPolicyCommand,
} from '@aws-sdk/client-s3';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { afterEach, describe, expect, it } from 'vitest';
import { FaultController } from '../../src/sandbox/faults.ts';
import { startSandbox } from '../../src/sandbox/server.ts';
import type { RunningSandbox } from '../../src/sandbox/server.ts';
import { LONG_TERM, s3 } from './clients.ts';

let sandbox: RunningSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function failure(
  promise: Promise<unknown>,
): Promise<{ name: string; status: number | undefined; attempts: number | undefined }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; $metadata?: { httpStatusCode?: number; attempts?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, attempts: e.$metadata?.attempts };
  }
  throw new Error('expected the call to fail');
}

async function withBuckets(...names: string[]): Promise<RunningSandbox> {
  sandbox = await startSandbox();
  const c = s3(sandbox);
  for (const Bucket of names) {
    await c.send(new CreateBucketCommand({ Bucket }));
    const Policy = JSON.stringify({
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: '444455556666' },
          Action: 's3:GetObject',
          Resource: `arn:aws:s3:::${Bucket}/*`,
        },
      ],
    });
    await c.send(new PutBucketPolicyCommand({ Bucket, Policy }));
  }
  c.destroy();
  return sandbox;
}

describe('AccessDenied injection', () => {
  it('denies one operation and leaves the others alone', async () => {
    const sb = await withBuckets('bucket-a');
    sb.faults.setRules([{ service: 's3', operation: 'GetBucketPolicy', kind: 'AccessDenied' }]);
    const c = s3(sb);
    expect(await failure(c.send(new GetBucketPolicyCommand({ Bucket: 'bucket-a' })))).toMatchObject({
      name: 'AccessDenied',
      status: 403,
    });
    await expect(c.send(new GetBucketAclCommand({ Bucket: 'bucket-a' }))).resolves.toBeDefined();
    c.destroy();
  });

  it('denies every call on one bucket (glob) and not on another', async () => {
    const sb = await withBuckets('secret-logs', 'open-data');
    sb.faults.setRules([{ resource: 'secret-*', kind: 'AccessDenied' }]);
    const c = s3(sb);
    expect(await failure(c.send(new GetBucketAclCommand({ Bucket: 'secret-logs' })))).toMatchObject({
      name: 'AccessDenied',
      status: 403,
    });
    expect(await failure(c.send(new GetBucketPolicyCommand({ Bucket: 'secret-logs' })))).toMatchObject({
      name: 'AccessDenied',
    });
    await expect(c.send(new GetBucketPolicyCommand({ Bucket: 'open-data' }))).resolves.toHaveProperty(
      'Policy',
    );
    c.destroy();
  });

  it('JSON services answer AccessDeniedException 400 (CloudTrail target routed by its SDK prefix)', async () => {
    sandbox = await startSandbox({ faults: [{ service: 'cloudtrail', kind: 'AccessDenied' }] });
    const trail = new CloudTrailClient({
      endpoint: sandbox.url,
      region: 'us-east-1',
      credentials: LONG_TERM,
      maxAttempts: 1,
    });
    expect(await failure(trail.send(new LookupEventsCommand({})))).toMatchObject({
      name: 'AccessDeniedException',
      status: 400,
    });
    expect(sandbox.faults.stats().requests['cloudtrail:LookupEvents']).toBe(1);
    trail.destroy();
  });
});

describe('throttling and 5xx', () => {
  it('S3 SlowDown 503 is retried by the SDK until the fault runs out', async () => {
    const sb = await withBuckets('busy-bucket');
    sb.faults.setRules([{ operation: 'GetBucketPolicy', kind: 'Throttle', count: 2 }]);
    const c = s3(sb, { maxAttempts: 3 });
    const result = await c.send(new GetBucketPolicyCommand({ Bucket: 'busy-bucket' }));
    expect(result.$metadata.attempts).toBe(3);
    expect(sb.faults.stats().faults['s3:GetBucketPolicy:Throttle']).toBe(2);
    c.destroy();
  });

  it('S3 SlowDown past the retry budget surfaces as SlowDown 503', async () => {
    const sb = await withBuckets('busy-bucket-2');
    sb.faults.setRules([{ operation: 'GetBucketAcl', kind: 'Throttle' }]);
    const c = s3(sb, { maxAttempts: 2 });
    expect(await failure(c.send(new GetBucketAclCommand({ Bucket: 'busy-bucket-2' })))).toEqual({
      name: 'SlowDown',
      status: 503,
      attempts: 2,
    });
    c.destroy();
  });

  it('JSON services answer ThrottlingException 400, which the SDK retries', async () => {
    sandbox = await startSandbox({ faults: [{ service: 'kms', kind: 'Throttle' }] });
    const kms = new KMSClient({
      endpoint: sandbox.url,
      region: 'us-east-1',
      credentials: LONG_TERM,
      maxAttempts: 2,
    });
    expect(await failure(kms.send(new DescribeKeyCommand({ KeyId: 'k' })))).toEqual({
      name: 'ThrottlingException',
      status: 400,
      attempts: 2,
    });
    kms.destroy();
  });

  it('InternalError 500 and ServiceUnavailable 503', async () => {
    const sb = await withBuckets('flaky');
    const c = s3(sb);
    sb.faults.setRules([
      { kind: 'InternalError', count: 1 },
      { kind: 'ServiceUnavailable', count: 1 },
    ]);
    expect(await failure(c.send(new GetBucketAclCommand({ Bucket: 'flaky' })))).toMatchObject({
      name: 'InternalError',
      status: 500,
    });
    expect(await failure(c.send(new GetBucketAclCommand({ Bucket: 'flaky' })))).toMatchObject({
      name: 'ServiceUnavailable',
      status: 503,
    });
    await expect(c.send(new GetBucketAclCommand({ Bucket: 'flaky' }))).resolves.toBeDefined();
    c.destroy();
  });
});

describe('connection faults', () => {
  it('Reset destroys the socket; the SDK retries it as a transient error', async () => {
    const sb = await withBuckets('reset-bucket');
    sb.faults.setRules([{ kind: 'Reset', count: 1 }]);
    const once = s3(sb, { maxAttempts: 1 });
    await expect(once.send(new GetBucketAclCommand({ Bucket: 'reset-bucket' }))).rejects.toThrow();
    sb.faults.setRules([{ kind: 'Reset', count: 1 }]);
    const retrying = s3(sb, { maxAttempts: 3 });
    const result = await retrying.send(new GetBucketAclCommand({ Bucket: 'reset-bucket' }));
    expect(result.$metadata.attempts).toBe(2);
    once.destroy();
    retrying.destroy();
  });

  it('Timeout never answers; close() still completes', async () => {
    sandbox = await startSandbox({ faults: [{ kind: 'Timeout' }] });
    const pending = fetch(`${sandbox.url}/some-bucket?policy`, {
      headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKIAX/20250101/us-east-1/s3/aws4_request' },
    });
    const outcome = pending.then(
      () => 'answered',
      () => 'dropped',
    );
    while (sandbox.faults.stats().total === 0) await new Promise((resolve) => setImmediate(resolve));
    await sandbox.close();
    expect(await outcome).toBe('dropped');
  });
});

describe('admin API', () => {
  it('configures faults over HTTP and reports per-operation counts', async () => {
    const sb = await withBuckets('admin-bucket');
    const put = await fetch(`${sb.url}/_sandbox/faults`, {
      method: 'POST',
      body: JSON.stringify({ rules: [{ service: 's3', operation: 'GetBucketAcl', kind: 'AccessDenied' }] }),
    });
    expect(put.status).toBe(200);
    const c = s3(sb);
    expect(await failure(c.send(new GetBucketAclCommand({ Bucket: 'admin-bucket' })))).toMatchObject({
      name: 'AccessDenied',
    });
    const stats = (await (await fetch(`${sb.url}/_sandbox/stats`)).json()) as {
      requests: Record<string, number>;
      faults: Record<string, number>;
    };
    expect(stats.requests['s3:CreateBucket']).toBe(1);
    expect(stats.requests['s3:PutBucketPolicy']).toBe(1);
    expect(stats.faults['s3:GetBucketAcl:AccessDenied']).toBe(1);
    const bad = await fetch(`${sb.url}/_sandbox/faults`, {
      method: 'POST',
      body: JSON.stringify({ rules: [{ kind: 'Explode' }] }),
    });
    expect(bad.status).toBe(400);
    await fetch(`${sb.url}/_sandbox/faults`, { method: 'DELETE' });
    await expect(c.send(new GetBucketAclCommand({ Bucket: 'admin-bucket' }))).resolves.toBeDefined();
    c.destroy();
  });

  it('moves the sandbox clock', async () => {
    sandbox = await startSandbox();
    const response = await fetch(`${sandbox.url}/_sandbox/clock`, {
      method: 'POST',
      body: JSON.stringify({ now: '2025-01-01T00:00:00Z', advanceMs: 60_000 }),
    });
    expect(await response.json()).toEqual({ now: '2025-01-01T00:01:00.000Z' });
    expect(sandbox.state.now().toISOString()).toBe('2025-01-01T00:01:00.000Z');
  });
});

describe('wire details', () => {
  it('unknown JSON operations are UnknownOperationException 400 with a request id', async () => {
    sandbox = await startSandbox();
    const response = await fetch(sandbox.url, {
      method: 'POST',
      headers: {
        'x-amz-target': 'TrentService.NoSuchOperation',
        'content-type': 'application/x-amz-json-1.1',
      },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-requestid')).toBeTruthy();
    expect(await response.json()).toMatchObject({ __type: 'UnknownOperationException' });
  });

  it('S3 errors are <Error> XML with x-amz-request-id and x-amz-id-2', async () => {
    sandbox = await startSandbox();
    const response = await fetch(`${sandbox.url}/missing-bucket?policy`, {
      headers: {
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIAX/20250101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=x',
      },
    });
    expect(response.status).toBe(404);
    const requestId = response.headers.get('x-amz-request-id');
    expect(requestId).toBeTruthy();
    expect(response.headers.get('x-amz-id-2')).toBeTruthy();
    const body = await response.text();
    expect(body).toContain('<Code>NoSuchBucket</Code>');
    expect(body).toContain(`<RequestId>${requestId}</RequestId>`);
  });

  it('accepts virtual-hosted addressing (bucket.localhost)', async () => {
    const sb = await withBuckets('vhost-bucket');
    const { request } = await import('node:http');
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: sb.port,
          path: '/?policy',
          headers: {
            host: `vhost-bucket.localhost:${sb.port}`,
            authorization: 'AWS4-HMAC-SHA256 Credential=AKIAX/20250101/us-east-1/s3/aws4_request',
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(200);
  });
});

describe('FaultController', () => {
  it('probabilistic faults replay identically with the same seed', () => {
    const decisions = (seed: number) => {
      const controller = new FaultController({ seed, rules: [{ kind: 'Throttle', probability: 0.5 }] });
      return Array.from({ length: 40 }, () =>
        controller.decide({ service: 's3', operation: 'GetBucketAcl' }),
      );
    };
    expect(decisions(7)).toEqual(decisions(7));
    expect(decisions(7)).not.toEqual(decisions(8));
    expect(new Set(decisions(7))).toEqual(new Set(['Throttle', 'none']));
  });
});
