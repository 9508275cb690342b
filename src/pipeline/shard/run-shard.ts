import { join } from 'node:path';
import { defaultSeed } from '../../capture/select.ts';
import { organizationName, type Config } from '../../config/schema.ts';
import { population } from '../../collect/collect.ts';
import { evaluate } from '../../evaluate/evaluate.ts';
import { canonicalJsonBytes } from '../../pack/canonical-json.ts';
import { sha256Hex } from '../../pack/pack-paths.ts';
import type { PackFile } from '../../pack/assemble.ts';
import type { Signer } from '../../pack/sign.ts';
import { packName, writePack, type WrittenPack } from '../../pack/write-pack.ts';
import { buildClock } from '../../provenance/provenance.ts';
import type { Snapshot } from '../../snapshot/model.ts';
import { collectingRun, type CollectedStage, type RunOptions } from '../run.ts';
import { captureStage, type Captured } from '../stages/capture.ts';
import { collectStage, type CollectionClients } from '../stages/collect.ts';
import { packSubject } from '../stages/pack.ts';
import { makeSigner } from '../stages/sign.ts';
import type { StageContext } from '../stages/skeleton.ts';
import { listFiles } from '../workdir.ts';
import { planShards, type ShardPlan, type ShardSpec } from './plan.ts';

/** What a shard pack records about itself (`shard.json`, and `shard` in its manifest). */
export interface ShardRecord {
  schema: 'evidence-pack/shard@1';
  index: number;
  total: number;
  plan: ShardPlan;
  accounts: string[];
}

/** The console screenshots a shard took (`screenshots.json`): carried into the final pack by `merge`. */
export interface ShardScreenshots {
  schema: 'evidence-pack/shard-screenshots@1';
  /** The capture sample's seed: `capture.seed`, else derived from the plan (the same on every shard). */
  seed: string;
  images: Captured['images'];
  /** Console pages of the shard's plan that could not be captured, and why. */
  gaps: Captured['gaps'];
}

/** The shard pack written, and this shard's share of the plan. */
export interface ShardResult {
  written: WrittenPack;
  shard: ShardRecord;
  /** How many console screenshots the shard pack holds. */
  consoleScreenshots: number;
}

/** The capture sample's seed of a sharded run: `capture.seed`, else one derived from the plan id. */
export function shardCaptureSeed(config: Config, plan: ShardPlan): string {
  return config.capture.seed ?? defaultSeed(`shard-plan:${plan.planId}`);
}

/**
 * `run --shard i/n`: plan the population (identity and one ListBuckets per account, not evidence),
 * collect only this shard's accounts, take their console screenshots (the run's capture plan over
 * the shard's accounts, signed in to each account as a run does), and write a shard pack — raw
 * records, the snapshot part, the screenshots, the plan and the effective config, hashed and
 * signed like any pack. Evaluation, the API views and the report wait for `merge`.
 */
export async function runShard(opts: RunOptions & { shard: ShardSpec }): Promise<ShardResult> {
  const { config } = opts;
  return collectingRun(opts, {
    browserNeeded: opts.screenshots && config.capture.mode !== 'none' && config.capture.mode !== 'api-view',
    collect: async ({ workDir, runId, started, open }) => {
      const shard = await planStage(opts, open(join(workDir, 'planning')));
      const clients = open(workDir);
      const only = new Set(shard.accounts);
      return {
        snapshot: await collectStage({ settings: opts, clients, runId, started, only }),
        clients,
        shard,
      };
    },
    build: async ({ snapshot, shard }, stage, late) => {
      const captured = await shardCaptureStage({ ...stage, seed: shardCaptureSeed(config, shard.plan) });
      const signer = await makeSigner(config, late);
      return {
        written: await shardPackStage({ ...stage, snapshot, config, shard, captured, signer }),
        shard,
        consoleScreenshots: captured.images.length,
      };
    },
  });
}

/** Stage "plan shards": the population and the plan every shard computes alike; this shard's share. */
async function planStage(
  opts: RunOptions & { shard: ShardSpec },
  planning: CollectionClients,
): Promise<ShardRecord> {
  const { config, progress } = opts;
  progress.update({ stage: 'plan shards' });
  const members = await population({ config, factory: planning.factory, regions: opts.regions });
  await planning.sink.close();
  const plan = planShards(members, opts.shard.total, `sha256:${sha256Hex(canonicalJsonBytes(config))}`);
  const mine = plan.shards[opts.shard.index - 1] ?? [];
  progress.log(
    `shard ${opts.shard.index}/${opts.shard.total} of plan ${plan.planId.slice(0, 12)}: ` +
      `${mine.length} of ${members.length} account(s)`,
  );
  return {
    schema: 'evidence-pack/shard@1',
    index: opts.shard.index,
    total: opts.shard.total,
    plan,
    accounts: mine,
  };
}

/**
 * Stage "capture" of a shard: the console screenshots of the shard's accounts. The shard's part is
 * evaluated only to plan them (buckets with failing or excepted results are captured); the plan of
 * the part holds every console page the merge's plan of the whole estate picks in it.
 */
async function shardCaptureStage(input: CollectedStage & { seed: string }): Promise<ShardScreenshots> {
  const { snapshot, config } = input;
  const wanted = input.screenshots && (config.capture.mode === 'console' || config.capture.mode === 'both');
  if (!wanted) return { schema: 'evidence-pack/shard-screenshots@1', seed: input.seed, images: [], gaps: [] };
  const captured = await captureStage({
    ...input,
    evaluation: await evaluate(snapshot, config),
    consoleOnly: true,
    buildKind: 'run',
    clock: buildClock('run'),
  });
  return {
    schema: 'evidence-pack/shard-screenshots@1',
    seed: input.seed,
    images: captured.images,
    // Gaps of the whole plan (unknown key buckets, the attention cap) are the merge's to say.
    gaps: captured.gaps.filter((g) => g.item.startsWith('console ')),
  };
}

/** Stage "write shard pack": raw records, snapshot part, screenshots, plan and config, hashed (and signed). */
async function shardPackStage(
  input: StageContext & {
    snapshot: Snapshot;
    config: Config;
    shard: ShardRecord;
    captured: ShardScreenshots;
    signer: Signer | undefined;
  },
): Promise<WrittenPack> {
  const { snapshot, shard, captured, workDir } = input;
  const configBytes = canonicalJsonBytes(input.config);
  const files: PackFile[] = [
    { path: 'snapshot-part.json', content: JSON.stringify(snapshot) },
    { path: 'shard.json', content: `${JSON.stringify(shard, null, 2)}\n` },
    { path: 'screenshots.json', content: `${JSON.stringify(captured, null, 2)}\n` },
    { path: 'config/effective-config.json', content: configBytes },
  ];
  for (const rel of await listFiles(workDir, 'raw'))
    files.push({ path: rel, content: { file: join(workDir, rel) } });
  for (const shot of captured.images)
    files.push({ path: shot.path, content: { file: join(workDir, shot.path) } });
  input.progress.update({ stage: 'write shard pack' });
  const finishedAt = new Date(snapshot.collection.finishedAt);
  return writePack({
    outDir: input.outDir,
    name: packName(
      `${packSubject(organizationName(input.config), [])}-shard-${shard.index}of${shard.total}`,
      finishedAt,
    ),
    files,
    fixedTime: finishedAt,
    ...(input.signer ? { signer: input.signer } : {}),
    manifest: {
      tool: snapshot.tool,
      runId: snapshot.runId,
      collection: snapshot.collection,
      callerIdentityArn: snapshot.caller.arn || null,
      accounts: snapshot.accounts.map((a) => a.accountId),
      regions: [...new Set(snapshot.accounts.flatMap((a) => a.regions))].sort(),
      criteria: [],
      configDigest: shard.plan.configDigest,
      sandbox: snapshot.sandbox,
      extra: {
        shard: { index: shard.index, total: shard.total, planId: shard.plan.planId, plan: shard.plan.shards },
        screenshots: captured.images.map((s) => ({
          path: s.path,
          page: s.page,
          capturedAt: s.capturedAt,
          sha256: s.sha256,
        })),
      },
    },
  });
}
