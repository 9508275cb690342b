/**
 * Summarizes a KMS key policy the way an auditor reads it: who administers the key and who may use
 * it to encrypt and decrypt. Pure: takes the verbatim policy JSON text, returns grouped principals.
 * This is a reading aid for the report, not a verdict (the `kms.key-policy-not-public` check judges).
 */

/** One principal with the actions a group of Allow statements grants it. */
export interface PrincipalGrant {
  /** As written: `*`, an ARN, an account id, or `Service:<name>` / `Federated:<name>`. */
  principal: string;
  /** Actions as written in the statements (deduplicated, sorted). */
  actions: string[];
  /** Condition summaries (`StringEquals kms:CallerAccount=111122223333`), deduplicated. */
  conditions: string[];
  /** True when every statement granting these actions has a condition. */
  conditional: boolean;
}

/** The summary of one key policy. */
export type KeyPolicySummary =
  | {
      ok: true;
      /** Principals allowed kms:Create* / Put* / Enable* / Disable* / Schedule* / Cancel* / kms:*. */
      administrators: PrincipalGrant[];
      /** Principals allowed Encrypt / Decrypt / ReEncrypt* / GenerateDataKey*. */
      users: PrincipalGrant[];
      /** Other facts worth a reader's attention (Deny statements, NotAction, NotPrincipal). */
      notes: string[];
    }
  | { ok: false; reason: string };

/** Concrete actions that make a principal an administrator of the key. */
const ADMIN_ACTIONS = [
  'kms:CreateAlias',
  'kms:CreateGrant',
  'kms:PutKeyPolicy',
  'kms:EnableKey',
  'kms:EnableKeyRotation',
  'kms:DisableKey',
  'kms:DisableKeyRotation',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
];

/** Concrete actions that let a principal use the key on data. */
const USAGE_ACTIONS = [
  'kms:Encrypt',
  'kms:Decrypt',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:GenerateDataKeyPair',
];

interface Statement {
  Effect?: unknown;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Condition?: unknown;
  Sid?: unknown;
}

/** Summarize a key policy document (the JSON text returned by GetKeyPolicy). */
export function summarizeKeyPolicy(policyText: string): KeyPolicySummary {
  let doc: unknown;
  try {
    doc = JSON.parse(policyText);
  } catch (err) {
    return { ok: false, reason: `the key policy is not valid JSON (${(err as Error).message})` };
  }
  if (!isRecord(doc)) return { ok: false, reason: 'the key policy is not a JSON object' };
  const statements = toArray(doc['Statement']).filter(isRecord) as Statement[];
  if (statements.length === 0) return { ok: false, reason: 'the key policy has no statements' };

  const admins = new GrantGroup();
  const users = new GrantGroup();
  const notes: string[] = [];

  for (const [i, st] of statements.entries()) {
    const sid = typeof st.Sid === 'string' && st.Sid ? `"${st.Sid}"` : `#${i + 1}`;
    const effect = st.Effect === 'Deny' ? 'Deny' : st.Effect === 'Allow' ? 'Allow' : undefined;
    if (!effect) {
      notes.push(`Statement ${sid} has no valid Effect and is ignored.`);
      continue;
    }
    if (effect === 'Deny') {
      notes.push(`Statement ${sid} denies ${describeActions(st)} to ${describePrincipals(st)}.`);
      continue;
    }
    if (st.NotPrincipal !== undefined) {
      notes.push(
        `Statement ${sid} allows to everyone except ${principalList(st.NotPrincipal).join(', ')} (NotPrincipal).`,
      );
    }
    const principals = st.NotPrincipal !== undefined ? ['*'] : principalList(st.Principal);
    const conditions = conditionList(st.Condition);
    let actions: string[];
    let grantsAdmin: boolean;
    let grantsUse: boolean;
    if (st.NotAction !== undefined) {
      const excluded = toArray(st.NotAction).filter((a): a is string => typeof a === 'string');
      actions = [`every action except ${excluded.join(', ')}`];
      grantsAdmin = ADMIN_ACTIONS.some((a) => !excluded.some((p) => actionMatches(p, a)));
      grantsUse = USAGE_ACTIONS.some((a) => !excluded.some((p) => actionMatches(p, a)));
      notes.push(`Statement ${sid} uses NotAction: it allows ${actions[0]}.`);
    } else {
      actions = toArray(st.Action).filter((a): a is string => typeof a === 'string');
      grantsAdmin = ADMIN_ACTIONS.some((a) => actions.some((p) => actionMatches(p, a)));
      grantsUse = USAGE_ACTIONS.some((a) => actions.some((p) => actionMatches(p, a)));
    }
    for (const principal of principals) {
      if (grantsAdmin) admins.add(principal, actions, conditions);
      if (grantsUse) users.add(principal, actions, conditions);
    }
  }
  return { ok: true, administrators: admins.list(), users: users.list(), notes };
}

/** A readable label for a principal: the root of an account delegates to that account's IAM policies. */
export function describePrincipal(principal: string): string {
  if (principal === '*') return '* (any principal)';
  const root = /^arn:aws[a-z-]*:iam::(\d{12}):root$/.exec(principal);
  if (root) return `${principal} (account ${root[1]}, via IAM policies)`;
  if (/^\d{12}$/.test(principal)) return `${principal} (account, via IAM policies)`;
  return principal;
}

/** IAM action glob match (`*` and `?`, case-insensitive as IAM compares actions). */
function actionMatches(pattern: string, action: string): boolean {
  if (pattern === '*') return true;
  const re = new RegExp(
    '^' +
      pattern
        .split('')
        .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
        .join('') +
      '$',
    'i',
  );
  return re.test(action);
}

function principalList(principal: unknown): string[] {
  if (principal === '*') return ['*'];
  if (!isRecord(principal)) return [];
  const out: string[] = [];
  for (const [kind, value] of Object.entries(principal)) {
    for (const v of toArray(value)) {
      if (typeof v !== 'string') continue;
      out.push(kind === 'AWS' ? v : `${kind}:${v}`);
    }
  }
  return out;
}

function conditionList(condition: unknown): string[] {
  if (!isRecord(condition)) return [];
  const out: string[] = [];
  for (const [op, body] of Object.entries(condition)) {
    if (!isRecord(body)) continue;
    for (const [key, value] of Object.entries(body)) {
      const values = toArray(value).map((v) => String(v));
      out.push(`${op} ${key}=${values.join('|')}`);
    }
  }
  return out;
}

function describeActions(st: Statement): string {
  if (st.NotAction !== undefined)
    return `every action except ${toArray(st.NotAction).map(String).join(', ')}`;
  return toArray(st.Action).map(String).join(', ') || 'no actions';
}

function describePrincipals(st: Statement): string {
  if (st.NotPrincipal !== undefined) return `everyone except ${principalList(st.NotPrincipal).join(', ')}`;
  return principalList(st.Principal).join(', ') || 'no principal';
}

function toArray(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Accumulates grants per principal, preserving first-seen order. */
class GrantGroup {
  private readonly byPrincipal = new Map<
    string,
    { actions: Set<string>; conditions: Set<string>; unconditional: boolean }
  >();

  add(principal: string, actions: readonly string[], conditions: readonly string[]): void {
    let g = this.byPrincipal.get(principal);
    if (!g) {
      g = { actions: new Set(), conditions: new Set(), unconditional: false };
      this.byPrincipal.set(principal, g);
    }
    for (const a of actions) g.actions.add(a);
    for (const c of conditions) g.conditions.add(c);
    if (conditions.length === 0) g.unconditional = true;
  }

  list(): PrincipalGrant[] {
    return [...this.byPrincipal.entries()].map(([principal, g]) => ({
      principal,
      actions: [...g.actions].sort(),
      conditions: [...g.conditions].sort(),
      conditional: !g.unconditional,
    }));
  }
}
