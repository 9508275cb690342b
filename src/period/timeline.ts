import type { ConfigHistoryItem } from '../snapshot/model.ts';

/** A stretch `[from, to)` of the period (epoch ms) and what the history says about it. */
export type Segment =
  | { kind: 'state'; from: number; to: number; item: ConfigHistoryItem }
  /** No configuration item covers it: Config had not recorded the bucket yet. */
  | { kind: 'no-history'; from: number; to: number }
  /** Config says it stopped recording the bucket (`ResourceNotRecorded`). */
  | { kind: 'not-recorded'; from: number; to: number }
  /** The bucket did not exist (before its creation, after its deletion). */
  | { kind: 'not-existing'; from: number; to: number };

const DELETED = new Set(['ResourceDeleted', 'ResourceDeletedNotRecorded']);

function segmentFor(item: ConfigHistoryItem, from: number, to: number): Segment {
  if (DELETED.has(item.status)) return { kind: 'not-existing', from, to };
  if (item.status === 'ResourceNotRecorded') return { kind: 'not-recorded', from, to };
  return { kind: 'state', from, to, item };
}

/**
 * Split the period `[start, end)` into segments, each governed by one configuration item: the state
 * at the start is the latest item at or before the start, and each item captured inside the period
 * governs until the next. Without an item at or before the start, the beginning is `no-history`,
 * except for a bucket created inside the period: before its creation it did not exist, and from
 * creation to its first capture it is taken to be as first recorded (Config records a new bucket
 * within minutes of its creation).
 */
export function periodSegments(items: readonly ConfigHistoryItem[], start: Date, end: Date): Segment[] {
  const s = start.getTime();
  const e = end.getTime();
  const sorted = [...items].sort((a, b) => Date.parse(a.captureTime) - Date.parse(b.captureTime));
  const atStart = sorted.filter((i) => Date.parse(i.captureTime) <= s).at(-1);
  const inside = sorted.filter((i) => {
    const t = Date.parse(i.captureTime);
    return t > s && t < e;
  });
  const segments: Segment[] = [];
  let cursor = s;
  let current: ConfigHistoryItem | undefined = atStart;
  if (!current) {
    const first = sorted.find((i) => Date.parse(i.captureTime) > s);
    const firstAt = first ? Math.min(Date.parse(first.captureTime), e) : e;
    const created = first?.resourceCreationTime ? Date.parse(first.resourceCreationTime) : Number.NaN;
    if (first && !DELETED.has(first.status) && created >= s && created <= firstAt) {
      segments.push({ kind: 'not-existing', from: s, to: created });
      segments.push(segmentFor(first, created, firstAt));
    } else {
      segments.push({ kind: 'no-history', from: s, to: firstAt });
    }
    cursor = firstAt;
  }
  for (const item of inside) {
    const t = Date.parse(item.captureTime);
    if (current) segments.push(segmentFor(current, cursor, t));
    cursor = t;
    current = item;
  }
  if (current) segments.push(segmentFor(current, cursor, e));
  return segments.filter((seg) => seg.to > seg.from);
}
