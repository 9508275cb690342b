import { escapeHtml } from './html.ts';
import type { ReportModel } from './report-model.ts';

/**
 * Chromium's page header and footer templates. They are HTML, rendered outside the page (no
 * stylesheet, default font size 0), so every value is escaped and every style is inline.
 * Chromium fills the `pageNumber` and `totalPages` spans itself; no script runs.
 */
export function headerFooterTemplates(model: ReportModel): {
  headerTemplate: string;
  footerTemplate: string;
} {
  const m = model.meta;
  const box =
    'font-family: Liberation Sans, Helvetica, Arial, sans-serif; font-size: 7px; color: #475467; width: 100%; ' +
    'margin: 0 14mm; display: flex; justify-content: space-between; gap: 12px;';
  const sandbox = m.sandboxLabel
    ? ' &middot; <span style="color:#b54708;font-weight:bold">SANDBOX DATA</span>'
    : '';
  const headerTemplate =
    `<div style="${box} border-bottom: 0.5px solid #d0d5dd; padding-bottom: 3px;">` +
    `<span>${escapeHtml(m.organization)} &middot; SOC 2 evidence: S3 encryption and public access${sandbox}</span>` +
    `<span>As of ${escapeHtml(m.asOfLabel)}</span></div>`;
  const footerTemplate =
    `<div style="${box} border-top: 0.5px solid #d0d5dd; padding-top: 3px;">` +
    `<span style="max-width: 60%; overflow: hidden; white-space: nowrap; text-overflow: ellipsis;">Accounts: ${escapeHtml(m.accountsLabel)}</span>` +
    `<span>Evidence digest ${escapeHtml(m.evidenceDigestShort)}&hellip;</span>` +
    `<span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`;
  return { headerTemplate, footerTemplate };
}
