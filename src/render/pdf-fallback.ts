import PDFDocument from 'pdfkit';
import type { CheckStatus } from '../checks/types.ts';
import { formatCount } from './cells.ts';
import type { Block, Cell, ParagraphBlock, ReportModel, StatusCount, TableColumn } from './report-model.ts';
import { inlineChildren, sectionOf } from './sections.ts';
import { STATUS_COLOURS } from './status.ts';

type Doc = PDFKit.PDFDocument;
/** A column as the plain layout needs it: a header and a relative width. */
type PlainColumn = Pick<TableColumn, 'header' | 'weight'>;

const MARGIN = { top: 58, bottom: 52, left: 42, right: 42 };
const INK = '#101828';
const MUTED = '#667085';
const ACCENT = '#1d3557';
const RULE = '#d0d5dd';
const TONE_COLOURS: Record<string, string> = {
  good: STATUS_COLOURS.pass,
  bad: STATUS_COLOURS.fail,
  warn: '#93370d',
  gap: STATUS_COLOURS['insufficient-evidence'],
  muted: MUTED,
};
/** Characters outside Latin-1 that WinAnsi (and so the standard PDF fonts) can still draw. */
const WIN_ANSI_EXTRAS = new Set([
  '\u2013',
  '\u2014',
  '\u2018',
  '\u2019',
  '\u201c',
  '\u201d',
  '\u2022',
  '\u2026',
  '\u20ac',
]);
/** Longest text drawn in one table cell, so a row always fits on a page (the CSVs hold the full text). */
const MAX_CELL_CHARS = 1200;

/** The bytes of a pdfkit document, once it ends (listen before drawing: pdfkit streams as it goes). */
export function pdfBytes(doc: PDFKit.PDFDocument): Promise<Buffer> {
  const chunks: Buffer[] = [];
  return new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}

/**
 * The standard fonts only cover WinAnsi; anything else would print as garbage, so it becomes `?`.
 * Control characters other than line feeds become spaces.
 */
export function pdfSafeText(s: string): string {
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\n') out += ch;
    else if (code < 0x20 || code === 0x7f) out += ' ';
    else if (code <= 0x7e || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRAS.has(ch)) out += ch;
    else out += '?';
  }
  return out;
}

function clip(s: string): string {
  return s.length > MAX_CELL_CHARS ? `${s.slice(0, MAX_CELL_CHARS - 1)}\u2026` : s;
}

function cellFont(tone: Cell['tone']): string {
  return tone === 'bad' || tone === 'gap' ? 'Helvetica-Bold' : tone === 'mono' ? 'Courier' : 'Helvetica';
}

/** Draws the model with pdfkit: a plain but complete layout for when Chromium is unavailable. */
class PlainLayout {
  private layout: 'portrait' | 'landscape' = 'portrait';

  constructor(private readonly doc: Doc) {}

  /** A new page in the current orientation (pdfkit's default would revert to portrait). */
  newPage(): void {
    this.doc.addPage({ size: 'A4', layout: this.layout, margins: MARGIN });
  }

  get width(): number {
    return this.doc.page.width - MARGIN.left - MARGIN.right;
  }

  private get bottom(): number {
    return this.doc.page.height - MARGIN.bottom;
  }

  ensure(height: number): void {
    if (this.doc.y + height > this.bottom) this.newPage();
  }

  /** Starts a numbered section on a new page; wide tables get landscape pages. */
  section(num: string, title: string, layout: 'portrait' | 'landscape' = 'portrait'): void {
    this.layout = layout;
    this.newPage();
    this.heading(num, title, 15);
  }

  heading(num: string, title: string, size = 11.5): void {
    this.ensure(size * 3 + 40);
    const d = this.doc;
    d.moveDown(size > 12 ? 0 : 0.6);
    d.font('Helvetica-Bold').fontSize(size).fillColor(ACCENT);
    d.text(pdfSafeText(num ? `${num}  ${title}` : title), MARGIN.left, d.y, { width: this.width });
    if (size > 12) {
      d.moveTo(MARGIN.left, d.y + 2)
        .lineTo(MARGIN.left + this.width, d.y + 2)
        .lineWidth(1.5)
        .strokeColor(ACCENT)
        .stroke();
      d.moveDown(0.6);
    } else {
      d.moveDown(0.25);
    }
    d.fillColor(INK);
  }

  para(text: string, opts: { size?: number; colour?: string; bold?: boolean } = {}): void {
    const d = this.doc;
    d.font(opts.bold ? 'Helvetica-Bold' : 'Helvetica')
      .fontSize(opts.size ?? 9)
      .fillColor(opts.colour ?? INK);
    const t = pdfSafeText(text);
    this.ensure(d.heightOfString(t, { width: this.width }) + 4);
    d.text(t, MARGIN.left, d.y, { width: this.width });
    d.moveDown(0.4);
    d.fillColor(INK);
  }

  facts(pairs: [string, string][]): void {
    const d = this.doc;
    const labelW = 130;
    for (const [label, value] of pairs) {
      d.font('Helvetica').fontSize(9);
      const v = pdfSafeText(value);
      const h = Math.max(d.heightOfString(v, { width: this.width - labelW }), 11) + 4;
      this.ensure(h);
      const y = d.y;
      d.fillColor(MUTED).text(pdfSafeText(label), MARGIN.left, y, { width: labelW - 8 });
      d.fillColor(INK).text(v, MARGIN.left + labelW, y, { width: this.width - labelW });
      d.y = y + h;
      d.moveTo(MARGIN.left, d.y - 2)
        .lineTo(MARGIN.left + this.width, d.y - 2)
        .lineWidth(0.4)
        .strokeColor('#eaecf0')
        .stroke();
    }
    d.moveDown(0.6);
  }

  /** A table with a header row repeated on each page and rows never split across pages. */
  table(columns: readonly PlainColumn[], rows: readonly Cell[][], fontSize = 7): void {
    const d = this.doc;
    const totalWeight = columns.reduce((s, c) => s + c.weight, 0) || 1;
    const widths = columns.map((c) => (c.weight / totalWeight) * this.width);
    const pad = 2.5;
    const drawHeader = (): void => {
      d.font('Helvetica-Bold').fontSize(fontSize);
      const h =
        Math.max(
          ...columns.map((c, i) => d.heightOfString(pdfSafeText(c.header), { width: widths[i]! - 2 * pad })),
        ) +
        2 * pad;
      this.ensure(h + fontSize * 3);
      const y = d.y;
      d.rect(MARGIN.left, y, this.width, h).fill(ACCENT);
      let x = MARGIN.left;
      d.fillColor('#ffffff');
      columns.forEach((c, i) => {
        d.text(pdfSafeText(c.header), x + pad, y + pad, { width: widths[i]! - 2 * pad });
        x += widths[i]!;
      });
      d.fillColor(INK);
      d.y = y + h;
    };
    drawHeader();
    rows.forEach((row, r) => {
      const texts = columns.map((_, i) => clip(pdfSafeText(row[i]?.text ?? '')));
      // Measured in the font each cell is drawn in (Courier is wider than Helvetica).
      const h =
        Math.max(
          ...texts.map((t, i) =>
            d
              .font(cellFont(row[i]?.tone))
              .fontSize(fontSize)
              .heightOfString(t, { width: widths[i]! - 2 * pad }),
          ),
        ) +
        2 * pad;
      if (d.y + h > this.bottom) {
        this.newPage();
        drawHeader();
        d.font('Helvetica').fontSize(fontSize);
      }
      const y = d.y;
      if (r % 2 === 1) d.rect(MARGIN.left, y, this.width, h).fill('#f9fafb');
      let x = MARGIN.left;
      texts.forEach((t, i) => {
        const tone = row[i]?.tone;
        d.font(cellFont(tone))
          .fontSize(fontSize)
          .fillColor((tone && TONE_COLOURS[tone]) ?? INK);
        d.text(t, x + pad, y + pad, { width: widths[i]! - 2 * pad });
        x += widths[i]!;
      });
      d.fillColor(INK);
      d.y = y + h;
      d.moveTo(MARGIN.left, d.y)
        .lineTo(MARGIN.left + this.width, d.y)
        .lineWidth(0.3)
        .strokeColor('#eaecf0')
        .stroke();
    });
    d.moveDown(0.5);
  }

  /** A screenshot, scaled to the page width (at most half a page high), with its caption. */
  figure(dataUri: string, caption: string): void {
    const d = this.doc;
    const png = Buffer.from(dataUri.replace(/^data:[^,]*;base64,/, ''), 'base64');
    const maxHeight = (this.bottom - MARGIN.top) / 2;
    // A PNG's size is in its IHDR chunk (bytes 16-23); figures are always PNG screenshots.
    const [w, h] = png.length > 24 ? [png.readUInt32BE(16), png.readUInt32BE(20)] : [1, 1];
    const scale = Math.min(this.width / (w || 1), maxHeight / (h || 1));
    const height = h * scale;
    this.ensure(height + 40);
    d.image(png, MARGIN.left, d.y, { width: w * scale, height });
    d.y += height + 4;
    this.para(caption, { size: 7, colour: MUTED });
  }

  statusBar(counts: readonly Pick<StatusCount, 'status' | 'label' | 'count'>[]): void {
    const d = this.doc;
    const total = counts.reduce((s, c) => s + c.count, 0);
    this.ensure(30);
    const y = d.y;
    d.rect(MARGIN.left, y, this.width, 10).fill('#eaecf0');
    let x = MARGIN.left;
    for (const c of counts) {
      if (c.count === 0) continue;
      const w = Math.max((c.count / total) * this.width, 2);
      d.rect(x, y, Math.min(w, MARGIN.left + this.width - x), 10).fill(STATUS_COLOURS[c.status]);
      x += w;
    }
    d.y = y + 13;
    const legend = counts
      .filter((c) => c.count > 0)
      .map((c) => `${formatCount(c.count)} ${c.label}`)
      .join('   ');
    this.para(legend || 'No results', { size: 7.5, colour: MUTED });
  }
}

function statusTone(status: CheckStatus | 'none'): Cell['tone'] {
  if (status === 'fail' || status === 'error') return 'bad';
  if (status === 'insufficient-evidence') return 'gap';
  if (status === 'pass') return 'good';
  if (status === 'excepted') return 'warn';
  return 'muted';
}

function drawCover(l: PlainLayout, model: ReportModel): void {
  const m = model.meta;
  // Cover
  l.para('SOC 2 EVIDENCE REPORT  -  CC6.6 / CC7.2', { size: 8, colour: MUTED });
  l.para('Amazon S3 encryption and public access', { size: 22, colour: ACCENT, bold: true });
  l.para(`Control evidence as of ${m.asOfLabel}`, { size: 12, colour: MUTED });
  l.para(m.organization, { size: 16, bold: true });
  if (m.sandboxLabel) l.para(m.sandboxLabel, { bold: true, colour: STATUS_COLOURS['insufficient-evidence'] });
  l.para(
    `Plain layout: this PDF was drawn with the built-in fallback renderer because ${m.fallbackReason ?? 'no browser was available'}. ` +
      'It states the same facts as the standard layout, with simpler typography.',
    { colour: STATUS_COLOURS.excepted },
  );
  for (const w of m.warnings) l.para(w, { colour: STATUS_COLOURS.excepted });
  l.facts([
    ['Accounts', m.accountsLabel],
    ['Regions', m.regions.join(', ')],
    ['Evidence as of (UTC)', `${m.asOfLabel} (collection finished; started ${m.collectionStartedLabel})`],
    ...(m.period
      ? ([['Audit period', `${m.period.startLabel} to ${m.period.endLabel}`]] as [string, string][])
      : []),
    ['Generated at (UTC)', m.generatedAtLabel],
    ['Collected by', m.callerArn],
    ...(m.endpoint ? ([['Endpoint', m.endpoint]] as [string, string][]) : []),
    ...(m.provenance
      ? ([
          ['Operator', m.provenance.operatorLabel],
          ['Command line', m.provenance.commandLine],
          [
            'Time window (UTC)',
            `Collection ${m.provenance.collectionLabel}; screenshots ${m.provenance.captureLabel}; report rendered from ${m.provenance.renderStartedLabel}`,
          ],
        ] as [string, string][])
      : []),
    [
      'Tool',
      `evidence-pack ${m.toolVersion}, run ${m.runId}${m.provenance ? `; code digest ${m.provenance.codeDigest}` : ''}`,
    ],
    ['Evidence digest', m.evidenceDigest],
    ...(m.configDigest ? ([['Config digest', m.configDigest]] as [string, string][]) : []),
  ]);
  l.heading('', 'Results, each counted once');
  l.table(
    [
      ...model.resultTotals.map((t) => ({ header: t.label, weight: 1 })),
      { header: 'Cross-checks', weight: 1 },
    ],
    [
      [
        ...model.resultTotals.map((t) => ({
          text: formatCount(t.count),
          tone: t.count > 0 ? statusTone(t.status) : 'muted',
        })),
        { text: formatCount(model.scope.crossChecks), tone: model.scope.crossChecks > 0 ? 'bad' : 'muted' },
      ],
    ],
    9,
  );
  l.para(
    `${model.scope.totalsNote}` +
      ` Cross-checks: ${formatCount(model.scope.crossChecks)} contradictions between sources (section ${sectionOf(model, 'cross-checks').number}), none counted as a pass.`,
    { size: 8, colour: MUTED },
  );
}

/** Draws one kind of block. */
type BlockDrawer<K extends Block['kind']> = (l: PlainLayout, block: Extract<Block, { kind: K }>) => void;

const PARAGRAPH_STYLE: Record<ParagraphBlock['style'], { size?: number; colour?: string; bold?: boolean }> = {
  lead: { colour: MUTED },
  plain: {},
  note: { size: 8, colour: MUTED },
  more: { size: 8, colour: MUTED },
  empty: { colour: MUTED },
  banner: { bold: true, colour: STATUS_COLOURS['insufficient-evidence'] },
  gap: { bold: true, colour: STATUS_COLOURS['insufficient-evidence'] },
};

/** A cell as plain text: its text, its further lines, then its list, one per line. */
function plainCell(c: Cell): Cell {
  const lines = [
    c.text,
    ...(c.lines ?? []).map((x) => (x.style === 'fix' ? `Fix: ${x.text}` : x.text)),
    ...(c.list ?? []),
  ];
  // One font per cell: a code-like first line stays Courier only when the lines under it are code too.
  const mono = c.tone === 'mono' && (c.lines ?? []).every((x) => x.style === 'mono') && !c.list?.length;
  const tone = c.badge ? statusTone(c.badge) : c.tone === 'mono' && !mono ? undefined : c.tone;
  return { text: lines.join('\n'), tone };
}

/**
 * One drawer per kind of block, keyed by kind: a kind without a drawer is a type error. Every
 * section is drawn by these, so the fallback shows every section and every column the HTML has.
 */
const BLOCK_DRAWERS: { [K in Block['kind']]: BlockDrawer<K> } = {
  paragraph: (l, b) => l.para(b.runs.map((r) => r.text).join(''), PARAGRAPH_STYLE[b.style]),
  heading: (l, b) =>
    l.heading(
      b.number ?? '',
      `${b.text}${b.note ? ` ${b.note}` : ''}${b.badge ? `  [${b.badge.label}]` : ''}`,
      b.level === 4 ? 9 : 11.5,
    ),
  table: (l, b) =>
    l.table(
      b.table.columns,
      b.table.rows.map((r) => r.cells.map(plainCell)),
      b.dense ? 6.5 : 7,
    ),
  tiles: (l, b) => l.facts(b.tiles.map((t) => [t.label, t.value])),
  chart: (l, b) => l.statusBar(b.chart.segments),
  figure: (l, b) => l.figure(b.figure.dataUri, `${b.figure.title}\n${b.figure.caption}`),
  pre: (l, b) => l.para(b.text, { size: 8 }),
};

function drawBlock(l: PlainLayout, block: Block): void {
  (BLOCK_DRAWERS[block.kind] as BlockDrawer<Block['kind']>)(l, block);
}

function drawBody(l: PlainLayout, model: ReportModel): void {
  drawCover(l, model);
  for (const section of model.sections) {
    if (section.inline) continue;
    l.section(section.number, section.title, section.layout === 'wide' ? 'landscape' : 'portrait');
    for (const block of section.blocks) drawBlock(l, block);
    for (const child of inlineChildren(model, section.id)) {
      l.heading(child.number, child.title);
      for (const block of child.blocks) drawBlock(l, block);
    }
  }
}

function drawHeadersAndFooters(doc: Doc, model: ReportModel): void {
  const m = model.meta;
  const range = doc.bufferedPageRange();
  const header = pdfSafeText(
    `${m.organization} - SOC 2 evidence: S3 encryption and public access${m.sandboxLabel ? ' - SANDBOX DATA' : ''}`,
  );
  const asOf = pdfSafeText(`As of ${m.asOfLabel}`);
  const accounts = pdfSafeText(`Accounts: ${m.accountsLabel}`);
  const digest = pdfSafeText(`Evidence digest ${m.evidenceDigestShort}...`);
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const { width, height } = doc.page;
    const saved = doc.page.margins;
    doc.page.margins = { top: 0, bottom: 0, left: 0, right: 0 };
    const inner = width - MARGIN.left - MARGIN.right;
    doc.font('Helvetica').fontSize(7).fillColor(MUTED);
    doc.text(header, MARGIN.left, 30, { width: inner * 0.7, lineBreak: false, height: 9, ellipsis: true });
    doc.text(asOf, MARGIN.left, 30, { width: inner, align: 'right', lineBreak: false });
    doc
      .moveTo(MARGIN.left, 41)
      .lineTo(width - MARGIN.right, 41)
      .lineWidth(0.4)
      .strokeColor(RULE)
      .stroke();
    const fy = height - 36;
    doc
      .moveTo(MARGIN.left, fy - 5)
      .lineTo(width - MARGIN.right, fy - 5)
      .lineWidth(0.4)
      .strokeColor(RULE)
      .stroke();
    doc.text(accounts, MARGIN.left, fy, { width: inner * 0.45, lineBreak: false, height: 9, ellipsis: true });
    doc.text(digest, MARGIN.left + inner * 0.45, fy, {
      width: inner * 0.33,
      align: 'center',
      lineBreak: false,
    });
    doc.text(`Page ${i - range.start + 1} of ${range.count}`, MARGIN.left, fy, {
      width: inner,
      align: 'right',
      lineBreak: false,
    });
    doc.page.margins = saved;
  }
}

/**
 * Renders the report with pdfkit from the same view model as the Chromium path: the cover (saying
 * why the layout is plain), then every section of the model drawn from its blocks, with a header
 * and `Page x of y` footer on every page.
 * Deterministic: the creation date (and therefore the file ID pdfkit derives from it) is the as-of time.
 */
export async function renderPdfWithPdfkit(model: ReportModel): Promise<Buffer> {
  const asOf = new Date(model.meta.asOf);
  const doc = new PDFDocument({
    size: 'A4',
    margins: MARGIN,
    bufferPages: true,
    autoFirstPage: true,
    compress: true,
    info: {
      Title: pdfSafeText(`SOC 2 evidence report: ${model.meta.organization}`),
      Author: pdfSafeText(model.meta.organization),
      Subject: 'Amazon S3 encryption and public access (CC6.6, CC7.2)',
      Creator: `evidence-pack ${model.meta.toolVersion}`,
      Producer: 'evidence-pack (pdfkit fallback layout)',
      CreationDate: asOf,
      ModDate: asOf,
    },
  });
  const done = pdfBytes(doc);
  drawBody(new PlainLayout(doc), model);
  drawHeadersAndFooters(doc, model);
  doc.end();
  return done;
}
