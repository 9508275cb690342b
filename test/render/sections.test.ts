import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/evaluate/evaluate.ts';
import { escapeHtml, loadTemplates, renderHtml } from '../../src/render/html.ts';
import { pdfSafeText, renderPdfWithPdfkit } from '../../src/render/pdf-fallback.ts';
import type { Block, ChangesSection, ReportModel } from '../../src/render/report-model.ts';
import { SECTION_DEFINITIONS, numberSections } from '../../src/render/sections.ts';
import { buildReportModel } from '../../src/render/view-model.ts';
import { ACCOUNT, REGION, account, bucket, config, okOf, snapshot } from '../support/snapshot.ts';
import { buildFixtureInput } from '../support/report-estate.ts';
import { orgSnapshot } from '../support/organization.ts';
import { pdfText, squash, writeTempPdf } from './pdf-text.ts';

const PERIOD = { start: '2026-03-01T00:00:00.000Z', end: '2026-06-01T00:00:00.000Z' };

const CHANGES: ChangesSection = {
  previousName: 'evidence-pack_111122223333_20260226T120000Z.zip',
  previousSha256: 'cd'.repeat(32),
  previousAsOfLabel: '2026-02-26 12:00:00 UTC',
  changed: true,
  text: 'Buckets\n  + 111122223333/new-bucket (us-east-1)',
};

/** A report with every optional section: a real evaluation over an audit period, plus a previous pack. */
async function fullModel(): Promise<ReportModel> {
  const b = bucket('period-bucket');
  const snap = snapshot([
    account({
      buckets: [b],
      configHistory: [
        {
          bucketArn: b.arn,
          bucket: b.name,
          accountId: ACCOUNT,
          region: REGION,
          period: PERIOD,
          items: okOf(
            [
              {
                captureTime: '2026-01-01T00:00:00.000Z',
                status: 'OK',
                supplementaryConfiguration: {
                  ServerSideEncryptionConfiguration: JSON.stringify({
                    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
                  }),
                },
              },
            ],
            'GetResourceConfigHistory',
            'config',
          ),
        },
      ],
    }),
  ]);
  const cfg = config({ period: PERIOD });
  snap.organization = orgSnapshot();
  return buildReportModel({
    snapshot: snap,
    evaluation: await evaluate(snap, cfg),
    config: cfg,
    evidenceIndex: [{ path: 'findings/findings.csv', sha256: 'ef'.repeat(32), bytes: 10 }],
    evidenceDigest: `sha256:${'00'.repeat(32)}`,
    screenshots: [],
    renderer: 'pdfkit',
    toolVersion: '0.0.0',
    changes: CHANGES,
  });
}

/** The text of the HTML as a reader sees it (tags and break opportunities removed, entities decoded). */
function htmlText(html: string): string {
  return html
    .replace(/<style>[\s\S]*?<\/style>/, '')
    .replace(/<[^>]+>/g, '')
    .replace(/&amp;/g, '&')
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"');
}

describe('report sections', () => {
  it('the HTML report and the pdfkit fallback both render every section of the model, numbered alike', async () => {
    const model = await fullModel();
    // Every defined section is present in this report (period and changes included).
    expect(model.sections.map((s) => s.id)).toEqual(SECTION_DEFINITIONS.map((d) => d.id));
    const html = renderHtml(model, loadTemplates());
    const text = squash(htmlText(html));
    const pdf = squash(pdfText(await renderPdfWithPdfkit(model)));
    for (const s of model.sections) {
      expect(html, s.id).toContain(`id="${s.id}"`);
      expect(text, s.id).toContain(squash(`${s.number} ${s.title}`));
      expect(pdf, s.id).toContain(squash(`${s.number} ${s.title}`));
    }
  });

  it('both renderers draw every block of every section: each paragraph, heading, table header row and tile', async () => {
    const model = await fullModel();
    const textsOf = (b: Block): string[] => {
      switch (b.kind) {
        case 'paragraph':
          return [b.runs.map((r) => r.text).join('')];
        case 'heading':
          return [b.text];
        case 'table':
          return [
            b.table.columns.map((c) => c.header).join(''),
            ...b.table.rows.flatMap((r) => r.cells.map((c) => c.text)),
          ];
        case 'tiles':
          return b.tiles.map((t) => `${t.label}${t.value}`);
        case 'pre':
          return [b.text];
        default:
          return [];
      }
    };
    const pdf = squash(pdfText(await renderPdfWithPdfkit(model)));
    const html = squash(htmlText(renderHtml(model, loadTemplates()).replace(/<wbr>/g, '')));
    const kinds = new Set<string>();
    let checked = 0;
    for (const s of model.sections)
      for (const b of s.blocks) {
        kinds.add(b.kind);
        for (const t of textsOf(b)) {
          expect(pdf, `${s.id}: ${b.kind} ${t}`).toContain(squash(pdfSafeText(t)));
          if (b.kind !== 'tiles') expect(html, `${s.id}: ${b.kind} ${t}`).toContain(squash(t));
          checked += 1;
        }
      }
    expect([...kinds].sort()).toEqual(['chart', 'heading', 'paragraph', 'pre', 'table', 'tiles']);
    expect(checked).toBeGreaterThan(100);
  });

  it('both renderers draw the screenshot figures of the model: the image and its caption', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ep-figure-'));
    const png = join(dir, 'shot.png');
    // A valid 1x1 PNG: the fallback reads its size from the IHDR chunk.
    writeFileSync(
      png,
      Buffer.from(
        'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
        'base64',
      ),
    );
    const input = buildFixtureInput();
    const model = buildReportModel({
      ...input,
      screenshots: input.screenshots.map((s) => ({ ...s, absolutePath: png })),
    });
    const figures = model.sections.flatMap((s) => s.blocks.filter((b) => b.kind === 'figure'));
    expect(figures.length).toBe(input.screenshots.length);
    const pdf = await renderPdfWithPdfkit(model);
    const images = execFileSync('pdfimages', ['-list', writeTempPdf(pdf)], { encoding: 'utf8' })
      .split('\n')
      .slice(2)
      // One row per image; a PNG with transparency adds an `smask` row for its alpha channel.
      .filter((l) => l.trim().split(/\s+/)[2] === 'image');
    expect(images).toHaveLength(figures.length);
    const text = squash(pdfText(pdf));
    const html = renderHtml(model, loadTemplates());
    for (const f of model.screenshotFigures) {
      expect(text).toContain(squash(pdfSafeText(f.title)));
      expect(html).toContain(`src="${escapeHtml(f.dataUri)}"`);
    }
  });

  it('no template hard-codes a section number: every numbered heading in the HTML comes from the model', async () => {
    for (const model of [await fullModel(), buildReportModel(buildFixtureInput())]) {
      const html = renderHtml(model, loadTemplates());
      const numbers = [...html.matchAll(/<span class="num">([^<]*)<\/span>/g)].map((m) => m[1]);
      expect(numbers.sort()).toEqual(
        [...model.sections.map((s) => s.number), ...model.criteria.map((c) => c.number)].sort(),
      );
    }
  });

  it('numbers are computed: optional sections renumber the ones after them and the cover cross-reference', async () => {
    const number = (p: boolean, c: boolean, id: string) =>
      numberSections({ period: p, changes: c }).find((s) => s.id === id)?.number;
    expect(number(false, false, 'cross-checks')).toBe('4.2');
    expect(number(true, false, 'cross-checks')).toBe('4.3');
    expect(number(true, true, 'cross-checks')).toBe('4.4');
    expect(number(false, true, 'changes')).toBe('4.2');
    expect(numberSections({ period: false, changes: false }).map((s) => s.id)).not.toContain('period');

    const plain = buildReportModel(buildFixtureInput());
    const full = await fullModel();
    expect(htmlText(renderHtml(plain, loadTemplates()))).toMatch(/\(section 4\.2\)|in section 4\.2;/);
    expect(squash(pdfText(await renderPdfWithPdfkit(full)))).toContain(squash('(section 4.4), none counted'));
  });

  it('a user partial named by a section id replaces that section, keeping its computed number', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ep-tpl-'));
    writeFileSync(
      join(dir, 'method.hbs'),
      '<section id="method">{{heading "method"}}<p>Our own method text.</p></section>',
    );
    const model = buildReportModel(buildFixtureInput());
    const html = renderHtml(model, loadTemplates(dir));
    expect(html).toContain('<h2><span class="num">9</span>Method</h2><p>Our own method text.</p>');
    expect(html).not.toContain('How it decides');
    writeFileSync(join(dir, 'method.hbs'), '{{heading "no-such-section"}}');
    expect(() => renderHtml(model, loadTemplates(dir))).toThrow(/no-such-section/);
  });
});
