import type { ReportModel, ReportSection } from './report-model.ts';

/**
 * The report's sections, in reading order: the single list both renderers follow. The Handlebars
 * report (`templates/report.hbs`) includes one partial per top-level section, named by its id; the
 * pdfkit fallback has one drawer per top-level section, keyed by the same id (a missing drawer is a
 * type error). Numbers are computed from this order, so inserting a section renumbers the rest in
 * both renderers, in every cross-reference ("section 4.4"), and in the tests.
 */
export const SECTION_DEFINITIONS = [
  { id: 'summary', title: 'Scope and summary' },
  { id: 'criteria', title: 'Results per criterion' },
  { id: 'control-matrix', title: 'Control matrix' },
  { id: 'findings', title: 'Results requiring attention' },
  { id: 'passing', title: 'Passing and not-applicable results', parent: 'findings', inline: true },
  {
    id: 'period',
    title: 'Results over the audit period',
    parent: 'findings',
    when: (p: SectionInput) => p.period,
  },
  {
    id: 'changes',
    title: 'Changes since the previous pack',
    parent: 'findings',
    when: (p: SectionInput) => p.changes,
  },
  { id: 'cross-checks', title: 'Cross-checks: where two sources disagree', parent: 'findings' },
  { id: 'exceptions', title: 'Exception register' },
  {
    id: 'organization',
    title: 'Organization',
    when: (p: SectionInput) => p.organization === true,
  },
  { id: 'inventory', title: 'Inventory' },
  { id: 'inventory-buckets', title: 'S3 buckets', parent: 'inventory', inline: true },
  { id: 'inventory-kms-keys', title: 'KMS keys', parent: 'inventory', inline: true },
  { id: 'inventory-config', title: 'AWS Config', parent: 'inventory', inline: true },
  {
    id: 'inventory-trails',
    title: 'CloudTrail trails and event selectors',
    parent: 'inventory',
    inline: true,
  },
  { id: 'inventory-key-usage', title: 'KMS key-usage events (sample)', parent: 'inventory', inline: true },
  { id: 'screenshots', title: 'Screenshots' },
  { id: 'evidence-index', title: 'Evidence index' },
  { id: 'method', title: 'Method' },
] as const satisfies readonly SectionDefinition[];

/** Which optional sections this report has. */
export interface SectionInput {
  /** The config sets an audit period. */
  period: boolean;
  /** The run was given a previous pack. */
  changes: boolean;
  /** The organization was discovered (config `organization.roleName`). */
  organization?: boolean | undefined;
}

interface SectionDefinition {
  id: string;
  title: string;
  /** The section this one is numbered under (`4.1` under `4`). */
  parent?: string;
  /**
   * Drawn inside its parent's partial / drawer rather than as a unit of its own (its heading is
   * still numbered here and printed from the model).
   */
  inline?: boolean;
  /** Present only when this holds (default: always). */
  when?: (model: SectionInput) => boolean;
}

export type SectionId = (typeof SECTION_DEFINITIONS)[number]['id'];

/** The ids of sections that are their own unit (a partial, a fallback drawer). */
export type TopSectionId = Exclude<
  SectionId,
  Extract<(typeof SECTION_DEFINITIONS)[number], { inline: true }>['id']
>;

/** A section drawn as a unit of its own (not inside its parent). */
export function isTopSection(s: ReportSection): s is ReportSection & { id: TopSectionId } {
  return !s.inline;
}

/** The sections present in this report, numbered in order (`1`, `2`, `4.1`, ...). */
export function numberSections(model: SectionInput): ReportSection[] {
  const out: ReportSection[] = [];
  const children = new Map<string, number>();
  let top = 0;
  for (const def of SECTION_DEFINITIONS as readonly (SectionDefinition & { id: SectionId })[]) {
    if (def.when && !def.when(model)) continue;
    let number: string;
    if (def.parent) {
      const parent = out.find((s) => s.id === def.parent);
      if (!parent) throw new Error(`report section ${def.id}: parent ${def.parent} must come first`);
      const n = (children.get(def.parent) ?? 0) + 1;
      children.set(def.parent, n);
      number = `${parent.number}.${n}`;
    } else {
      top += 1;
      number = String(top);
    }
    out.push({
      id: def.id,
      title: def.title,
      number,
      depth: def.parent ? 1 : 0,
      inline: def.inline === true,
    });
  }
  return out;
}

/** The numbered section `id` of this report; throws for a section that is absent (a programming error). */
export function sectionOf(model: Pick<ReportModel, 'sections'>, id: SectionId): ReportSection {
  const s = model.sections.find((x) => x.id === id);
  if (!s) throw new Error(`report section ${id} is not in this report`);
  return s;
}
