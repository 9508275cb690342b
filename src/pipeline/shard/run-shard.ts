import { organizationName } from '../../config/schema.ts';
import { join } from 'node:path';
import { collect, population } from '../../collect/collect.ts';
import { canonicalJsonBytes } from '../../pack/canonical-json.ts';
import { sha256Hex } from '../../pack/pack-paths.ts';
import type { PackFile } from '../../pack/assemble.ts';
import { packName, writePack, type WrittenPack } from '../../pack/write-pack.ts';
import { TOOL_VERSION } from '../../version.ts';
import { prepareOutputDir } from '../output-dir.ts';
import { collectionClients, makeSigner, type RunOptions } from '../run.ts';
import { packSubject } from '../stages/pack.ts';
import { createWorkDir, listFiles, newRunId, removeWorkDir } from '../workdir.ts';
import { planShards, type ShardPlan, type ShardSpec } from './plan.ts';

/** What a shard pack records about itself (`shard.json`, and `shard` in its manifest). */
export interface ShardRecord {
  schema: 'evidence-pack/shard@1';
  index: number;
  total: number;
  plan: ShardPlan;
  accounts: string[];
}

/** The shard pack written, and this shard's share of the plan. */
export interface ShardResult {
  written: WrittenPack;
  shard: ShardRecord;
}

/**
 * `run --shard i/n`: plan the population (identity and one ListBuckets per account, not evidence),
 * collect only this shard's accounts, and write a shard pack — raw records, the snapshot part,
 * the plan and the effective config, hashed and signed like any pack. Evaluation, capture and the
 * report wait for `merge`.
 */
export async function runShard(opts: RunOptions & { shard: ShardSpec }): Promise<ShardResult> {
  const { config, progress } = opts;
  const started = new Date();
  const runId = newRunId(started);
  await prepareOutputDir(opts.outDir, { force: opts.forceOutputDir === true });
  const workDir = await createWorkDir(opts.outDir, runId);
  const planning = collectionClients(opts, join(workDir, 'planning'));
  const clients = collectionClients(opts, workDir);
  try {
    const configBytes = canonicalJsonBytes(config);
    const configDigest = `sha256:${sha256Hex(configBytes)}`;
    progress.update({ stage: 'plan shards' });
    const members = await population({ config, factory: planning.factory, regions: opts.regions });
    await planning.sink.close();
    const plan = planShards(members, opts.shard.total, configDigest);
    const mine = plan.shards[opts.shard.index - 1] ?? [];
    progress.log(
      `shard ${opts.shard.index}/${opts.shard.total} of plan ${plan.planId.slice(0, 12)}: ` +
        `${mine.length} of ${members.length} account(s)`,
    );
    const snapshot = await collect({
      config,
      factory: clients.factory,
      sink: clients.sink,
      regions: opts.regions,
      toolVersion: TOOL_VERSION,
      runId,
      endpoint: clients.factory.endpointUrl,
      sandbox: Boolean(opts.sandbox),
      only: new Set(mine),
      onProgress: (e) =>
        progress.update({
          stage: `collect ${e.stage}`,
          done: e.done,
          total: e.total,
          message: `(account ${e.accountId})`,
        }),
    });
    await clients.sink.close();
    const shard: ShardRecord = {
      schema: 'evidence-pack/shard@1',
      index: opts.shard.index,
      total: opts.shard.total,
      plan,
      accounts: mine,
    };
    const files: PackFile[] = [
      { path: 'snapshot-part.json', content: JSON.stringify(snapshot) },
      { path: 'shard.json', content: `${JSON.stringify(shard, null, 2)}\n` },
      { path: 'config/effective-config.json', content: configBytes },
    ];
    for (const rel of await listFiles(workDir, 'raw'))
      files.push({ path: rel, content: { file: join(workDir, rel) } });
    progress.update({ stage: 'write shard pack' });
    const subject = packSubject(organizationName(config), []);
    const written = await writePack({
      outDir: opts.outDir,
      name: packName(
        `${subject}-shard-${opts.shard.index}of${opts.shard.total}`,
        new Date(snapshot.collection.finishedAt),
      ),
      files,
      fixedTime: new Date(snapshot.collection.finishedAt),
      ...(await signerOf(opts, clients.factory)),
      manifest: {
        tool: snapshot.tool,
        runId,
        collection: snapshot.collection,
        callerIdentityArn: snapshot.caller.arn || null,
        accounts: snapshot.accounts.map((a) => a.accountId),
        regions: [...new Set(snapshot.accounts.flatMap((a) => a.regions))].sort(),
        criteria: [],
        configDigest,
        sandbox: snapshot.sandbox,
        extra: { shard: { index: shard.index, total: shard.total, planId: plan.planId, plan: plan.shards } },
      },
    });
    return { written, shard };
  } finally {
    await planning.sink.close().catch(() => undefined);
    planning.factory.destroy();
    await clients.sink.close().catch(() => undefined);
    clients.factory.destroy();
    await removeWorkDir(workDir);
  }
}

async function signerOf(opts: RunOptions, factory: Parameters<typeof makeSigner>[1]) {
  const signer = await makeSigner(opts.config, factory);
  return signer ? { signer } : {};
}
