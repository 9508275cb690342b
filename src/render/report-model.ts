import type { OrganizationSection } from './organization-section.ts';
import type { CheckStatus, Severity } from '../checks/types.ts';
import type { SectionId } from './sections.ts';

/**
 * The report's view model: plain data, no HTML. Both renderers (Chromium from Handlebars templates,
 * and the pdfkit fallback) draw from this one model, so the two PDFs state the same facts.
 */
export interface ReportModel {
  /**
   * The sections present in this report, numbered, in reading order, each with its content as
   * blocks (see `sections.ts`). Both renderers draw every section from here; the other fields are
   * the facts the blocks (and the cover) are built from.
   */
  sections: ReportSection[];
  meta: ReportMeta;
  scope: ReportScope;
  /**
   * The sum of the criterion rows plus the other checks (checks mapped to no criterion), in report
   * order (worst first): a result counts once in each criterion its check supports.
   */
  totals: StatusCount[];
  /**
   * Every result counted once, in report order: the cover's tiles, the same as the CLI's summary
   * line and findings.json's `summary.byStatus` (a result of a check supporting several criteria is
   * in several criterion rows, so these can be smaller than {@link totals}).
   */
  resultTotals: StatusCount[];
  /** The results among {@link resultTotals} that are deviations during the audit period. */
  deviationTotals: StatusCount[];
  /** The sum of the criterion rows: results of checks mapped to a criterion. */
  controlTotals: StatusCount[];
  /** Checks mapped to no criterion, counted apart from the control totals. */
  otherChecks: OtherChecksSummary;
  criteria: CriterionSummary[];
  /** Contradictions between two sources of the pack (capped). */
  crossChecks: CappedList<CrossCheckRow>;
  /** What each check reads and how it decides, from the check definitions. */
  method: MethodRow[];
  controlMatrix: ControlMatrixRow[];
  /** Every fail / excepted / insufficient-evidence / error result (capped, worst first). */
  issues: CappedList<IssueRow>;
  /** Passing and not-applicable results, summarized per check. */
  passing: PassingSummaryRow[];
  exceptions: Table;
  /** Trusted external accounts (config `trustedAccounts`), shown with the exceptions. */
  trustedAccounts: Table;
  inventory: {
    buckets: Table;
    kmsKeys: KmsKeySection;
    configRecorders: Table;
    configRules: Table;
    configResults: Table;
    trails: Table;
    keyUsageEvents: Table;
    /** The AWS Config aggregator, when one was looked for. */
    aggregator?: AggregatorSection | undefined;
    /** PutKeyPolicy, ScheduleKeyDeletion, DisableKey, DisableKeyRotation among the events read. */
    sensitiveKeyOperations: Table;
    /** What the key-usage events cover, per region (window, what the history cannot reach, cap). */
    keyUsageCoverage: string[];
  };
  screenshots: CappedList<ScreenshotEntry>;
  /** The screenshot index: one row per image (capped like every table). */
  screenshotIndex: ScreenshotIndexRow[];
  /** A selection of screenshots shown as figures in the appendix (the rest are listed). */
  screenshotFigures: ScreenshotFigure[];
  /** How the figures were chosen, and where the rest are. */
  screenshotFiguresNote: string;
  evidenceIndex: Table;
  /** Checks judged over the audit period from AWS Config history (when the config sets `period`). */
  period?: PeriodSection | undefined;
  /** Changes since the previous pack (when the run was given `--previous`). */
  changes?: ChangesSection | undefined;
  /** The AWS Organization: population, OU tree, policies (when it was discovered). */
  organization?: OrganizationSection | undefined;
}

/** Where a section sits and what it is called: its place in the numbered list (see `sections.ts`). */
export interface SectionHeading {
  /** Stable id: the HTML element id, and the name a `report.templatesDir` partial may override. */
  id: SectionId;
  title: string;
  /** Computed from the section order: `4`, `4.1`. */
  number: string;
  /** 0 for a top-level section, 1 for a sub-section. */
  depth: 0 | 1;
  /** The section this one is numbered under. */
  parent?: SectionId | undefined;
  /** Drawn inside its parent, after the parent's blocks (no page of its own). */
  inline: boolean;
  /** `wide`: landscape pages for wide tables; `continue`: the HTML does not break the page before it. */
  layout: 'page' | 'wide' | 'continue';
}

/** One numbered section or sub-section of the report: its heading and its content, as blocks. */
export interface ReportSection extends SectionHeading {
  /** What the section says, in order; both renderers draw each kind of block one way. */
  blocks: Block[];
}

/**
 * A piece of a section's content. Both renderers draw every kind of block generically
 * (`templates/partials/block-<kind>.hbs`, and one drawer per kind in `pdf-fallback.ts`).
 */
export type Block =
  ParagraphBlock | HeadingBlock | TableBlock | TilesBlock | ChartBlock | FigureBlock | PreBlock;

/** A stretch of a paragraph: code-like text is `mono`, emphasis is `strong`. */
export interface Run {
  text: string;
  mono?: boolean | undefined;
  strong?: boolean | undefined;
}

export interface ParagraphBlock {
  kind: 'paragraph';
  /** `lead` introduces a section, `note` and `more` are small print, `empty` says a table has no rows, `banner` and `gap` stand out. */
  style: 'lead' | 'plain' | 'note' | 'more' | 'empty' | 'banner' | 'gap';
  runs: Run[];
}

/** An unnumbered heading inside a section (`Configuration recorders`), or a numbered one with a badge (a criterion). */
export interface HeadingBlock {
  kind: 'heading';
  level: 3 | 4;
  text: string;
  /** A computed number printed before the text (a criterion: `2.1`). */
  number?: string | undefined;
  /** A status badge beside the heading. */
  badge?: OverallStatus | undefined;
  /** Smaller text after the heading (`(111122223333, us-east-1)`). */
  note?: string | undefined;
}

export interface TableBlock {
  kind: 'table';
  table: Table;
  /** Smaller type for wide population tables. */
  dense?: boolean | undefined;
}

/** Headline numbers (the summary's scope). */
export interface TilesBlock {
  kind: 'tiles';
  tiles: { label: string; value: string; status?: CheckStatus | 'none' | undefined }[];
}

/** A stacked status bar. */
export interface ChartBlock {
  kind: 'chart';
  chart: StatusChart;
}

/** A screenshot shown in the report. */
export interface FigureBlock {
  kind: 'figure';
  figure: ScreenshotFigure;
}

/** Preformatted text (the diff of the changes section). */
export interface PreBlock {
  kind: 'pre';
  text: string;
}

/** Results of the checks mapped to no criterion. */
export interface OtherChecksSummary {
  /** `s3.bucket-key` (comma-separated check ids; empty when every check is mapped). */
  checks: string;
  counts: StatusCount[];
  total: number;
}

/** One contradiction between two sources, for the Cross-checks section. */
export interface CrossCheckRow {
  number: number;
  /** e.g. `AWS Config rule vs this tool's check`. */
  kindLabel: string;
  resourceName: string;
  accountId: string;
  region: string;
  subject: string;
  summary: string;
  checks: string;
  sources: { source: string; says: string; evidence: string[] }[];
}

/** One row of the Method section. */
export interface MethodRow {
  checkId: string;
  title: string;
  criteria: string;
  /** The API operations read, e.g. `s3:GetBucketPolicy, s3:GetBucketAcl`, or a note for none. */
  reads: string;
  method: string;
}

/** Who ran the tool, how, with which code, and when (the cover's run facts). */
export interface ReportProvenance {
  operatorLabel: string;
  commandLine: string;
  codeDigest: string;
  collectionLabel: string;
  /** `2026-03-31 23:59:59 UTC to …`, or a note when no screenshot was taken. */
  captureLabel: string;
  renderStartedLabel: string;
}

/** What changed since the previous pack, as `evidence-pack diff` prints it. */
export interface ChangesSection {
  previousName: string;
  previousSha256: string;
  previousAsOfLabel: string;
  changed: boolean;
  /** The diff in text form (sections: accounts, buckets, check results, exceptions). */
  text: string;
}

/** The audit-period section: verdict per bucket and check, and the recorded configuration timeline. */
export interface PeriodSection {
  startLabel: string;
  endLabel: string;
  held: number;
  broken: number;
  unknown: number;
  notApplicable: number;
  /** Broken windows (each a finding). */
  deviations: number;
  /** `no history: 3, created during the period: 1` (empty when nothing is unknown). */
  unknownCauses: string;
  verdicts: Table;
  /** Account Block Public Access, KMS keys and trails over the period. */
  resourceVerdicts: Table;
  /** Trail logging, recorder recording and rule compliance over the period. */
  monitoring: Table;
  timeline: Table;
  reconciliation: Table;
}

/** Cover and running header/footer facts. */
export interface ReportMeta {
  organization: string;
  accounts: { accountId: string; name: string }[];
  /** `111122223333 (prod), 444455556666 (dev)` */
  accountsLabel: string;
  regions: string[];
  /** Collection finish time, ISO-8601 UTC. */
  asOf: string;
  /** `2026-03-31 23:59:59 UTC` */
  asOfLabel: string;
  /** When the evaluation ran (the report's "generated at"), ISO-8601 UTC. */
  generatedAt: string;
  generatedAtLabel: string;
  collectionStartedLabel: string;
  toolVersion: string;
  runId: string;
  callerArn: string;
  evidenceDigest: string;
  /** `sha256:<hex>` of config/effective-config.json, when known. */
  configDigest?: string | undefined;
  /** Operator, command line, code digest and time window, when known. */
  provenance?: ReportProvenance | undefined;
  /** First 16 hex digits of the digest, for the page footer. */
  evidenceDigestShort: string;
  /** Non-empty when the data came from the bundled sandbox. */
  sandboxLabel?: string | undefined;
  endpoint?: string | undefined;
  period?: { startLabel: string; endLabel: string } | undefined;
  renderer: 'chromium' | 'pdfkit';
  /** Why the plain pdfkit layout was used instead of Chromium. */
  fallbackReason?: string | undefined;
  /** Logo as a `data:` URI (PNG, JPEG or SVG). */
  logo?: { dataUri: string; mime: string; bytes: Buffer } | undefined;
  /** Problems building the report that the reader should know about (e.g. unreadable logo). */
  warnings: string[];
  /** Max rows per table (`report.maxRowsPerTable`). */
  maxRowsPerTable: number;
}

export interface ReportScope {
  accounts: number;
  regions: number;
  buckets: number;
  sensitiveBuckets: number;
  kmsKeys: number;
  trails: number;
  findings: number;
  /** The "Sum of the rows": control results plus other-check results (a result counts once per criterion). */
  totalResults: number;
  /** Every result counted once (the "All results" row; equals `findings`). */
  distinctResults: number;
  /** How many contradictions between sources were found. */
  crossChecks: number;
  /** How many results are deviations during the audit period (counted in `distinctResults`). */
  deviations: number;
  /** What the cover's totals count and how they reconcile with the criterion rows, as one note. */
  totalsNote: string;
  /** Gaps at the inventory level (e.g. ListBuckets denied) that make the population incomplete. */
  inventoryGaps: string[];
  /** e.g. `2 buckets outside the regions in scope were not assessed (…csv)`; empty when none. */
  outOfScope: string;
}

/** One status with its count, label and colours. */
export interface StatusCount {
  status: CheckStatus;
  label: string;
  count: number;
}

/** One segment of a criterion's stacked status bar (precomputed geometry, no script). */
export interface ChartSegment {
  status: CheckStatus;
  label: string;
  count: number;
  x: number;
  width: number;
  fill: string;
}

export interface StatusChart {
  width: number;
  height: number;
  segments: ChartSegment[];
  /** Text alternative, e.g. `3 Fail, 10 Pass`. */
  description: string;
}

export interface CheckSummary {
  checkId: string;
  title: string;
  severity: Severity | 'n/a';
  counts: StatusCount[];
  total: number;
  overall: OverallStatus;
}

/** A criterion's or check's headline status: the worst status present, or `no results`. */
export interface OverallStatus {
  status: CheckStatus | 'none';
  label: string;
}

export interface CriterionSummary {
  /** Section number, e.g. `2.1`. */
  number: string;
  id: string;
  title: string;
  narrative: string;
  checks: CheckSummary[];
  counts: StatusCount[];
  total: number;
  overall: OverallStatus;
  chart: StatusChart;
}

export interface ControlMatrixRow {
  criterionId: string;
  checkId: string;
  title: string;
  counts: StatusCount[];
  /** How many of the results counted are deviations during the audit period. */
  deviations: number;
  overall: OverallStatus;
  /** Where the evidence is in the pack, e.g. `findings/findings.csv`, `raw/s3/<region>.jsonl`. */
  evidenceLocations: string[];
}

export interface IssueRow {
  /** What fixes a failing finding (the step of `evidence-pack remediate`); absent otherwise. */
  remediation?: string | undefined;
  checkId: string;
  title: string;
  severity: Severity;
  status: CheckStatus;
  statusLabel: string;
  criteria: string;
  resourceName: string;
  resourceArn: string;
  accountId: string;
  region: string;
  reason: string;
  evidence: string[];
}

export interface PassingSummaryRow {
  checkId: string;
  title: string;
  pass: number;
  notApplicable: number;
}

/** A list capped at `maxRowsPerTable` with a line saying where the rest is. */
export interface CappedList<T> {
  items: T[];
  total: number;
  omitted: number;
  /** e.g. `9,800 more rows in inventory/buckets.csv`; empty when nothing was left out. */
  moreNote: string;
}

/** One table cell: text plus a tone the renderers use for colour (the text carries the meaning). */
export interface Cell {
  text: string;
  tone?: CellTone | undefined;
  /** Draw the text as a status badge (its colour is the status's; the text still says it). */
  badge?: CheckStatus | 'none' | undefined;
  /** Further lines under the text: plain, small (`note`), code-like (`mono`) or a fix (`fix`). */
  lines?: CellLine[] | undefined;
  /** A list under the text (the evidence a result cites). */
  list?: string[] | undefined;
}

export interface CellLine {
  text: string;
  style?: 'note' | 'mono' | 'fix' | undefined;
}

export type CellTone = 'good' | 'bad' | 'warn' | 'gap' | 'muted' | 'mono';

/** A column as a rendered table has it; built from a {@link Column} definition (see `columns.ts`). */
export interface TableColumn {
  header: string;
  /** Relative width weight used by the pdfkit layout; CSS uses the `cls` class. */
  weight: number;
  /** `weight` as a percentage of the table width (for the HTML table's fixed layout). */
  widthPct: number;
  cls?: string | undefined;
}

/** A generic table: both renderers draw it the same way. */
export interface Table {
  id: string;
  title: string;
  /** An extra CSS class of the HTML table (`method`, `cross-checks`). */
  cls?: string | undefined;
  columns: TableColumn[];
  rows: { cells: Cell[] }[];
  total: number;
  omitted: number;
  moreNote: string;
  /** Pack path of the full population, e.g. `inventory/buckets.csv`. */
  source: string;
  /** Shown when the table has no rows. */
  emptyNote: string;
}

export interface KmsKeySection {
  table: Table;
  /** Per-key policy summary (capped like the table). */
  policies: CappedList<KeyPolicyView>;
}

export interface KeyPolicyView {
  keyLabel: string;
  accountId: string;
  region: string;
  /** Set when the policy could not be read or parsed. */
  problem?: string | undefined;
  administrators: PrincipalGrantView[];
  users: PrincipalGrantView[];
  notes: string[];
}

export interface PrincipalGrantView {
  principal: string;
  actions: string;
  conditions: string;
}

export interface ScreenshotEntry {
  path: string;
  /** Where the PNG is on disk during the run (for the figures in the appendix). */
  absolutePath?: string | undefined;
  kind?: 'console' | 'api-view' | undefined;
  title: string;
  account: string;
  region: string;
  resource: string;
  capturedAt: string;
  source: string;
  sha256: string;
  /** Kind of view (`bucket-permissions`, `kms-key-policy`, ...): the file name's prefix. */
  view?: string | undefined;
  /** Check ids whose results cite what the image shows, and their criteria. */
  checks?: string[] | undefined;
  criteria?: string[] | undefined;
  /** The image supports a failing or excepted result of its own resource. */
  attention?: boolean | undefined;
}

/** One row of the screenshot index, formatted for reading. */
export interface ScreenshotIndexRow {
  title: string;
  path: string;
  kindLabel: string;
  account: string;
  region: string;
  resource: string;
  /** `2026-03-31 23:59:59 UTC` */
  capturedLabel: string;
  /** `s3.not-public, s3.tls-only` or `none`. */
  checks: string;
  criteria: string;
  sha256: string;
}

/** One screenshot shown in the report, embedded as a data URI. */
export interface ScreenshotFigure {
  title: string;
  path: string;
  caption: string;
  dataUri: string;
}

/** The AWS Config aggregator: what was read, and the bucket population against ListBuckets. */
export interface AggregatorSection {
  /** One sentence: which aggregator, and how the populations compare. */
  lead: string;
  reconciliation: Table;
  results: Table;
}
