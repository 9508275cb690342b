/** Real SDK v3 clients pointed at a running sandbox. */
import { S3Client } from '@aws-sdk/client-s3';
import { S3ControlClient } from '@aws-sdk/client-s3-control';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { RunningSandbox } from '../../src/sandbox/server.ts';

/** Long-term keys: the sandbox's default account. */
export const LONG_TERM: AwsCredentialIdentity = {
  accessKeyId: 'AKIASANDBOXTEST00001',
  secretAccessKey: 'secret',
};

interface ClientOptions {
  region?: string;
  credentials?: AwsCredentialIdentity;
  maxAttempts?: number;
  followRegionRedirects?: boolean;
}

/** S3 client, path style, against the sandbox. */
export function s3(sandbox: RunningSandbox, opts: ClientOptions = {}): S3Client {
  return new S3Client({
    endpoint: sandbox.url,
    forcePathStyle: true,
    region: opts.region ?? 'us-east-1',
    credentials: opts.credentials ?? LONG_TERM,
    maxAttempts: opts.maxAttempts ?? 1,
    followRegionRedirects: opts.followRegionRedirects ?? false,
  });
}

/** S3 Control client: the endpoint provider keeps the account out of the host name. */
export function s3control(sandbox: RunningSandbox, opts: ClientOptions = {}): S3ControlClient {
  return new S3ControlClient({
    region: opts.region ?? 'us-east-1',
    credentials: opts.credentials ?? LONG_TERM,
    maxAttempts: opts.maxAttempts ?? 1,
    endpointProvider: () => ({ url: new URL(sandbox.url) }),
  });
}

/** STS client against the sandbox. */
export function sts(sandbox: RunningSandbox, opts: ClientOptions = {}): STSClient {
  return new STSClient({
    endpoint: sandbox.url,
    region: opts.region ?? 'us-east-1',
    credentials: opts.credentials ?? LONG_TERM,
    maxAttempts: opts.maxAttempts ?? 1,
  });
}

/** Organizations client against the sandbox (signed for us-east-1, as AWS's endpoint is). */
export function organizations(sandbox: RunningSandbox, opts: ClientOptions = {}): OrganizationsClient {
  return new OrganizationsClient({
    endpoint: sandbox.url,
    region: opts.region ?? 'us-east-1',
    credentials: opts.credentials ?? LONG_TERM,
    maxAttempts: opts.maxAttempts ?? 1,
  });
}

/** The AWS error name and HTTP status a call fails with; throws when it succeeds. */
export async function failure(
  promise: Promise<unknown>,
): Promise<{ name: string; status: number | undefined }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}
