import { listProse } from '../checks/support.ts';
import type { ManagementEvent } from '../snapshot/model.ts';
import type { EvidenceRef } from '../snapshot/outcome.ts';
import { changeEvent, eventBefore } from './events.ts';
import type { Segment } from './timeline.ts';
import type { PeriodWindow } from './types.ts';

/** `2026-03-01 14:05:00 UTC` (the report's one time format). */
export function dateLabel(iso: string | number): string {
  return new Date(iso).toISOString().slice(0, 19).replace('T', ' ') + ' UTC';
}

/** `2 days 4 hours` (rounded to the hour; minutes below an hour). */
export function durationLabel(ms: number): string {
  const hours = Math.round(ms / 3_600_000);
  if (hours < 1) return `${Math.max(1, Math.round(ms / 60_000))} minutes`;
  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  const part = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  return [days > 0 ? part(days, 'day') : '', rest > 0 ? part(rest, 'hour') : ''].filter(Boolean).join(' ');
}

/** `2026-03-01 14:05:00 UTC to 2026-03-02 09:00:00 UTC and …`. */
export function windowsProse(windows: readonly PeriodWindow[]): string {
  return listProse(windows.map((w) => `${dateLabel(w.from)} to ${dateLabel(w.to)}`));
}

/** `… to … (2 days 4 hours); … to … (3 hours)`: each window with how long it lasted. */
export function windowsWithDurations(windows: readonly PeriodWindow[]): string {
  return windows
    .map(
      (w) =>
        `${dateLabel(w.from)} to ${dateLabel(w.to)} (${durationLabel(Date.parse(w.to) - Date.parse(w.from))})`,
    )
    .join('; ');
}

/** One stretch `[from, to)` of the period (epoch ms), the verdict on it and the record that says so. */
export interface VerdictPart {
  from: number;
  to: number;
  v: { state: string; reason: string };
  evidence: EvidenceRef | undefined;
}

/**
 * The period's segments, each with its verdict and the record that says so: the configuration
 * item's own call, else `fallback` (a stretch without an item cites nothing).
 */
export function judgedParts<V extends VerdictPart['v']>(
  segments: readonly Segment[],
  judge: (seg: Segment) => V,
  fallback: EvidenceRef,
): (VerdictPart & { v: V })[] {
  return segments.map((seg) => ({
    from: seg.from,
    to: seg.to,
    v: judge(seg),
    evidence: seg.kind === 'state' ? (seg.item.evidence ?? fallback) : undefined,
  }));
}

function sameRef(a: EvidenceRef, b: EvidenceRef): boolean {
  return a.file === b.file && a.callId === b.callId;
}

/** Add `ref` to `list` unless it is already cited. */
export function addEvidence(list: EvidenceRef[], ref: EvidenceRef | undefined): void {
  if (ref && !list.some((e) => sameRef(e, ref))) list.push(ref);
}

/**
 * The windows of the parts in `state`, oldest first: adjacent parts with the same reason become one
 * window citing each part's record once.
 */
export function mergeWindows(parts: readonly VerdictPart[], state: string): PeriodWindow[] {
  const out: PeriodWindow[] = [];
  for (const p of parts) {
    if (p.v.state !== state) continue;
    const last = out.at(-1);
    if (last && Date.parse(last.to) === p.from && last.reason === p.v.reason) {
      last.to = new Date(p.to).toISOString();
      addEvidence((last.evidence ??= []), p.evidence);
      continue;
    }
    out.push({
      from: new Date(p.from).toISOString(),
      to: new Date(p.to).toISOString(),
      reason: p.v.reason,
      evidence: p.evidence ? [p.evidence] : [],
    });
  }
  return out;
}

/**
 * Each window with the CloudTrail events that opened and closed it: the latest of `names` among
 * `events` (oldest first) before its start and before its end, where that falls inside the period.
 */
export function withChangeEvents(
  windows: readonly PeriodWindow[],
  period: { start: string; end: string },
  events: readonly ManagementEvent[],
  names: ReadonlySet<string>,
): PeriodWindow[] {
  const start = Date.parse(period.start);
  const end = Date.parse(period.end);
  return windows.map((w) => {
    const from = Date.parse(w.from);
    const to = Date.parse(w.to);
    const opened = from > start ? eventBefore(events, from, names) : undefined;
    const closed = to < end ? eventBefore(events, to, names) : undefined;
    return {
      ...w,
      ...(opened ? { opened: changeEvent(opened) } : {}),
      ...(closed ? { closed: changeEvent(closed) } : {}),
    };
  });
}

/** `cited` and the records of the events that opened and closed the windows, each once. */
export function withEventEvidence(
  cited: readonly EvidenceRef[],
  windows: readonly PeriodWindow[],
): EvidenceRef[] {
  const all = [...cited];
  for (const w of windows) for (const e of [w.opened?.evidence, w.closed?.evidence]) addEvidence(all, e);
  return all;
}
