import type { ExceptionRef, FieldChange, PackDiff, PackIdentity } from './types.ts';

function describeRun(p: PackIdentity): string {
  return `run ${p.runId} (collected ${p.collectedAt}${p.sandbox ? ', sandbox' : ''})`;
}

function fieldLines(changes: FieldChange[], indent: string): string[] {
  return changes.map((c) => `${indent}${c.field}: ${c.old} → ${c.new}`);
}

function section(title: string, lines: string[]): string[] {
  return [title, ...(lines.length ? lines : ['  no changes']), ''];
}

function describeException(e: ExceptionRef): string {
  const scope = e.accountId ? `${e.accountId}/${e.bucket}` : e.bucket;
  return `${scope} [${e.checks.join(', ')}] expires ${e.expires}, ${e.state}`;
}

/**
 * The diff as text, grouped by section (accounts, buckets, check results, exceptions). Each
 * section says "no changes" when it has none, and the first line says "No changes." when nothing
 * changed at all. Lines start with `+` (added), `-` (removed) or `~` (changed).
 */
export function formatDiff(diff: PackDiff): string {
  const lines: string[] = [`From ${describeRun(diff.old)}`, `to   ${describeRun(diff.new)}`];
  if (Date.parse(diff.old.collectedAt) > Date.parse(diff.new.collectedAt)) {
    lines.push('note: the "old" pack was collected after the "new" one (arguments swapped?)');
  }
  lines.push(diff.changed ? '' : 'No changes.', ...(diff.changed ? [] : ['']));

  const { accounts, buckets, results, exceptions } = diff;
  lines.push(
    ...section('Accounts', [
      ...accounts.added.map((a) => `  + ${a}`),
      ...accounts.removed.map((a) => `  - ${a}`),
      ...accounts.publicAccessBlock.flatMap((a) => [
        `  ~ ${a.accountId}`,
        ...fieldLines(a.changes, '      '),
      ]),
    ]),
  );
  lines.push(
    ...section('Buckets', [
      ...buckets.added.map((b) => `  + ${b.accountId}/${b.name} (${b.region})`),
      ...buckets.removed.map((b) => `  - ${b.accountId}/${b.name} (${b.region})`),
      ...buckets.changed.flatMap((b) => [
        `  ~ ${b.accountId}/${b.name} (${b.region})`,
        ...fieldLines(b.changes, '      '),
      ]),
    ]),
  );
  lines.push(
    ...section('Check results', [
      ...results.flipped.map(
        (r) => `  ~ ${r.checkId} ${r.name}: ${r.oldStatus} → ${r.newStatus} (${r.reason})`,
      ),
      ...results.added.map((r) => `  + ${r.checkId} ${r.name}: ${r.status} (${r.reason})`),
      ...results.removed.map((r) => `  - ${r.checkId} ${r.name}: was ${r.status}`),
    ]),
  );
  lines.push(
    ...section('Exceptions', [
      ...exceptions.added.map((e) => `  + ${describeException(e)}`),
      ...exceptions.removed.map((e) => `  - ${describeException(e)}`),
      ...exceptions.changed.flatMap((e) => [
        `  ~ ${describeException(e)}`,
        ...fieldLines(e.changes, '      '),
      ]),
    ]),
  );
  return lines.join('\n').trimEnd() + '\n';
}
