import PDFDocument from 'pdfkit';
import { pdfBytes, pdfSafeText } from '../render/pdf-fallback.ts';
import { formatDuration, type Timeline } from './build-timeline.ts';
import type { TimelineTable } from './tables.ts';

const MARGIN = 42;
const INK = '#101828';
const MUTED = '#667085';
const RULE = '#d0d5dd';
const BAD = '#b42318';
/** Rows drawn per table in the PDF; the CSV beside it has every row. */
const MAX_ROWS = 400;

type Doc = PDFKit.PDFDocument;

function drawTable(doc: Doc, t: TimelineTable): void {
  const shown = t.columns.map((c, i) => ({ c, i })).filter(({ c }) => c.header !== '');
  const width = doc.page.width - 2 * MARGIN;
  const colW = width / Math.max(shown.length, 1);
  doc.moveDown(0.8);
  if (doc.y > doc.page.height - 140) doc.addPage();
  doc.font('Helvetica-Bold').fontSize(12).fillColor(INK).text(pdfSafeText(t.title), MARGIN);
  doc
    .font('Helvetica')
    .fontSize(8)
    .fillColor(MUTED)
    .text(pdfSafeText(`${t.note} Full table: ${t.path} (${t.rows.length} rows).`), { width });
  doc.moveDown(0.3);
  const line = (cells: string[], bold: boolean) => {
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(7);
    const heights = cells.map((c) => doc.heightOfString(pdfSafeText(c), { width: colW - 4 }));
    const h = Math.max(...heights, 8) + 3;
    if (doc.y + h > doc.page.height - MARGIN) doc.addPage();
    const y = doc.y;
    cells.forEach((c, k) => {
      doc
        .fillColor(!bold && (c === 'fail' || c === 'open') ? BAD : INK)
        .text(pdfSafeText(c), MARGIN + k * colW + 2, y, { width: colW - 4 });
    });
    doc
      .moveTo(MARGIN, y + h - 1)
      .lineTo(MARGIN + width, y + h - 1)
      .strokeColor(RULE)
      .lineWidth(0.5)
      .stroke();
    doc.x = MARGIN;
    doc.y = y + h;
  };
  line(
    shown.map(({ c }) => c.header),
    true,
  );
  if (t.rows.length === 0) {
    doc.font('Helvetica').fontSize(8).fillColor(MUTED).text('None.', MARGIN);
    return;
  }
  for (const row of t.rows.slice(0, MAX_ROWS))
    line(
      shown.map(({ i }) => row[i] ?? ''),
      false,
    );
  if (t.rows.length > MAX_ROWS)
    doc
      .font('Helvetica')
      .fontSize(8)
      .fillColor(MUTED)
      .text(`${t.rows.length - MAX_ROWS} more rows in ${t.path}.`, MARGIN);
}

/**
 * The timeline report as a PDF (pdfkit, standard fonts): the series, its gaps, deviations, changes
 * and the status matrix. Dated by the last snapshot, so the same packs give the same bytes.
 */
export async function renderTimelinePdf(t: Timeline, tables: readonly TimelineTable[]): Promise<Buffer> {
  const first = t.snapshots[0]?.collectedAt ?? '';
  const last = t.snapshots.at(-1)?.collectedAt ?? '';
  const asOf = new Date(last);
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
    compress: true,
    info: {
      Title: 'SOC 2 period evidence: timeline of evidence packs',
      Creator: 'evidence-pack timeline',
      Producer: 'evidence-pack',
      CreationDate: asOf,
      ModDate: asOf,
    },
  });
  const done = pdfBytes(doc);
  const width = doc.page.width - 2 * MARGIN;
  doc.font('Helvetica-Bold').fontSize(18).fillColor(INK).text('Period evidence: timeline of evidence packs');
  doc.moveDown(0.4);
  const summary = [
    `${t.snapshots.length} verified packs from ${first} to ${last}.`,
    t.schedule.source === 'none'
      ? 'Schedule: none.'
      : `Schedule: ${formatDuration(t.schedule.ms)} (${t.schedule.source === 'given' ? 'given' : 'median interval'}); ` +
        `${t.gaps.length} gap(s) longer than it.`,
    `${t.deviations.length} deviation(s) (${t.deviations.filter((d) => d.closedAt === null).length} still open at the last snapshot); ` +
      `${t.changes.length} status change(s) across ${t.rows.length} check results.`,
    'A deviation began between the snapshot before it was first seen and that snapshot; the packs ' +
      'prove the state only at their collection times, so a stretch without packs (a gap) is not covered.',
  ];
  if (t.snapshots.some((s) => s.sandbox)) summary.push('Sandbox data: not evidence about any AWS account.');
  doc.font('Helvetica').fontSize(9).fillColor(INK);
  for (const s of summary) doc.text(pdfSafeText(s), { width }).moveDown(0.2);
  for (const table of tables) drawTable(doc, table);
  doc.end();
  return done;
}
