/** Shared set-up for the JSON-protocol service tests: a sandbox on loopback and SDK clients for it. */
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import type { RunningSandbox } from '../../src/sandbox/server.ts';

/** Any long-term key acts as the sandbox's default account. */
export const credentials = { accessKeyId: 'AKIASANDBOXTEST0001', secretAccessKey: 'sandbox-secret' };
export const ACCOUNT = '111122223333';

/** Clients of one region against the sandbox; no retries, so errors reach the test as they are. */
export function clientsFor(sandbox: RunningSandbox, region: string) {
  const common = { endpoint: sandbox.url, region, credentials, maxAttempts: 1 };
  return {
    kms: new KMSClient(common),
    config: new ConfigServiceClient(common),
    trail: new CloudTrailClient(common),
    s3: new S3Client({ ...common, forcePathStyle: true }),
  };
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function errorOf(
  promise: Promise<unknown>,
): Promise<{ name: string; status: number | undefined; message: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error('expected the call to fail');
}
