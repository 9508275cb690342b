/**
 * The raw records of a merged pack, from its shard packs. A record's account decides which shard
 * owns it — not the file it sits in: a raw file (`raw/<service>/<region>.jsonl`) holds the records
 * of every account the shard read. A merged file holds, per account in account-id order, that
 * account's records as its shard wrote them: the layout one run writes.
 */
import type { RawRecords } from '../stages/load.ts';

/** One shard's raw files and what it may hold. */
export interface ShardRaw {
  /** "shard i/n (path)", for errors. */
  label: string;
  /** Pack-relative path → bytes (`raw/…`). */
  files: Map<string, Buffer>;
  /** Accounts the shard read: their records go into the merged pack. */
  owned: ReadonlySet<string>;
  /**
   * Accounts whose records the shard may hold without owning them (every account of the plan and
   * the caller's: planning, identity, role assumption). They stay in the shard pack.
   */
  known: ReadonlySet<string>;
}

/** A shard record whose account cannot be in that shard, or a line that is no record. */
export interface ForeignRecord {
  label: string;
  file: string;
  line: number;
  account: string;
}

/**
 * The merged pack's raw files, or the first record that names an account outside its shard's
 * plan. Each account's lines are taken whole and in order; files are sorted by path. Every record is
 * checked before the first file is handed on; the shards' `files` maps are emptied.
 */
export function mergeRaw(shards: readonly ShardRaw[]): { raw: RawRecords } | { foreign: ForeignRecord } {
  // path → account → lines (each with its newline), from the shard that owns the account.
  const merged = new Map<string, Map<string, Buffer[]>>();
  for (const shard of shards) {
    for (const [file, buf] of shard.files) {
      let start = 0;
      let lineNo = 0;
      while (start < buf.length) {
        const nl = buf.indexOf(0x0a, start);
        const end = nl === -1 ? buf.length : nl + 1;
        const line = buf.subarray(start, end);
        lineNo += 1;
        start = end;
        if (line[0] !== 0x7b && line.toString('utf8').trim() === '') continue;
        const account = accountOf(line);
        if (account === undefined || !shard.known.has(account))
          return { foreign: { label: shard.label, file, line: lineNo, account: account ?? '(none)' } };
        if (!shard.owned.has(account)) continue;
        const byAccount = merged.get(file) ?? new Map<string, Buffer[]>();
        merged.set(file, byAccount);
        const lines = byAccount.get(account) ?? [];
        byAccount.set(account, lines);
        lines.push(line);
      }
    }
  }
  // Every shard's map is let go here; what is left of its bytes is the lines kept, and each merged
  // file lets its lines go as it is handed on (the load stage writes it to the work directory).
  for (const shard of shards) shard.files.clear();
  return { raw: drain(merged) };
}

function* drain(merged: Map<string, Map<string, Buffer[]>>): Generator<readonly [string, Buffer]> {
  for (const file of [...merged.keys()].sort()) {
    const byAccount = merged.get(file) ?? new Map<string, Buffer[]>();
    merged.delete(file);
    const lines = [...byAccount].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).flatMap(([, l]) => l);
    yield [file, Buffer.concat(lines)];
  }
}

/** The head the sink writes every record with (the account before any AWS data). */
const HEAD =
  /^\{"id":"[^"\\]*","service":"[^"\\]*","operation":"[^"\\]*","region":"[^"\\]*","accountId":"([^"\\]*)"/;

function accountOf(line: Buffer): string | undefined {
  const fast = HEAD.exec(line.subarray(0, 512).toString('utf8'))?.[1];
  if (fast !== undefined) return fast;
  try {
    const record = JSON.parse(line.toString('utf8')) as { accountId?: unknown };
    return typeof record.accountId === 'string' ? record.accountId : undefined;
  } catch {
    return undefined;
  }
}
