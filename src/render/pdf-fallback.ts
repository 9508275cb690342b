import PDFDocument from 'pdfkit';
import type { CheckStatus } from '../checks/types.ts';
import type { Cell, ReportModel, ReportSection, StatusCount, Table, TableColumn } from './report-model.ts';
import { isTopSection, sectionOf, type SectionId, type TopSectionId } from './sections.ts';
import { STATUS_COLOURS } from './status.ts';
import { formatCount } from './view-model.ts';

type Doc = PDFKit.PDFDocument;
/** A column as the plain layout needs it: a header and a relative width. */
type PlainColumn = Pick<TableColumn, 'header' | 'weight'>;
/** A column of a fallback table: header, width and the row's cell in one object. */
interface FallbackColumn<R> extends PlainColumn {
  cell: (row: R) => Cell;
}

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
const MAX_CELL_CHARS = 420;

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

  /** The numbered heading of an inline sub-section, from the model. */
  subsection(model: ReportModel, id: SectionId): void {
    const s = sectionOf(model, id);
    this.heading(s.number, s.title);
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
      d.font('Helvetica').fontSize(fontSize);
      const texts = columns.map((_, i) => clip(pdfSafeText(row[i]?.text ?? '')));
      const h =
        Math.max(...texts.map((t, i) => d.heightOfString(t, { width: widths[i]! - 2 * pad }))) + 2 * pad;
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
        d.font(
          tone === 'bad' || tone === 'gap' ? 'Helvetica-Bold' : tone === 'mono' ? 'Courier' : 'Helvetica',
        )
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

  /** A table whose columns each pair a header and width with how to read the cell from a row. */
  tableOf<R>(columns: readonly FallbackColumn<R>[], items: readonly R[], fontSize = 7): void {
    this.table(
      columns,
      items.map((r) => columns.map((c) => c.cell(r))),
      fontSize,
    );
  }

  modelTable(t: Table, fontSize = 6.5): void {
    if (t.rows.length === 0) {
      this.para(t.emptyNote, { colour: MUTED });
      return;
    }
    this.table(
      t.columns,
      t.rows.map((r) => r.cells),
      fontSize,
    );
    if (t.moreNote)
      this.para(`Showing ${formatCount(t.rows.length)} of ${formatCount(t.total)} rows. ${t.moreNote}.`, {
        size: 8,
        colour: MUTED,
      });
  }

  statusBar(counts: readonly StatusCount[]): void {
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

function countsRow(counts: readonly StatusCount[]): Cell[] {
  return counts.map((c) => ({ text: formatCount(c.count), tone: c.count === 0 ? 'muted' : undefined }));
}

const COUNT_COLUMNS: PlainColumn[] = [
  { header: 'Fail', weight: 0.5 },
  { header: 'Gap', weight: 0.5 },
  { header: 'Error', weight: 0.5 },
  { header: 'Exc.', weight: 0.5 },
  { header: 'Pass', weight: 0.5 },
  { header: 'N/A', weight: 0.5 },
];

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
  l.heading('', 'Results across all checks');
  l.table(
    [...model.totals.map((t) => ({ header: t.label, weight: 1 })), { header: 'Cross-checks', weight: 1 }],
    [
      [
        ...model.totals.map((t) => ({
          text: formatCount(t.count),
          tone: t.count > 0 ? statusTone(t.status) : 'muted',
        })),
        { text: formatCount(model.scope.crossChecks), tone: model.scope.crossChecks > 0 ? 'bad' : 'muted' },
      ],
    ],
    9,
  );
  l.para(
    `${formatCount(model.scope.totalResults)} results: the sum of the criterion rows in section ${sectionOf(model, 'summary').number}` +
      (model.otherChecks.total > 0
        ? ` plus ${formatCount(model.otherChecks.total)} results of other checks, not part of any criterion (${model.otherChecks.checks})`
        : '') +
      `; a result counts once in each criterion its check supports, and ${formatCount(model.scope.distinctResults)} results were produced in all` +
      `. Cross-checks: ${formatCount(model.scope.crossChecks)} contradictions between sources (section ${sectionOf(model, 'cross-checks').number}), none counted as a pass.`,
    { size: 8, colour: MUTED },
  );
}

/** Draws one top-level section (and its inline sub-sections) from the model. */
type SectionDrawer = (l: PlainLayout, model: ReportModel, section: ReportSection) => void;

/**
 * One drawer per top-level section of `sections.ts`, keyed by its id: a section without a drawer
 * is a type error, so the fallback cannot silently lack a section the HTML report has. Headings
 * and numbers come from the model.
 */
const DRAWERS: Record<TopSectionId, SectionDrawer> = {
  summary: (l, model, sec) => {
    l.section(sec.number, sec.title);
    const s = model.scope;
    l.facts([
      ['Accounts', formatCount(s.accounts)],
      ['Regions', formatCount(s.regions)],
      ['Buckets', formatCount(s.buckets)],
      ['Sensitive buckets', formatCount(s.sensitiveBuckets)],
      ['KMS keys', formatCount(s.kmsKeys)],
      ['Trails', formatCount(s.trails)],
      ['Results', formatCount(s.totalResults)],
    ]);
    for (const g of s.inventoryGaps)
      l.para(g, { bold: true, colour: STATUS_COLOURS['insufficient-evidence'] });
    if (s.outOfScope) l.para(s.outOfScope, { size: 8, colour: MUTED });
    l.heading('', 'Results by criterion');
    l.table(
      [{ header: 'Criterion', weight: 3 }, { header: 'Overall', weight: 1.2 }, ...COUNT_COLUMNS],
      [
        ...model.criteria.map((c) => [
          { text: `${c.id} ${c.title}` },
          { text: c.overall.label, tone: statusTone(c.overall.status) },
          ...countsRow(c.counts),
        ]),
        ...(model.otherChecks.total > 0
          ? [
              [
                { text: `Other checks, not part of any criterion (${model.otherChecks.checks})` },
                { text: '' },
                ...countsRow(model.otherChecks.counts),
              ],
            ]
          : []),
        [{ text: 'Sum of the rows' }, { text: '' }, ...countsRow(model.totals)],
        [{ text: 'All results, each counted once' }, { text: '' }, ...countsRow(model.resultTotals)],
      ],
      7.5,
    );
  },
  criteria: (l, model, sec) => {
    l.section(sec.number, sec.title);
    for (const c of model.criteria) {
      l.heading(c.number, `${c.id} - ${c.title}  [${c.overall.label}]`);
      if (c.narrative) l.para(c.narrative, { colour: MUTED });
      l.statusBar(c.counts);
      l.table(
        [
          { header: 'Check', weight: 3.2 },
          { header: 'Severity', weight: 0.8 },
          { header: 'Status', weight: 1.2 },
          ...COUNT_COLUMNS,
        ],
        c.checks.map((k) => [
          { text: `${k.checkId}\n${k.title}` },
          { text: k.severity },
          { text: k.overall.label, tone: statusTone(k.overall.status) },
          ...countsRow(k.counts),
        ]),
        7.5,
      );
    }
  },
  'control-matrix': (l, model, sec) => {
    l.section(sec.number, sec.title);
    l.tableOf(
      [
        { header: 'Criterion', weight: 0.8, cell: (r) => ({ text: r.criterionId }) },
        { header: 'Check', weight: 2.4, cell: (r) => ({ text: `${r.checkId}\n${r.title}` }) },
        {
          header: 'Status',
          weight: 1.1,
          cell: (r) => ({ text: r.overall.label, tone: statusTone(r.overall.status) }),
        },
        {
          header: 'Results',
          weight: 1.4,
          cell: (r) => ({
            text:
              r.counts
                .filter((c) => c.count > 0)
                .map((c) => `${formatCount(c.count)} ${c.label}`)
                .join('\n') || 'none',
          }),
        },
        {
          header: 'Evidence location',
          weight: 3,
          cell: (r) => ({ text: r.evidenceLocations.join('\n'), tone: 'mono' }),
        },
      ],
      model.controlMatrix,
      7,
    );
  },
  findings: (l, model, sec) => {
    l.section(sec.number, sec.title);
    if (model.issues.items.length === 0)
      l.para('No result failed, lacked evidence or was excepted.', { colour: MUTED });
    else {
      l.tableOf(
        [
          {
            header: 'Status',
            weight: 1.1,
            cell: (i) => ({ text: `${i.statusLabel}\n${i.severity}`, tone: statusTone(i.status) }),
          },
          { header: 'Check', weight: 1.7, cell: (i) => ({ text: `${i.checkId}\n${i.criteria}` }) },
          { header: 'Resource', weight: 1.7, cell: (i) => ({ text: i.resourceName, tone: 'mono' }) },
          { header: 'Account / region', weight: 1.2, cell: (i) => ({ text: `${i.accountId}\n${i.region}` }) },
          {
            header: 'Reason and evidence',
            weight: 4,
            cell: (i) => ({ text: [i.reason, ...i.evidence].join('\n') }),
          },
        ],
        model.issues.items,
        6.8,
      );
      if (model.issues.moreNote)
        l.para(
          `Showing ${formatCount(model.issues.items.length)} of ${formatCount(model.issues.total)} results. ${model.issues.moreNote}.`,
          { size: 8, colour: MUTED },
        );
    }
    l.subsection(model, 'passing');
    l.tableOf(
      [
        { header: 'Check', weight: 2, cell: (p) => ({ text: p.checkId, tone: 'mono' }) },
        { header: 'Title', weight: 3, cell: (p) => ({ text: p.title }) },
        { header: 'Pass', weight: 0.7, cell: (p) => ({ text: formatCount(p.pass) }) },
        { header: 'Not applicable', weight: 0.9, cell: (p) => ({ text: formatCount(p.notApplicable) }) },
      ],
      model.passing,
      7.5,
    );
  },
  period: (l, model, sec) => {
    if (model.period) {
      const p = model.period;
      l.section(sec.number, sec.title, 'landscape');
      l.para(
        `From ${p.startLabel} to ${p.endLabel}, from AWS Config history. Held: a check passed in every recorded state; broken: it failed in the windows given; unknown: Config has no record of the bucket for part of the period. Account-level Block Public Access is taken as read on the day of the pack.`,
        { colour: MUTED },
      );
      l.para(
        `Held: ${formatCount(p.held)}   Broken during the period: ${formatCount(p.broken)}   Unknown for lack of history: ${formatCount(p.unknown)}`,
      );
      l.heading('', 'Checks over the period');
      l.modelTable(p.verdicts);
      l.heading('', 'Configuration timeline');
      l.modelTable(p.timeline);
    }
  },
  changes: (l, model, sec) => {
    if (model.changes) {
      const c = model.changes;
      l.section(sec.number, sec.title, 'portrait');
      l.para(`Compared with ${c.previousName} (as of ${c.previousAsOfLabel}, sha256 ${c.previousSha256}).`, {
        colour: MUTED,
      });
      l.para(c.changed ? c.text : 'No changes since the previous pack.');
    }
  },
  'cross-checks': (l, model, sec) => {
    l.section(sec.number, sec.title);
    l.para(
      'Each row is a contradiction between two sources about the same resource, both cited by recorded call and request id. A contradiction is never scored as a pass; the full list is in findings/findings.json (crossChecks).',
      { colour: MUTED },
    );
    if (model.crossChecks.items.length === 0)
      l.para('No two sources in the pack contradict each other.', { colour: MUTED });
    else {
      l.tableOf(
        [
          { header: '#', weight: 0.4, cell: (x) => ({ text: String(x.number) }) },
          { header: 'Sources', weight: 1.6, cell: (x) => ({ text: `${x.kindLabel}\n${x.checks}` }) },
          {
            header: 'Resource',
            weight: 1.6,
            cell: (x) => ({ text: `${x.resourceName}\n${x.accountId} ${x.region}`, tone: 'mono' }),
          },
          {
            header: 'What disagrees, and the evidence',
            weight: 5,
            cell: (x) => ({
              text: [
                `${x.subject}: ${x.summary}`,
                ...x.sources.flatMap((src) => [`${src.source}: ${src.says}`, ...src.evidence]),
              ].join('\n'),
            }),
          },
        ],
        model.crossChecks.items,
        6.8,
      );
      if (model.crossChecks.moreNote)
        l.para(
          `Showing ${formatCount(model.crossChecks.items.length)} of ${formatCount(model.crossChecks.total)} contradictions. ${model.crossChecks.moreNote}.`,
          { size: 8, colour: MUTED },
        );
    }
  },
  exceptions: (l, model, sec) => {
    l.section(sec.number, sec.title, 'landscape');
    l.modelTable(model.exceptions);
  },
  organization: (l, model, sec) => {
    const o = model.organization;
    if (!o) return;
    l.section(sec.number, sec.title, 'landscape');
    l.para(o.identity);
    l.para(o.reconciliation, { bold: true });
    if (o.listingGap) l.para(o.listingGap, { colour: STATUS_COLOURS['insufficient-evidence'], bold: true });
    l.heading('', 'Organizational units', 9);
    l.modelTable(o.ouTree);
    l.heading('', 'Accounts', 9);
    l.modelTable(o.accounts);
    l.heading('', 'Policies that bear on the checks (RCP, SCP, S3 policy) and where each is attached', 9);
    l.modelTable(o.policies);
  },
  inventory: (l, model, sec) => {
    const m = model.meta;
    l.section(sec.number, sec.title, 'landscape');
    l.para(
      `Tables show at most ${formatCount(m.maxRowsPerTable)} rows each, rows needing attention first. "GAP: ..." means the value could not be read; "none" means AWS reported it absent.`,
      { colour: MUTED },
    );
    l.subsection(model, 'inventory-buckets');
    l.modelTable(model.inventory.buckets, 6);
    l.subsection(model, 'inventory-kms-keys');
    l.modelTable(model.inventory.kmsKeys.table);
    for (const k of model.inventory.kmsKeys.policies.items) {
      l.heading('', `Key policy: ${k.keyLabel} (${k.accountId}, ${k.region})`, 9);
      if (k.problem) {
        l.para(k.problem, { colour: STATUS_COLOURS['insufficient-evidence'], bold: true });
        continue;
      }
      l.table(
        [
          { header: 'Role', weight: 0.8 },
          { header: 'Principal', weight: 2.6 },
          { header: 'Actions', weight: 2.4 },
          { header: 'Conditions', weight: 2 },
        ],
        [
          ...k.administrators.map((g) => [
            { text: 'Administers' },
            { text: g.principal, tone: 'mono' as const },
            { text: g.actions },
            { text: g.conditions },
          ]),
          ...k.users.map((g) => [
            { text: 'Uses' },
            { text: g.principal, tone: 'mono' as const },
            { text: g.actions },
            { text: g.conditions },
          ]),
        ],
        6.5,
      );
      for (const n of k.notes) l.para(n, { size: 7.5, colour: MUTED });
    }
    if (model.inventory.kmsKeys.policies.moreNote)
      l.para(`${model.inventory.kmsKeys.policies.moreNote}.`, { size: 8, colour: MUTED });
    l.subsection(model, 'inventory-config');
    l.modelTable(model.inventory.configRecorders);
    l.modelTable(model.inventory.configRules);
    l.modelTable(model.inventory.configResults);
    l.subsection(model, 'inventory-trails');
    l.modelTable(model.inventory.trails);
    l.subsection(model, 'inventory-key-usage');
    l.modelTable(model.inventory.keyUsageEvents);
  },
  screenshots: (l, model, sec) => {
    l.section(sec.number, sec.title);
    if (model.screenshots.items.length === 0)
      l.para('No screenshots were captured in this run.', { colour: MUTED });
    else
      l.tableOf(
        [
          { header: 'Image', weight: 2.4, cell: (x) => ({ text: `${x.title}\n${x.path}` }) },
          { header: 'Account / region', weight: 1.1, cell: (x) => ({ text: `${x.account}\n${x.region}` }) },
          { header: 'Captured (UTC)', weight: 1.1, cell: (x) => ({ text: x.capturedLabel }) },
          { header: 'Supports checks', weight: 1.8, cell: (x) => ({ text: `${x.checks}\n(${x.criteria})` }) },
          { header: 'SHA-256', weight: 2.4, cell: (x) => ({ text: x.sha256, tone: 'mono' }) },
        ],
        model.screenshotIndex,
        6.5,
      );
    if (model.screenshots.moreNote) l.para(`${model.screenshots.moreNote}.`, { size: 8, colour: MUTED });
    if (model.screenshotFiguresNote) l.para(model.screenshotFiguresNote, { size: 8, colour: MUTED });
  },
  'evidence-index': (l, model, sec) => {
    const m = model.meta;
    l.section(sec.number, sec.title);
    l.para(
      `Every file in the pack with its SHA-256 digest, as in manifest.json and SHA256SUMS. Evidence digest: ${m.evidenceDigest}`,
      { colour: MUTED },
    );
    l.modelTable(model.evidenceIndex);
  },
  method: (l, model, sec) => {
    l.section(sec.number, sec.title);
    l.para(
      'For each check: the AWS API operations whose recorded responses it reads, and how it decides, generated from the check definitions the evaluation ran.',
      { colour: MUTED },
    );
    l.tableOf(
      [
        { header: 'Check', weight: 1.8, cell: (r) => ({ text: `${r.checkId}\n${r.title}\n${r.criteria}` }) },
        { header: 'Reads', weight: 2, cell: (r) => ({ text: r.reads, tone: 'mono' }) },
        { header: 'How it decides', weight: 5, cell: (r) => ({ text: r.method }) },
      ],
      model.method,
      6.8,
    );
  },
};

function drawBody(l: PlainLayout, model: ReportModel): void {
  drawCover(l, model);
  for (const section of model.sections) if (isTopSection(section)) DRAWERS[section.id](l, model, section);
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
 * Renders the report with pdfkit from the same view model as the Chromium path: cover (saying why
 * the layout is plain), summary, criteria, control matrix, results, exceptions, capped inventories,
 * screenshots list and evidence index, with a header and `Page x of y` footer on every page.
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
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  drawBody(new PlainLayout(doc), model);
  drawHeadersAndFooters(doc, model);
  doc.end();
  return done;
}
