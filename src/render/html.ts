import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import type { ReportModel, SectionHeading } from './report-model.ts';
import { inlineChildren } from './sections.ts';
import { STATUS_COLOURS } from './status.ts';
import { formatCount } from './cells.ts';

/** The bundled templates (`templates/` at the repository root). */
export const DEFAULT_TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));

/** The template sources of one render: the main template, its partials, and the stylesheet. */
export interface TemplateSet {
  report: string;
  css: string;
  partials: Record<string, string>;
  /** Which files came from the override directory (for the report's colophon and debugging). */
  overridden: string[];
}

function readPartials(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  for (const f of readdirSync(dir).sort()) {
    if (f.endsWith('.hbs')) out[basename(f, '.hbs')] = readFileSync(join(dir, f), 'utf8');
  }
  return out;
}

/**
 * Loads the bundled templates, then overlays any file of the same name from `overrideDir`
 * (`report.hbs`, `report.css`, `partials/<name>.hbs`, or `<name>.hbs` at its top level).
 */
export function loadTemplates(overrideDir?: string, baseDir: string = DEFAULT_TEMPLATES_DIR): TemplateSet {
  const set: TemplateSet = {
    report: readFileSync(join(baseDir, 'report.hbs'), 'utf8'),
    css: readFileSync(join(baseDir, 'report.css'), 'utf8'),
    partials: readPartials(join(baseDir, 'partials')),
    overridden: [],
  };
  if (!overrideDir) return set;
  if (!existsSync(overrideDir)) throw new Error(`report.templatesDir "${overrideDir}" does not exist`);
  const reportFile = join(overrideDir, 'report.hbs');
  if (existsSync(reportFile)) {
    set.report = readFileSync(reportFile, 'utf8');
    set.overridden.push('report.hbs');
  }
  const cssFile = join(overrideDir, 'report.css');
  if (existsSync(cssFile)) {
    set.css = readFileSync(cssFile, 'utf8');
    set.overridden.push('report.css');
  }
  const top = readPartials(overrideDir);
  delete top['report'];
  for (const [name, src] of Object.entries({ ...top, ...readPartials(join(overrideDir, 'partials')) })) {
    set.partials[name] = src;
    set.overridden.push(`partials/${name}.hbs`);
  }
  return set;
}

const STATUS_CLASS = new Set([...Object.keys(STATUS_COLOURS), 'none']);
const TONE_CLASS = new Set(['good', 'bad', 'warn', 'gap', 'muted', 'mono']);

/**
 * A private Handlebars environment with the report's helpers. Helpers return plain strings, which
 * Handlebars escapes; the only SafeString is the stylesheet, which comes from the template files.
 */
function createEnvironment(css: string, partials: Readonly<Record<string, string>>): typeof Handlebars {
  const hb = Handlebars.create();
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hb.registerHelper('gt', (a: unknown, b: unknown) => Number(a) > Number(b));
  hb.registerHelper('add', (a: unknown, b: unknown) => Number(a) + Number(b));
  hb.registerHelper('fmt', (n: unknown) => (typeof n === 'number' ? formatCount(n) : String(n ?? '')));
  hb.registerHelper('join', (list: unknown, sep: unknown) =>
    Array.isArray(list) ? list.map(String).join(typeof sep === 'string' ? sep : ', ') : '',
  );
  // Class names are chosen from fixed sets so that data can never inject markup or styles.
  hb.registerHelper(
    'statusClass',
    (s: unknown) => `status-${STATUS_CLASS.has(String(s)) ? String(s) : 'none'}`,
  );
  hb.registerHelper('toneClass', (t: unknown) => (TONE_CLASS.has(String(t)) ? `tone-${String(t)}` : ''));
  hb.registerHelper('wrap', (value: unknown) => new hb.SafeString(breakableHtml(String(value ?? ''))));
  // Section headings and cross-references come from the model's numbered sections, never the template.
  const sectionAt = (id: unknown, options: Handlebars.HelperOptions): SectionHeading => {
    const root = options.data?.root as Partial<ReportModel> | undefined;
    const s = root?.sections?.find((x) => x.id === id);
    if (!s) throw new Error(`template names report section "${String(id)}", which is not in this report`);
    return s;
  };
  hb.registerHelper(
    'sectionNumber',
    (id: unknown, options: Handlebars.HelperOptions) => sectionAt(id, options).number,
  );
  hb.registerHelper('heading', (id: unknown, ...rest: unknown[]) => {
    const options = rest[rest.length - 1] as Handlebars.HelperOptions;
    const s = sectionAt(id, options);
    const tag = rest[0] === 'h2' || rest[0] === 'h3' ? rest[0] : s.inline ? 'h3' : 'h2';
    // An inline sub-section has no <section> of its own: the heading carries its id.
    const idAttr = s.inline ? ` id="${escapeHtml(s.id)}"` : '';
    return new hb.SafeString(
      `<${tag}${idAttr}><span class="num">${escapeHtml(s.number)}</span>${escapeHtml(s.title)}</${tag}>`,
    );
  });
  // Generic rendering: a section is drawn by `section` from its blocks, unless a templatesDir supplies
  // a partial named by its id; each block is drawn by `block-<kind>`.
  hb.registerHelper('overridden', (id: unknown) => typeof id === 'string' && Object.hasOwn(partials, id));
  hb.registerHelper('blockPartial', (kind: unknown) => `block-${String(kind)}`);
  hb.registerHelper('inlineChildren', (id: unknown, options: Handlebars.HelperOptions) => {
    const root = options.data?.root as Pick<ReportModel, 'sections'> | undefined;
    return root ? inlineChildren(root, String(id)) : [];
  });
  hb.registerHelper('sectionClass', (layout: unknown) =>
    layout === 'wide' ? 'section wide' : layout === 'continue' ? 'section-continue' : 'section',
  );
  const PARAGRAPH_CLASS: Record<string, string> = {
    lead: 'lead',
    note: 'note',
    more: 'more',
    empty: 'empty',
    gap: 'tone-gap',
    banner: 'banner',
  };
  hb.registerHelper('paragraphClass', (style: unknown) => PARAGRAPH_CLASS[String(style)] ?? '');
  // A code-like cell with lines under it (`s3.tls-only` over its title) sets only its first line in
  // the code font (cell.hbs); other tones colour the whole cell.
  const CELL_CLASSES = new Set(['num-cell', 'nowrap', 'note-cell']);
  hb.registerHelper('cellClass', (cell: unknown, index: unknown, columns: unknown) => {
    const c = (cell ?? {}) as { tone?: unknown; lines?: unknown[]; list?: unknown[] };
    const col = Array.isArray(columns)
      ? (columns[Number(index)] as { cls?: unknown } | undefined)
      : undefined;
    const firstLineOnly = c.tone === 'mono' && (c.lines?.length || c.list?.length);
    const toneCls = TONE_CLASS.has(String(c.tone)) && !firstLineOnly ? `tone-${String(c.tone)}` : '';
    // The column classes that bear on its cells: numbers right-aligned, identifiers kept whole,
    // notes given room.
    const colCls = typeof col?.cls === 'string' ? col.cls.split(' ').filter((k) => CELL_CLASSES.has(k)) : [];
    return [toneCls, ...colCls].filter(Boolean).join(' ');
  });
  hb.registerHelper('embedStyles', () => {
    if (/<\/style/i.test(css)) throw new Error('report.css must not contain "</style"');
    return new hb.SafeString(css);
  });
  return hb;
}

/**
 * Renders the report HTML from the view model. Only template files are compiled; model values are
 * inserted with `{{...}}` (HTML-escaped), and prototype properties and methods are not reachable
 * from templates. The HTML is self-contained: the stylesheet is inline, images are `data:` URIs.
 */
export function renderHtml(model: ReportModel, templates: TemplateSet): string {
  const hb = createEnvironment(templates.css, templates.partials);
  for (const [name, src] of Object.entries(templates.partials)) {
    hb.registerPartial(name, hb.compile(src, { strict: false, noEscape: false }));
  }
  const template = hb.compile(templates.report, { noEscape: false });
  return template(model, {
    allowProtoPropertiesByDefault: false,
    allowProtoMethodsByDefault: false,
  });
}

/**
 * Escapes text for HTML, then marks where an identifier may break, so narrow table columns wrap
 * identifiers at their separators and never inside a word: `<wbr>` after the separators of ARNs,
 * paths and lists (`/ : ; = _ ,`), after dots and hyphens only in tokens longer than 30 characters
 * (ARNs, long bucket names; a check id such as `s3.bucket-public-access-block` stays whole),
 * between the words of a camelCase name longer than 24 characters, and inside runs of more than 24 characters with no separator at all. A
 * word with a hyphen where no break is wanted (`2026-03-31`, `us-east-1`, `s3.not-public`) is kept
 * whole in a `nobr` span, since browsers otherwise break after any hyphen. A hex digest is one word.
 * The text itself is escaped first: the only markup added is `<wbr>` and those spans.
 */
export function breakableHtml(value: string): string {
  if (/^(sha256:)?[0-9a-f]{32,}$/.test(value)) return escapeHtml(value);
  return value
    .split(/(\s+)/)
    .map((token) => (/^\s+$/.test(token) ? escapeHtml(token) : breakableToken(token)))
    .join('');
}

function breakableToken(token: string): string {
  // Check ids, regions, dates and short names stay whole; ARNs and long names break at separators.
  const separators = token.length > 30 ? /(?<=[/:.;=_-])|(?<=,)(?!\d)/ : /(?<=[/:;=_])|(?<=,)(?!\d)/;
  return (
    token
      .split(separators)
      // A camelCase identifier (RestrictPublicBuckets) is a word; only an overlong one breaks between its words.
      .flatMap((part) => (part.length > 24 ? part.split(/(?<=[a-z])(?=[A-Z])/) : [part]))
      .map((part) => {
        const html = escapeHtml(part).replace(/([^\s&;-]{24})(?=[^\s-])/g, '$1<wbr>');
        return /-./.test(part) ? `<span class="nobr">${html}</span>` : html;
      })
      .join('<wbr>')
  );
}

/** Escapes text for HTML exactly as `{{...}}` does (also used for Chromium's header/footer templates). */
export function escapeHtml(value: string): string {
  return Handlebars.Utils.escapeExpression(value);
}
