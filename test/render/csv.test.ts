import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildCsvFiles,
  csvField,
  populationCsv,
  stampOf,
  protectFormula,
  toCsv,
  writeCsvFiles,
} from '../../src/render/csv.ts';
import { allPopulations } from '../../src/render/populations.ts';
import {
  buildFixtureEvaluation,
  buildFixtureSnapshot,
  buildScaledInput,
  DEV,
  PROD,
  XSS_TAG,
} from '../support/report-estate.ts';

/** A minimal RFC 4180 parser, to read back what the writer produced. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  return rows;
}

function files() {
  const snapshot = buildFixtureSnapshot();
  return buildCsvFiles(snapshot, buildFixtureEvaluation());
}

function table(path: string): Record<string, string>[] {
  const f = files().find((x) => x.path === path);
  if (!f) throw new Error(`no ${path}`);
  const [header, ...rows] = parseCsv(f.content);
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ''])));
}

describe('CSV fields', () => {
  it('quotes commas, quotes and line breaks (RFC 4180)', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(toCsv(['a', 'b'], [['1', 'x,y']])).toBe('a,b\r\n1,"x,y"\r\n');
  });

  it('neutralizes cells a spreadsheet would run as a formula', () => {
    for (const s of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx']) expect(protectFormula(s)).toBe(`'${s}`);
    expect(protectFormula('a=1')).toBe('a=1');
    expect(csvField('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
  });
});

describe('buildCsvFiles', () => {
  it('writes the findings list and every inventory population', () => {
    expect(files().map((f) => f.path)).toEqual([
      'findings/findings.csv',
      'inventory/buckets.csv',
      'inventory/kms-keys.csv',
      'inventory/config-recorders.csv',
      'inventory/config-rules.csv',
      'inventory/config-results.csv',
      'inventory/trails.csv',
      'inventory/key-usage-events.csv',
      'inventory/sensitive-key-operations.csv',
      'inventory/exceptions.csv',
      'inventory/buckets-out-of-scope.csv',
      'inventory/object-encryption.csv',
    ]);
  });

  it('lists every bucket once, with account and region on every row', () => {
    const rows = table('inventory/buckets.csv');
    expect(rows).toHaveLength(12);
    expect(new Set(rows.map((r) => r['bucket'])).size).toBe(12);
    for (const r of rows) {
      expect(r['account_id']).toMatch(/^\d{12}$/);
      expect(r['region']).toMatch(/^[a-z]{2}-[a-z]+-\d$/);
    }
  });

  it('puts buckets with failing results first', async () => {
    // 30 buckets evaluated with s3.tls-only: every 7th has no policy and fails, the others pass.
    const scaled = await buildScaledInput(30);
    const csv = buildCsvFiles(scaled.snapshot, scaled.evaluation).find(
      (f) => f.path === 'inventory/buckets.csv',
    )!;
    const [header, ...cells] = parseCsv(csv.content);
    const rows = cells.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ''])));
    expect(rows.filter((r) => r['open_findings']!.startsWith('Fail'))).toHaveLength(5);
    const firstPassing = rows.findIndex((r) => r['open_findings'] === 'none');
    expect(firstPassing).toBeGreaterThan(0);
    expect(rows.slice(firstPassing).every((r) => r['open_findings'] === 'none')).toBe(true);
  });

  it('writes a gap with its error code, operation and request id, and an absent value as none', () => {
    const rows = table('inventory/buckets.csv');
    const backups = rows.find((r) => r['bucket'] === 'acme-eu-backups')!;
    expect(backups['policy_present']).toMatch(/^GAP: AccessDenied \(GetBucketPolicy, request id req-\d+\)$/);
    const legacy = rows.find((r) => r['bucket'] === 'acme-legacy-exports')!;
    expect(legacy['policy_present']).toBe('none');
    expect(legacy['bpa_bucket']).toBe('none');
    const dev = rows.find((r) => r['bucket'] === 'acme-dev-scratch')!;
    expect(dev['bpa_account']).toBe('none');
  });

  it('keeps hostile tag values as text and defuses formula cells', () => {
    const rows = table('inventory/buckets.csv');
    expect(rows.find((r) => r['bucket'] === 'acme-legacy-exports')!['tags']).toBe(`note=${XSS_TAG}`);
    const logs = rows.find((r) => r['bucket'] === 'acme-logs')!;
    expect(logs['tags']).toContain('=cmd==HYPERLINK');
    const raw = files().find((f) => f.path === 'inventory/buckets.csv')!.content;
    // a tags cell starting with "=" is prefixed so spreadsheets show it as text
    expect(raw).toContain(`"'=cmd==HYPERLINK(""http://x"")`);
  });

  it('writes findings with status, reason and evidence paths', () => {
    const rows = table('findings/findings.csv');
    const fail = rows.find((r) => r['check_id'] === 's3.not-public' && r['status'] === 'fail')!;
    expect(fail['resource_name']).toBe('acme-public-website');
    expect(fail['region']).toBe('us-east-1');
    expect(fail['evidence_files']!.split(' ')).toContain(`raw/s3/us-east-1.jsonl`);
    expect(rows.find((r) => r['check_id'] === 's3.account-public-access-block')!['region']).toBe('global');
    expect(rows[0]!['status']).toBe('fail');
  });

  it('lists exceptions with validity and problems, and gaps per region for events and trails', () => {
    const ex = table('inventory/exceptions.csv');
    expect(ex.map((r) => r['validity'])).toEqual(['valid', 'INVALID', 'INVALID']);
    expect(ex[1]!['problems']).toBe('it expired on 2026-01-31');
    expect(ex[2]!['account_id']).toBe('none');
    const events = table('inventory/key-usage-events.csv');
    expect(events.filter((r) => r['account_id'] === PROD)).toHaveLength(4);
    expect(events.find((r) => r['account_id'] === DEV)!['event_name']).toMatch(
      /^GAP: AccessDeniedException \(LookupEvents/,
    );
    const trails = table('inventory/trails.csv');
    expect(trails[0]!['trail']).toMatch(/^GAP: AccessDeniedException \(DescribeTrails/);
    expect(trails[0]!['region']).toBe('eu-west-1');
  });
});

describe('run id and as-of time', () => {
  it('leads every row of every CSV with the run id and the collection end', () => {
    const snapshot = buildFixtureSnapshot();
    const csvs = buildCsvFiles(snapshot, buildFixtureEvaluation());
    expect(csvs.length).toBeGreaterThan(5);
    for (const f of csvs) {
      const [header, ...rows] = parseCsv(f.content);
      expect(header?.slice(0, 2), f.path).toEqual(['run_id', 'as_of']);
      expect(rows.length, f.path).toBeGreaterThan(0);
      for (const r of rows)
        expect(r.slice(0, 2), f.path).toEqual([snapshot.runId, snapshot.collection.finishedAt]);
    }
  });
});

describe('object encryption from S3 Inventory', () => {
  it('counts objects by encryption status per configuration read, with the evidence calls', () => {
    const snapshot = buildFixtureSnapshot();
    const rows = parseCsv(
      buildCsvFiles(snapshot, buildFixtureEvaluation()).find(
        (f) => f.path === 'inventory/object-encryption.csv',
      )?.content ?? '',
    );
    const [header, ...data] = rows;
    const row = Object.fromEntries((header ?? []).map((h, i) => [h, data[0]?.[i]]));
    expect(data).toHaveLength(1);
    expect(row).toMatchObject({
      bucket: 'acme-payments-archive',
      inventory_configuration: 'daily-encryption',
      manifest:
        's3://acme-logs/inventory/acme-payments-archive/daily-encryption/2026-03-31T01-00Z/manifest.json',
      objects: '12',
      sse_kms: '10',
      not_sse: '2',
      sse_s3: '0',
      bucket_key_status: 'ENABLED=10; DISABLED=2',
    });
    expect(row['evidence_calls']).toMatch(/^raw\/s3\/us-east-1\.jsonl#s3-us-east-1-111122223333-\d{6} raw\//);
    const buckets = table('inventory/buckets.csv');
    expect(buckets.find((b) => b['bucket'] === 'acme-payments-archive')?.['object_encryption']).toBe(
      '2 NOT-SSE, 10 SSE-KMS (report 2026-03-31)',
    );
  });
});

describe('writeCsvFiles', () => {
  it('writes every population to disk with the bytes of its in-memory CSV text', async () => {
    const snapshot = buildFixtureSnapshot();
    const evaluation = buildFixtureEvaluation();
    const dir = await mkdtemp(join(tmpdir(), 'csv-files-'));
    try {
      const written = writeCsvFiles(snapshot, evaluation, dir);
      // The whole-text rendering of each fully built population is the oracle.
      const inMemory = allPopulations(snapshot, evaluation).map((p) => ({
        path: p.path,
        content: populationCsv(p, stampOf(snapshot)),
      }));
      expect(written.map((f) => f.path)).toEqual(inMemory.map((f) => f.path));
      for (const [i, f] of written.entries()) {
        expect(f.content.file).toBe(join(dir, f.path));
        const bytes = await readFile(f.content.file);
        expect(bytes.equals(Buffer.from(inMemory[i]!.content, 'utf8'))).toBe(true);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('population rows', () => {
  it('every population row has one cell per column, and a row that does not is refused', () => {
    const snapshot = buildFixtureSnapshot();
    for (const p of allPopulations(snapshot, buildFixtureEvaluation()))
      for (const r of p.rows) expect(r.length, p.path).toBe(p.columns.length);
    const short = {
      path: 'inventory/x.csv',
      title: 'X',
      columns: [{ id: 'a' }, { id: 'b' }],
      rows: [[{ text: '1' }]],
    };
    expect(() => populationCsv(short)).toThrow('inventory/x.csv: a row has 1 cells for 2 columns');
  });
});
