import type { BucketSnapshot, Snapshot } from '../snapshot/model.ts';
import { bucketFieldChanges, publicAccessBlockChanges } from './bucket-fields.ts';
import {
  DIFF_SCHEMA,
  type AccountChange,
  type BucketChange,
  type BucketRef,
  type ExceptionChange,
  type ExceptionRef,
  type ExceptionState,
  type FieldChange,
  type PackContents,
  type PackDiff,
  type PackException,
  type PackIdentity,
  type PackResult,
  type ResultEntry,
  type ResultFlip,
} from './types.ts';

export { formatDiff } from './format-diff.ts';

/** Pair up two keyed lists: keys only in `a`, only in `b`, and in both (in a stable, sorted order). */
function pair<T>(a: readonly T[], b: readonly T[], key: (t: T) => string) {
  const left = new Map(a.map((t) => [key(t), t] as const));
  const right = new Map(b.map((t) => [key(t), t] as const));
  const keys = [...new Set([...left.keys(), ...right.keys()])].sort();
  const onlyOld: T[] = [];
  const onlyNew: T[] = [];
  const both: [T, T][] = [];
  for (const k of keys) {
    const l = left.get(k);
    const r = right.get(k);
    if (l && r) both.push([l, r]);
    else if (l) onlyOld.push(l);
    else if (r) onlyNew.push(r);
  }
  return { onlyOld, onlyNew, both };
}

function identity(p: PackContents): PackIdentity {
  return {
    runId: p.snapshot.runId,
    collectedAt: p.snapshot.collection.finishedAt,
    evaluatedAt: p.findings.evaluatedAt,
    sandbox: p.snapshot.sandbox,
    accounts: p.snapshot.accounts.map((a) => a.accountId).sort(),
  };
}

const bucketRef = (b: BucketSnapshot): BucketRef => ({
  accountId: b.accountId,
  name: b.name,
  region: b.region,
});

function diffBuckets(a: Snapshot, b: Snapshot): PackDiff['buckets'] {
  const all = (s: Snapshot) => s.accounts.flatMap((acc) => acc.buckets);
  const { onlyOld, onlyNew, both } = pair(all(a), all(b), (x) => `${x.accountId}/${x.name}`);
  const changed: BucketChange[] = both.flatMap(([o, n]) => {
    const changes = bucketFieldChanges(o, n);
    return changes.length ? [{ ...bucketRef(n), changes }] : [];
  });
  return { added: onlyNew.map(bucketRef), removed: onlyOld.map(bucketRef), changed };
}

function diffAccounts(a: Snapshot, b: Snapshot): PackDiff['accounts'] {
  const { onlyOld, onlyNew, both } = pair(a.accounts, b.accounts, (x) => x.accountId);
  const publicAccessBlock: AccountChange[] = both.flatMap(([o, n]) => {
    const changes = publicAccessBlockChanges(
      'accountPublicAccessBlock',
      o.accountPublicAccessBlock,
      n.accountPublicAccessBlock,
    );
    return changes.length ? [{ accountId: n.accountId, changes }] : [];
  });
  return {
    added: onlyNew.map((x) => x.accountId),
    removed: onlyOld.map((x) => x.accountId),
    publicAccessBlock,
  };
}

const resultEntry = (r: PackResult): ResultEntry => ({
  checkId: r.checkId,
  arn: r.resource.arn,
  name: r.resource.name,
  accountId: r.resource.accountId,
  status: r.status,
  reason: r.reason,
});

function diffResults(a: PackResult[], b: PackResult[]): PackDiff['results'] {
  const { onlyOld, onlyNew, both } = pair(
    a,
    b,
    (r) => `${r.checkId}\u0000${r.resource.arn}\u0000${r.deviation?.from ?? ''}`,
  );
  const flipped: ResultFlip[] = both.flatMap(([o, n]) => {
    if (o.status === n.status) return [];
    const { status: newStatus, ...rest } = resultEntry(n);
    return [{ ...rest, oldStatus: o.status, newStatus }];
  });
  return { flipped, added: onlyNew.map(resultEntry), removed: onlyOld.map(resultEntry) };
}

/**
 * `expired` when the exception's last valid day is before the run's evaluation day (UTC),
 * `invalid` when it has other problems, else `valid`.
 */
export function exceptionState(e: PackException, evaluatedAt: string): ExceptionState {
  if (e.entry.expires < evaluatedAt.slice(0, 10)) return 'expired';
  return e.valid ? 'valid' : 'invalid';
}

function exceptionRef(e: PackException, evaluatedAt: string): ExceptionRef {
  return {
    bucket: e.entry.bucket,
    ...(e.entry.accountId !== undefined ? { accountId: e.entry.accountId } : {}),
    checks: [...e.entry.checks].sort(),
    expires: e.entry.expires,
    state: exceptionState(e, evaluatedAt),
    problems: e.problems,
  };
}

/** Exceptions are matched by what they cover (not their index in the config, which shifts on insertion). */
function exceptionKey(e: PackException): string {
  return [e.entry.accountId ?? '*', e.entry.bucket, [...e.entry.checks].sort().join(',')].join('/');
}

function diffExceptions(a: PackContents['findings'], b: PackContents['findings']): PackDiff['exceptions'] {
  const { onlyOld, onlyNew, both } = pair(a.exceptions, b.exceptions, exceptionKey);
  const changed: ExceptionChange[] = both.flatMap(([o, n]) => {
    const oldRef = exceptionRef(o, a.evaluatedAt);
    const newRef = exceptionRef(n, b.evaluatedAt);
    const fields: [string, string, string][] = [
      ['state', oldRef.state, newRef.state],
      ['problems', o.problems.join('; ') || 'none', n.problems.join('; ') || 'none'],
      ['expires', o.entry.expires, n.entry.expires],
      ['approvedBy', o.entry.approvedBy || 'none', n.entry.approvedBy || 'none'],
      ['ticket', o.entry.ticket ?? 'none', n.entry.ticket ?? 'none'],
      ['justification', o.entry.justification, n.entry.justification],
    ];
    const changes: FieldChange[] = fields.flatMap(([field, old, now]) =>
      old === now ? [] : [{ field, old, new: now }],
    );
    return changes.length ? [{ ...newRef, changes }] : [];
  });
  return {
    added: onlyNew.map((e) => exceptionRef(e, b.evaluatedAt)),
    removed: onlyOld.map((e) => exceptionRef(e, a.evaluatedAt)),
    changed,
  };
}

/**
 * What changed from `old` to `new`: accounts and buckets added or removed (buckets keyed by account
 * and name), per-bucket encryption, policy, Block Public Access, ACL and ownership changes,
 * account-level Block Public Access, check results that flipped, appeared or disappeared (keyed by
 * check id and resource ARN), and exceptions added, removed or changed (e.g. became expired).
 * Pure: reads only its arguments.
 */
export function diffSnapshots(old: PackContents, now: PackContents): PackDiff {
  const accounts = diffAccounts(old.snapshot, now.snapshot);
  const buckets = diffBuckets(old.snapshot, now.snapshot);
  const results = diffResults(old.findings.results, now.findings.results);
  const exceptions = diffExceptions(old.findings, now.findings);
  const lists: unknown[][] = [
    accounts.added,
    accounts.removed,
    accounts.publicAccessBlock,
    ...Object.values(buckets),
    ...Object.values(results),
    ...Object.values(exceptions),
  ];
  return {
    schema: DIFF_SCHEMA,
    old: identity(old),
    new: identity(now),
    changed: lists.some((l) => l.length > 0),
    accounts,
    buckets,
    results,
    exceptions,
  };
}
