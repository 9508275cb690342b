import type { AccountSnapshot } from '../snapshot/model.ts';
import { collectAccountPublicAccessBlock } from './account-pab.ts';
import { collectBucketConfig } from './bucket-config.ts';
import { listTaggedBuckets } from './bucket-tags.ts';
import { collectCloudTrail } from './cloudtrail.ts';
import { collectConfigRegion } from './config.ts';
import { collectBucketConfigHistory } from './config-history.ts';
import type { AccountContext, CollectStage } from './context.ts';
import { collectKmsKeys } from './kms.ts';
import { collectComplianceHistory } from './compliance-history.ts';
import { collectManagementEvents } from './management-events.ts';
import { collectResourceHistory } from './resource-history.ts';
import { collectObjectInventory } from './object-inventory.ts';

/** The part of an account snapshot one collector fills in. */
export type AccountPart = Partial<
  Pick<
    AccountSnapshot,
    | 'buckets'
    | 'accountPublicAccessBlock'
    | 'kmsKeys'
    | 'kmsKeyListing'
    | 'config'
    | 'cloudTrail'
    | 'configHistory'
    | 'resourceHistory'
    | 'managementEvents'
    | 'complianceHistory'
    | 'objectInventory'
  >
>;

/**
 * An account-level collector. Runs after the inventory (identity, bucket listing, regions) is known
 * and after the collectors it names in `after`; returns the fields it owns.
 */
export interface AccountCollector {
  stage: CollectStage;
  after: CollectStage[];
  /**
   * The IAM actions its calls need (the least-privilege policy of `init` and the README is generated
   * from these). Note the names differ from the API operations in places: GetBucketEncryption needs
   * `s3:GetEncryptionConfiguration`; S3 Control's GetPublicAccessBlock needs
   * `s3:GetAccountPublicAccessBlock`.
   */
  actions: readonly string[];
  run(ctx: AccountContext): Promise<AccountPart>;
}

/**
 * Buckets in flight per slot the account can use (its limit, or its share of the run-wide cap when
 * that is smaller). Each bucket asks up to nine questions, so a few buckets per slot keep every slot
 * busy; starting every bucket at once instead would hold tens of thousands of pending requests
 * (commands, promises, closures) in memory, and each of them, waiting for a slot, survives the
 * young-generation collections and costs the garbage collector CPU.
 */
const ITEMS_PER_SLOT = 4;

/** A promise and the function that settles it. */
interface Signal {
  promise: Promise<void>;
  resolve(): void;
}

const keyUsageSignals = new WeakMap<AccountContext, Map<string, Signal>>();

/**
 * Per account and region: settles once the region's key-usage LookupEvents have ended (the
 * CloudTrail stage settles every region's when it finishes, however it finished).
 */
function keyUsageEnded(ctx: AccountContext, region: string): Signal {
  let byRegion = keyUsageSignals.get(ctx);
  if (!byRegion) {
    byRegion = new Map();
    keyUsageSignals.set(ctx, byRegion);
  }
  let signal = byRegion.get(region);
  if (!signal) {
    let resolve = (): void => undefined;
    const promise = new Promise<void>((r) => (resolve = r));
    signal = { promise, resolve: () => resolve() };
    byRegion.set(region, signal);
  }
  return signal;
}

/**
 * Runs `f` over `items`, at most a bounded number at a time, and reports progress after each.
 * Results are in the order of `items`.
 */
export async function eachWithProgress<I, R>(
  ctx: Pick<AccountContext, 'factory' | 'progress' | 'capShare'>,
  stage: CollectStage,
  items: readonly I[],
  f: (item: I) => Promise<R>,
): Promise<R[]> {
  let done = 0;
  let next = 0;
  ctx.progress(stage, 0, items.length);
  const results: R[] = new Array<R>(items.length);
  const slots = Math.min(ctx.factory.limiter.limit, ctx.capShare ?? Infinity);
  const width = Math.min(items.length, Math.max(8, slots * ITEMS_PER_SLOT));
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await f(items[i] as I);
      ctx.progress(stage, ++done, items.length);
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
  return results;
}

/**
 * IAM actions of the inventory that runs before the account collectors: the caller's identity
 * (`sts:GetCallerIdentity` needs no permission) and the bucket listing with each bucket's region.
 */
export const INVENTORY_ACTIONS: readonly string[] = ['s3:ListAllMyBuckets', 's3:GetBucketLocation'];

/** Every account-level collector, in display order. */
export const ACCOUNT_COLLECTORS: readonly AccountCollector[] = [
  {
    stage: 'bucket-config',
    after: [],
    actions: [
      's3:GetEncryptionConfiguration',
      's3:GetBucketPolicy',
      's3:GetBucketPolicyStatus',
      's3:GetBucketPublicAccessBlock',
      's3:GetBucketAcl',
      's3:GetBucketOwnershipControls',
      's3:GetBucketTagging',
      's3:GetBucketVersioning',
      's3:GetBucketAbac',
      's3:GetInventoryConfiguration',
      'tag:GetResources',
    ],
    run: async (ctx) => {
      const derive = ctx.config.collection.deriveImpliedReads;
      // One Tagging API listing per region instead of GetBucketTagging per bucket (buckets of a
      // region whose listing failed are asked one by one).
      const tagged =
        derive && ctx.bucketRefs.length > 0
          ? await listTaggedBuckets(ctx.factory, ctx.bucketRefs)
          : undefined;
      return {
        buckets: await eachWithProgress(ctx, 'bucket-config', ctx.bucketRefs, (ref) =>
          collectBucketConfig(ctx.factory, ref, { deriveImpliedReads: derive, tags: tagged?.tagsOf(ref) }),
        ),
      };
    },
  },
  {
    stage: 'account-pab',
    after: [],
    actions: ['s3:GetAccountPublicAccessBlock'],
    run: async (ctx) => {
      ctx.progress('account-pab', 0, 1);
      const accountPublicAccessBlock = await collectAccountPublicAccessBlock(
        ctx.factory,
        ctx.accountId,
        ctx.homeRegion,
      );
      ctx.progress('account-pab', 1, 1);
      return { accountPublicAccessBlock };
    },
  },
  {
    stage: 'kms',
    after: ['bucket-config'],
    actions: [
      'kms:DescribeKey',
      'kms:GetKeyPolicy',
      'kms:GetKeyRotationStatus',
      'kms:ListKeyRotations',
      'kms:ListAliases',
      'kms:ListKeys',
    ],
    run: async (ctx) => {
      ctx.progress('kms', 0, 1);
      const { keys, listings } = await collectKmsKeys(ctx.factory, ctx.accountId, ctx.buckets(), ctx.regions);
      ctx.progress('kms', 1, 1);
      return { kmsKeys: keys, kmsKeyListing: listings };
    },
  },
  {
    stage: 'config',
    after: [],
    actions: [
      'config:DescribeConfigurationRecorders',
      'config:DescribeConfigurationRecorderStatus',
      'config:ListConfigurationRecorders',
      'config:DescribeConfigRules',
      'config:GetComplianceDetailsByConfigRule',
    ],
    run: async (ctx) => ({
      config: await eachWithProgress(ctx, 'config', ctx.regions, (region) =>
        collectConfigRegion(ctx.factory, ctx.accountId, region),
      ),
    }),
  },
  {
    // After the KMS stage: the sandbox (like AWS) records the tool's own KMS reads as events, so
    // LookupEvents run while they are still being made would page differently from run to run.
    stage: 'cloudtrail',
    after: ['kms'],
    actions: [
      'cloudtrail:DescribeTrails',
      'cloudtrail:GetTrailStatus',
      'cloudtrail:GetEventSelectors',
      'cloudtrail:LookupEvents',
    ],
    run: async (ctx) => {
      ctx.progress('cloudtrail', 0, 1);
      try {
        const cloudTrail = await collectCloudTrail(ctx.factory, {
          regions: ctx.regions,
          lookbackDays: ctx.config.collection.keyUsage.lookbackDays,
          maxEventsPerRegion: ctx.config.collection.keyUsage.maxEventsPerRegion,
          period: ctx.config.period,
          now: ctx.now,
          onKeyUsageEnd: (region) => keyUsageEnded(ctx, region).resolve(),
        });
        ctx.progress('cloudtrail', 1, 1);
        return { cloudTrail };
      } finally {
        // Whatever happened, no region's management events wait any longer.
        for (const region of ctx.regions) keyUsageEnded(ctx, region).resolve();
      }
    },
  },
  {
    // Only with an audit period: once per bucket, in the bucket's region. After the Config stage,
    // so the Config call ids of a run are the same from run to run, and after KMS, so it runs
    // while the CloudTrail stage waits on LookupEvents' 2 requests per second instead of after it.
    stage: 'config-history',
    after: ['config', 'kms'],
    actions: ['config:GetResourceConfigHistory'],
    run: async (ctx) => {
      const period = ctx.config.period;
      if (!period) return {};
      // Per bucket: its configuration history and its rule compliance history
      // (AWS::Config::ResourceCompliance items).
      const histories = await eachWithProgress(ctx, 'config-history', ctx.bucketRefs, (ref) =>
        Promise.all([
          collectBucketConfigHistory(ctx.factory, ref, period),
          collectComplianceHistory(ctx.factory, ref, period),
        ]),
      );
      return {
        configHistory: histories.map(([h]) => h),
        complianceHistory: histories.map(([, c]) => c),
      };
    },
  },
  {
    // Only with an audit period: the write management events of each region from the period start
    // to now (who made each change). Each region's lookups start once that region's key-usage
    // lookups (CloudTrail stage) have ended: both page LookupEvents under the region's one pacer,
    // and one chain after the other keeps the region's call ids in the same order from run to run;
    // waiting for every region's key usage instead would start the busiest region's late. After
    // KMS like the CloudTrail stage, so the tool's own KMS reads are all made.
    stage: 'management-events',
    after: ['kms'],
    actions: ['cloudtrail:LookupEvents'],
    run: async (ctx) => {
      const period = ctx.config.period;
      if (!period) return {};
      const window = { start: new Date(period.start), end: ctx.now() };
      ctx.progress('management-events', 0, 1);
      const managementEvents = await Promise.all(
        ctx.regions.map(async (region) => {
          await keyUsageEnded(ctx, region).promise;
          return collectManagementEvents(ctx.factory, region, window);
        }),
      );
      ctx.progress('management-events', 1, 1);
      return { managementEvents };
    },
  },
  {
    // Only with an audit period: the Config history of the account's Block Public Access, of the
    // KMS keys in scope and of its trails, once the KMS and CloudTrail stages named them; after
    // the Config stage too, so the Config calls of a run are numbered alike from run to run.
    stage: 'resource-history',
    after: ['config-history', 'config', 'account-pab', 'kms', 'cloudtrail'],
    actions: ['config:GetResourceConfigHistory'],
    run: async (ctx) => {
      const period = ctx.config.period;
      if (!period) return {};
      const got = ctx.collected?.() ?? {};
      const account = {
        accountId: ctx.accountId,
        kmsKeys: got.kmsKeys ?? [],
        cloudTrail: got.cloudTrail ?? { discovery: [], trails: [], keyUsage: [] },
      };
      ctx.progress('resource-history', 0, 1);
      const resourceHistory = await collectResourceHistory(ctx.factory, account, ctx.homeRegion, period);
      ctx.progress('resource-history', 1, 1);
      return { resourceHistory };
    },
  },
  {
    // Only with `collection.objectInventory`: the latest S3 Inventory report of each bucket. Its
    // reads (s3:ListBucket, s3:GetObject on the inventory destination) are an optional statement of
    // the policy, scoped to the destination bucket, not part of the read-everything statement.
    stage: 'object-inventory',
    after: ['bucket-config'],
    actions: [],
    run: async (ctx) => {
      if (!ctx.config.collection.objectInventory) return {};
      return {
        objectInventory: await eachWithProgress(ctx, 'object-inventory', ctx.buckets(), (bucket) =>
          collectObjectInventory(ctx.factory, bucket),
        ),
      };
    },
  },
];
