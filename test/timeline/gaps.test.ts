import { describe, expect, it } from 'vitest';
import {
  buildTimeline,
  formatDuration,
  parseDuration,
  type TimelineSource,
} from '../../src/timeline/build-timeline.ts';

const DAY = 86_400_000;
const at = (day: number, hour = 6): TimelineSource => ({
  file: `p${day}.zip`,
  sha256: String(day).padStart(64, '0'),
  manifestSha256: '',
  runId: `run-${day}`,
  collectedAt: new Date(Date.UTC(2026, 6, 1) + day * DAY + hour * 3_600_000).toISOString(),
  accounts: ['111122223333'],
  regions: ['us-east-1'],
  criteria: [],
  sandbox: false,
  signature: 'unsigned',
  results: [],
});

describe('timeline gaps', () => {
  it('flags an interval longer than the given schedule, not one within 10% of it', () => {
    const t = buildTimeline([at(0), at(7, 12), at(14), at(30)], { scheduleMs: parseDuration('7d')! });
    expect(t.gaps.map((g) => [g.after, g.before, g.durationMs / DAY])).toEqual([[2, 3, 16]]);
  });

  it('infers the schedule as the median interval when none is given', () => {
    const t = buildTimeline([at(21), at(0), at(7), at(14), at(35)]);
    expect(t.schedule).toEqual({ ms: 7 * DAY, source: 'inferred-median' });
    expect(t.gaps.map((g) => [g.after, g.before])).toEqual([[3, 4]]);
  });

  it('prints a schedule the way it is given: 30m stays 30m, 12h and 7d as such', () => {
    expect(formatDuration(parseDuration('30m')!)).toBe('30m');
    expect(formatDuration(parseDuration('12h')!)).toBe('12h');
    expect(formatDuration(parseDuration('7d')!)).toBe('7d');
    expect(formatDuration(parseDuration('1w')! + 4 * 3_600_000)).toBe('7d 4h');
  });

  it('parses 7d, 12h, 1w and refuses anything else', () => {
    expect(parseDuration('1w')).toBe(7 * DAY);
    expect(parseDuration('12h')).toBe(DAY / 2);
    expect(parseDuration('weekly')).toBeNull();
    expect(parseDuration('0d')).toBeNull();
  });
});
