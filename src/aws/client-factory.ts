import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { KMSClient } from '@aws-sdk/client-kms';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { S3ControlClient } from '@aws-sdk/client-s3-control';
import { STSClient } from '@aws-sdk/client-sts';
import { fromIni, fromNodeProviderChain, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { attemptNoticesPlugin } from './attempt-notices.ts';
import { attemptSlotsPlugin, newRetryCounters, type RetryCounters } from './attempt-slots.ts';
import { DEFAULT_CONCURRENCY, defaultGlobalConcurrency } from './defaults.ts';
import { createLimiter, underGlobalCap, type Limiter, type LimiterStats } from './limiter.ts';
import type { RequestRecorder } from './recorder.ts';
import type { ServiceName } from './services.ts';

/** The SDK client type of each service. */
export interface ClientMap {
  s3: S3Client;
  s3control: S3ControlClient;
  kms: KMSClient;
  config: ConfigServiceClient;
  cloudtrail: CloudTrailClient;
  sts: STSClient;
  tagging: ResourceGroupsTaggingAPIClient;
  organizations: OrganizationsClient;
}

/** Options of {@link createClientFactory}. */
export interface ClientFactoryOptions {
  /** Custom endpoint (sandbox, LocalStack...); default `AWS_ENDPOINT_URL` from the environment, else AWS. */
  endpointUrl?: string | undefined;
  /** Named profile; ignored when `credentials` is given. Default: the standard credential chain. */
  profile?: string | undefined;
  credentials?: AwsCredentialIdentityProvider | undefined;
  /** Attempts per call including the first (standard retry mode: exponential backoff with jitter). */
  maxAttempts: number;
  /** Sent as `customUserAgent`, e.g. `evidence-pack/0.1.0`. */
  userAgent: string;
  recorder: RequestRecorder;
  /** Account the credentials belong to, when known (otherwise learned from GetCallerIdentity). */
  accountId?: string | undefined;
  /** Concurrent calls per account (config `collection.concurrency`); also the socket bound. Default {@link DEFAULT_CONCURRENCY}. */
  concurrency?: number | undefined;
  /**
   * Concurrent calls over all accounts read from this root (config `collection.globalConcurrency`);
   * also the socket bound, as the accounts share one connection pool. Default
   * {@link defaultGlobalConcurrency} (sized to the machine's cores).
   */
  globalConcurrency?: number | undefined;
  /** Per-request timeout in milliseconds (default 60 s). */
  requestTimeoutMs?: number | undefined;
  /** Where to say that a call is slow or being retried after a failure (the run's progress log). */
  notice?: ((line: string) => void) | undefined;
}

/** How to assume a role in another account. */
export interface AssumeRoleTarget {
  roleArn: string;
  externalId?: string | undefined;
  /** Region of the STS endpoint used for AssumeRole (default us-east-1). */
  region?: string | undefined;
}

/**
 * The one place AWS clients are made. Every client is cached per region, identifies the tool in its
 * User-Agent, retries with exponential backoff, and records each call through the request recorder.
 * A factory reads one account; derive others with {@link ClientFactory.forAccount}.
 */
export interface ClientFactory {
  /** The account read through this factory, when known. */
  readonly accountId: string | undefined;
  /** The custom endpoint in use, if any. */
  readonly endpointUrl: string | undefined;
  /** The credentials this factory's clients use (console sign-in derives from them). */
  readonly credentials: AwsCredentialIdentityProvider;
  /** Concurrency bound for this account's calls (under the run's global cap): one slot per attempt in flight. */
  readonly limiter: Limiter;
  s3(region: string): S3Client;
  s3control(region: string): S3ControlClient;
  kms(region: string): KMSClient;
  config(region: string): ConfigServiceClient;
  cloudtrail(region: string): CloudTrailClient;
  sts(region: string): STSClient;
  /** Organizations (a global service: AWS serves it from us-east-1 in the aws partition). */
  organizations(region: string): OrganizationsClient;
  /** The client of `service` in `region`. */
  client<S extends ServiceName>(service: S, region: string): ClientMap[S];
  /** The same credentials, limiter and sockets, now known to read `accountId` (records go there). */
  withAccountId(accountId: string): ClientFactory;
  /** A factory reading another account with other credentials (its own limiter and sockets). */
  forAccount(accountId: string | undefined, credentials: AwsCredentialIdentityProvider): ClientFactory;
  /**
   * Credentials of an assumed role (STS AssumeRole, session name `evidence-pack`), obtained with this
   * factory's credentials; the AssumeRole call is recorded under `accountId`.
   */
  assumeRoleCredentials(accountId: string, target: AssumeRoleTarget): AwsCredentialIdentityProvider;
  /** Credentials of a named profile in the shared config files. */
  profileCredentials(profile: string): AwsCredentialIdentityProvider;
  /**
   * Drop this account's cached clients (once its collection is done, so a large organization does
   * not keep every account's clients in memory); later calls make them again. Sockets stay in the
   * shared pool; in-flight calls are not affected.
   */
  releaseClients(): void;
  /** Close the sockets of every client made by this factory and every factory derived from the same root. */
  destroy(): void;
  /** Calls, retries, backoff and slot use of every account read from the same root so far. */
  stats(): CallStats;
}

/** What {@link ClientFactory.stats} reports, summed over accounts. */
export interface CallStats extends RetryCounters, Omit<LimiterStats, 'lowestLimit'> {
  /** Accounts (limiters) the figures sum over. */
  accounts: number;
  /** Lowest concurrency limit any account's limiter reached. */
  lowestLimit: number;
  /** The run-wide cap on calls in flight over all accounts. */
  globalLimit: number;
  /** Slot use of the run-wide cap (its tasks are every account's attempts). */
  global: LimiterStats;
  /** Attempts per account (by account id; `unknown` before the id is known), busiest first. */
  perAccount: AccountCalls[];
}

/** Calls and attempts one account's limiter ran. */
export interface AccountCalls {
  accountId: string;
  calls: number;
  /** Attempts (calls and their retries): the slots of the account's limiter taken. */
  attempts: number;
  /** The account's configured concurrency limit. */
  limit: number;
  /** Times sustained throttling halved this account's limit. */
  cuts: number;
}

/** Create the root client factory. */
export function createClientFactory(opts: ClientFactoryOptions): ClientFactory {
  const endpointUrl = opts.endpointUrl ?? (process.env['AWS_ENDPOINT_URL'] || undefined);
  const credentials =
    opts.credentials ?? (opts.profile ? fromIni({ profile: opts.profile }) : fromNodeProviderChain());
  const concurrency = opts.concurrency ?? DEFAULT_CONCURRENCY;
  const globalConcurrency = opts.globalConcurrency ?? defaultGlobalConcurrency();
  // Sockets are shared by every account: connections are not tied to credentials, and the global
  // cap bounds the attempts in flight, so the pool never makes a call wait.
  const maxSockets = Math.max(1, globalConcurrency);
  const run: RunResources = {
    global: createLimiter({ max: globalConcurrency }),
    httpAgent: new HttpAgent({ keepAlive: true, maxSockets }),
    httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets }),
    all: [],
  };
  return buildFactory(
    { ...opts, endpointUrl, credentials, concurrency },
    newAccountResources(concurrency, run, opts.accountId),
    run,
  );
}

/** What every account of one root shares: the global cap and the connection pool. */
interface RunResources {
  global: Limiter;
  httpAgent: HttpAgent;
  httpsAgent: HttpsAgent;
  all: AccountResources[];
}

interface AccountResources {
  /** The account's own limiter (its halving under throttling), not yet under the global cap. */
  own: Limiter;
  /** The account's limiter under the global cap: what its calls go through. */
  limiter: Limiter;
  counters: RetryCounters;
  /** The account's configured limit (its limiter's maximum). */
  max: number;
  /** The account read (set when known). */
  accountId: string | undefined;
  clients: Map<string, ClientMap[ServiceName]>;
}

function newAccountResources(
  concurrency: number,
  run: RunResources,
  accountId: string | undefined,
): AccountResources {
  const own = createLimiter({ max: concurrency });
  const res: AccountResources = {
    own,
    limiter: underGlobalCap(own, run.global),
    counters: newRetryCounters(),
    max: concurrency,
    accountId,
    clients: new Map(),
  };
  run.all.push(res);
  return res;
}

type ResolvedOptions = ClientFactoryOptions & {
  credentials: AwsCredentialIdentityProvider;
  concurrency: number;
};

function buildFactory(opts: ResolvedOptions, res: AccountResources, run: RunResources): ClientFactory {
  const { endpointUrl, accountId } = opts;
  if (accountId !== undefined) res.accountId ??= accountId;

  function common(region: string): Omit<SdkClientSettings, 'endpointUrl'> {
    return {
      region,
      credentials: opts.credentials,
      maxAttempts: opts.maxAttempts,
      retryMode: 'standard' as const,
      // Resolve each command's middleware chain once per client, not on every call: the per-call
      // resolution is a measured ~7% of collection CPU (the run is CPU-bound at scale).
      cacheMiddleware: true,
      customUserAgent: opts.userAgent,
      requestHandler: requestHandlerOptions(run, opts.requestTimeoutMs),
    };
  }

  function recorderPlugin(service: ServiceName, region: string) {
    return opts.recorder.plugin({
      service,
      region,
      accountId,
      onThrottle: () => res.limiter.onThrottle(),
      onSuccess: () => res.limiter.onSuccess(),
    });
  }

  function make<S extends ServiceName>(service: S, region: string): ClientMap[S] {
    const c = construct(service, region);
    c.middlewareStack.use(recorderPlugin(service, region));
    c.middlewareStack.use(attemptSlotsPlugin(res.limiter, res.counters));
    if (opts.notice) {
      c.middlewareStack.use(
        attemptNoticesPlugin({
          service,
          region,
          maxAttempts: opts.maxAttempts,
          notice: opts.notice,
        }),
      );
    }
    return c;
  }

  function construct<S extends ServiceName>(service: S, region: string): ClientMap[S] {
    return createSdkClient(service, { ...common(region), endpointUrl });
  }

  function client<S extends ServiceName>(service: S, region: string): ClientMap[S] {
    const key = `${accountId ?? ''}|${service}|${region}`;
    let c = res.clients.get(key);
    if (!c) {
      c = make(service, region);
      res.clients.set(key, c);
    }
    return c as ClientMap[S];
  }

  const factory: ClientFactory = {
    credentials: opts.credentials,
    accountId,
    endpointUrl,
    limiter: res.limiter,
    s3: (region) => client('s3', region),
    s3control: (region) => client('s3control', region),
    kms: (region) => client('kms', region),
    config: (region) => client('config', region),
    cloudtrail: (region) => client('cloudtrail', region),
    sts: (region) => client('sts', region),
    organizations: (region) => client('organizations', region),
    client,
    withAccountId: (id) => buildFactory({ ...opts, accountId: id }, res, run),
    forAccount: (id, credentials) =>
      buildFactory(
        { ...opts, accountId: id, credentials },
        newAccountResources(opts.concurrency, run, id),
        run,
      ),
    assumeRoleCredentials(targetAccountId, target) {
      const region = target.region ?? 'us-east-1';
      return sharedCredentials(
        fromTemporaryCredentials({
          params: {
            RoleArn: target.roleArn,
            RoleSessionName: 'evidence-pack',
            ...(target.externalId ? { ExternalId: target.externalId } : {}),
          },
          masterCredentials: opts.credentials,
          clientConfig: {
            region,
            maxAttempts: opts.maxAttempts,
            retryMode: 'standard',
            customUserAgent: opts.userAgent,
            // The run's connection pool, not a pool (and a connection) of its own per account.
            requestHandler: requestHandlerOptions(run, opts.requestTimeoutMs),
            ...(endpointUrl ? { endpoint: endpointUrl } : {}),
          },
          clientPlugins: [opts.recorder.plugin({ service: 'sts', region, accountId: targetAccountId })],
        }),
      );
    },
    profileCredentials: (profile) => fromIni({ profile }),
    releaseClients: () => res.clients.clear(),
    destroy() {
      for (const r of run.all.splice(0)) {
        for (const c of r.clients.values()) c.destroy();
        r.clients.clear();
      }
      run.httpAgent.destroy();
      run.httpsAgent.destroy();
    },
    stats: () => sumStats(run),
  };
  return factory;
}

/** The settings {@link createSdkClient} gives every client, besides the service's own. */
export interface SdkClientSettings {
  region: string;
  credentials: AwsCredentialIdentityProvider | AwsCredentialIdentity;
  maxAttempts: number;
  retryMode: 'standard';
  cacheMiddleware: boolean;
  customUserAgent?: string | undefined;
  requestHandler?: ReturnType<typeof requestHandlerOptions> | undefined;
  /** Custom endpoint (sandbox, LocalStack...); absent: AWS. */
  endpointUrl?: string | undefined;
}

/**
 * A bare SDK client of `service`, configured as the collection configures it (path-style S3 and an
 * account header for S3 Control against a custom endpoint), without the recorder, limiter or notice
 * plugins: what {@link ClientFactory} builds on, and what the benchmark's SDK replay measures.
 */
export function createSdkClient<S extends ServiceName>(
  service: S,
  settings: SdkClientSettings,
): ClientMap[S] {
  const { endpointUrl, ...rest } = settings;
  const base = { ...rest, ...(endpointUrl ? { endpoint: endpointUrl } : {}) };
  switch (service) {
    case 's3':
      return new S3Client({
        ...base,
        followRegionRedirects: true,
        ...(endpointUrl ? { forcePathStyle: true } : {}),
      }) as ClientMap[S];
    case 's3control':
      return new S3ControlClient({
        ...base,
        // The SDK would prefix the account id to the host (`<account>.127.0.0.1`); against a custom
        // endpoint the account travels in the x-amz-account-id header instead.
        ...(endpointUrl
          ? { endpointProvider: () => ({ url: new URL(endpointUrl) }), disableHostPrefix: true }
          : {}),
      }) as ClientMap[S];
    case 'kms':
      return new KMSClient(base) as ClientMap[S];
    case 'config':
      return new ConfigServiceClient(base) as ClientMap[S];
    case 'cloudtrail':
      return new CloudTrailClient(base) as ClientMap[S];
    case 'sts':
      return new STSClient(base) as ClientMap[S];
    case 'tagging':
      return new ResourceGroupsTaggingAPIClient(base) as ClientMap[S];
    case 'organizations':
      return new OrganizationsClient(base) as ClientMap[S];
    default:
      throw new Error(`unknown service ${String(service)}`);
  }
}

/** The HTTP handler options of every client of a run: its shared sockets and the timeouts. */
export function requestHandlerOptions(
  run: { httpAgent: HttpAgent; httpsAgent: HttpsAgent },
  requestTimeoutMs: number | undefined,
) {
  return {
    httpAgent: run.httpAgent,
    httpsAgent: run.httpsAgent,
    requestTimeout: requestTimeoutMs ?? 60_000,
    connectionTimeout: 10_000,
    throwOnRequestTimeout: true,
  };
}

function sumStats(run: RunResources): CallStats {
  const all = run.all;
  const perAccount = new Map<string, AccountCalls>();
  const sum: CallStats = {
    accounts: all.length,
    globalLimit: run.global.limit,
    global: run.global.stats(),
    perAccount: [],
    calls: 0,
    retries: 0,
    backoffMs: 0,
    tasks: 0,
    busySlotMs: 0,
    idleSlotMs: 0,
    cuts: 0,
    lowestLimit: Infinity,
  };
  for (const r of all) {
    const l = r.own.stats();
    const id = r.accountId ?? 'unknown';
    const seen = perAccount.get(id) ?? { accountId: id, calls: 0, attempts: 0, limit: r.max, cuts: 0 };
    seen.calls += r.counters.calls;
    seen.attempts += l.tasks;
    seen.cuts += l.cuts;
    perAccount.set(id, seen);
    sum.calls += r.counters.calls;
    sum.retries += r.counters.retries;
    sum.backoffMs += r.counters.backoffMs;
    sum.tasks += l.tasks;
    sum.busySlotMs += l.busySlotMs;
    sum.idleSlotMs += l.idleSlotMs;
    sum.cuts += l.cuts;
    sum.lowestLimit = Math.min(sum.lowestLimit, l.lowestLimit);
  }
  if (sum.lowestLimit === Infinity) sum.lowestLimit = 0;
  sum.perAccount = [...perAccount.values()].sort(
    (a, b) => b.attempts - a.attempts || (a.accountId < b.accountId ? -1 : 1),
  );
  return sum;
}

/**
 * One credential cache for every client of an account: each SDK client would otherwise call the
 * provider itself (one AssumeRole per client). Refreshes five minutes before expiry; a failure is
 * not cached, so a later call retries.
 */
export function sharedCredentials(provider: AwsCredentialIdentityProvider): AwsCredentialIdentityProvider {
  let cached: ReturnType<AwsCredentialIdentityProvider> | undefined;
  const fresh = (c: AwsCredentialIdentity): boolean =>
    c.expiration === undefined || c.expiration.getTime() - Date.now() > 5 * 60_000;
  return async () => {
    const mine = cached;
    if (mine) {
      const current = await mine.catch(() => undefined);
      if (current && fresh(current)) return current;
      if (cached === mine) cached = undefined;
    }
    const next = (cached ??= provider());
    try {
      return await next;
    } catch (err) {
      if (cached === next) cached = undefined;
      throw err;
    }
  };
}
