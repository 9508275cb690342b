import {
  GetBucketEncryptionCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';

/** What the SDK alone costs per call on this machine, measured against the bench's sandbox. */
export interface SdkCalibration {
  /** Calls measured (after the warm-up). */
  calls: number;
  /** CPU time (user + system) of this process per call, in ms. */
  cpuMsPerCall: number;
  /** Wall time of the measured calls, in ms. */
  wallMs: number;
  /** Calls made before the measured ones (module loading, first connections, the JIT warming up). */
  warmupCalls: number;
  /** CPU time per call over those warm-up calls, in ms (what a cold process pays at first). */
  warmupCpuMsPerCall: number;
}

/** Options of {@link calibrateSdk}. */
export interface CalibrateOptions {
  url: string;
  credentials: AwsCredentialIdentity;
  /** A bucket of the account to read; with `member`, of that member account. */
  bucket: string;
  region: string;
  /** Read the bucket as this organization member (by account name), through `roleName`. */
  member?: { name: string; roleName: string } | undefined;
  /** Calls measured (default 1,200), after {@link CALIBRATION_WARMUP_CALLS} to warm up. */
  calls?: number | undefined;
  /** Calls made before measuring (default {@link CALIBRATION_WARMUP_CALLS}). */
  warmupCalls?: number | undefined;
  /** Calls in flight (default 12). */
  concurrency?: number | undefined;
}

/**
 * Calls made before the calibration measures: V8 compiles the SDK's hot paths (signing, the
 * middleware chain, XML parsing) with its optimising compiler only after many calls. Measured on
 * this 2-vCPU VM, six rounds of 600 calls in one process cost 2.00, 2.00, 1.43, 1.21, 1.11 and
 * 1.12 ms per call: a warm-up of a sixth of 600 calls measured the cold SDK, nearly twice its
 * steady cost, and so a CPU bound that a collection of thousands of calls could beat.
 */
export const CALIBRATION_WARMUP_CALLS = 3_000;

/** The bucket reads the collection makes most (one each per bucket), in turn. */
const READS = [
  (Bucket: string) => new GetBucketEncryptionCommand({ Bucket }),
  (Bucket: string) => new GetBucketPolicyCommand({ Bucket }),
  (Bucket: string) => new GetPublicAccessBlockCommand({ Bucket }),
  (Bucket: string) => new GetBucketVersioningCommand({ Bucket }),
  (Bucket: string) => new GetBucketOwnershipControlsCommand({ Bucket }),
] as const;

/**
 * Measure the AWS SDK's own CPU cost per call: a bare `S3Client` (as the collection configures it:
 * standard retries, cached middleware, no recorder, no collector) reading one bucket's settings
 * from the sandbox, answers and absent-configuration errors alike. The CPU-bound lower bound of the
 * collection is its calls × this cost ÷ the cores that can run them.
 */
export async function calibrateSdk(opts: CalibrateOptions): Promise<SdkCalibration> {
  const credentials = opts.member ? await memberCredentials(opts, opts.member) : opts.credentials;
  const s3 = new S3Client({
    region: opts.region,
    endpoint: opts.url,
    forcePathStyle: true,
    credentials,
    retryMode: 'standard',
    maxAttempts: 3,
    cacheMiddleware: true,
  });
  const reads = (i: number) => {
    const read = READS[i % READS.length];
    return read ? s3.send(read(opts.bucket) as never) : Promise.resolve();
  };
  try {
    return await cpuPerCall(reads, opts.calls ?? 1_200, opts.concurrency ?? 12, {
      warmupCalls: opts.warmupCalls ?? CALIBRATION_WARMUP_CALLS,
    });
  } finally {
    s3.destroy();
  }
}

/**
 * The CPU time (user + system) of this process per call of `send(i)`, over `calls` calls with
 * `concurrency` in flight, after a warm-up (default a sixth as many: module loading, first
 * connections). A call's failure is part of what it costs, so it is not an error here.
 */
export async function cpuPerCall(
  send: (i: number) => Promise<unknown>,
  calls: number,
  concurrency: number,
  opts: { warmupCalls?: number | undefined } = {},
): Promise<SdkCalibration> {
  const batch = async (n: number) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < n) await send(next++).catch(() => undefined);
      }),
    );
  };
  const warmupCalls = opts.warmupCalls ?? Math.ceil(calls / 6);
  const warm = process.cpuUsage();
  await batch(warmupCalls);
  const warmed = process.cpuUsage(warm);
  const cpu = process.cpuUsage();
  const started = performance.now();
  await batch(calls);
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return {
    calls,
    cpuMsPerCall: (used.user + used.system) / 1000 / calls,
    wallMs,
    warmupCalls,
    warmupCpuMsPerCall: warmupCalls > 0 ? (warmed.user + warmed.system) / 1000 / warmupCalls : 0,
  };
}

async function memberCredentials(
  opts: CalibrateOptions,
  member: { name: string; roleName: string },
): Promise<AwsCredentialIdentity> {
  const base = { region: 'us-east-1', endpoint: opts.url, credentials: opts.credentials, maxAttempts: 3 };
  const org = new OrganizationsClient(base);
  const sts = new STSClient(base);
  try {
    let id: string | undefined;
    let NextToken: string | undefined;
    do {
      const page = await org.send(new ListAccountsCommand({ NextToken }));
      id = page.Accounts?.find((a) => a.Name === member.name)?.Id;
      NextToken = page.NextToken;
    } while (!id && NextToken);
    if (!id) throw new Error(`calibration: no account named ${member.name} in the organization`);
    const assumed = await sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${id}:role/${member.roleName}`,
        RoleSessionName: 'bench-calibration',
      }),
    );
    const c = assumed.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error('calibration: AssumeRole gave no credentials');
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
  } finally {
    org.destroy();
    sts.destroy();
  }
}
