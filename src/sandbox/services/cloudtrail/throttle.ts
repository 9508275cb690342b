/**
 * LookupEvents is limited to 2 requests per second per account and region; over the limit AWS
 * answers ThrottlingException. The limit follows real time (not the sandbox clock, which scenarios
 * move) and can be changed or switched off per sandbox state.
 */
import type { SandboxStateApi } from '../../types.ts';
import { SandboxError } from '../../types.ts';

interface Limiter {
  perSecond: number | null;
  hits: Map<string, number[]>;
}

const limiters = new WeakMap<SandboxStateApi, Limiter>();

/** Set LookupEvents' requests per second per account and region (`null` = unlimited). Default 2. */
export function setLookupEventsRateLimit(state: SandboxStateApi, perSecond: number | null): void {
  limiters.set(state, { perSecond, hits: new Map() });
}

/** Count one LookupEvents request; ThrottlingException when over the limit. */
export function takeLookupEventsToken(state: SandboxStateApi, accountId: string, region: string): void {
  let limiter = limiters.get(state);
  if (!limiter) {
    limiter = { perSecond: 2, hits: new Map() };
    limiters.set(state, limiter);
  }
  if (limiter.perSecond === null) return;
  const key = `${accountId}:${region}`;
  const now = Date.now();
  const recent = (limiter.hits.get(key) ?? []).filter((t) => now - t < 1000);
  if (recent.length >= limiter.perSecond) {
    limiter.hits.set(key, recent);
    throw new SandboxError('ThrottlingException', 'Rate exceeded');
  }
  recent.push(now);
  limiter.hits.set(key, recent);
}
