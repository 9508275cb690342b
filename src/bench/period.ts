/**
 * `bench --period`: the figures of the period collection (AWS Config history pages and CloudTrail
 * LookupEvents over a quarter) against its lower bound. The period calls are found in the pack's
 * raw records, so the figures follow whatever the period collection reads; their wall time is the
 * span from the first period call's start to the last one's end, and the CPU and resident set size
 * of this process over that span come from a sampler running through the whole run.
 */
import { ConfigServiceClient, GetResourceConfigHistoryCommand } from '@aws-sdk/client-config-service';
import type { RecordedCall } from '../aws/recorded-call.ts';
import { quarterPeriod } from '../sandbox/scenarios/generated-history.ts';
import { cpuPerCall } from './calibrate.ts';

/** LookupEvents: 2 requests per second per account and region (AWS's documented quota). */
export const LOOKUP_EVENTS_PER_SECOND = 2;

/**
 * JavaScript runs on one thread: every SDK call's serialising, signing and parsing shares one core,
 * however many the machine has.
 */
export const USABLE_CORES = 1;

/** The period verdicts, as far as the figures need them (the evaluation's `period` section). */
export interface PeriodVerdicts {
  buckets: { checks: { status: string }[] }[];
}

/** Operations only the period collection makes. */
const PERIOD_OPERATIONS = new Set(['GetResourceConfigHistory', 'LookupEvents']);

/** The sandbox scenario and the audit period of a period benchmark. */
export interface PeriodBenchSetup {
  scenario: string;
  period: { start: string; end: string };
}

/** A quarter ending now (to the second): the scenario name carries the end so both sides agree. */
export function periodBenchSetup(buckets: number, regions: number, now = Date.now()): PeriodBenchSetup {
  const end = new Date(Math.floor(now / 1000) * 1000);
  return { scenario: `generated-quarter:${buckets}:${regions}:${end.getTime()}`, period: quarterPeriod(end) };
}

/** One sample of this process: wall clock (epoch ms), CPU time (ms), resident set size (bytes). */
interface Sample {
  at: number;
  cpuMs: number;
  rss: number;
}

/** Samples this process every `everyMs` until stopped. */
export interface ProcessSampler {
  stop(): void;
  /** CPU time used and highest RSS seen between two wall-clock instants (epoch ms). */
  between(from: number, to: number): { cpuMs: number; peakRss: number };
}

const sampleNow = (): Sample => {
  const u = process.cpuUsage();
  return { at: Date.now(), cpuMs: (u.user + u.system) / 1000, rss: process.memoryUsage.rss() };
};

/** Start sampling CPU and RSS (every 100 ms by default). */
export function startProcessSampler(everyMs = 100): ProcessSampler {
  const samples: Sample[] = [sampleNow()];
  const timer = setInterval(() => samples.push(sampleNow()), everyMs);
  timer.unref();
  const cpuAt = (t: number): number => {
    // Linear between the samples around t.
    let prev = samples[0] as Sample;
    for (const s of samples) {
      if (s.at >= t) {
        if (s.at === prev.at) return s.cpuMs;
        return prev.cpuMs + ((s.cpuMs - prev.cpuMs) * (t - prev.at)) / (s.at - prev.at);
      }
      prev = s;
    }
    return prev.cpuMs;
  };
  return {
    stop() {
      samples.push(sampleNow());
      clearInterval(timer);
    },
    between(from, to) {
      const inside = samples.filter((s) => s.at >= from && s.at <= to);
      return {
        cpuMs: cpuAt(to) - cpuAt(from),
        peakRss: inside.reduce((m, s) => Math.max(m, s.rss), 0),
      };
    },
  };
}

/**
 * CPU time of this process per SDK call, measured on `calls` bare GetResourceConfigHistory calls
 * (every page of the quarter of `buckets`, 8 at a time) with no recorder or collector around them.
 */
export async function measureSdkCpuPerCall(
  endpoint: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
  targets: { bucket: string; region: string }[],
  period: { start: string; end: string },
  calls = 200,
): Promise<{ calls: number; cpuMsPerCall: number }> {
  const clients = new Map<string, ConfigServiceClient>();
  const client = (region: string) => {
    let c = clients.get(region);
    if (!c) {
      c = new ConfigServiceClient({ region, endpoint, credentials, maxAttempts: 1 });
      clients.set(region, c);
    }
    return c;
  };
  const one = async (i: number) => {
    const t = targets[i % targets.length];
    if (!t) return;
    await client(t.region).send(
      new GetResourceConfigHistoryCommand({
        resourceType: 'AWS::S3::Bucket',
        resourceId: t.bucket,
        earlierTime: new Date(period.start),
        laterTime: new Date(period.end),
        chronologicalOrder: 'Forward',
        limit: 100,
      }),
    );
  };
  try {
    const measured = await cpuPerCall(one, calls, 8);
    return { calls: measured.calls, cpuMsPerCall: measured.cpuMsPerCall };
  } finally {
    for (const c of clients.values()) c.destroy();
  }
}

/** What `bench --period` measured of the period collection. */
export interface PeriodFigures {
  period: { start: string; end: string };
  /** Pages (calls) per operation, LookupEvents pages per lookup attribute, and retried attempts. */
  calls: {
    retries: number;
    getResourceConfigHistory: number;
    lookupEvents: number;
    lookupEventsByAttribute: Record<string, number>;
    /** LookupEvents pages of the busiest account and region, which the 2-per-second quota paces. */
    lookupEventsBusiestRegion: { key: string; requests: number };
  };
  /** From the first period call's start to the last one's end. */
  wallMs: number;
  /** CPU time of this process over that span. */
  cpuMs: number;
  /** Highest resident set size of this process over that span, in bytes. */
  peakRss: number;
  sdkCpuMsPerCall: number;
  bounds: {
    /** GetResourceConfigHistory pages × L ÷ concurrency. */
    historyMs: number;
    /** LookupEvents pages of the busiest account-region ÷ 2 per second. */
    lookupEventsMs: number;
    /** Period calls × SDK CPU per call ÷ usable cores. */
    cpuMs: number;
  };
  /** Which bound is the largest. */
  binding: 'history' | 'lookupEvents' | 'cpu';
  lowerBoundMs: number;
  /** wall ÷ lower bound. */
  ratio: number;
  verdicts: {
    buckets: number;
    bucketsWithVerdict: number;
    /** Verdicts (bucket × check) per status: held, broken, unknown, not-applicable. */
    byStatus: Record<string, number>;
  };
}

function lookupAttribute(call: RecordedCall): string {
  const attrs = (call.input as { LookupAttributes?: { AttributeKey?: string; AttributeValue?: string }[] })
    ?.LookupAttributes;
  const a = attrs?.[0];
  return a ? `${a.AttributeKey ?? '?'}=${a.AttributeValue ?? '?'}` : 'none';
}

/** Compute the period figures from the run's recorded calls, its sampler and its evaluation. */
export function periodFigures(opts: {
  calls: readonly RecordedCall[];
  sampler: ProcessSampler;
  latencyMs: number;
  concurrency: number;
  sdkCpuMsPerCall: number;
  period: { start: string; end: string };
  evaluation: PeriodVerdicts | undefined;
  inventoryBuckets: number;
}): PeriodFigures {
  const period = opts.calls.filter((c) => PERIOD_OPERATIONS.has(c.operation));
  let history = 0;
  let lookups = 0;
  let retries = 0;
  const byAttribute: Record<string, number> = {};
  const byRegion = new Map<string, number>();
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (const c of period) {
    const started = Date.parse(c.startedAt);
    from = Math.min(from, started);
    to = Math.max(to, started + c.durationMs);
    retries += c.attempts - 1;
    if (c.operation === 'GetResourceConfigHistory') history += 1;
    else {
      lookups += 1;
      const attr = lookupAttribute(c);
      byAttribute[attr] = (byAttribute[attr] ?? 0) + 1;
      const key = `${c.accountId} ${c.region}`;
      byRegion.set(key, (byRegion.get(key) ?? 0) + 1);
    }
  }
  const busiest = [...byRegion.entries()].sort((a, b) => b[1] - a[1])[0] ?? ['none', 0];
  const wallMs = period.length > 0 ? to - from : 0;
  const usage = period.length > 0 ? opts.sampler.between(from, to) : { cpuMs: 0, peakRss: 0 };
  const bounds = {
    historyMs: (history * opts.latencyMs) / opts.concurrency,
    lookupEventsMs: (busiest[1] * 1000) / LOOKUP_EVENTS_PER_SECOND,
    cpuMs: ((history + lookups) * opts.sdkCpuMsPerCall) / USABLE_CORES,
  };
  const ranked = (
    [
      ['history', bounds.historyMs],
      ['lookupEvents', bounds.lookupEventsMs],
      ['cpu', bounds.cpuMs],
    ] as const
  )
    .slice()
    .sort((a, b) => b[1] - a[1]);
  const [binding, lowerBoundMs] = ranked[0] ?? ['history', 0];
  const byStatus: Record<string, number> = { held: 0, broken: 0, unknown: 0, 'not-applicable': 0 };
  for (const b of opts.evaluation?.buckets ?? [])
    for (const c of b.checks) byStatus[c.status] = (byStatus[c.status] ?? 0) + 1;
  return {
    period: opts.period,
    calls: {
      retries,
      getResourceConfigHistory: history,
      lookupEvents: lookups,
      lookupEventsByAttribute: byAttribute,
      lookupEventsBusiestRegion: { key: busiest[0], requests: busiest[1] },
    },
    wallMs,
    cpuMs: usage.cpuMs,
    peakRss: usage.peakRss,
    sdkCpuMsPerCall: opts.sdkCpuMsPerCall,
    bounds,
    binding,
    lowerBoundMs,
    ratio: lowerBoundMs > 0 ? wallMs / lowerBoundMs : Number.NaN,
    verdicts: {
      buckets: opts.inventoryBuckets,
      bucketsWithVerdict: (opts.evaluation?.buckets ?? []).filter((b) => b.checks.length > 0).length,
      byStatus,
    },
  };
}

const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** The human-readable period section of the benchmark report. */
export function formatPeriodFigures(f: PeriodFigures): string {
  const lines = [
    `period collection (${f.period.start} – ${f.period.end}):`,
    `    GetResourceConfigHistory pages ${String(f.calls.getResourceConfigHistory).padStart(8)}`,
    `    LookupEvents pages             ${String(f.calls.lookupEvents).padStart(8)}  (${Object.entries(
      f.calls.lookupEventsByAttribute,
    )
      .map(([a, n]) => `${a} ${n}`)
      .join(
        ', ',
      )}; busiest account-region ${f.calls.lookupEventsBusiestRegion.key}: ${f.calls.lookupEventsBusiestRegion.requests})`,
    `    wall ${secs(f.wallMs)}  (cpu ${secs(f.cpuMs)}, peak RSS ${(f.peakRss / 1024 / 1024).toFixed(0)} MiB)`,
    `    lower bounds: history pages × L ÷ concurrency ${secs(f.bounds.historyMs)}; ` +
      `LookupEvents ÷ ${LOOKUP_EVENTS_PER_SECOND}/s per account-region ${secs(f.bounds.lookupEventsMs)}; ` +
      `CPU ${f.sdkCpuMsPerCall.toFixed(2)} ms/call × calls ÷ ${USABLE_CORES} core ${secs(f.bounds.cpuMs)}`,
    `    binding: ${f.binding} (${secs(f.lowerBoundMs)}); achieved/lower bound: ${f.ratio.toFixed(2)}×`,
    `    period verdicts: ${f.verdicts.bucketsWithVerdict} of ${f.verdicts.buckets} buckets; ` +
      Object.entries(f.verdicts.byStatus)
        .map(([s, n]) => `${n} ${s}`)
        .join(', '),
  ];
  return `${lines.join('\n')}\n`;
}
