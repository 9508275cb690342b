import { isGap } from '../snapshot/outcome.ts';
import { defaultGlobalConcurrency } from '../aws/defaults.ts';
import type { ClientFactory } from '../aws/client-factory.ts';
import type { Gap, Outcome } from '../snapshot/outcome.ts';
import type { RawRecordSink } from '../aws/raw-sink.ts';
import { organizationDiscovery, type Config } from '../config/schema.ts';
import type { AccountSnapshot, AccountSource, BucketSnapshot, Snapshot } from '../snapshot/model.ts';
import { listBuckets } from './buckets.ts';
import type { AccountContext, CollectStage, ProgressEvent } from './context.ts';
import { collectIdentity, IDENTITY_TIMEOUT_MS, type CallerIdentity } from './identity.ts';
import { partitionOf, uniqueSorted } from './parse.ts';
import { ACCOUNT_COLLECTORS, type AccountPart } from './registry.ts';
import { collectConfiguredAggregator } from './aggregator.ts';
import { resolveCrossAccountKeys } from './cross-account-keys.ts';
import {
  collectOrganizationPolicies,
  discoverOrganization,
  settleCoverage,
  type DiscoveredOrganization,
} from './organization.ts';

export { OrganizationNotInUseError } from './organization.ts';

export type { ProgressEvent } from './context.ts';

/** Options of {@link collect}. */
export interface CollectOptions {
  config: Config;
  /** Root factory with the caller's credentials; other accounts are derived from it. */
  factory: ClientFactory;
  /** The sink the factory's recorder writes to. `collect` does not close it: the caller does. */
  sink?: RawRecordSink | undefined;
  /** Regions override (CLI `--regions`); otherwise `config.regions`, otherwise discovered. */
  regions?: string[] | undefined;
  toolVersion: string;
  runId: string;
  /** Endpoint override in use, recorded in the snapshot. */
  endpoint?: string | undefined;
  /** True when reading the bundled sandbox. */
  sandbox?: boolean | undefined;
  onProgress?: ((e: ProgressEvent) => void) | undefined;
  now?: (() => Date) | undefined;
  /** Region for account-level calls (STS, ListBuckets, S3 Control). Default: first region in scope, else `AWS_REGION`, else us-east-1. */
  homeRegion?: string | undefined;
  /**
   * Read only these accounts (a shard's share of the population, `run --shard`). Roles are
   * filtered by the account id in their ARN before any call; the caller and profiles after their
   * GetCallerIdentity.
   */
  only?: ReadonlySet<string> | undefined;
}

/** One account to read: how it is reached and the factory reading it. */
interface AccountTarget {
  name?: string | undefined;
  source: AccountSource;
  factory: ClientFactory;
  identity: Outcome<CallerIdentity>;
  /** Known before GetCallerIdentity for roles (from the role ARN). */
  accountId: string | undefined;
}

/**
 * The caller's own identity could not be read (GetCallerIdentity failed): nothing else can be, so
 * the run stops. Carries the error code and message for the CLI to explain.
 */
export class CallerUnreadableError extends Error {
  override name = 'CallerUnreadableError';
  constructor(
    readonly errorCode: string,
    readonly detail: string,
    readonly region: string,
    readonly endpointUrl: string | undefined,
  ) {
    super(
      `cannot read AWS as the caller: GetCallerIdentity at ${endpointUrl ?? 'AWS'} in ${region} failed (${errorCode}: ${detail})`,
    );
  }
}

/**
 * Read every account in scope and return one {@link Snapshot}. Collectors fetch and never judge;
 * what could not be read is kept as a `denied`/`error` outcome, including an account whose role
 * could not be assumed (its identity and inventory are the gap).
 */
export async function collect(opts: CollectOptions): Promise<Snapshot> {
  const now = opts.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const { config } = opts;
  const regionScope = opts.regions ?? config.regions;
  const home = opts.homeRegion ?? regionScope?.[0] ?? (process.env['AWS_REGION'] || 'us-east-1');
  const progress = (accountId: string, stage: CollectStage, done: number, total: number): void =>
    opts.onProgress?.({ stage, accountId, done, total });

  const callerIdentity = await callerOrStop(opts.factory, home, config);
  const caller =
    callerIdentity.status === 'ok'
      ? callerIdentity.value
      : { accountId: 'unknown', arn: 'unknown', userId: 'unknown' };

  const partition = partitionOf(caller.arn);
  const discovery = organizationDiscovery(config);
  const callerFactory = opts.factory.withAccountId(caller.accountId);
  const org = discovery
    ? await discoverOrganization(callerFactory, {
        discovery,
        callerAccountId: caller.accountId,
        partition,
        includeCallerAccount: config.includeCallerAccount,
      })
    : undefined;

  const targets = await resolveTargets(opts.factory, config, home, callerIdentity, org, opts.only);
  const atOnce = Math.min(accountsAtOnce(config), targets.length);
  const capShare = Math.ceil(globalCap(config) / Math.max(1, atOnce));
  const accounts = await mapAtMost(targets, atOnce, async (t) => {
    try {
      return await collectAccount(t, { config, home, regionScope, now, progress, partition, capShare });
    } finally {
      // Its clients are made again on demand (cross-account keys, the aggregator read later).
      t.factory.releaseClients();
    }
  });
  accounts.sort((a, b) => (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0));
  if (org) {
    settleCoverage(
      org.snapshot,
      new Map(targets.flatMap((t) => (t.accountId ? [[t.accountId, t.identity] as const] : []))),
    );
    await collectOrganizationPolicies(callerFactory, partition, org.snapshot);
  }
  const factories = new Map(
    targets.flatMap((t) =>
      t.accountId && t.identity.status === 'ok' ? [[t.accountId, t.factory] as const] : [],
    ),
  );
  await resolveCrossAccountKeys(accounts, factories, org?.snapshot);
  const aggregator = await collectConfiguredAggregator({
    config,
    callerAccountId: caller.accountId,
    factories: factories.has(caller.accountId)
      ? factories
      : new Map([...factories, [caller.accountId, opts.factory.withAccountId(caller.accountId)]]),
    accounts,
    fallbackRegions: regionScope ?? [home],
    organization: org !== undefined,
  });

  return {
    schema: 'evidence-pack/snapshot@1',
    tool: { name: 'evidence-pack', version: opts.toolVersion },
    runId: opts.runId,
    collection: { startedAt, finishedAt: now().toISOString() },
    caller: { accountId: caller.accountId, arn: caller.arn, userId: caller.userId },
    endpoint: opts.endpoint,
    sandbox: opts.sandbox ?? false,
    accounts,
    ...(org ? { organization: org.snapshot } : {}),
    ...(aggregator ? { aggregator } : {}),
  };
}

/**
 * How many accounts are read at once: enough to keep the run-wide cap busy while some accounts are
 * in their sequential steps (identity, listing, the paced CloudTrail lookups), four times as many
 * as the cap holds accounts at their own limit. Reading every account of a large organization at
 * once instead holds every account's clients and queued requests in memory (measured: 200 accounts
 * passed 600 MB before their bucket reads had started) for no speed: the cap bounds the calls anyway.
 */
export function accountsAtOnce(config: Config): number {
  return Math.max(2, 4 * Math.ceil(globalCap(config) / config.collection.concurrency));
}

/** The run-wide cap on calls in flight (`collection.globalConcurrency`, else sized to the machine). */
function globalCap(config: Config): number {
  return config.collection.globalConcurrency ?? defaultGlobalConcurrency();
}

/** `fn` over `items`, at most `n` at once, results in the order of `items`. */
async function mapAtMost<T, R>(items: readonly T[], n: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i] as T);
      }
    }),
  );
  return out;
}

/** One account of the population, and how many buckets its listing holds (0 when unreadable). */
export interface PopulationMember {
  accountId: string;
  buckets: number;
}

/**
 * The caller's identity, read in `home`. When it cannot be read nothing can (roles are assumed
 * with these credentials too): stop with a clear error rather than write a pack that is all gaps.
 */
async function callerOrStop(
  factory: ClientFactory,
  home: string,
  config: Config,
): Promise<Outcome<CallerIdentity>> {
  const identity = await collectIdentity(factory, home, identityTimeout(config));
  if (isGap(identity))
    throw new CallerUnreadableError(identity.errorCode, identity.message, home, factory.endpointUrl);
  return identity;
}

/**
 * The account population of a sharded run: every account in scope (as {@link collect} would read
 * them) with its bucket count from one ListBuckets per account. Calls go through `factory`, whose
 * records are planning, not evidence. An account whose id cannot be known (a profile whose identity
 * fails) cannot be planned and is left out.
 */
export async function population(opts: {
  config: Config;
  factory: ClientFactory;
  regions?: string[] | undefined;
}): Promise<PopulationMember[]> {
  const home = opts.regions?.[0] ?? opts.config.regions?.[0] ?? (process.env['AWS_REGION'] || 'us-east-1');
  const callerIdentity = await callerOrStop(opts.factory, home, opts.config);
  const caller = callerIdentity.status === 'ok' ? callerIdentity.value : undefined;
  const discovery = organizationDiscovery(opts.config);
  const org =
    discovery && caller
      ? await discoverOrganization(opts.factory.withAccountId(caller.accountId), {
          discovery,
          callerAccountId: caller.accountId,
          partition: partitionOf(caller.arn),
          includeCallerAccount: opts.config.includeCallerAccount,
        })
      : undefined;
  const targets = await resolveTargets(opts.factory, opts.config, home, callerIdentity, org);
  const members = await Promise.all(
    targets.map(async (t): Promise<PopulationMember | undefined> => {
      if (!t.accountId) return undefined;
      if (t.identity.status !== 'ok') return { accountId: t.accountId, buckets: 0 };
      const listed = await listBuckets(t.factory, { accountId: t.accountId, region: home });
      return {
        accountId: t.accountId,
        buckets: listed.listing.status === 'ok' ? listed.listing.value.count : 0,
      };
    }),
  );
  return members.filter((m): m is PopulationMember => m !== undefined);
}

/** GetCallerIdentity's per-attempt timeout: the shorter of its own and the configured one. */
function identityTimeout(config: Config): number {
  return Math.min(IDENTITY_TIMEOUT_MS, config.collection.requestTimeoutMs);
}

/** A target reached by assuming `roleArn` with the root's credentials. */
async function roleTarget(
  root: ClientFactory,
  config: Config,
  home: string,
  role: { roleArn: string; externalId?: string | undefined; name?: string | undefined },
): Promise<AccountTarget> {
  const accountId = role.roleArn.split(':')[4] ?? 'unknown';
  const factory = root.forAccount(
    accountId,
    root.assumeRoleCredentials(accountId, {
      roleArn: role.roleArn,
      externalId: role.externalId,
      region: home,
    }),
  );
  return {
    name: role.name,
    source: { kind: 'role', roleArn: role.roleArn },
    factory,
    identity: await collectIdentity(factory, home, identityTimeout(config)),
    accountId,
  };
}

/**
 * The accounts to read. With organization discovery (and the account list read), the organization's
 * in-scope ACTIVE accounts: the caller's own directly, the others through the organization role;
 * otherwise the caller (unless `includeCallerAccount` is false). Then `accounts` from the config.
 */
async function resolveTargets(
  root: ClientFactory,
  config: Config,
  home: string,
  callerIdentity: Outcome<CallerIdentity>,
  org: DiscoveredOrganization | undefined,
  only?: ReadonlySet<string>,
): Promise<AccountTarget[]> {
  const wanted = (id: string | undefined): boolean => !only || (id !== undefined && only.has(id));
  const targets: AccountTarget[] = [];
  const discovered = org?.snapshot.accountListing.status === 'ok' ? org : undefined;
  if (discovered) {
    const discovery = organizationDiscovery(config);
    targets.push(
      ...(await Promise.all(
        discovered.toRead
          .filter((t) => wanted(t.accountId))
          .map((t) =>
            t.roleArn === undefined
              ? Promise.resolve<AccountTarget>({
                  name: t.name,
                  source: { kind: 'caller' },
                  factory: root.withAccountId(t.accountId),
                  identity: callerIdentity,
                  accountId: t.accountId,
                })
              : roleTarget(root, config, home, {
                  roleArn: t.roleArn,
                  externalId: discovery?.externalId,
                  name: t.name,
                }),
          ),
      )),
    );
  } else if (config.includeCallerAccount) {
    const id = callerIdentity.status === 'ok' ? callerIdentity.value.accountId : undefined;
    targets.push({
      source: { kind: 'caller' },
      factory: id ? root.withAccountId(id) : root,
      identity: callerIdentity,
      accountId: id,
    });
  }
  const configured = await Promise.all(
    config.accounts
      .filter((a) => !a.roleArn || wanted(a.roleArn.split(':')[4] ?? 'unknown'))
      .map(async (a): Promise<AccountTarget> => {
        if (a.roleArn)
          return roleTarget(root, config, home, {
            roleArn: a.roleArn,
            externalId: a.externalId,
            name: a.name,
          });
        const profile = a.profile ?? '';
        const unbound = root.forAccount(undefined, root.profileCredentials(profile));
        const identity = await collectIdentity(unbound, home, identityTimeout(config));
        const accountId = identity.status === 'ok' ? identity.value.accountId : undefined;
        return {
          name: a.name,
          source: { kind: 'profile', profile },
          factory: accountId ? unbound.withAccountId(accountId) : unbound,
          identity,
          accountId,
        };
      }),
  );
  // The same account reached twice (caller and a role in it, or two entries) is read once.
  const seen = new Set(targets.map((t) => t.accountId).filter(Boolean));
  for (const t of configured) {
    if (t.accountId && seen.has(t.accountId)) continue;
    if (t.accountId) seen.add(t.accountId);
    targets.push(t);
  }
  return targets.filter((t) => wanted(t.accountId));
}

interface AccountRunOptions {
  config: Config;
  home: string;
  regionScope: string[] | undefined;
  now: () => Date;
  partition: string;
  progress(accountId: string, stage: CollectStage, done: number, total: number): void;
  /** The account's share of the run-wide cap while the others are read ({@link AccountContext.capShare}). */
  capShare: number;
}

async function collectAccount(t: AccountTarget, o: AccountRunOptions): Promise<AccountSnapshot> {
  const accountId = t.accountId ?? 'unknown';
  const name = t.name ?? accountId;
  o.progress(accountId, 'identity', 1, 1);
  if (t.identity.status !== 'ok') {
    const gap: Gap =
      t.identity.status === 'absent'
        ? { ...t.identity, status: 'error', message: 'GetCallerIdentity answered "not found"' }
        : t.identity;
    const regions = uniqueSorted([...(o.regionScope ?? []), ...o.config.additionalRegions]);
    return unreachableAccount(t, accountId, name, gap, regions);
  }
  const identity = { ...t.identity, value: { arn: t.identity.value.arn, userId: t.identity.value.userId } };

  o.progress(accountId, 'buckets', 0, 1);
  const {
    listing,
    buckets: bucketRefs,
    outOfScope,
  } = await listBuckets(t.factory, {
    accountId,
    region: o.home,
    regions: o.regionScope,
    partition: o.partition,
  });
  o.progress(accountId, 'buckets', 1, 1);

  const discovered = o.regionScope ?? bucketRefs.map((b) => b.region);
  let regions = uniqueSorted([...discovered, ...o.config.additionalRegions]);
  if (regions.length === 0) regions = [o.home];

  const parts: AccountPart = {};
  const ctx: AccountContext = {
    factory: t.factory,
    accountId,
    homeRegion: o.home,
    regions,
    bucketRefs,
    config: o.config,
    now: o.now,
    progress: (stage, done, total) => o.progress(accountId, stage, done, total),
    buckets: (): BucketSnapshot[] => parts.buckets ?? [],
    collected: () => parts,
    capShare: o.capShare,
  };
  await runCollectors(ctx, parts);

  return {
    accountId,
    name,
    source: t.source,
    identity,
    regions,
    bucketListing: listing,
    buckets: parts.buckets ?? [],
    outOfScopeBuckets: outOfScope.map((b) => ({
      name: b.name,
      arn: b.arn,
      accountId: b.accountId,
      region: b.region,
    })),
    accountPublicAccessBlock:
      parts.accountPublicAccessBlock ?? notCollected('s3control', 'GetPublicAccessBlock'),
    kmsKeys: parts.kmsKeys ?? [],
    config: parts.config ?? [],
    cloudTrail: parts.cloudTrail ?? { discovery: [], trails: [], keyUsage: [] },
    ...(parts.configHistory ? { configHistory: parts.configHistory } : {}),
    ...(parts.resourceHistory ? { resourceHistory: parts.resourceHistory } : {}),
    ...(parts.managementEvents ? { managementEvents: parts.managementEvents } : {}),
    ...(parts.complianceHistory ? { complianceHistory: parts.complianceHistory } : {}),
    ...(parts.objectInventory ? { objectInventory: parts.objectInventory } : {}),
  };
}

/** Only reachable if a collector was removed from the registry: an explicit gap, never a silent default. */
function notCollected(service: string, operation: string): Gap {
  return {
    status: 'error',
    errorCode: 'NotCollected',
    message: `${operation} was not collected`,
    evidence: { file: '', callId: 'unrecorded', service, operation },
  };
}

/** Run the registry: each collector starts once the collectors it depends on have finished. */
async function runCollectors(ctx: AccountContext, parts: AccountPart): Promise<void> {
  const done = new Map<CollectStage, Promise<void>>();
  for (const c of ACCOUNT_COLLECTORS) {
    const deps = c.after.map((s) => done.get(s) ?? Promise.resolve());
    done.set(
      c.stage,
      Promise.all(deps).then(async () => {
        Object.assign(parts, await c.run(ctx));
      }),
    );
  }
  await Promise.all(done.values());
}

/** An account whose identity could not be established: every fact of it is that same gap. */
function unreachableAccount(
  t: AccountTarget,
  accountId: string,
  name: string,
  gap: Gap,
  regions: string[],
): AccountSnapshot {
  return {
    accountId,
    name,
    source: t.source,
    identity: gap,
    regions,
    bucketListing: gap,
    buckets: [],
    accountPublicAccessBlock: gap,
    kmsKeys: [],
    config: [],
    cloudTrail: { discovery: [], trails: [], keyUsage: [] },
  };
}
