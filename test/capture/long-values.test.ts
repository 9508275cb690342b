import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../../src/browser/launch.ts';
import { captureScreenshots } from '../../src/capture/capture.ts';
import { selectCaptureTargets } from '../../src/capture/select.ts';
import { renderReport } from '../../src/render/report.ts';
import { buildReportModel } from '../../src/render/view-model.ts';
import { buildFixtureInput } from '../support/report-estate.ts';
import { pdfText, squash } from '../render/pdf-text.ts';
import { writeCaptureEstate } from '../support/capture-estate.ts';

/**
 * A hostile pack (or endpoint) can carry values no real AWS account has: a 100,000-character
 * Config rule name, bidi overrides. They must not stall a screenshot or break the PDF.
 */
const LONG = 'r'.repeat(100_000);
const BIDI = 'invoice\u202efdp.exe';

let browser: Browser;
beforeAll(async () => {
  const launched = await launchBrowser();
  if (!launched.ok) throw new Error(launched.reason);
  browser = launched.browser;
});
afterAll(async () => {
  await browser?.close();
});

describe('over-long and bidi values', () => {
  it('a 100,000-character Config rule name is screenshot in time, without a gap', async () => {
    const { workDir, snapshot } = await writeCaptureEstate({ ruleName: LONG });
    const plan = selectCaptureTargets({
      snapshot,
      settings: { maxKeyBuckets: 10, sampleSize: 3 },
      isSensitive: () => true,
    });
    const result = await captureScreenshots({
      mode: 'api-view',
      plan,
      snapshot,
      workDir,
      browser,
      concurrency: 2,
      timeoutMs: 15_000,
    });
    expect(result.gaps.map((g) => `${g.item.slice(0, 60)}: ${g.reason.slice(0, 300)}`)).toEqual([]);
    expect(result.images.some((i) => i.path.startsWith('screenshots/config-rule_'))).toBe(true);
  }, 60_000);

  it('the report prints with Chromium and shows the marker and the bidi override visibly', async () => {
    const input = buildFixtureInput();
    const rules = input.snapshot.accounts[0]!.config[0]!.results;
    rules[0] = { ...rules[0]!, ruleName: LONG };
    const bucket = input.snapshot.accounts[0]!.buckets[0]!;
    if (bucket.tags.status === 'ok') bucket.tags.value = { ...bucket.tags.value, note: BIDI };
    const out = await renderReport(buildReportModel(input), { browser });
    expect(out.renderer).toBe('chromium');
    const text = squash(pdfText(out.pdf));
    expect(text).toContain(squash('… 100,000 characters, see raw/'));
    expect(text).not.toContain('r'.repeat(2_001));
    expect(out.html).not.toContain('\u202e');
    expect((out.html ?? '').replace(/<[^>]+>/g, '')).toContain('invoice⟦U+202E⟧fdp.exe');
    expect(text).toContain(squash('invoice⟦U+202E⟧fdp.exe'));
  }, 120_000);
});
