import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as cloudtrail from '@aws-sdk/client-cloudtrail';
import * as config from '@aws-sdk/client-config-service';
import * as kms from '@aws-sdk/client-kms';
import * as organizations from '@aws-sdk/client-organizations';
import * as tagging from '@aws-sdk/client-resource-groups-tagging-api';
import * as s3 from '@aws-sdk/client-s3';
import * as s3control from '@aws-sdk/client-s3-control';
import * as sts from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { createSdkClient, requestHandlerOptions, type ClientMap } from '../aws/client-factory.ts';
import type { RecordedCall } from '../aws/recorded-call.ts';
import type { ServiceName } from '../aws/services.ts';

/** One recorded call as the replay needs it. */
export type ReplayCall = Pick<RecordedCall, 'service' | 'operation' | 'region' | 'accountId' | 'input'>;

/** What the bare SDK cost to make the collection's own calls again. */
export interface SdkReplay {
  /** Calls measured (after the warm-up). */
  calls: number;
  /** Calls made before measuring (V8 compiling the SDK's hot paths). */
  warmupCalls: number;
  /** Accounts whose calls were replayed. */
  accounts: number;
  /** SDK clients made: one per account, service and region, as the collection makes them. */
  clients: number;
  /** CPU time (user + system) of the replaying process per measured call, in ms. */
  cpuMsPerCall: number;
  /** Recorded calls of the sampled accounts that could not be rebuilt (unknown operation). */
  skipped: number;
}

/** Options of {@link replaySdkCalls}. */
export interface ReplayOptions {
  url: string;
  /** The caller's credentials (the management account in an organization run). */
  credentials: AwsCredentialIdentity;
  callerAccountId: string;
  /** Role the other accounts are read through (`arn:aws:iam::<id>:role/<roleName>`). */
  roleName?: string | undefined;
  /** Calls in flight (the run's global cap). */
  concurrency: number;
  /** Calls made before measuring. */
  warmupCalls: number;
  /** User-Agent suffix, as the collection sends it. */
  userAgent: string;
}

const MODULES: Record<ServiceName, Record<string, unknown>> = {
  s3,
  s3control,
  kms,
  config,
  cloudtrail,
  sts,
  tagging,
  organizations,
};

/**
 * The recorded calls of whole accounts, every `stride`-th account id in order, until about
 * `maxCalls`: a sample with the collection's own shape (calls per account, service and region, so
 * the same number of SDK clients per call). An account with more calls than that is cut at `maxCalls`.
 */
export function sampleReplayCalls(calls: readonly ReplayCall[], maxCalls: number): ReplayCall[] {
  const byAccount = new Map<string, ReplayCall[]>();
  for (const c of calls) {
    if (c.service === 'sts' && c.operation === 'AssumeRole') continue; // replayed as the account's credentials
    const list = byAccount.get(c.accountId) ?? [];
    list.push(c);
    byAccount.set(c.accountId, list);
  }
  const accounts = [...byAccount.keys()].sort();
  const total = [...byAccount.values()].reduce((n, l) => n + l.length, 0);
  const stride = Math.max(1, Math.floor(total / Math.max(1, maxCalls)));
  const out: ReplayCall[] = [];
  for (let i = 0; i < accounts.length && out.length < maxCalls; i += stride) {
    const list = byAccount.get(accounts[i] as string) ?? [];
    out.push(...list.slice(0, maxCalls - out.length));
  }
  return out;
}

/** Dates travel in raw records as ISO strings; the SDK's serializers want `Date`s back. */
function reviveInput(value: unknown, key = ''): unknown {
  if (typeof value === 'string' && /(Time|Date)$/.test(key) && /^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(value))
    return new Date(value);
  if (Array.isArray(value)) return value.map((v) => reviveInput(v));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reviveInput(v, k)]));
  return value;
}

type Sendable = { send(command: unknown): Promise<unknown>; destroy(): void };

/**
 * Make `calls` again with bare SDK clients (no recorder, limiter, collector or snapshot): one
 * client per account, service and region, made when the account's first call needs it and
 * destroyed after its last, the other accounts reached by AssumeRole into `roleName`, `concurrency`
 * calls in flight. Answers and errors are dropped. The CPU time per call after the warm-up is what
 * the SDK alone costs for exactly this work: the honest CPU bound of the collection that made them.
 */
export async function replaySdkCalls(calls: readonly ReplayCall[], opts: ReplayOptions): Promise<SdkReplay> {
  const agents = {
    httpAgent: new HttpAgent({ keepAlive: true, maxSockets: opts.concurrency }),
    httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: opts.concurrency }),
  };
  const settings = (region: string, credentials: AwsCredentialIdentity) => ({
    region,
    credentials,
    maxAttempts: 3,
    retryMode: 'standard' as const,
    cacheMiddleware: true,
    customUserAgent: opts.userAgent,
    requestHandler: requestHandlerOptions(agents, undefined),
    endpointUrl: opts.url,
  });
  const remaining = new Map<string, number>();
  for (const c of calls) remaining.set(c.accountId, (remaining.get(c.accountId) ?? 0) + 1);
  const credentials = new Map<string, Promise<AwsCredentialIdentity>>();
  const clients = new Map<string, Map<string, Sendable>>();
  let made = 0;
  let skipped = 0;

  const credentialsOf = (accountId: string): Promise<AwsCredentialIdentity> => {
    let c = credentials.get(accountId);
    if (!c) {
      c =
        accountId === opts.callerAccountId || !opts.roleName
          ? Promise.resolve(opts.credentials)
          : assumeRole(accountId, opts.roleName);
      credentials.set(accountId, c);
    }
    return c;
  };
  const assumeRole = async (accountId: string, roleName: string): Promise<AwsCredentialIdentity> => {
    const client = createSdkClient('sts', settings('us-east-1', opts.credentials));
    try {
      const out = await client.send(
        new sts.AssumeRoleCommand({
          RoleArn: `arn:aws:iam::${accountId}:role/${roleName}`,
          RoleSessionName: 'evidence-pack-replay',
        }),
      );
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey)
        throw new Error(`replay: AssumeRole ${accountId} gave no credentials`);
      return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
    } finally {
      client.destroy();
    }
  };
  const clientOf = async (c: ReplayCall): Promise<Sendable> => {
    let mine = clients.get(c.accountId);
    if (!mine) {
      mine = new Map();
      clients.set(c.accountId, mine);
    }
    const key = `${c.service}|${c.region}`;
    let client = mine.get(key);
    if (!client) {
      const creds = await credentialsOf(c.accountId);
      client = mine.get(key);
      if (!client) {
        client = createSdkClient(
          c.service as ServiceName,
          settings(c.region, creds),
        ) as ClientMap[ServiceName] & Sendable;
        mine.set(key, client);
        made++;
      }
    }
    return client;
  };
  const one = async (c: ReplayCall): Promise<void> => {
    const Command = MODULES[c.service as ServiceName]?.[`${c.operation}Command`] as
      (new (input: unknown) => unknown) | undefined;
    try {
      if (!Command) {
        skipped++;
        return;
      }
      const client = await clientOf(c);
      await client.send(new Command(reviveInput(c.input ?? {}))).catch(() => undefined);
    } finally {
      const left = (remaining.get(c.accountId) ?? 1) - 1;
      remaining.set(c.accountId, left);
      if (left === 0) {
        for (const client of clients.get(c.accountId)?.values() ?? []) client.destroy();
        clients.delete(c.accountId);
      }
    }
  };
  const run = async (list: readonly ReplayCall[]): Promise<void> => {
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.max(1, opts.concurrency) }, async () => {
        while (next < list.length) await one(list[next++] as ReplayCall);
      }),
    );
  };

  try {
    const warm = Math.min(opts.warmupCalls, Math.floor(calls.length / 4));
    await run(calls.slice(0, warm));
    const cpu = process.cpuUsage();
    await run(calls.slice(warm));
    const used = process.cpuUsage(cpu);
    const measured = calls.length - warm;
    return {
      calls: measured,
      warmupCalls: warm,
      accounts: remaining.size,
      clients: made,
      cpuMsPerCall: measured > 0 ? (used.user + used.system) / 1000 / measured : 0,
      skipped,
    };
  } finally {
    for (const mine of clients.values()) for (const client of mine.values()) client.destroy();
    agents.httpAgent.destroy();
    agents.httpsAgent.destroy();
  }
}

/** What {@link replayInChild} hands the child process. */
interface ReplayJob {
  calls: readonly ReplayCall[];
  opts: ReplayOptions;
}

/**
 * {@link replaySdkCalls} in a fresh Node process with this process's flags: its heap holds only the
 * replay (as the bench's calibration holds only itself), so the collection's heap, the evaluation
 * and the report do not make the SDK look dearer than it is.
 */
export async function replayInChild(calls: readonly ReplayCall[], opts: ReplayOptions): Promise<SdkReplay> {
  const dir = await mkdtemp(join(tmpdir(), 'evidence-pack-replay-'));
  try {
    const job = join(dir, 'job.json');
    await writeFile(job, JSON.stringify({ calls, opts } satisfies ReplayJob));
    // The compiled child, from src/bench (tests) as from dist/bench (the CLI).
    const entry = fileURLToPath(new URL('../../dist/bench/sdk-replay-child.js', import.meta.url));
    const child = spawn(process.execPath, [...process.execArgv, entry, job], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    if (code !== 0) throw new Error(`SDK replay failed (exit ${code}): ${(err || out).trim().slice(0, 500)}`);
    return JSON.parse(await readFile(`${job}.out`, 'utf8')) as SdkReplay;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The child's side of {@link replayInChild}: read the job, replay, write the figures as JSON next to
 * it (`<job>.out`; not stdout, which V8's tracing flags may share).
 */
export async function runReplayJob(path: string): Promise<void> {
  const job = JSON.parse(await readFile(path, 'utf8')) as ReplayJob;
  await writeFile(`${path}.out`, JSON.stringify(await replaySdkCalls(job.calls, job.opts)));
}
