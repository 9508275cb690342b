import { displaySafe } from '../text/safe-text.ts';
import type { Browser } from 'playwright-core';
import { loadTemplates, renderHtml } from './html.ts';
import { renderPdfWithBrowser, type PrintObserver } from './pdf-chromium.ts';
import { renderPdfWithPdfkit } from './pdf-fallback.ts';
import { countPdfPages } from './pdf-pages.ts';
import type { ReportModel } from './report-model.ts';

/** The rendered report. */
export interface RenderedReport {
  pdf: Buffer;
  /** The HTML that Chromium printed (absent for the pdfkit layout). */
  html?: string | undefined;
  renderer: 'chromium' | 'pdfkit';
  /** Why the pdfkit layout was used; absent when Chromium printed the report. */
  fallbackReason?: string | undefined;
  pages: number;
}

export interface RenderReportOptions {
  /** A launched browser; without one the plain pdfkit layout is used. */
  browser?: Browser | undefined;
  /** `report.templatesDir`: templates and partials here override the bundled ones by file name. */
  templatesDir?: string | undefined;
  /** Test hook: what happened inside the page while printing. */
  observer?: PrintObserver | undefined;
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? 'unknown error';
}

/**
 * Renders the report PDF: Handlebars → HTML → Chromium print when a browser is given; otherwise,
 * or when templating or printing fails, the plain pdfkit layout, which says why on its cover.
 * Never throws for a Chromium failure; a pdfkit failure propagates (there is nothing left to try).
 */
export async function renderReport(
  input: ReportModel,
  opts: RenderReportOptions = {},
): Promise<RenderedReport> {
  // Values are AWS data: over-long ones are cut (the full value is in raw/), bidi shown.
  const model = displaySafe(input);
  let reason = model.meta.fallbackReason;
  if (opts.browser) {
    const chromiumModel: ReportModel = {
      ...model,
      meta: { ...model.meta, renderer: 'chromium', fallbackReason: undefined },
    };
    let html: string | undefined;
    try {
      html = renderHtml(chromiumModel, loadTemplates(opts.templatesDir));
    } catch (err) {
      reason = `the report templates could not be rendered (${firstLine(err)})`;
    }
    if (html !== undefined) {
      try {
        const pdf = await renderPdfWithBrowser(html, chromiumModel, opts.browser, opts.observer);
        return { pdf, html, renderer: 'chromium', pages: countPdfPages(pdf) };
      } catch (err) {
        reason = `Chromium could not print the report (${firstLine(err)})`;
      }
    }
  }
  const fallbackReason = reason ?? 'no browser was available to print the standard layout';
  const pdf = await renderPdfWithPdfkit({
    ...model,
    meta: { ...model.meta, renderer: 'pdfkit', fallbackReason },
  });
  return { pdf, renderer: 'pdfkit', fallbackReason, pages: countPdfPages(pdf) };
}
