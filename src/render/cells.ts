import { isGap, type Gap, type Outcome } from '../snapshot/outcome.ts';
import type { PublicAccessBlock } from '../snapshot/model.ts';
import type { Cell } from './report-model.ts';

/** The text of an absent value (valid negative evidence: the thing does not exist). */
export const NONE = 'none';

/** `GAP: AccessDenied (GetBucketPolicy, request id X)`: an evidence gap as a cell reads. */
export function gapText(gap: Gap): string {
  const rid = gap.evidence.requestId ? `, request id ${gap.evidence.requestId}` : '';
  return `GAP: ${gap.errorCode} (${gap.evidence.operation}${rid})`;
}

/** A cell for an outcome: the `ok` formatter, `none` when absent, the gap text when denied or failed. */
export function outcomeCell<T>(
  outcome: Outcome<T>,
  onOk: (value: T) => Cell,
  absent: Cell = noneCell(),
): Cell {
  if (outcome.status === 'ok') return onOk(outcome.value);
  if (isGap(outcome)) return { text: gapText(outcome), tone: 'gap' };
  return absent;
}

export function noneCell(tone: Cell['tone'] = 'muted'): Cell {
  return { text: NONE, tone };
}

export function text(value: string | number | boolean | undefined | null, tone?: Cell['tone']): Cell {
  if (value === undefined || value === null || value === '') return noneCell();
  return tone ? { text: String(value), tone } : { text: String(value) };
}

export function yesNo(value: boolean, goodWhen: boolean | undefined = true): Cell {
  if (goodWhen === undefined) return { text: value ? 'yes' : 'no' };
  return { text: value ? 'yes' : 'no', tone: value === goodWhen ? 'good' : 'bad' };
}

const PAB_FLAGS: [keyof PublicAccessBlock, string][] = [
  ['blockPublicAcls', 'BlockPublicAcls'],
  ['ignorePublicAcls', 'IgnorePublicAcls'],
  ['blockPublicPolicy', 'BlockPublicPolicy'],
  ['restrictPublicBuckets', 'RestrictPublicBuckets'],
];

/** Block Public Access: `all 4 on`, `all 4 off`, `off: IgnorePublicAcls, ...`, `none` (never configured) or a gap. */
export function publicAccessBlockCell(outcome: Outcome<PublicAccessBlock>): Cell {
  return outcomeCell(
    outcome,
    (pab) => {
      const off = PAB_FLAGS.filter(([k]) => !pab[k]).map(([, name]) => name);
      if (off.length === 0) return { text: 'all 4 on', tone: 'good' };
      if (off.length === PAB_FLAGS.length) return { text: 'all 4 off', tone: 'bad' };
      return { text: `off: ${off.join(', ')}`, tone: 'bad' };
    },
    { text: NONE, tone: 'bad' },
  );
}

/** ISO-8601 → `2026-03-31 23:59:59 UTC`; unparseable input is returned as written. */
export function utcLabel(iso: string | undefined): string {
  if (!iso) return NONE;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, ' UTC')
    .replace(/Z$/, ' UTC');
}

/**
 * ISO-8601 UTC times written inside prose (a check's reason) in the report's one time format:
 * `deletion scheduled 2026-12-31T09:57:44.254Z` → `deletion scheduled 2026-12-31 09:57:44 UTC`.
 */
export function utcTimesInText(text: string): string {
  return text.replace(/\b(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?(?:Z|\+00:00)/g, '$1 $2 UTC');
}

/** `12345` → `12,345` (locale-independent). */
export function formatCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
