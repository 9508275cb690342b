import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { CarriedConsole, ScreenshotMeta } from '../../capture/capture.ts';
import type { Config } from '../../config/schema.ts';
import { sha256File, sha256Hex } from '../../pack/pack-paths.ts';
import { verifyPack } from '../../pack/verify.ts';
import { readPackEntries } from '../../pack/zip-reader.ts';
import type { Progress } from '../../progress/progress.ts';
import type { Snapshot } from '../../snapshot/model.ts';
import type { Invocation } from '../../provenance/provenance.ts';
import type { BuiltPack } from '../build-pack.ts';
import { buildOffline } from '../offline-build.ts';
import { savedConfigOf, type RebuildSource } from '../rebuild.ts';
import { PackSourceError } from '../source-error.ts';
import { pathInside } from '../stages/load.ts';
import type { MergedShard } from '../stages/pack.ts';
import { newRunId } from '../workdir.ts';
import { mergeRaw } from './merge-raw.ts';
import { shardCaptureSeed, type ShardRecord, type ShardScreenshots } from './run-shard.ts';

/** Shard packs that cannot be merged (altered, foreign plan, missing or duplicate shard): exit 2. */
export class ShardMergeError extends PackSourceError {
  override name = 'ShardMergeError';
}

/** One verified shard pack, read. */
interface ShardPack {
  path: string;
  sha256: string;
  shard: ShardRecord;
  snapshot: Snapshot;
  /** Every raw file of the shard pack (records of its accounts, and its planning and identity calls). */
  raw: Map<string, Buffer>;
  /**
   * The console screenshots the shard took, each with the file its PNG (hash checked against the
   * listing) was set aside in: the capture plan holds a page for every failing bucket, so at a few
   * hundred accounts the images alone would be hundreds of MB if the merge kept them in memory.
   */
  screenshots: { meta: ScreenshotMeta; file: string }[];
  /** Console pages the shard could not capture: page name → reason. */
  screenshotGaps: Map<string, string>;
  savedConfig: unknown;
}

/** Options of {@link mergeShards}. */
export interface MergeOptions {
  paths: string[];
  outDir: string;
  /** Local settings that name files (signing key, logo, templates, browser): never a shard's. */
  local?: Config | undefined;
  /** Trusted key (SPKI PEM) the shard packs must be signed with; required when signing is configured. */
  publicKeyPem?: string | undefined;
  screenshots: boolean;
  forceOutputDir?: boolean;
  invocation?: Invocation | undefined;
  progress: Progress;
}

/**
 * `evidence-pack merge`: verify every shard pack, check they are the shards `1..n` of one plan
 * with every account exactly once, then build the final pack from the joined snapshot — evaluate →
 * capture (API views, and the console screenshots the shards took, as one run's plan picks them) →
 * render → pack — listing each shard's digest in the manifest.
 */
export async function mergeShards(opts: MergeOptions): Promise<BuiltPack> {
  const { progress } = opts;
  if (opts.paths.length === 0) throw new ShardMergeError('merge needs the shard packs (one .zip per shard)');
  const shotsDir = await mkdtemp(join(tmpdir(), 'evidence-pack-merge-'));
  try {
    const packs: ShardPack[] = [];
    for (const path of opts.paths) {
      progress.update({ stage: 'verify shards', message: basename(path) });
      packs.push(await readShardPack(path, opts.publicKeyPem, join(shotsDir, String(packs.length + 1))));
    }
    return await mergePacks(packs, opts);
  } finally {
    await rm(shotsDir, { recursive: true, force: true });
  }
}

async function mergePacks(packs: ShardPack[], opts: MergeOptions): Promise<BuiltPack> {
  const { progress } = opts;
  checkPlan(packs);
  const first = packs[0] as ShardPack;
  const saved = savedConfigOf({ savedConfig: first.savedConfig } as RebuildSource, opts.local);
  if ('errors' in saved) throw new ShardMergeError(`the config in ${first.path} is not valid`, saved.errors);
  const config = saved.config;
  const snapshot = joinSnapshots(packs, newRunId(new Date()));
  const raw = mergedRaw(packs);
  const shards: MergedShard[] = packs
    .map((p) => ({
      index: p.shard.index,
      total: p.shard.total,
      file: basename(p.path),
      sha256: p.sha256,
      accounts: p.shard.accounts,
    }))
    .sort((a, b) => a.index - b.index);
  return buildOffline({
    snapshot,
    raw,
    config,
    build: { kind: 'merge', planId: first.shard.plan.planId, shards },
    noAwsBecause: 'merge does not call AWS (sign the merged pack with a key file)',
    outDir: opts.outDir,
    forceOutputDir: opts.forceOutputDir,
    screenshots: opts.screenshots,
    carried: carriedConsole(packs),
    captureSeed: shardCaptureSeed(config, first.shard.plan),
    invocation: opts.invocation,
    progress,
  });
}

/**
 * The shards' console screenshots, by page name. A page two shards took (a KMS key used from
 * buckets of both) is taken from the lowest shard; a page no shard took is a gap saying why.
 */
function carriedConsole(packs: ShardPack[]): CarriedConsole {
  const images = new Map<string, { meta: ScreenshotMeta; file: string }>();
  const gaps = new Map<string, string>();
  for (const p of [...packs].sort((a, b) => a.shard.index - b.shard.index)) {
    for (const shot of p.screenshots)
      if (shot.meta.page && !images.has(shot.meta.page)) images.set(shot.meta.page, shot);
    for (const [page, reason] of p.screenshotGaps)
      if (!gaps.has(page)) gaps.set(page, `shard ${p.shard.index}/${p.shard.total}: ${reason}`);
  }
  return {
    take: (page) => {
      const shot = images.get(page);
      return shot ? { meta: shot.meta, png: readFileSync(shot.file) } : gap(page);
    },
  };
  function gap(page: string): { reason: string } {
    return {
      reason:
        gaps.get(page) ??
        'not taken in its shard (the shard ran with --no-screenshots, or without console capture)',
    };
  }
}

async function readShardPack(
  path: string,
  publicKeyPem: string | undefined,
  shotsDir: string,
): Promise<ShardPack> {
  const check = await verifyPack(path, publicKeyPem ? { publicKeyPem } : {});
  if (!check.ok) {
    // Read again only to name the shard in the error: every read of a pack inflates all of it.
    const label = await shardLabel(path);
    throw new ShardMergeError(
      `${label} (${path}) does not verify; refusing to merge it`,
      check.problems
        .filter((p) => p.severity === 'error')
        .map((p) => `[${p.kind}] ${p.path ? `${p.path}: ` : ''}${p.detail}`),
    );
  }
  const files = await readPackEntries(path, {
    only: (p) =>
      p === 'shard.json' ||
      p === 'snapshot-part.json' ||
      p === 'config/effective-config.json' ||
      p === 'screenshots.json' ||
      p.startsWith('screenshots/') ||
      p.startsWith('raw/'),
  });
  const shardBytes = files.get('shard.json');
  const snapBytes = files.get('snapshot-part.json');
  if (!shardBytes || !snapBytes)
    throw new ShardMergeError(
      `${path} is not a shard pack (no shard.json / snapshot-part.json): made by run --shard?`,
    );
  const shard = JSON.parse(shardBytes.toString('utf8')) as ShardRecord;
  const snapshot = JSON.parse(snapBytes.toString('utf8')) as Snapshot;
  const cfg = files.get('config/effective-config.json');
  const raw = new Map([...files].filter(([p]) => p.startsWith('raw/')));
  const listing = files.get('screenshots.json');
  const shots = listing ? (JSON.parse(listing.toString('utf8')) as ShardScreenshots) : undefined;
  const screenshots: ShardPack['screenshots'] = [];
  for (const meta of shots?.images ?? []) {
    const png = files.get(meta.path);
    // The pack verified, so a PNG that differs from its listing was listed wrongly when written.
    if (!png || sha256Hex(png) !== meta.sha256)
      throw new ShardMergeError(
        `shard ${shard.index}/${shard.total} (${path}): ${meta.path} ${png ? 'differs from its sha256 in screenshots.json' : 'is listed in screenshots.json but missing'}`,
      );
    const file = pathInside(shotsDir, meta.path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, png);
    screenshots.push({ meta, file });
  }
  return {
    path,
    sha256: check.zipSha256 || (await sha256File(path)),
    shard,
    snapshot,
    raw,
    screenshots,
    screenshotGaps: new Map((shots?.gaps ?? []).map((g) => [g.item.replace(/^console /, ''), g.reason])),
    savedConfig: cfg ? (JSON.parse(cfg.toString('utf8')) as unknown) : undefined,
  };
}

/**
 * The merged pack's raw files: each account's records from the shard that read it (by the account
 * each record names, in packs of either raw layout), in account order. Records a shard made in other
 * accounts of the plan or the caller's (identity, role assumption) stay in its shard pack; a record
 * naming any other account means the shard is not one of this plan's, and the merge is refused.
 * The shards' raw maps are emptied, and each merged file is let go as the load stage writes it, so
 * no raw bytes stay in memory through evaluate, render and pack (at 200 accounts, tens of MB).
 */
function mergedRaw(packs: ShardPack[]) {
  const plan = (packs[0] as ShardPack).shard.plan;
  const inPlan = plan.shards.flat();
  const merged = mergeRaw(
    [...packs]
      .sort((a, b) => a.shard.index - b.shard.index)
      .map((p) => ({
        label: `shard ${p.shard.index}/${p.shard.total} (${p.path})`,
        files: p.raw,
        owned: new Set(p.snapshot.accounts.map((a) => a.accountId)),
        known: new Set([...inPlan, p.snapshot.caller.accountId, 'unknown']),
      })),
  );
  if ('foreign' in merged) {
    const f = merged.foreign;
    throw new ShardMergeError(
      `${f.label}: ${f.file} line ${f.line} is a record of account ${f.account}, which is not in the plan of the shards; refusing to merge`,
    );
  }
  return merged.raw;
}

/** "shard i/n" from a pack's shard.json when it can be read at all, else the file name. */
async function shardLabel(path: string): Promise<string> {
  try {
    const files = await readPackEntries(path, { only: (p) => p === 'shard.json' });
    const s = JSON.parse(files.get('shard.json')?.toString('utf8') ?? '') as ShardRecord;
    return `shard ${s.index}/${s.total}`;
  } catch {
    return `shard pack ${basename(path)}`;
  }
}

/** Same plan and config, shards 1..n each exactly once, every account of the plan exactly once. */
function checkPlan(packs: ShardPack[]): void {
  const first = packs[0] as ShardPack;
  const plan = first.shard.plan;
  for (const p of packs) {
    if (p.shard.plan.planId !== plan.planId || p.shard.plan.configDigest !== plan.configDigest) {
      throw new ShardMergeError(
        `shard ${p.shard.index}/${p.shard.total} (${p.path}) belongs to another plan or config ` +
          `(plan ${p.shard.plan.planId.slice(0, 12)}, ${p.shard.plan.configDigest}) than ${first.path} ` +
          `(plan ${plan.planId.slice(0, 12)}, ${plan.configDigest})`,
      );
    }
  }
  const byIndex = new Map<number, string[]>();
  for (const p of packs) byIndex.set(p.shard.index, [...(byIndex.get(p.shard.index) ?? []), p.path]);
  for (const [i, paths] of byIndex) {
    if (paths.length > 1)
      throw new ShardMergeError(
        `shard ${i}/${plan.total} is given ${paths.length} times: ${paths.join(', ')}`,
      );
  }
  const missing = Array.from({ length: plan.total }, (_, k) => k + 1).filter((i) => !byIndex.has(i));
  if (missing.length > 0) {
    throw new ShardMergeError(
      `missing shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${plan.total}`).join(', ')} of plan ${plan.planId.slice(0, 12)}`,
    );
  }
  const seen = new Map<string, number>();
  for (const p of packs) {
    for (const a of p.snapshot.accounts) {
      const other = seen.get(a.accountId);
      if (other !== undefined)
        throw new ShardMergeError(`account ${a.accountId} is in shard ${other} and shard ${p.shard.index}`);
      seen.set(a.accountId, p.shard.index);
    }
  }
  const notCollected = plan.shards.flatMap((ids, k) =>
    ids.filter((id) => !seen.has(id)).map((id) => `${id} (shard ${k + 1})`),
  );
  if (notCollected.length > 0)
    throw new ShardMergeError(`account(s) of the plan missing from their shard: ${notCollected.join(', ')}`);
}

/** One snapshot from the shards' parts: accounts sorted, collection from the first start to the last end. */
function joinSnapshots(packs: ShardPack[], runId: string): Snapshot {
  const parts = packs.map((p) => p.snapshot);
  const first = parts[0] as Snapshot;
  const accounts = parts.flatMap((s) => s.accounts).sort((a, b) => (a.accountId < b.accountId ? -1 : 1));
  const callerPart = parts.find((s) => s.accounts.some((a) => a.accountId === s.caller.accountId)) ?? first;
  return {
    ...first,
    runId,
    collection: {
      startedAt: parts.map((s) => s.collection.startedAt).sort()[0] ?? first.collection.startedAt,
      finishedAt:
        parts
          .map((s) => s.collection.finishedAt)
          .sort()
          .at(-1) ?? first.collection.finishedAt,
    },
    caller: callerPart.caller,
    accounts,
    ...joinOrganizations(parts),
  };
}

/**
 * Every shard discovers the same organization; each knows the coverage (read, or a role gap) and
 * the effective S3 policy of its own accounts only. The joined organization takes the discovery from
 * the first shard and each account's coverage and effective policy from the shard that read it.
 */
function joinOrganizations(parts: Snapshot[]): Pick<Snapshot, 'organization'> {
  const base = parts.find((s) => s.organization)?.organization;
  if (!base) return {};
  const owner = new Map<string, Snapshot>();
  for (const s of parts) for (const a of s.accounts) owner.set(a.accountId, s);
  const fromOwner = (id: string) => owner.get(id)?.organization;
  return {
    organization: {
      ...base,
      accounts: base.accounts.map((a) => fromOwner(a.id)?.accounts.find((o) => o.id === a.id) ?? a),
      effectiveS3Policies: base.effectiveS3Policies.map(
        (e) => fromOwner(e.accountId)?.effectiveS3Policies.find((o) => o.accountId === e.accountId) ?? e,
      ),
    },
  };
}
