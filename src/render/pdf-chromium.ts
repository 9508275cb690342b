import { stabilizeChromiumPdf } from './stabilize-pdf.ts';
import type { Browser } from 'playwright-core';
import { headerFooterTemplates } from './header-footer.ts';
import type { ReportModel } from './report-model.ts';

/** What happened inside the page while printing (tests assert that nothing ran or loaded). */
export interface PrintObserver {
  onDialog?: (message: string) => void;
  onConsole?: (text: string) => void;
  /** Every request the page attempted; all of them are aborted. */
  onBlockedRequest?: (url: string) => void;
}

/**
 * Prints self-contained report HTML to an A4 PDF with Chromium: JavaScript disabled, every network
 * request aborted (the HTML embeds its CSS and images as `data:` URIs), a header and footer with
 * the accounts, as-of time, evidence digest and `page x of y` on every page. Chromium stamps its
 * own print time into the PDF; it is replaced by the report's as-of time and its node numbers normalized (see stabilize-pdf.ts).
 */
export async function renderPdfWithBrowser(
  html: string,
  model: ReportModel,
  browser: Browser,
  observer: PrintObserver = {},
): Promise<Buffer> {
  const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
  try {
    await context.route('**/*', (route) => {
      observer.onBlockedRequest?.(route.request().url());
      return route.abort('blockedbyclient');
    });
    const page = await context.newPage();
    page.on('dialog', (d) => {
      observer.onDialog?.(d.message());
      void d.dismiss();
    });
    page.on('console', (m) => observer.onConsole?.(m.text()));
    await page.setContent(html, { waitUntil: 'load', timeout: 60_000 });
    await page.emulateMedia({ media: 'print' });
    const { headerTemplate, footerTemplate } = headerFooterTemplates(model);
    const pdf = await page.pdf({
      format: 'A4',
      // Honour the stylesheet's @page sizes: inventory sections print on landscape pages.
      preferCSSPageSize: true,
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate,
      footerTemplate,
      margin: { top: '18mm', bottom: '16mm', left: '14mm', right: '14mm' },
      outline: true,
      tagged: true,
    });
    return stabilizeChromiumPdf(pdf, new Date(model.meta.asOf));
  } finally {
    await context.close();
  }
}
