import type { AccountSnapshot, ManagementEvent } from '../snapshot/model.ts';
import type { EvidenceRef } from '../snapshot/outcome.ts';
import { changeEvent } from './events.ts';
import { dateLabel, windowsWithDurations } from './windows.ts';
import { loggingSpans, type LoggingInput, type Transition } from './logging-intervals.ts';
import type { PeriodMonitoringResult, PeriodResourceRef, PeriodUnknownCause, PeriodWindow } from './types.ts';

/** The management events of one region that change a logging resource, and how far they reach. */
export interface LoggingEvents {
  events: ManagementEvent[];
  /** From when the events are complete (epoch ms); undefined when they were not read. */
  from: number | undefined;
  /** Every LookupEvents call of the region. */
  pages: EvidenceRef[];
}

/** The region's write events from `source` named in `names` (and naming one of `resources`, when given), oldest first. */
export function loggingEvents(
  account: AccountSnapshot,
  region: string,
  source: string,
  names: ReadonlySet<string>,
  resources?: ReadonlySet<string>,
): LoggingEvents {
  const r = (account.managementEvents ?? []).find((m) => m.region === region);
  if (!r) return { events: [], from: undefined, pages: [] };
  const pages = [...(r.pages ?? [r.events.evidence])];
  if (r.events.status !== 'ok') return { events: [], from: undefined, pages };
  const events = r.events.value
    .filter(
      (e) =>
        e.eventSource === source &&
        names.has(e.eventName) &&
        (!resources || e.resources.some((x) => resources.has(x.name))),
    )
    .sort((a, b) => Date.parse(a.eventTime) - Date.parse(b.eventTime));
  return { events, from: Date.parse(r.window.start), pages };
}

/** How one logging resource is described in the verdict's sentences. */
export interface LoggingWording {
  /** `Trail "main"`, `The AWS Config recorder "default" in us-east-1`. */
  subject: string;
  /** `logging`, `recording`. */
  verb: string;
  /** Said of a held verdict: how the status shows it, e.g. `started 2026-01-02 ... and not stopped since`. */
  since: string;
}

/**
 * The verdict on a logging resource over the period: broken for every span it was not logging
 * (with the events that opened and closed it), unknown where neither events nor status tell.
 */
export function loggingVerdict(
  checkId: string,
  resource: PeriodResourceRef,
  input: LoggingInput,
  wording: LoggingWording,
  evidence: EvidenceRef[],
): PeriodMonitoringResult {
  const spans = loggingSpans(input);
  const window = (s: (typeof spans)[number], reason: string): PeriodWindow => ({
    from: new Date(s.from).toISOString(),
    to: new Date(s.to).toISOString(),
    reason,
    ...(s.opened ? { opened: s.opened } : {}),
    ...(s.closed ? { closed: s.closed } : {}),
    evidence,
  });
  const brokenWindows = spans
    .filter((s) => s.state === 'off')
    .map((s) => window(s, `${wording.subject} was not ${wording.verb}`));
  const unknownWindows = spans
    .filter((s) => s.state === 'unknown')
    .map((s) =>
      window(s, 'neither CloudTrail events nor the service status tell whether it was ' + wording.verb),
    );
  const cited = [...brokenWindows, ...unknownWindows].flatMap((w) => [
    ...(w.opened ? [w.opened.evidence] : []),
    ...(w.closed ? [w.closed.evidence] : []),
  ]);
  const all = [...new Map([...evidence, ...cited].map((e) => [`${e.file}#${e.callId}`, e])).values()];
  const base = { resource, checkId, brokenWindows, unknownWindows, evidence: all };
  if (brokenWindows.length > 0) {
    const list = windowsWithDurations(brokenWindows);
    return {
      ...base,
      status: 'broken',
      reason: `${wording.subject} was not ${wording.verb} for part of the period: ${list}.`,
    };
  }
  if (unknownWindows.length > 0) {
    const cause: PeriodUnknownCause = input.eventsFrom === undefined ? 'read-failed' : 'no-history';
    return {
      ...base,
      status: 'unknown',
      cause,
      reason: `Unknown: ${wording.subject} was ${wording.verb} when the events show it, but nothing tells its state from ${dateLabel(unknownWindows[0]?.from ?? input.start)} to ${dateLabel(unknownWindows[0]?.to ?? input.end)}.`,
    };
  }
  return {
    ...base,
    status: 'held',
    reason: `${wording.subject} was ${wording.verb} throughout the period (${wording.since}).`,
  };
}

/** A verdict that is unknown for the whole period, for `reason` (a sentence). */
export function unknownOverPeriod(
  checkId: string,
  resource: PeriodResourceRef,
  period: { start: string; end: string },
  cause: PeriodUnknownCause,
  reason: string,
  evidence: EvidenceRef[],
): PeriodMonitoringResult {
  return {
    checkId,
    resource,
    status: 'unknown',
    cause,
    reason,
    brokenWindows: [],
    unknownWindows: [{ from: period.start, to: period.end, reason }],
    evidence,
  };
}

/** What a logging resource's status says: its last start and stop, and whether it is on now. */
export interface LoggingStatus {
  started: string | undefined;
  stopped: string | undefined;
  on: boolean;
}

/** What an event does to the logging state: starts it, stops it, or creates the resource (not yet logging). */
export type EventEffect = 'start' | 'stop' | 'create';

/**
 * What the logging state over the period is judged from: the events' transitions and the status's
 * last start and stop. Never started (off, no start time), or never stopped: before its last start
 * it was off. On without a start time is a snapshot that did not keep it: nothing is inferred.
 */
export function loggingInput(
  period: { start: string; end: string },
  ev: LoggingEvents,
  effects: ReadonlyMap<string, EventEffect>,
  status: LoggingStatus,
): LoggingInput {
  const transitions: Transition[] = ev.events.flatMap((e) => {
    const effect = effects.get(e.eventName);
    return effect
      ? [
          {
            at: Date.parse(e.eventTime),
            on: effect === 'start',
            created: effect === 'create',
            event: changeEvent(e),
          },
        ]
      : [];
  });
  if (status.started) transitions.push({ at: Date.parse(status.started), on: true });
  if (status.stopped) transitions.push({ at: Date.parse(status.stopped), on: false });
  const neverStarted = !status.started && !status.on;
  const neverStopped = Boolean(status.started) && !status.stopped;
  return {
    start: Date.parse(period.start),
    end: Date.parse(period.end),
    transitions,
    eventsFrom: ev.from,
    ...(neverStarted || neverStopped ? { initial: false } : {}),
  };
}

/** `<source>: last started …, last stopped …, 3 <noun> events in the period` (a held verdict's note). */
export function statusNote(source: string, status: LoggingStatus, ev: LoggingEvents, noun: string): string {
  const n = ev.events.length;
  return [
    status.started ? `${source}: last started ${dateLabel(status.started)}` : `${source}: never started`,
    status.stopped ? `last stopped ${dateLabel(status.stopped)}` : 'never stopped',
    `${n} ${noun} event${n === 1 ? '' : 's'} in the period`,
  ].join(', ');
}
