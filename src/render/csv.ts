import type { Evaluation } from '../checks/types.ts';
import type { Snapshot } from '../snapshot/model.ts';
import { periodTimelinePopulation } from '../period/populations.ts';
import { allPopulations, type Population } from './populations.ts';

/** A file for the pack: pack-relative path and its text content. */
export interface CsvFile {
  path: string;
  content: string;
}

/** Characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection guidance). */
const FORMULA_TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r']);

/**
 * Neutralizes a cell a spreadsheet would evaluate as a formula by prefixing `'`. Auditors sample in
 * spreadsheets, and bucket tags or names are attacker-influenced text.
 */
export function protectFormula(value: string): string {
  const first = value.charAt(0);
  return FORMULA_TRIGGERS.has(first) ? `'${value}` : value;
}

/** One RFC 4180 field: quoted when it holds a comma, quote, CR or LF; quotes doubled. */
export function csvField(value: string): string {
  const safe = protectFormula(value);
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** RFC 4180 text: CRLF line breaks, a header row, a trailing CRLF. */
export function toCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const lines = [header, ...rows].map((r) => r.map(csvField).join(','));
  return lines.join('\r\n') + '\r\n';
}

/** A population as CSV (every column, every row). */
export function populationCsv(p: Population): string {
  return toCsv(
    p.columns.map((c) => c.id),
    p.rows.map((r) => r.map((c) => c.text)),
  );
}

/**
 * The CSV files of the pack: `findings/findings.csv` and the `inventory/*.csv` population lists.
 * Every row carries the account id and region; a gap reads `GAP: <code> (<operation>, request id <id>)`
 * and an absent value reads `none`.
 */
export function buildCsvFiles(snapshot: Snapshot, evaluation: Evaluation): CsvFile[] {
  const populations = allPopulations(snapshot, evaluation);
  if (evaluation.period) populations.push(periodTimelinePopulation(evaluation.period));
  return populations.map((p) => ({ path: p.path, content: populationCsv(p) }));
}
