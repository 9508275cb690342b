import { describe, expect, it } from 'vitest';
import { loggingSpans, type Transition } from '../../src/period/logging-intervals.ts';
import type { ChangeEvent } from '../../src/period/types.ts';

const D = 86_400_000;
const START = 100 * D;
const END = 190 * D;
const event = (name: string, at: number): ChangeEvent => ({
  eventName: name,
  eventTime: new Date(at).toISOString(),
  userArn: 'arn:aws:iam::111122223333:user/ops',
  requestId: `req-${name}`,
  eventId: `id-${name}`,
  evidence: { file: 'raw/cloudtrail.jsonl', callId: 'c1', service: 'cloudtrail', operation: 'LookupEvents' },
});
const ev = (name: string, at: number, on: boolean, created = false): Transition => ({
  at,
  on,
  created,
  event: event(name, at),
});
const span = (transitions: Transition[], extra: { eventsFrom?: number; initial?: boolean } = {}) =>
  loggingSpans({
    start: START,
    end: END,
    transitions,
    eventsFrom: extra.eventsFrom,
    initial: extra.initial,
  }).map((s) => [s.state, s.from / D, s.to / D, s.opened?.eventName, s.closed?.eventName]);

describe('logging spans over the period', () => {
  it('is on throughout when the last start precedes the period and nothing stopped it', () => {
    expect(span([{ at: 50 * D, on: true }], { eventsFrom: START })).toEqual([
      ['on', 100, 190, undefined, undefined],
    ]);
  });

  it('is off until a start after the period began, closed by its event (the status time is the same change)', () => {
    const s = span([ev('StartLogging', 130 * D, true), { at: 130 * D + 1000, on: true }], {
      eventsFrom: START,
      initial: false,
    });
    expect(s).toEqual([
      ['off', 100, 130, undefined, 'StartLogging'],
      ['on', 130, 190, 'StartLogging', undefined],
    ]);
  });

  it('infers the state at the start from complete events: a first stop means it was on', () => {
    expect(
      span([ev('StopLogging', 120 * D, false), ev('StartLogging', 125 * D, true)], { eventsFrom: START }),
    ).toEqual([
      ['on', 100, 120, undefined, 'StopLogging'],
      ['off', 120, 125, 'StopLogging', 'StartLogging'],
      ['on', 125, 190, 'StartLogging', undefined],
    ]);
  });

  it('a trail created in the period was off before its creation and until its first start', () => {
    expect(
      span([ev('CreateTrail', 110 * D, false, true), ev('StartLogging', 111 * D, true)], {
        eventsFrom: START,
      }),
    ).toEqual([
      ['off', 100, 111, undefined, 'StartLogging'],
      ['on', 111, 190, 'StartLogging', undefined],
    ]);
  });

  it('is unknown before the event history begins when the status does not tell', () => {
    expect(
      span([ev('StopLogging', 150 * D, false), { at: 160 * D, on: true }], { eventsFrom: 140 * D }),
    ).toEqual([
      ['unknown', 100, 140, undefined, undefined],
      ['on', 140, 150, undefined, 'StopLogging'],
      ['off', 150, 160, 'StopLogging', undefined],
      ['on', 160, 190, undefined, undefined],
    ]);
  });

  it('with no events at all, the last stop and last start still bound a gap', () => {
    expect(
      span(
        [
          { at: 120 * D, on: false },
          { at: 140 * D, on: true },
        ],
        { eventsFrom: undefined },
      ),
    ).toEqual([
      ['unknown', 100, 120, undefined, undefined],
      ['off', 120, 140, undefined, undefined],
      ['on', 140, 190, undefined, undefined],
    ]);
  });

  it('ignores changes after the period end', () => {
    expect(
      span([{ at: 50 * D, on: true }, ev('StopLogging', 195 * D, false)], { eventsFrom: START }),
    ).toEqual([['on', 100, 190, undefined, undefined]]);
  });
});
