/**
 * Fault injection and request statistics: rules that make chosen calls fail (denied, throttled,
 * 5xx, connection reset, never answered), a seeded random source so probabilistic faults replay
 * identically, a global latency, and per-operation request counts.
 */

/** What a matching request suffers. */
export type FaultKind =
  'AccessDenied' | 'Throttle' | 'InternalError' | 'ServiceUnavailable' | 'Reset' | 'Timeout';

/** One fault rule; unset matchers match anything. */
export interface FaultRule {
  /** `s3`, `s3control`, `sts`, `kms`, `config`, `cloudtrail` (case-insensitive). */
  service?: string;
  /** Operation name or glob, e.g. `GetBucketPolicy`, `Get*`. */
  operation?: string;
  /** Glob on the resource: bucket name for S3, key id / trail / rule name for JSON services. */
  resource?: string;
  kind: FaultKind;
  /** Chance of firing per matching request, default 1. */
  probability?: number;
  /** Fire at most this many times (default unlimited). */
  count?: number;
}

/** The call a fault decision is made for. */
export interface CallIdentity {
  service: string;
  operation: string;
  resource?: string | undefined;
}

/** All fault kinds, for validating rules that arrive over the admin API. */
export const FAULT_KINDS: readonly FaultKind[] = [
  'AccessDenied',
  'Throttle',
  'InternalError',
  'ServiceUnavailable',
  'Reset',
  'Timeout',
];

/** Snapshot of counters served by `GET /_sandbox/stats`. */
export interface SandboxStats {
  /** Requests per `service:Operation`. */
  requests: Record<string, number>;
  /** Faults injected per `service:Operation:Kind`. */
  faults: Record<string, number>;
  total: number;
}

/** Deterministic PRNG (mulberry32): same seed, same sequence. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `*` matches any run of characters, `?` one character; case-sensitive. */
export function globMatch(pattern: string, value: string): boolean {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, 's').test(value);
}

function ruleMatches(rule: FaultRule, call: CallIdentity): boolean {
  if (rule.service !== undefined && rule.service.toLowerCase() !== call.service.toLowerCase()) return false;
  if (rule.operation !== undefined && !globMatch(rule.operation, call.operation)) return false;
  if (
    rule.resource !== undefined &&
    (call.resource === undefined || !globMatch(rule.resource, call.resource))
  ) {
    return false;
  }
  return true;
}

/** Live fault configuration of a running sandbox. */
export class FaultController {
  private rules: { rule: FaultRule; fired: number }[] = [];
  private random: () => number;
  private requestCounts = new Map<string, number>();
  private faultCounts = new Map<string, number>();
  private totalRequests = 0;
  /** Delay added before answering every (non-admin) request. */
  latencyMs: number;

  constructor(opts: { rules?: FaultRule[]; seed?: number; latencyMs?: number } = {}) {
    this.random = seededRandom(opts.seed ?? 1);
    this.latencyMs = opts.latencyMs ?? 0;
    this.setRules(opts.rules ?? []);
  }

  /** Replace all rules (their fire counts restart); optionally reseed the random source. */
  setRules(rules: FaultRule[], seed?: number): void {
    this.rules = rules.map((rule) => ({ rule: { ...rule }, fired: 0 }));
    if (seed !== undefined) this.random = seededRandom(seed);
  }

  /** Add one rule after the existing ones. */
  addRule(rule: FaultRule): void {
    this.rules.push({ rule: { ...rule }, fired: 0 });
  }

  /** Remove every rule. */
  clear(): void {
    this.rules = [];
  }

  /** The current rules. */
  list(): FaultRule[] {
    return this.rules.map(({ rule }) => ({ ...rule }));
  }

  /** Count a request; returns the fault to inject, if any (first matching rule that fires). */
  decide(call: CallIdentity): FaultKind | 'none' {
    const name = `${call.service}:${call.operation}`;
    this.totalRequests += 1;
    this.requestCounts.set(name, (this.requestCounts.get(name) ?? 0) + 1);
    for (const entry of this.rules) {
      if (!ruleMatches(entry.rule, call)) continue;
      if (entry.rule.count !== undefined && entry.fired >= entry.rule.count) continue;
      if (this.random() >= (entry.rule.probability ?? 1)) continue;
      entry.fired += 1;
      const key = `${name}:${entry.rule.kind}`;
      this.faultCounts.set(key, (this.faultCounts.get(key) ?? 0) + 1);
      return entry.rule.kind;
    }
    return 'none';
  }

  /** Counters so far. */
  stats(): SandboxStats {
    return {
      requests: Object.fromEntries(this.requestCounts),
      faults: Object.fromEntries(this.faultCounts),
      total: this.totalRequests,
    };
  }

  /** Reset the counters (rules stay). */
  resetStats(): void {
    this.requestCounts.clear();
    this.faultCounts.clear();
    this.totalRequests = 0;
  }
}

/** Validate a rule received as JSON; returns an error message or the rule. */
export function parseFaultRule(value: unknown): FaultRule | string {
  if (typeof value !== 'object' || value === null) return 'a rule must be an object';
  const raw = value as Record<string, unknown>;
  if (typeof raw.kind !== 'string' || !FAULT_KINDS.includes(raw.kind as FaultKind)) {
    return `kind must be one of ${FAULT_KINDS.join(', ')}`;
  }
  const rule: FaultRule = { kind: raw.kind as FaultKind };
  for (const field of ['service', 'operation', 'resource'] as const) {
    const v = raw[field];
    if (v === undefined) continue;
    if (typeof v !== 'string') return `${field} must be a string`;
    rule[field] = v;
  }
  for (const field of ['probability', 'count'] as const) {
    const v = raw[field];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      return `${field} must be a non-negative number`;
    rule[field] = v;
  }
  return rule;
}
