import type { Evaluation } from '../evaluate/types.ts';
import type { Snapshot } from '../snapshot/model.ts';
import {
  periodMonitoringPopulation,
  periodReconciliationPopulation,
  periodTimelinePopulation,
  periodVerdictPopulation,
} from './period-populations.ts';
import { periodResourcePopulation } from './period-resources.ts';
import { join } from 'node:path';
import { forPlainText } from '../text/safe-text.ts';
import { mkdirSync } from 'node:fs';
import { createChunkedFileWriter } from '../pack/chunked-file-writer.ts';
import type { FileSource } from '../pack/file-source.ts';
import { checkedRow, type Population, type PopulationSource } from './columns.ts';
import { populationSources } from './populations.ts';

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
  const safe = protectFormula(forPlainText(value));
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One RFC 4180 record with its CRLF line break. */
function csvLine(row: readonly string[]): string {
  return `${row.map(csvField).join(',')}\r\n`;
}

/** RFC 4180 text: CRLF line breaks, a header row, a trailing CRLF. */
export function toCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const lines = [header, ...rows].map((r) => r.map(csvField).join(','));
  return lines.join('\r\n') + '\r\n';
}

/** A population as CSV (every column, every row), after `run_id` and `as_of` when a stamp is given. */
export function populationCsv(p: Population, stamp?: CsvStamp): string {
  const lead = stamp ? [stamp.runId, stamp.asOf] : [];
  return toCsv(
    [...(stamp ? ['run_id', 'as_of'] : []), ...p.columns.map((c) => c.id)],
    p.rows.map((r) => [...lead, ...checkedRow(p, r).map((c) => c.text)]),
  );
}

/** The CSV populations of the pack, in pack order, each built when called. */
function csvSources(snapshot: Snapshot, evaluation: Evaluation): (() => PopulationSource)[] {
  const sources = populationSources(snapshot, evaluation);
  const period = evaluation.period;
  if (period) {
    sources.push(() => periodVerdictPopulation(period));
    if ((period.resources ?? []).length > 0) sources.push(() => periodResourcePopulation(period));
    sources.push(() => periodTimelinePopulation(period));
    sources.push(() => periodReconciliationPopulation(period));
    sources.push(() => periodMonitoringPopulation(period));
  }
  return sources;
}

/** The run a pack's CSV rows belong to: every row carries them, so a row copied out still says so. */
export interface CsvStamp {
  runId: string;
  /** ISO-8601 UTC: the collection end, the time the evidence describes. */
  asOf: string;
}

/** The stamp of a snapshot's CSVs: its run id and collection end. */
export function stampOf(snapshot: Snapshot): CsvStamp {
  return { runId: snapshot.runId, asOf: snapshot.collection.finishedAt };
}

/**
 * Feeds a population's CSV text to `out` one record at a time: the columns `run_id` and `as_of`
 * first, then the population's own (its rows as {@link populationCsv} writes them).
 */
function emitCsv(p: PopulationSource, stamp: CsvStamp, out: (piece: string) => void): void {
  out(csvLine(['run_id', 'as_of', ...p.columns.map((c) => c.id)]));
  for (const row of p.rows) out(csvLine([stamp.runId, stamp.asOf, ...checkedRow(p, row).map((c) => c.text)]));
}

/**
 * The CSV files of the pack: `findings/findings.csv` and the `inventory/*.csv` population lists.
 * Every row carries the run id and as-of time, then the account id and region; a gap reads `GAP: <code> (<operation>, request id <id>)`
 * and an absent value reads `none`.
 */
export function buildCsvFiles(snapshot: Snapshot, evaluation: Evaluation): CsvFile[] {
  const stamp = stampOf(snapshot);
  return csvSources(snapshot, evaluation).map((source) => {
    const p = source();
    const parts: string[] = [];
    emitCsv(p, stamp, (piece) => parts.push(piece));
    return { path: p.path, content: parts.join('') };
  });
}

/**
 * {@link buildCsvFiles} written to disk under `dir` (at `dir/<pack path>`), one population and one
 * record at a time, so a large run never holds a CSV's text or all of its rows in memory. Returns
 * the pack path and file of each CSV, in pack order; the bytes equal `buildCsvFiles`' text as UTF-8.
 */
export function writeCsvFiles(
  snapshot: Snapshot,
  evaluation: Evaluation,
  dir: string,
): { path: string; content: FileSource }[] {
  const stamp = stampOf(snapshot);
  return csvSources(snapshot, evaluation).map((source) => {
    const p = source();
    const file = join(dir, p.path);
    mkdirSync(join(file, '..'), { recursive: true });
    const writer = createChunkedFileWriter(file);
    try {
      emitCsv(p, stamp, (piece) => writer.write(piece));
    } finally {
      writer.close();
    }
    return { path: p.path, content: { file } };
  });
}
