import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECK_STATUSES } from '../../src/checks/types.ts';
import { buildReportModel } from '../../src/render/view-model.ts';
import {
  buildFixtureConfig,
  buildFixtureInput,
  buildScaledInput,
  FINISHED_AT,
  PROD,
} from '../support/report-estate.ts';

describe('buildReportModel', () => {
  const input0 = buildFixtureInput();
  const model = buildReportModel(input0);

  it('puts the as-of time, accounts, regions, caller and digest on the cover', () => {
    expect(model.meta.asOf).toBe(FINISHED_AT);
    expect(model.meta.asOfLabel).toBe('2026-03-31 23:58:12 UTC');
    expect(model.meta.accountsLabel).toBe('111122223333 (prod), 444455556666 (dev)');
    expect(model.meta.regions).toEqual(['eu-west-1', 'us-east-1']);
    expect(model.meta.callerArn).toContain(':assumed-role/EvidenceCollector/ci');
    expect(model.meta.evidenceDigestShort).toBe('5f2b9c0e8d7a6b5c');
    expect(model.meta.sandboxLabel).toBeUndefined();
  });

  it('labels sandbox data', () => {
    const input = buildFixtureInput();
    input.snapshot.sandbox = true;
    input.snapshot.endpoint = 'http://127.0.0.1:4566';
    expect(buildReportModel(input).meta.sandboxLabel).toContain('http://127.0.0.1:4566');
  });

  it('summarizes scope and each criterion with its worst status', () => {
    expect(model.scope).toMatchObject({
      accounts: 2,
      regions: 2,
      buckets: 12,
      sensitiveBuckets: 8,
      kmsKeys: 3,
      trails: 1,
    });
    const cc72 = model.criteria.find((c) => c.id === 'CC7.2')!;
    expect(cc72.overall.status).toBe('fail');
    const logging = cc72.checks.find((c) => c.checkId === 'cloudtrail.kms-events-logged')!;
    expect(logging.overall.status).toBe('error');
    // One segment per status present among the criterion's results, in the legend's order.
    const counts = input0.evaluation.summary.byCriterion['CC7.2']!;
    expect(cc72.chart.segments.map((s) => s.status)).toEqual(CHECK_STATUSES.filter((s) => counts[s] > 0));
    expect(cc72.chart.segments.map((s) => s.status)).toContain('error');
    const last = cc72.chart.segments.at(-1)!;
    expect(last.x + last.width).toBeCloseTo(cc72.chart.width, 1);
  });

  it('lists every non-passing result, worst first, with evidence paths', () => {
    const all = buildReportModel(
      buildFixtureInput({ config: buildFixtureConfig({ report: { maxRowsPerTable: 1000 } }) }),
    );
    const statuses = all.issues.items.map((i) => i.status);
    const order = ['fail', 'insufficient-evidence', 'error', 'excepted'];
    expect([...statuses].sort((a, b) => order.indexOf(a) - order.indexOf(b))).toEqual(statuses);
    expect(new Set(statuses)).toEqual(new Set(order));
    const gap = all.issues.items.find(
      (i) => i.status === 'insufficient-evidence' && i.resourceName === 'acme-eu-backups',
    )!;
    expect(gap.evidence[0]).toMatch(
      new RegExp(`^raw/s3/eu-west-1\\.jsonl#s3-eu-west-1-${PROD}-\\d{6} \\(request id req-\\d+\\)$`),
    );
    expect(model.passing.find((p) => p.checkId === 's3.default-encryption')).toMatchObject({
      pass: 11,
      notApplicable: 0,
    });
  });

  it('points each control to its evidence in the pack', () => {
    const row = model.controlMatrix.find((r) => r.checkId === 's3.tls-only')!;
    expect(row.evidenceLocations).toContain('findings/findings.csv');
    expect(row.evidenceLocations).toContain('inventory/buckets.csv');
    expect(row.evidenceLocations).toContain(`raw/s3/us-east-1.jsonl`);
  });

  it('summarizes key policies and reports an unreadable one', () => {
    const views = model.inventory.kmsKeys.policies.items;
    const data = views.find((v) => v.keyLabel.startsWith('alias/acme-data'))!;
    expect(data.administrators.map((a) => a.principal)).toContain(`arn:aws:iam::${PROD}:role/KeyAdmins`);
    expect(data.users.map((a) => a.principal)).toContain(`arn:aws:iam::${PROD}:role/DataPipeline`);
    const dev = views.find((v) => v.keyLabel.startsWith('alias/dev'))!;
    expect(dev.problem).toMatch(
      /^the key policy could not be read: AccessDeniedException \(GetKeyPolicy, request id req-\d+\)$/,
    );
  });

  it('embeds a logo as a data URI and warns when it cannot', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ep-logo-'));
    const svg = join(dir, 'logo.svg');
    writeFileSync(svg, '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
    const withLogo = buildReportModel(
      buildFixtureInput({ config: buildFixtureConfig({ report: { logo: svg } }) }),
    );
    expect(withLogo.meta.logo?.dataUri).toMatch(/^data:image\/svg\+xml;base64,/);
    const missing = buildReportModel(
      buildFixtureInput({ config: buildFixtureConfig({ report: { logo: join(dir, 'nope.png') } }) }),
    );
    expect(missing.meta.logo).toBeUndefined();
    expect(missing.meta.warnings[0]).toContain('could not be read (ENOENT)');
    const gif = buildReportModel(
      buildFixtureInput({ config: buildFixtureConfig({ report: { logo: join(dir, 'x.gif') } }) }),
    );
    expect(gif.meta.warnings[0]).toContain('only PNG, SVG and JPEG');
  });

  it('caps tables at maxRowsPerTable, failing rows first, and says where the rest are', async () => {
    const big = buildReportModel(await buildScaledInput(10_000));
    const buckets = big.inventory.buckets;
    expect(buckets.total).toBe(10_000);
    expect(buckets.rows).toHaveLength(50);
    expect(buckets.moreNote).toBe('9,950 more rows in inventory/buckets.csv');
    // every 7th bucket fails (1,429 of them): the first 50 shown are all failing
    const openCol = buckets.columns.findIndex((c) => c.header === 'Open findings');
    expect(buckets.rows.every((r) => r.cells[openCol]!.text.startsWith('Fail'))).toBe(true);
    expect(big.issues.items).toHaveLength(50);
    expect(big.issues.total).toBe(1429);
    expect(big.issues.moreNote).toBe('1,379 more rows in findings/findings.csv');
    expect(big.inventory.configResults.rows.length).toBeLessThanOrEqual(50);
  });
});

describe('report readability and screenshot coverage', () => {
  it("rolls the bucket's KMS key results up into the bucket row", () => {
    const input = buildFixtureInput();
    const model = buildReportModel(input);
    const keyed = input.snapshot.accounts[0]!.kmsKeys.find((k) => k.aliases.includes('alias/acme-eu'))!;
    const bucketNames = keyed.usedBy.map((arn) => arn.replace('arn:aws:s3:::', ''));
    const t = model.inventory.buckets;
    const col = (h: string): number => t.columns.findIndex((c) => c.header === h);
    for (const name of bucketNames) {
      const row = t.rows.find((r) => r.cells[col('Bucket')]?.text === name)!;
      expect(row.cells[col('Open findings')]?.text).toContain('kms.rotation-enabled (key alias/acme-eu)');
    }
    // A bucket on a key with rotation on does not carry that result.
    const other = t.rows.find((r) => !bucketNames.includes(r.cells[col('Bucket')]?.text ?? ''))!;
    expect(other.cells[col('Open findings')]?.text).not.toContain('kms.rotation-enabled');
  });

  it('sizes population columns from their content: an identifier column is never narrower than its longest word', () => {
    const t = buildReportModel(buildFixtureInput()).inventory.buckets;
    const bpa = t.columns.find((c) => c.header === 'BPA account')!;
    const region = t.columns.find((c) => c.header === 'Region')!;
    // "RestrictPublicBuckets" (21 characters) cannot break; "us-east-1" is short.
    expect(bpa.weight).toBeGreaterThanOrEqual(21);
    expect(region.weight).toBeLessThan(bpa.weight);
  });

  const shot = (path: string, view: string, kind: 'console' | 'api-view', attention: boolean) => ({
    path: `screenshots/${path}.png`,
    title: path,
    account: PROD,
    region: 'us-east-1',
    resource: `arn:aws:s3:::${path}`,
    capturedAt: '2026-03-31T23:57:40.123Z',
    source: 'src',
    sha256: 'e'.repeat(64),
    kind,
    view,
    checks: ['s3.not-public'],
    criteria: ['CC6.6'],
    attention,
  });

  it('indexes screenshots with the report time format and the checks each supports', () => {
    const model = buildReportModel(
      buildFixtureInput({ screenshots: [shot('a', 'bucket-policy', 'api-view', true)] }),
    );
    expect(model.screenshotIndex[0]).toMatchObject({
      capturedLabel: '2026-03-31 23:57:40 UTC',
      checks: 's3.not-public',
      criteria: 'CC6.6',
      kindLabel: 'API view',
    });
  });

  it('embeds one image of each kind of view first (KMS key policy and Config rule included), then failing ones, and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ep-figures-'));
    const shots = [
      ...Array.from({ length: 6 }, (_, i) =>
        shot(`bucket-permissions-${i}`, 'bucket-permissions', 'console', i < 4),
      ),
      shot('kms-policy', 'kms-key-policy', 'api-view', false),
      shot('kms-console', 'kms-key', 'console', false),
      shot('rule', 'config-rule', 'api-view', false),
      shot('rule-console', 'config-rule', 'console', true),
      shot('trail', 'trail', 'console', false),
    ].map((s) => {
      const absolutePath = join(dir, s.path.replace('screenshots/', ''));
      writeFileSync(absolutePath, Buffer.from('89504e47', 'hex'));
      return { ...s, absolutePath };
    });
    const model = buildReportModel(
      buildFixtureInput({
        screenshots: shots,
        config: buildFixtureConfig({ report: { maxScreenshotFigures: 7 } }),
      }),
    );
    const paths = model.screenshotFigures.map((f) => f.path.replace(/^screenshots\/|\.png$/g, ''));
    expect(paths).toHaveLength(7);
    // One per view: a failing bucket page, the failing Config rule console page, key policy, key console, trail.
    expect(paths).toEqual(
      expect.arrayContaining(['bucket-permissions-0', 'kms-console', 'kms-policy', 'rule-console', 'trail']),
    );
    expect(paths).not.toContain('rule');
    // The rest of the room goes to images supporting failing results, not to passing ones.
    expect(paths.filter((p) => p.startsWith('bucket-permissions-')).sort()).toEqual([
      'bucket-permissions-0',
      'bucket-permissions-1',
      'bucket-permissions-2',
    ]);
    expect(model.screenshotFiguresNote).toContain('7 of the 11 screenshots are embedded');
    expect(model.screenshotFiguresNote).toContain('screenshots/');
    expect(model.screenshotFiguresNote).toContain('report.maxScreenshotFigures');
  });
});

describe('one time format in the report', () => {
  it('writes times inside check reasons as YYYY-MM-DD HH:MM:SS UTC', () => {
    const input = buildFixtureInput();
    // The engine's reason for the key pending deletion carries the ISO deletion date.
    const pending = input.evaluation.findings.find((f) => f.reason.includes('deletion scheduled'))!;
    expect(pending.reason).toContain('2026-04-30T00:00:00.000Z');
    const row = buildReportModel(input).issues.items.find((r) => r.reason.includes('deletion scheduled'))!;
    expect(row.reason).toContain('The key is PendingDeletion (deletion scheduled 2026-04-30 00:00:00 UTC)');
    expect(row.reason).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:/);
  });
});
