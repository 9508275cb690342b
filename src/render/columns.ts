import { formatCount, utcTimesInText } from './cells.ts';
import type { Cell, Table } from './report-model.ts';

/**
 * One column of a table, defined once: its CSV header, its report header and width, and how to read
 * its cell from a row. A population's CSV and its table in the report (HTML and fallback PDF alike)
 * are built from the same list of these, so a header can never sit over another column's cells.
 */
export interface Column<R> {
  /** CSV header (snake_case); also the HTML class `col-<id>`. */
  id: string;
  /** Header in the report; absent = the column is in the CSV only. */
  header?: string | undefined;
  /** Relative width in the report; absent = taken from the content. */
  weight?: number | undefined;
  /** Extra HTML class of the header cell (`w-status`, `num-cell`). */
  cls?: string | undefined;
  /** The cell of one row. */
  cell(row: R): Cell;
}

/** A column as a built population carries it (the cell function has been applied to every row). */
export type PopulationColumn = Omit<Column<never>, 'cell'>;

/**
 * A population list an auditor samples from: one per CSV, and the source of the report's inventory
 * tables. Rows are sorted with the rows that need attention first.
 */
export interface Population {
  /** Pack path of the CSV, e.g. `inventory/buckets.csv`. */
  path: string;
  title: string;
  columns: PopulationColumn[];
  rows: Cell[][];
}

/** A population whose rows are produced as they are read (a CSV writer reads them once). */
export interface PopulationSource extends Omit<Population, 'rows'> {
  rows: Iterable<Cell[]>;
}

/**
 * A row's cells, checked against the population's columns. Rows built by {@link population} always
 * match; a population assembled by hand might not, and a row with a cell too many or too few would
 * shift every later value under the wrong header, in the CSV and the report alike.
 */
export function checkedRow(p: Pick<Population, 'path' | 'columns'>, row: Cell[]): Cell[] {
  if (row.length !== p.columns.length)
    throw new Error(`${p.path}: a row has ${row.length} cells for ${p.columns.length} columns`);
  return row;
}

/** A population's place and its columns; the rows come separately. */
export interface PopulationSpec<R> {
  path: string;
  title: string;
  columns: readonly Column<R>[];
}

/** The cells of one row, one per column, in column order. */
export function cellsOf<R>(columns: readonly Column<R>[], row: R): Cell[] {
  return columns.map((c) => c.cell(row));
}

function columnsOf<R>(columns: readonly Column<R>[]): PopulationColumn[] {
  return columns.map(({ id, header, weight, cls }) => ({ id, header, weight, cls }));
}

/**
 * A row that is a value or, when the list itself could not be read, the gap: one cell that stands
 * in every column, so the population shows that it is unknown rather than empty.
 */
export type ValueOrGap<V> = { value: V; gap?: undefined } | { gap: Cell; value?: undefined };

/** The columns of a value, over rows that may be the gap instead ({@link ValueOrGap}). */
export function orGap<V>(columns: readonly Column<V>[]): Column<ValueOrGap<V>>[] {
  return columns.map((c) => ({ ...c, cell: (r) => (r.gap ? r.gap : c.cell(r.value)) }));
}

/** The columns of one part of a row (`part` picks it), as columns of the whole row. */
export function columnsOfPart<R, P>(part: (row: R) => P, columns: readonly Column<P>[]): Column<R>[] {
  return columns.map((c) => ({ ...c, cell: (r) => c.cell(part(r)) }));
}

/** A population built now from its rows. */
export function population<R>(spec: PopulationSpec<R>, rows: readonly R[]): Population {
  return {
    path: spec.path,
    title: spec.title,
    columns: columnsOf(spec.columns),
    rows: rows.map((r) => cellsOf(spec.columns, r)),
  };
}

/** A population whose cells are built only when each row is read. */
export function populationSource<R>(spec: PopulationSpec<R>, rows: Iterable<R>): PopulationSource {
  return {
    path: spec.path,
    title: spec.title,
    columns: columnsOf(spec.columns),
    rows: (function* () {
      for (const r of rows) yield cellsOf(spec.columns, r);
    })(),
  };
}

/** A {@link PopulationSource} with every row built. */
export function materialize(p: PopulationSource): Population {
  return { ...p, rows: [...p.rows] };
}

/** `9,800 more rows in inventory/buckets.csv`; empty when nothing was left out. */
export function moreNote(omitted: number, where: string): string {
  return omitted > 0 ? `${formatCount(omitted)} more row${omitted === 1 ? '' : 's'} in ${where}` : '';
}

/** The longest run a table cell cannot break inside (breaks fall at spaces and identifier separators). */
function longestUnbreakable(text: string): number {
  let longest = 0;
  for (const part of text.split(/[\s/:;,=_]+/)) longest = Math.max(longest, Math.min(part.length, 24));
  return longest;
}

/**
 * A column's width weight from its content: between the longest run that cannot break (so no word
 * or identifier is cut) and the typical full text length (so short values stay on one line).
 */
export function contentWeight(header: string, texts: readonly string[]): number {
  let min = longestUnbreakable(header);
  const lengths: number[] = [];
  for (const t of texts) {
    min = Math.max(min, longestUnbreakable(t));
    lengths.push(Math.min(t.length, 60));
  }
  lengths.sort((a, b) => a - b);
  const typical = lengths.length ? (lengths[Math.floor((lengths.length - 1) * 0.9)] ?? 0) : header.length;
  return Math.round(Math.max(3, (min + Math.max(min, typical)) / 2) * 10) / 10;
}

export interface TableOptions {
  id: string;
  title?: string | undefined;
  /** Where the full list is (`moreNote` names it when rows were left out). */
  source?: string | undefined;
  emptyNote?: string | undefined;
  /** Extra CSS class of the HTML table. */
  cls?: string | undefined;
  /** The rows before capping (defaults to the rows given). */
  total?: number | undefined;
}

/**
 * The report's view of rows under their columns: only the columns with a header, every row's cells
 * read through the same column objects. Widths are the columns' weights, or measured from the
 * content for a column without one. ISO times inside cell text are printed in the report's format.
 */
export function tableOf(
  columns: readonly PopulationColumn[],
  rows: readonly Cell[][],
  opts: TableOptions,
): Table {
  const picked = columns.flatMap((c, i) => (c.header !== undefined ? [{ c, i }] : []));
  const weights = picked.map(
    ({ c, i }) =>
      c.weight ??
      contentWeight(
        c.header ?? c.id,
        rows.map((r) => r[i]?.text ?? ''),
      ),
  );
  const totalWeight = weights.reduce((s, w) => s + w, 0) || 1;
  const total = opts.total ?? rows.length;
  const omitted = total - rows.length;
  return {
    id: opts.id,
    title: opts.title ?? '',
    cls: opts.cls,
    columns: picked.map(({ c }, k) => ({
      header: c.header ?? c.id,
      weight: weights[k] ?? 1,
      widthPct: Math.round(((weights[k] ?? 1) / totalWeight) * 1000) / 10,
      cls: [`col-${c.id.replace(/[_.]/g, '-')}`, c.cls].filter(Boolean).join(' '),
    })),
    rows: rows.map((r) => ({
      cells: picked.map(({ i }) => {
        const cell = r[i] ?? { text: '' };
        const text = utcTimesInText(cell.text);
        return text === cell.text ? cell : { ...cell, text };
      }),
    })),
    total,
    omitted,
    moreNote: opts.source ? moreNote(omitted, opts.source) : '',
    source: opts.source ?? '',
    emptyNote: opts.emptyNote ?? '',
  };
}

/** A report table of `rows` (already capped) read through `columns`. */
export function rowsTable<R>(columns: readonly Column<R>[], rows: readonly R[], opts: TableOptions): Table {
  return tableOf(
    columnsOf(columns),
    rows.map((r) => cellsOf(columns, r)),
    opts,
  );
}

/**
 * The report's view of a population: its columns with a header, capped at `max` rows (rows already
 * worst first), with a line naming the CSV that holds the rest.
 */
export function populationTable(p: Population, id: string, max: number, emptyNote: string): Table {
  return tableOf(
    p.columns,
    p.rows.slice(0, max).map((r) => checkedRow(p, r)),
    {
      id,
      title: p.title,
      source: p.path,
      emptyNote,
      total: p.rows.length,
    },
  );
}
