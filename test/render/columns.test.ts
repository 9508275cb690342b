import { describe, expect, it } from 'vitest';
import { text, utcTimesInText } from '../../src/render/cells.ts';
import { columnsOfPart, orGap, population, populationTable, type Column } from '../../src/render/columns.ts';
import { buildCsvFiles, populationCsv } from '../../src/render/csv.ts';
import { pdfSafeText, renderPdfWithPdfkit } from '../../src/render/pdf-fallback.ts';
import { bucketPopulation, kmsKeyPopulation } from '../../src/render/populations.ts';
import type { Table } from '../../src/render/report-model.ts';
import { buildReportModel } from '../../src/render/view-model.ts';
import { buildFixtureInput } from '../support/report-estate.ts';
import { pdfText, squash } from './pdf-text.ts';

describe('one column list for a population: its CSV, its report table and the fallback PDF', () => {
  const input = buildFixtureInput();
  const model = buildReportModel(input);
  const csvOf = (path: string): string[] => {
    const f = buildCsvFiles(input.snapshot, input.evaluation).find((x) => x.path === path);
    if (!f) throw new Error(`no ${path}`);
    return (f.content.split('\r\n')[0] ?? '').split(',');
  };
  const cases: [string, ReturnType<typeof bucketPopulation>, Table][] = [
    ['inventory/buckets.csv', bucketPopulation(input.snapshot, input.evaluation), model.inventory.buckets],
    [
      'inventory/kms-keys.csv',
      kmsKeyPopulation(input.snapshot, input.evaluation),
      model.inventory.kmsKeys.table,
    ],
  ];

  for (const [path, pop, table] of cases) {
    it(`${path}: the CSV header, the report's header row and every cell under it come from the same columns`, () => {
      expect(csvOf(path)).toEqual(['run_id', 'as_of', ...pop.columns.map((c) => c.id)]);
      const shown = pop.columns.flatMap((c, i) => (c.header !== undefined ? [{ c, i }] : []));
      expect(shown.length).toBeGreaterThan(5);
      expect(shown.length).toBeLessThan(pop.columns.length); // some columns are CSV only
      expect(table.columns.map((c) => c.header)).toEqual(shown.map(({ c }) => c.header));
      expect(table.rows.length).toBeGreaterThan(1);
      // The cell under each report header is the CSV's value of that column in the same row.
      table.rows.forEach((row, r) =>
        shown.forEach(({ c, i }, k) =>
          expect(row.cells[k]?.text, `${path} row ${r} ${c.id}`).toBe(
            utcTimesInText(pop.rows[r]?.[i]?.text ?? ''),
          ),
        ),
      );
    });
  }

  it('the pdfkit fallback prints each population table under the header row the model gives it', async () => {
    const pdf = squash(pdfText(await renderPdfWithPdfkit(model)));
    for (const [, , table] of cases)
      expect(pdf, table.id).toContain(squash(pdfSafeText(table.columns.map((c) => c.header).join(''))));
  });

  it('a column added to a definition appears in the CSV and the report table together, with its cells', () => {
    interface Row {
      name: string;
      size: number;
    }
    const columns: Column<Row>[] = [
      { id: 'name', header: 'Name', cell: (r) => ({ text: r.name }) },
      { id: 'size_bytes', cell: (r) => ({ text: String(r.size) }) },
    ];
    const rows: Row[] = [
      { name: 'a', size: 1 },
      { name: 'b', size: 2 },
    ];
    const spec = { path: 'inventory/x.csv', title: 'X', columns };
    const before = population(spec, rows);
    const after = population(
      {
        ...spec,
        columns: [
          ...columns,
          { id: 'double', header: 'Double', cell: (r: Row) => ({ text: String(r.size * 2) }) },
        ],
      },
      rows,
    );
    expect(populationCsv(before)).toBe('name,size_bytes\r\na,1\r\nb,2\r\n');
    expect(populationCsv(after)).toBe('name,size_bytes,double\r\na,1,2\r\nb,2,4\r\n');
    const table = populationTable(after, 'x', 10, 'none');
    expect(table.columns.map((c) => c.header)).toEqual(['Name', 'Double']);
    expect(table.rows.map((r) => r.cells.map((c) => c.text))).toEqual([
      ['a', '2'],
      ['b', '4'],
    ]);
  });
});

describe('a population whose list could not be read', () => {
  interface Row {
    account: string;
    result: { rule: string };
  }
  const columns: Column<Row>[] = [
    { id: 'account_id', header: 'Account', cell: (r) => text(r.account) },
    ...columnsOfPart(
      (r: Row) => r.result,
      [{ id: 'rule', header: 'Rule', cell: (x: Row['result']) => text(x.rule) }],
    ),
  ];

  it('shows the gap in every column of its row, and each value under its own header', () => {
    const gap = { text: 'GAP: AccessDenied (SelectAggregateResourceConfig)', tone: 'gap' } as const;
    const p = population({ path: 'inventory/x.csv', title: 'X', columns: orGap(columns) }, [
      { gap },
      { value: { account: '111122223333', result: { rule: 'org-s3-sse' } } },
    ]);
    expect(p.columns.map((c) => [c.id, c.header])).toEqual([
      ['account_id', 'Account'],
      ['rule', 'Rule'],
    ]);
    expect(p.rows).toEqual([
      [gap, gap],
      [{ text: '111122223333' }, { text: 'org-s3-sse' }],
    ]);
  });
});
