/**
 * Which resources get screenshots: account Block Public Access per account (up to a cap of accounts,
 * then the accounts with an account-level failure and a sample), key buckets (configured,
 * or sensitive ones up to a cap plus a reproducible random sample of the others), every bucket with
 * a failing or excepted result (what an auditor samples first, up to a cap), every customer managed
 * key in scope, Config rule results per region, and each trail. Pure: same inputs and seed, same plan.
 *
 * Every choice is decided in (account, bucket) order or by a per-bucket rank, so the plan of part of
 * the estate (a shard's accounts, same seed) holds every target the plan of the whole estate picks
 * in that part: a sharded run captures a superset in its shards, and the merge keeps the whole plan.
 */
import { createHash } from 'node:crypto';
import type { Finding } from '../evaluate/types.ts';
import type { AccountSnapshot, BucketSnapshot, Snapshot } from '../snapshot/model.ts';

/** Why a bucket was chosen. */
export type BucketSelectionReason = 'configured' | 'sensitive' | 'sample' | 'failing' | 'excepted';

/** One thing to capture. */
export type CaptureTarget =
  | { kind: 'account-bpa'; accountId: string; region: string }
  | {
      kind: 'bucket';
      accountId: string;
      region: string;
      bucket: string;
      reason: BucketSelectionReason;
      /** A failing or excepted result of this bucket relied on its ACL: capture the ACL view too. */
      aclDecides?: boolean | undefined;
    }
  | { kind: 'kms-key'; accountId: string; region: string; keyId: string; keyArn: string }
  | { kind: 'config-rules'; accountId: string; region: string }
  | { kind: 'trail'; accountId: string; region: string; trailName: string; trailArn: string };

/** What to capture, and the seed that drew the sample (recorded in the pack). */
export interface CapturePlan {
  seed: string;
  targets: CaptureTarget[];
  /** Names in `keyBuckets` that match no bucket in the snapshot. */
  unknownKeyBuckets: string[];
  /** Failing or excepted buckets left out because there were more than `maxAttentionBuckets`. */
  omittedAttentionBuckets: string[];
  /** Accounts whose account-level views were left out because there were more than `maxAccounts`. */
  omittedAccounts: string[];
}

/** The capture settings the selection uses (a subset of `config.capture`). */
export interface SelectionSettings {
  keyBuckets?: string[] | undefined;
  maxKeyBuckets: number;
  sampleSize: number;
  seed?: string | undefined;
  /** Cap on the failing or excepted buckets captured besides the key buckets (default 50). */
  maxAttentionBuckets?: number | undefined;
  /**
   * Cap on the accounts whose account-level views (account Block Public Access, Config rules,
   * trails, customer managed keys) are captured (default 25), so the pack's screenshot count does
   * not grow with the organization.
   */
  maxAccounts?: number | undefined;
}

/** Default of {@link SelectionSettings.maxAttentionBuckets}. */
export const DEFAULT_MAX_ATTENTION_BUCKETS = 50;

/** Default of {@link SelectionSettings.maxAccounts}. */
export const DEFAULT_MAX_ACCOUNTS = 25;

/** The default seed for a run: derived from the run id, so re-rendering the same run draws the same sample. */
export function defaultSeed(runId: string): string {
  return createHash('sha256').update(`evidence-pack/capture-sample:${runId}`).digest('hex').slice(0, 16);
}

/**
 * The `count` buckets of lowest rank, a bucket's rank being the sha256 of the seed and its account
 * and name: a reproducible random sample in which whether a bucket is drawn depends only on the
 * buckets ranked before it. So the sample drawn from part of the estate (one shard's accounts) holds
 * every bucket of that part the sample of the whole estate draws, with the same seed.
 */
export function rankedSample(
  items: readonly BucketSnapshot[],
  count: number,
  seed: string,
): BucketSnapshot[] {
  const rank = (b: BucketSnapshot): string =>
    createHash('sha256').update(`${seed}\0${b.accountId}/${b.name}`).digest('hex');
  return items
    .map((b) => ({ b, r: rank(b) }))
    .sort((x, y) => compare(x.r, y.r))
    .slice(0, Math.max(0, count))
    .map((x) => x.b);
}

const byBucket = (a: BucketSnapshot, b: BucketSnapshot): number =>
  a.accountId === b.accountId ? compare(a.name, b.name) : compare(a.accountId, b.accountId);

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Build the capture plan. `isSensitive` is the run's bucket classification (computed from the config
 * at evaluation time); buckets are considered in (account, name) order so the sample is stable.
 */
export function selectCaptureTargets(opts: {
  snapshot: Snapshot;
  settings: SelectionSettings;
  isSensitive: (bucket: BucketSnapshot) => boolean;
  /** The run's results: buckets with a failing or excepted result are captured too. */
  findings?: readonly Finding[] | undefined;
}): CapturePlan {
  const { snapshot, settings } = opts;
  const attention = attentionByBucket(snapshot, opts.findings ?? []);
  const seed = settings.seed ?? defaultSeed(snapshot.runId);
  const targets: CaptureTarget[] = [];
  const allBuckets = snapshot.accounts.flatMap((a) => a.buckets).sort(byBucket);

  const accounts = chooseAccounts(snapshot, opts.findings ?? [], settings, seed);
  for (const account of accounts.chosen) {
    targets.push({ kind: 'account-bpa', accountId: account.accountId, region: accountRegion(account) });
  }

  const chosen = chooseBuckets(allBuckets, settings, opts.isSensitive, seed);
  const taken = new Set(chosen.buckets.map((c) => c.bucket));
  const extra = allBuckets.filter((b) => attention.has(b) && !taken.has(b));
  const maxExtra = settings.maxAttentionBuckets ?? DEFAULT_MAX_ATTENTION_BUCKETS;
  const attentionChosen = extra.slice(0, maxExtra).map((bucket) => ({
    bucket,
    reason: attention.get(bucket)?.status === 'fail' ? ('failing' as const) : ('excepted' as const),
  }));
  for (const { bucket, reason } of [...chosen.buckets, ...attentionChosen]) {
    targets.push({
      kind: 'bucket',
      accountId: bucket.accountId,
      region: bucket.region,
      bucket: bucket.name,
      reason,
      ...(attention.get(bucket)?.aclDecides ? { aclDecides: true } : {}),
    });
  }

  for (const account of accounts.chosen) {
    for (const key of account.kmsKeys) {
      // Keys no bucket uses are listed in the key population, not pictured.
      if (key.usedBy.length === 0) continue;
      if (key.metadata.status !== 'ok' || key.metadata.value.keyManager !== 'CUSTOMER') continue;
      targets.push({
        kind: 'kms-key',
        accountId: key.metadata.value.keyAccountId,
        region: key.region,
        keyId: key.metadata.value.keyId,
        keyArn: key.metadata.value.arn,
      });
    }
    for (const region of account.config) {
      targets.push({ kind: 'config-rules', accountId: account.accountId, region: region.region });
    }
    for (const trail of account.cloudTrail.trails) {
      targets.push({
        kind: 'trail',
        accountId: account.accountId,
        region: trail.homeRegion,
        trailName: trail.name,
        trailArn: trail.arn,
      });
    }
  }
  return {
    seed,
    targets: dedupe(targets),
    unknownKeyBuckets: chosen.unknown,
    omittedAttentionBuckets: extra.slice(maxExtra).map((b) => `${b.accountId}/${b.name}`),
    omittedAccounts: accounts.omitted,
  };
}

/**
 * The accounts whose account-level views are captured: every account up to `maxAccounts`; beyond
 * that, the accounts with a failing or excepted account-level result first (in account order), then
 * a reproducible sample of the others by rank, as for buckets. Decided in account order and by rank,
 * so a shard's plan holds every account the whole estate's plan picks among the shard's accounts.
 */
function chooseAccounts(
  snapshot: Snapshot,
  findings: readonly Finding[],
  settings: SelectionSettings,
  seed: string,
): { chosen: AccountSnapshot[]; omitted: string[] } {
  const max = Math.max(0, settings.maxAccounts ?? DEFAULT_MAX_ACCOUNTS);
  const all = [...snapshot.accounts].sort((a, b) => compare(a.accountId, b.accountId));
  if (all.length <= max) return { chosen: snapshot.accounts, omitted: [] };
  const flagged = new Set<string>();
  for (const f of findings) {
    if (f.status !== 'fail' && f.status !== 'excepted') continue;
    if (NOT_ACCOUNT_LEVEL.has(f.resource.type)) continue;
    flagged.add(f.resource.accountId);
  }
  const attention = all.filter((a) => flagged.has(a.accountId)).slice(0, max);
  const picked = new Set(attention.map((a) => a.accountId));
  const rank = (a: AccountSnapshot): string =>
    createHash('sha256').update(`${seed}\0account/${a.accountId}`).digest('hex');
  const sample = all
    .filter((a) => !picked.has(a.accountId))
    .map((a) => ({ a, r: rank(a) }))
    .sort((x, y) => compare(x.r, y.r))
    .slice(0, max - attention.length);
  for (const { a } of sample) picked.add(a.accountId);
  return {
    chosen: all.filter((a) => picked.has(a.accountId)),
    omitted: all.filter((a) => !picked.has(a.accountId)).map((a) => a.accountId),
  };
}

/** Result subjects that are not account-level resources (buckets have their own selection). */
const NOT_ACCOUNT_LEVEL: ReadonlySet<string> = new Set([
  'AWS::S3::Bucket',
  'AWS::::Account',
  'EvidencePack::Exception',
]);

/**
 * Buckets with a failing or excepted result: the worst such status, and whether one of those results
 * cites the bucket's GetBucketAcl record (then the ACL is part of what decided it).
 */
function attentionByBucket(
  snapshot: Snapshot,
  findings: readonly Finding[],
): Map<BucketSnapshot, { status: 'fail' | 'excepted'; aclDecides: boolean }> {
  const byArn = new Map<string, BucketSnapshot>();
  for (const a of snapshot.accounts) for (const b of a.buckets) byArn.set(`${a.accountId} ${b.arn}`, b);
  const out = new Map<BucketSnapshot, { status: 'fail' | 'excepted'; aclDecides: boolean }>();
  for (const f of findings) {
    if (f.status !== 'fail' && f.status !== 'excepted') continue;
    const bucket = byArn.get(`${f.resource.accountId} ${f.resource.arn}`);
    if (!bucket) continue;
    const acl = bucket.acl.evidence;
    // A derived ACL (ACLs disabled) cites the GetBucketOwnershipControls record: no ACL decides then.
    const aclCited =
      acl.operation === 'GetBucketAcl' &&
      f.evidence.some((e) => e.file === acl.file && e.callId === acl.callId);
    const prev = out.get(bucket);
    out.set(bucket, {
      status: prev?.status === 'fail' || f.status === 'fail' ? 'fail' : 'excepted',
      aclDecides: (prev?.aclDecides ?? false) || aclCited,
    });
  }
  return out;
}

function chooseBuckets(
  all: BucketSnapshot[],
  settings: SelectionSettings,
  isSensitive: (bucket: BucketSnapshot) => boolean,
  seed: string,
): { buckets: { bucket: BucketSnapshot; reason: BucketSelectionReason }[]; unknown: string[] } {
  if (settings.keyBuckets) {
    const wanted = new Set(settings.keyBuckets);
    const found = all.filter((b) => wanted.has(b.name));
    const foundNames = new Set(found.map((b) => b.name));
    return {
      buckets: found.map((bucket) => ({ bucket, reason: 'configured' })),
      unknown: settings.keyBuckets.filter((n) => !foundNames.has(n)),
    };
  }
  const sensitive = all.filter(isSensitive).slice(0, settings.maxKeyBuckets);
  const taken = new Set(sensitive);
  const others = all.filter((b) => !taken.has(b));
  const sample = rankedSample(others, settings.sampleSize, seed).sort(byBucket);
  return {
    buckets: [
      ...sensitive.map((bucket) => ({ bucket, reason: 'sensitive' as const })),
      ...sample.map((bucket) => ({ bucket, reason: 'sample' as const })),
    ],
    unknown: [],
  };
}

/** Where S3 Control was asked (the record's region), else the account's first region. */
function accountRegion(account: AccountSnapshot): string {
  const m = /\/([a-z0-9-]+)\.jsonl$/.exec(account.accountPublicAccessBlock.evidence.file);
  return m?.[1] ?? account.regions[0] ?? 'us-east-1';
}

/** A key used from two accounts' buckets, or a trail seen twice, is captured once. */
function dedupe(targets: CaptureTarget[]): CaptureTarget[] {
  const seen = new Set<string>();
  return targets.filter((t) => {
    const id = targetId(t);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** A stable identifier of a target (also the basis of file names). */
export function targetId(t: CaptureTarget): string {
  switch (t.kind) {
    case 'account-bpa':
      return `account-bpa/${t.accountId}`;
    case 'bucket':
      return `bucket/${t.accountId}/${t.bucket}`;
    case 'kms-key':
      return `kms-key/${t.keyArn}`;
    case 'config-rules':
      return `config-rules/${t.accountId}/${t.region}`;
    case 'trail':
      return `trail/${t.trailArn}`;
  }
}
