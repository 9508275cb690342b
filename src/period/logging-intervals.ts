import type { ChangeEvent } from './types.ts';

/**
 * A time the logging state is known to change: from a management event (StartLogging,
 * StopConfigurationRecorder, ...) or from the service's status (its last start and last stop).
 */
export interface Transition {
  /** Epoch milliseconds. */
  at: number;
  /** Logging (recording) from `at` on. */
  on: boolean;
  /** The resource was created at `at` (it did not exist, so did not log, before). */
  created?: boolean | undefined;
  /** The event, when the transition comes from CloudTrail. */
  event?: ChangeEvent | undefined;
}

/** What the logging state over the period is judged from. */
export interface LoggingInput {
  /** The period, epoch milliseconds. */
  start: number;
  end: number;
  /** From event transitions and status transitions, in any order. */
  transitions: readonly Transition[];
  /**
   * From when the management events were read completely (epoch ms); `undefined` when they could
   * not be read at all. Before it, only the status transitions are known.
   */
  eventsFrom: number | undefined;
  /** The state at the period start when the status alone proves it (e.g. never started: `false`). */
  initial?: boolean | undefined;
}

/** One stretch of the period with one logging state. */
export interface LoggingSpan {
  from: number;
  to: number;
  state: 'on' | 'off' | 'unknown';
  /** The event whose transition opened the span, when CloudTrail has it. */
  opened?: ChangeEvent | undefined;
  /** The event whose transition closed the span, when CloudTrail has it. */
  closed?: ChangeEvent | undefined;
}

/** A status time and the event that made it are seconds apart: the event stands for both. */
const SAME_CHANGE_MS = 5 * 60_000;

/** Status transitions an event already accounts for are dropped; events first at equal times. */
function normalized(transitions: readonly Transition[]): Transition[] {
  const events = transitions.filter((t) => t.event);
  const status = transitions.filter(
    (t) => !t.event && !events.some((e) => e.on === t.on && Math.abs(e.at - t.at) <= SAME_CHANGE_MS),
  );
  return [...events, ...status].sort((a, b) => a.at - b.at || (a.event ? 0 : 1) - (b.event ? 0 : 1));
}

/** The state at the period start: from the last status change before it, the status alone, or complete events. */
function initialState(input: LoggingInput, ts: readonly Transition[]): LoggingSpan['state'] {
  const last = ts.filter((t) => t.at <= input.start).at(-1);
  if (last) return last.on ? 'on' : 'off';
  if (input.initial !== undefined) return input.initial ? 'on' : 'off';
  const covered = input.eventsFrom !== undefined && input.eventsFrom <= input.start;
  const first = ts.find((t) => t.at > input.start);
  // Every change since the period start is known: the state before the first is its opposite.
  return covered && first ? before(first) : 'unknown';
}

/** The state just before a change: a creation or a start means it was not logging. */
function before(t: Transition): 'on' | 'off' {
  return t.created || t.on ? 'off' : 'on';
}

/**
 * The period cut into spans of one logging state, oldest first. A span before the first known
 * change is `unknown` unless the status or complete events tell the state.
 */
export function loggingSpans(input: LoggingInput): LoggingSpan[] {
  const ts = normalized(input.transitions);
  const spans: LoggingSpan[] = [];
  let state = initialState(input, ts);
  let from = input.start;
  let opened: ChangeEvent | undefined;
  const close = (to: number, closed: ChangeEvent | undefined) => {
    if (to > from) spans.push({ from, to, state, opened, closed });
  };
  for (const t of ts) {
    if (t.at <= input.start) continue;
    if (t.at >= input.end) break;
    const { eventsFrom } = input;
    if (state === 'unknown' && eventsFrom !== undefined && eventsFrom > from && eventsFrom < t.at) {
      // Unknown until the events begin; from then on the state before this change is its opposite.
      close(eventsFrom, undefined);
      from = eventsFrom;
      opened = undefined;
      state = before(t);
    }
    const next = t.on ? 'on' : 'off';
    if (next === state) continue;
    close(t.at, t.event);
    from = t.at;
    opened = t.event;
    state = next;
  }
  close(input.end, undefined);
  return spans;
}
