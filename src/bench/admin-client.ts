import type { FaultRule, SandboxStats } from '../sandbox/faults.ts';

/** The fault mix of `bench --faults`: 10% throttling, 2% 5xx, 1% connection resets. */
export const BENCH_FAULTS: readonly FaultRule[] = [
  { kind: 'Throttle', probability: 0.1 },
  { kind: 'InternalError', probability: 0.02 / 0.9 },
  { kind: 'Reset', probability: 0.01 / (0.9 * (1 - 0.02 / 0.9)) },
];

async function admin(url: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${url}/_sandbox/${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`sandbox admin ${method} ${path}: HTTP ${res.status} ${text}`);
  return JSON.parse(text) as unknown;
}

/** Replace the sandbox's fault rules (seeded, so a benchmark replays the same faults). */
export async function setFaults(url: string, rules: readonly FaultRule[], seed: number): Promise<void> {
  await admin(url, 'POST', 'faults', { rules, seed });
}

/** Reset the request counters (after scenario setup, before the run). */
export async function resetStats(url: string): Promise<void> {
  await admin(url, 'DELETE', 'stats');
}

/** Per-operation request and fault counts so far. */
export async function getStats(url: string): Promise<SandboxStats> {
  return (await admin(url, 'GET', 'stats')) as SandboxStats;
}
