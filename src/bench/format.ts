import type { BenchResult } from './run-bench.ts';
import type { BenchStage } from './stage-timer.ts';
import { formatBounds } from './format-bounds.ts';
import { formatPeriodFigures } from './period.ts';

const STAGE_ORDER: readonly BenchStage[] = [
  'collect',
  'browser wait',
  'evaluate',
  'screenshots',
  'assemble',
  'render',
  'pack',
];

const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

function topOperations(requests: Record<string, number>, buckets: number): string[] {
  return Object.entries(requests)
    .sort((a, b) => b[1] - a[1])
    .map(
      ([op, n]) =>
        `    ${op.padEnd(44)} ${String(n).padStart(8)}${buckets > 0 ? `  (${(n / buckets).toFixed(2)}/bucket)` : ''}`,
    );
}

/** Reads that each add one fact to every bucket, shown apart in the split of calls per bucket. */
const PER_BUCKET_FACT_READS: readonly (readonly [string, string])[] = [
  ['ABAC', 's3:GetBucketAbac'],
  ['S3 Inventory configurations', 's3:ListBucketInventoryConfigurations'],
];

/**
 * `calls per bucket by fact: ABAC 1.00, S3 Inventory configurations 1.00, everything else 5.13`:
 * what the per-bucket ABAC and S3 Inventory facts cost next to encryption, policy, Block Public
 * Access, ownership/ACL, versioning, tags and the account- and region-level reads.
 */
export function callsPerBucketByFact(requests: Record<string, number>, buckets: number): string | undefined {
  if (buckets <= 0) return undefined;
  const total = Object.values(requests).reduce((a, b) => a + b, 0);
  const parts = PER_BUCKET_FACT_READS.map(([label, op]) => [label, requests[op] ?? 0] as const);
  const rest = total - parts.reduce((a, [, n]) => a + n, 0);
  const per = (n: number) => (n / buckets).toFixed(2);
  return `calls per bucket by fact: ${parts.map(([label, n]) => `${label} ${per(n)}`).join(', ')}, everything else ${per(rest)}`;
}

/** The human-readable benchmark report. */
export function formatBenchResult(r: BenchResult): string {
  const p = r.params;
  const lines: string[] = [];
  lines.push(
    `bench: ${p.buckets} buckets, ${p.regions} regions, latency ${p.latencyMs} ms, concurrency ${p.concurrency}` +
      `${p.faults ? ', faults on' : ''}${p.screenshots ? '' : ', no screenshots'}`,
  );
  const perBucket = p.buckets > 0 ? (r.collectionStats.total / p.buckets).toFixed(2) : 'n/a';
  lines.push(`API calls (collection): ${r.collectionStats.total} total, ${perBucket} per bucket`);
  if (r.totalStats.total !== r.collectionStats.total)
    lines.push(`API calls (whole run): ${r.totalStats.total}`);
  lines.push(...topOperations(r.collectionStats.requests, p.buckets));
  const byFact = callsPerBucketByFact(r.collectionStats.requests, p.buckets);
  if (byFact) lines.push(byFact);
  lines.push('wall time per stage (CPU time of this process, its peak RSS in the stage):');
  for (const s of STAGE_ORDER) {
    const ms = r.stagesMs[s];
    if (ms === undefined) continue;
    const cpu = r.stagesCpuMs[s];
    const rss = r.stagesPeakRss[s];
    const notes = [
      ...(cpu !== undefined ? [`cpu ${secs(cpu)}`] : []),
      ...(rss !== undefined ? [`RSS ${(rss / 1024 / 1024).toFixed(0)} MiB`] : []),
    ];
    lines.push(
      `    ${s.padEnd(14)} ${secs(ms).padStart(10)}${notes.length ? `  (${notes.join(', ')})` : ''}`,
    );
  }
  lines.push(`    ${'total'.padEnd(14)} ${secs(r.totalMs).padStart(10)}`);
  lines.push(
    `collection lower bound (calls × L ÷ concurrency): ${secs(r.lowerBoundMs)}; achieved/lower bound: ${r.collectRatio.toFixed(2)}×`,
  );
  lines.push(...formatBounds(r));
  if (r.faultFreeLowerBoundMs !== r.lowerBoundMs)
    lines.push(
      `fault-free lower bound (calls that did not meet a fault): ${secs(r.faultFreeLowerBoundMs)}; achieved/fault-free lower bound: ${r.faultFreeRatio.toFixed(2)}×`,
    );
  if (r.calls) {
    const c = r.calls;
    const capacity = c.busySlotMs + c.idleSlotMs;
    lines.push(
      `retries: ${c.retries} over ${c.calls} calls; backoff time ${secs(c.backoffMs)} (summed over calls, no slot held); ` +
        `slot-idle time ${secs(c.idleSlotMs)} of ${secs(capacity)} slot time (${capacity > 0 ? ((100 * c.idleSlotMs) / capacity).toFixed(0) : 0}%); ` +
        `limit halved ${c.cuts}×, lowest ${c.lowestLimit}`,
    );
  }
  if (r.sandboxCollectCpuMs !== undefined)
    lines.push(`sandbox process CPU during collection: ${secs(r.sandboxCollectCpuMs)}`);
  lines.push(`peak RSS: ${(r.peakRssKb / 1024).toFixed(0)} MiB`);
  lines.push(
    `pack: ${mib(r.pack.bytes)}, ${r.pack.files} files; report ${r.pack.pages} pages (${r.pack.renderer}); ${r.pack.screenshots} screenshots`,
  );
  lines.push(`inventory: ${r.inventory.buckets} buckets in the snapshot`);
  const faults = Object.values(r.collectionStats.faults).reduce((a, b) => a + b, 0);
  if (p.faults || faults > 0 || r.recorded.retries > 0 || r.gaps.total > 0) {
    lines.push(
      `faults injected: ${faults}; retries: ${r.recorded.retries} over ${r.recorded.retriedCalls} calls; ` +
        `calls failed after retries: ${r.recorded.failedCalls}`,
    );
    lines.push(
      `evidence gaps: ${r.gaps.total}` +
        (r.gaps.total
          ? ` (${Object.entries(r.gaps.byErrorCode)
              .map(([c, n]) => `${c} ${n}`)
              .join(', ')})`
          : ''),
    );
  }
  lines.push(
    `findings: ${Object.entries(r.findings)
      .filter(([, n]) => n > 0)
      .map(([s, n]) => `${n} ${s}`)
      .join(', ')}`,
  );
  if (r.period) lines.push(formatPeriodFigures(r.period).trimEnd());
  return `${lines.join('\n')}\n`;
}
