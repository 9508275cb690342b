/**
 * The effective management policy of an account (DescribeEffectivePolicy): the policies of one
 * type attached to its root, each OU on its path and the account itself, merged top-down with the
 * inheritance operators — `@@assign` replaces the inherited value, `@@append` adds to it, `@@remove`
 * takes values out, and `@@operators_allowed_for_child_policies` restricts what policies further
 * down may do at that key (`@@none`: nothing). The result carries values only, no operators.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const VALUE_OPERATORS = ['@@assign', '@@append', '@@remove'] as const;
const ALLOWED = '@@operators_allowed_for_child_policies';

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asList(value: Json | undefined): Json[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function hasValueOperator(node: JsonObject): boolean {
  return VALUE_OPERATORS.some((op) => Object.hasOwn(node, op));
}

/** Operators child policies may still use at each key path (absent: all). */
type Locks = Map<string, Set<string>>;

function allowedAt(locks: Locks, path: string): Set<string> | undefined {
  let narrowest: Set<string> | undefined;
  for (const [prefix, ops] of locks) {
    if (path === prefix || path.startsWith(`${prefix}.`)) narrowest = ops;
  }
  return narrowest;
}

function mergeInto(target: JsonObject, node: JsonObject, path: string, locks: Locks, pending: Locks): void {
  for (const [key, child] of Object.entries(node)) {
    if (key.startsWith('@@')) continue;
    const here = path === '' ? key : `${path}.${key}`;
    if (isObject(child) && Object.hasOwn(child, ALLOWED)) {
      pending.set(here, new Set(asList(child[ALLOWED]).map(String)));
    }
    if (isObject(child) && hasValueOperator(child)) {
      const allowed = allowedAt(locks, here);
      let value: Json | undefined = target[key];
      for (const op of VALUE_OPERATORS) {
        if (!Object.hasOwn(child, op)) continue;
        if (allowed && !allowed.has(op)) continue;
        const operand = child[op] as Json;
        if (op === '@@assign') value = operand;
        else if (op === '@@append') value = [...asList(value), ...asList(operand)];
        else {
          const removed = asList(operand).map((v) => JSON.stringify(v));
          value = asList(value).filter((v) => !removed.includes(JSON.stringify(v)));
        }
      }
      if (value !== undefined) target[key] = value;
    } else if (isObject(child)) {
      const existing = target[key];
      const next: JsonObject = isObject(existing) ? existing : {};
      mergeInto(next, child, here, locks, pending);
      if (Object.keys(next).length > 0) target[key] = next;
    } else if (!allowedAt(locks, here) || allowedAt(locks, here)?.has('@@assign')) {
      target[key] = child;
    }
  }
}

/**
 * Merge policy documents given level by level, root first; documents at the same level are
 * merged in the order given. Returns `undefined` when no level has a policy.
 */
export function effectivePolicy(levels: string[][]): string | undefined {
  if (levels.every((docs) => docs.length === 0)) return undefined;
  const result: JsonObject = {};
  const locks: Locks = new Map();
  for (const docs of levels) {
    // Restrictions set at a level bind the levels below it, not the policies beside it.
    const pending: Locks = new Map();
    for (const doc of docs) {
      const parsed = JSON.parse(doc) as Json;
      if (isObject(parsed)) mergeInto(result, parsed, '', locks, pending);
    }
    for (const [path, ops] of pending) locks.set(path, ops);
  }
  return JSON.stringify(result);
}
