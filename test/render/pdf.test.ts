import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../../src/browser/launch.ts';
import { renderPdfWithBrowser } from '../../src/render/pdf-chromium.ts';
import { pdfSafeText } from '../../src/render/pdf-fallback.ts';
import { countPdfPages } from '../../src/render/pdf-pages.ts';
import { renderReport } from '../../src/render/report.ts';
import { buildReportModel } from '../../src/render/view-model.ts';
import {
  buildFixtureConfig,
  buildFixtureInput,
  buildScaledInput,
  TEMPLATE_TAG,
  XSS_TAG,
} from '../support/report-estate.ts';
import { pdfinfoPages, pdfText, squash } from './pdf-text.ts';

let browser: Browser;

beforeAll(async () => {
  const launched = await launchBrowser();
  if (!launched.ok) throw new Error(`these tests need Chromium: ${launched.reason}`);
  browser = launched.browser;
});

afterAll(async () => {
  await browser?.close();
});

function expectKeyFacts(text: string, pages: number): void {
  expect(text).toContain('Acme Corp & Partners <EU>');
  expect(text).toContain('2026-03-31 23:58:12 UTC');
  expect(text).toContain('acme-public-website');
  expect(text).toContain('s3.not-public');
  expect(text).toContain('5f2b9c0e8d7a6b5c');
  expect(text).toContain(`Page 1 of ${pages}`);
  expect(text).toContain(`Page ${pages} of ${pages}`);
  // hostile tag values are printed as text, verbatim
  expect(squash(text)).toContain(squash(`note=${XSS_TAG}`));
  expect(squash(text)).toContain(squash(`template=${TEMPLATE_TAG}`));
}

describe('Chromium report', () => {
  it('prints the key facts, hostile values as text, page x of y on every page, and runs no script', async () => {
    const dialogs: string[] = [];
    const consoleMessages: string[] = [];
    const requests: string[] = [];
    const model = buildReportModel(buildFixtureInput());
    const out = await renderReport(model, {
      browser,
      observer: {
        onDialog: (m) => dialogs.push(m),
        onConsole: (m) => consoleMessages.push(m),
        onBlockedRequest: (u) => requests.push(u),
      },
    });
    expect(out.renderer).toBe('chromium');
    expect(out.fallbackReason).toBeUndefined();
    expect(out.pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(out.pages).toBe(pdfinfoPages(out.pdf));
    const text = pdfText(out.pdf);
    expectKeyFacts(text, out.pages);
    expect(text.match(/Page \d+ of \d+/g)).toHaveLength(out.pages);
    expect(text).not.toContain('Plain layout');
    expect(dialogs).toEqual([]);
    expect(consoleMessages).toEqual([]);
    expect(requests).toEqual([]);
    expect(out.html).toContain('<!DOCTYPE html>');
  });

  it('prints with JavaScript disabled and every request blocked, even if a template tried', async () => {
    const dialogs: string[] = [];
    const requests: string[] = [];
    const html =
      '<!DOCTYPE html><html><body><p>static text</p>' +
      '<script>alert("script ran"); document.body.append("SCRIPT-RAN")</script>' +
      '<img src="http://127.0.0.1:9/tracker.png" onerror="alert(\'onerror ran\')">' +
      '</body></html>';
    const model = buildReportModel(buildFixtureInput());
    const pdf = await renderPdfWithBrowser(html, model, browser, {
      onDialog: (m) => dialogs.push(m),
      onBlockedRequest: (u) => requests.push(u),
    });
    const text = pdfText(pdf);
    expect(text).toContain('static text');
    expect(text).not.toContain('SCRIPT-RAN');
    expect(dialogs).toEqual([]);
    expect(requests).toEqual(['http://127.0.0.1:9/tracker.png']);
  });

  it('falls back to the plain layout when Chromium cannot print, and says why', async () => {
    const broken = {
      newContext: () => Promise.reject(new Error('Target page, context or browser has been closed')),
    };
    const out = await renderReport(buildReportModel(buildFixtureInput()), {
      browser: broken as unknown as Browser,
    });
    expect(out.renderer).toBe('pdfkit');
    expect(out.fallbackReason).toBe(
      'Chromium could not print the report (Target page, context or browser has been closed)',
    );
    expect(squash(pdfText(out.pdf))).toContain(squash('Target page, context or browser has been closed'));
  });

  it('keeps a 10,000-bucket report bounded', async () => {
    const input = await buildScaledInput(10_000);
    input.config = buildFixtureConfig({ report: { maxRowsPerTable: 200 } });
    const out = await renderReport(buildReportModel(input), { browser });
    expect(out.renderer).toBe('chromium');
    const text = pdfText(out.pdf);
    expect(text).toContain('9,800 more rows in inventory/buckets.csv');
    expect(text).toContain('more rows in findings/findings.csv');
    expect(out.pages).toBeLessThan(80);
  }, 120_000);
});

describe('pdfkit fallback report', () => {
  it('states the same key facts, why it is plain, and page x of y', async () => {
    const out = await renderReport(buildReportModel(buildFixtureInput({ renderer: 'pdfkit' })));
    expect(out.renderer).toBe('pdfkit');
    expect(out.fallbackReason).toBe('no browser was available to print the standard layout');
    expect(out.html).toBeUndefined();
    expect(out.pages).toBe(pdfinfoPages(out.pdf));
    expect(countPdfPages(out.pdf)).toBe(out.pages);
    const text = pdfText(out.pdf);
    expectKeyFacts(text, out.pages);
    expect(squash(text)).toContain(
      squash('Plain layout: this PDF was drawn with the built-in fallback renderer because no browser'),
    );
    expect(text).toContain('GAP: AccessDenied');
    expect(text).toContain('arn:aws:iam::111122223333:role/KeyAdmins');
  });

  it('is byte-identical for the same model', async () => {
    const model = buildReportModel(buildFixtureInput());
    const a = await renderReport(model);
    const b = await renderReport(model);
    expect(a.pdf.equals(b.pdf)).toBe(true);
  });

  it('keeps a 10,000-bucket report bounded', async () => {
    const input = await buildScaledInput(10_000);
    input.config = buildFixtureConfig({ report: { maxRowsPerTable: 200 } });
    const out = await renderReport(buildReportModel(input));
    expect(pdfText(out.pdf)).toContain('9,800 more rows in inventory/buckets.csv');
    expect(out.pages).toBeLessThan(80);
  }, 120_000);
});

describe('pdfSafeText', () => {
  it('keeps Latin-1 and line feeds, replaces what the standard fonts cannot draw', () => {
    expect(pdfSafeText('Zürich café – “ok”\nnext')).toBe('Zürich café – “ok”\nnext');
    expect(pdfSafeText('tab\there 東京 🔑')).toBe('tab here ?? ?');
  });
});
