/**
 * Fault injection and request statistics: rules that make chosen calls fail (denied, throttled,
 * 5xx, connection reset, never answered) or answer with a changed body (a field stripped or
 * replaced), a seeded random source so probabilistic faults replay identically, a global latency,
 * and per-operation request counts.
 */

/** A failure instead of the answer. */
export type ErrorFaultKind =
  'AccessDenied' | 'Throttle' | 'InternalError' | 'ServiceUnavailable' | 'Reset' | 'Timeout';

/**
 * A successful answer with its body changed: `StripField` removes the member at `field`,
 * `ReplaceField` sets it to `value` (see `mutate.ts` for how a path names a member).
 */
export type MutationFaultKind = 'StripField' | 'ReplaceField';

/** What a matching request suffers. */
export type FaultKind = ErrorFaultKind | MutationFaultKind;

/** One fault rule; unset matchers match anything. */
export interface FaultRule {
  /** `s3`, `s3control`, `sts`, `kms`, `config`, `cloudtrail`, `tagging` (case-insensitive). */
  service?: string;
  /** Operation name or glob, e.g. `GetBucketPolicy`, `Get*`. */
  operation?: string;
  /** Glob on the resource: bucket name for S3, key id / trail / rule name for JSON services. */
  resource?: string;
  kind: FaultKind;
  /**
   * For `StripField` / `ReplaceField`: the member's path in the response body, dot-separated from
   * the top (`PolicyStatus.IsPublic` in S3's XML, `KeyMetadata.KeyState` in KMS's JSON).
   */
  field?: string;
  /** For `ReplaceField`: the new value (in XML, its text). */
  value?: string | number | boolean | null;
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
  'StripField',
  'ReplaceField',
];

/** A change to make to a successful answer's body. */
export interface ResponseMutation {
  kind: MutationFaultKind;
  field: string;
  value?: string | number | boolean | null | undefined;
}

function isMutation(kind: FaultKind): kind is MutationFaultKind {
  return kind === 'StripField' || kind === 'ReplaceField';
}

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

  /** Count a request; returns the failure to inject, if any (first matching error rule that fires). */
  decide(call: CallIdentity): ErrorFaultKind | 'none' {
    const name = `${call.service}:${call.operation}`;
    this.totalRequests += 1;
    this.requestCounts.set(name, (this.requestCounts.get(name) ?? 0) + 1);
    for (const entry of this.rules) {
      const kind = entry.rule.kind;
      if (isMutation(kind) || !this.fires(entry, call)) continue;
      return kind;
    }
    return 'none';
  }

  /** The changes to make to the successful answer of this call: every matching mutation rule that fires. */
  mutations(call: CallIdentity): ResponseMutation[] {
    const out: ResponseMutation[] = [];
    for (const entry of this.rules) {
      const { kind, field, value } = entry.rule;
      if (!isMutation(kind) || field === undefined || !this.fires(entry, call)) continue;
      out.push({ kind, field, value });
    }
    return out;
  }

  private fires(entry: { rule: FaultRule; fired: number }, call: CallIdentity): boolean {
    if (!ruleMatches(entry.rule, call)) return false;
    if (entry.rule.count !== undefined && entry.fired >= entry.rule.count) return false;
    if (this.random() >= (entry.rule.probability ?? 1)) return false;
    entry.fired += 1;
    const key = `${call.service}:${call.operation}:${entry.rule.kind}`;
    this.faultCounts.set(key, (this.faultCounts.get(key) ?? 0) + 1);
    return true;
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
  for (const field of ['service', 'operation', 'resource', 'field'] as const) {
    const v = raw[field];
    if (v === undefined) continue;
    if (typeof v !== 'string') return `${field} must be a string`;
    rule[field] = v;
  }
  if (isMutation(rule.kind) && !rule.field)
    return `${rule.kind} needs field (the member's path in the response)`;
  if (rule.kind === 'ReplaceField') {
    const v = raw.value;
    if (v !== null && !['string', 'number', 'boolean'].includes(typeof v))
      return 'value must be a string, number, boolean or null';
    rule.value = v as string | number | boolean | null;
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
