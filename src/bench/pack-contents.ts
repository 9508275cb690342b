import type { RecordedCall } from '../aws/recorded-call.ts';
import type { Gap } from '../snapshot/outcome.ts';
import { readPackEntries } from '../pack/zip-reader.ts';
import type { Snapshot } from '../snapshot/model.ts';

/** A gap found in the snapshot, with where in the snapshot it sits. */
export interface LocatedGap {
  /** JSON path inside snapshot.json, e.g. `accounts[0].buckets[12].policy`. */
  path: string;
  gap: Gap;
}

/** What a written pack holds, as far as the benchmark and the fault tests need it. */
export interface PackContents {
  snapshot: Snapshot;
  calls: RecordedCall[];
}

/** Read `snapshot.json` and every `raw/**.jsonl` record from a pack. */
export async function readPackContents(zipPath: string): Promise<PackContents> {
  const entries = await readPackEntries(zipPath);
  const snap = entries.get('snapshot.json');
  if (!snap) throw new Error(`${zipPath} has no snapshot.json`);
  const calls: RecordedCall[] = [];
  for (const [path, data] of entries) {
    if (!path.startsWith('raw/') || !path.endsWith('.jsonl')) continue;
    for (const line of data.toString('utf8').split('\n')) {
      if (line.trim() !== '') calls.push(JSON.parse(line) as RecordedCall);
    }
  }
  return { snapshot: JSON.parse(snap.toString('utf8')) as Snapshot, calls };
}

function isOutcomeLike(v: unknown): v is { status: string } {
  if (typeof v !== 'object' || v === null) return false;
  const s = (v as { status?: unknown }).status;
  return (s === 'ok' || s === 'absent' || s === 'denied' || s === 'error') && 'evidence' in v;
}

/** Every outcome in the snapshot (any depth), with its path: the facts the pack states. */
export function snapshotOutcomes(snapshot: Snapshot): { path: string; outcome: { status: string } }[] {
  const out: { path: string; outcome: { status: string } }[] = [];
  const walk = (v: unknown, path: string) => {
    if (isOutcomeLike(v)) {
      out.push({ path, outcome: v });
      // An ok value may hold nested outcomes (it does not today, but do not miss them).
      walk((v as { value?: unknown }).value, `${path}.value`);
      return;
    }
    if (Array.isArray(v)) v.forEach((item, i) => walk(item, `${path}[${i}]`));
    else if (typeof v === 'object' && v !== null) {
      for (const [k, item] of Object.entries(v)) walk(item, path ? `${path}.${k}` : k);
    }
  };
  walk(snapshot, '');
  return out;
}

/** The evidence gaps (denied or error outcomes) in a snapshot. */
export function snapshotGaps(snapshot: Snapshot): LocatedGap[] {
  return snapshotOutcomes(snapshot)
    .filter((o) => o.outcome.status === 'denied' || o.outcome.status === 'error')
    .map((o) => ({ path: o.path, gap: o.outcome as Gap }));
}

/** Retry figures from the recorded calls: attempts beyond the first, and calls that failed in the end. */
export function retryFigures(calls: readonly RecordedCall[]): {
  calls: number;
  retries: number;
  retriedCalls: number;
  failedCalls: number;
  failuresByError: Record<string, number>;
} {
  let retries = 0;
  let retriedCalls = 0;
  let failedCalls = 0;
  const failuresByError: Record<string, number> = {};
  for (const c of calls) {
    if (c.attempts > 1) {
      retries += c.attempts - 1;
      retriedCalls += 1;
    }
    if (c.outcome === 'error' || c.outcome === 'denied') {
      failedCalls += 1;
      const key = c.errorName ?? 'unknown';
      failuresByError[key] = (failuresByError[key] ?? 0) + 1;
    }
  }
  return { calls: calls.length, retries, retriedCalls, failedCalls, failuresByError };
}
