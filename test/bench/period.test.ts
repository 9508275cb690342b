import { describe, expect, it } from 'vitest';
import { formatBenchResult } from '../../src/bench/format.ts';
import { runBench } from '../../src/bench/run-bench.ts';

describe('bench --period', () => {
  it('collects a generated quarter with a period and prints the period figures against their bounds', async () => {
    const r = await runBench({
      buckets: 12,
      regions: 1,
      latencyMs: 5,
      faults: false,
      screenshots: false,
      period: true,
    });
    const p = r.period;
    expect(p).toBeDefined();
    if (!p) return;
    // Every bucket: its configuration history and its compliance history, one backwards read each.
    expect(p.calls.getResourceConfigHistory).toBeGreaterThanOrEqual(2 * 12);
    expect(p.calls.lookupEventsByAttribute['EventSource=kms.amazonaws.com']).toBeGreaterThan(0);
    expect(p.calls.lookupEventsByAttribute['ReadOnly=false']).toBeGreaterThan(0);
    expect(p.calls.lookupEvents).toBe(p.calls.lookupEventsBusiestRegion.requests);
    expect(p.bounds.lookupEventsMs).toBe(p.calls.lookupEventsBusiestRegion.requests * 500);
    expect(p.lowerBoundMs).toBe(Math.max(p.bounds.historyMs, p.bounds.lookupEventsMs, p.bounds.cpuMs));
    // Two LookupEvents a second at most: the span cannot beat the bound it is measured against.
    expect(p.wallMs).toBeGreaterThanOrEqual(p.bounds.lookupEventsMs - 1000);
    expect(p.sdkCpuMsPerCall).toBeGreaterThan(0);
    expect(p.peakRss).toBeGreaterThan(0);
    expect(p.verdicts.buckets).toBe(12);
    expect(p.verdicts.bucketsWithVerdict).toBe(12);
    expect(Object.values(p.verdicts.byStatus).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(12);

    const text = formatBenchResult(r);
    expect(text).toMatch(/^period collection \(\d{4}-.*\):$/m);
    expect(text).toMatch(/GetResourceConfigHistory pages\s+\d+/);
    expect(text).toMatch(
      /LookupEvents pages\s+\d+ +\(EventSource=kms\.amazonaws\.com \d+, ReadOnly=false \d+/,
    );
    expect(text).toMatch(/wall \d+\.\d+ s {2}\(cpu \d+\.\d+ s, peak RSS \d+ MiB\)/);
    expect(text).toMatch(
      /lower bounds: history pages × L ÷ concurrency .*LookupEvents ÷ 2\/s .*CPU .* ms\/call/,
    );
    expect(text).toMatch(
      /binding: (history|lookupEvents|cpu) \(\d+\.\d+ s\); achieved\/lower bound: \d+\.\d+×/,
    );
    expect(text).toMatch(
      /period verdicts: 12 of 12 buckets; \d+ held, \d+ broken, \d+ unknown, \d+ not-applicable/,
    );
  }, 300_000);
});
