import { createHash } from 'node:crypto';
import type { PopulationMember } from '../../collect/collect.ts';

/** `--shard i/n`: this process is shard `index` (1-based) of `total`. */
export interface ShardSpec {
  index: number;
  total: number;
}

/** The plan every shard of one sharded run computes alike, recorded in each shard pack. */
export interface ShardPlan {
  schema: 'evidence-pack/shard-plan@1';
  /** sha256 of the config digest, the sorted population and `n`: equal on every shard of a run. */
  planId: string;
  /** `sha256:<hex>` of the effective configuration. */
  configDigest: string;
  total: number;
  /** Account ids of shard 1..n (index 0 is shard 1), each sorted. */
  shards: string[][];
  /** Bucket count per account used to balance the plan. */
  buckets: Record<string, number>;
}

/**
 * Partition the population into `total` shards, balanced by bucket count: accounts in order of
 * bucket count (largest first, then account id) each go to the shard with the fewest buckets so far
 * (ties: the lowest shard). Deterministic: the same population, counts and `n` give the same plan.
 */
export function planShards(
  members: readonly PopulationMember[],
  total: number,
  configDigest: string,
): ShardPlan {
  const unique = new Map<string, number>();
  for (const m of members) unique.set(m.accountId, m.buckets);
  const sortedIds = [...unique.keys()].sort();
  const order = [...sortedIds].sort(
    (a, b) => (unique.get(b) ?? 0) - (unique.get(a) ?? 0) || (a < b ? -1 : 1),
  );
  const shards: string[][] = Array.from({ length: total }, () => []);
  const load: number[] = Array.from({ length: total }, () => 0);
  for (const id of order) {
    let best = 0;
    for (let i = 1; i < total; i++) {
      const li = load[i] ?? 0;
      const lb = load[best] ?? 0;
      if (li < lb || (li === lb && (shards[i]?.length ?? 0) < (shards[best]?.length ?? 0))) best = i;
    }
    shards[best]?.push(id);
    load[best] = (load[best] ?? 0) + Math.max(1, unique.get(id) ?? 0);
  }
  for (const s of shards) s.sort();
  return {
    schema: 'evidence-pack/shard-plan@1',
    planId: planIdOf(configDigest, sortedIds, total),
    configDigest,
    total,
    shards,
    buckets: Object.fromEntries(sortedIds.map((id) => [id, unique.get(id) ?? 0])),
  };
}

/** The plan id: sha256 over the config digest, the sorted account ids and `n`. */
export function planIdOf(configDigest: string, sortedIds: readonly string[], total: number): string {
  return createHash('sha256')
    .update(JSON.stringify({ configDigest, population: sortedIds, total }))
    .digest('hex');
}
