import { heading, mono, para, strong, tableBlocks } from './blocks.ts';
import { formatCount } from './cells.ts';
import { rowsTable, type Column } from './columns.ts';
import type {
  Block,
  Cell,
  CheckSummary,
  ControlMatrixRow,
  CrossCheckRow,
  IssueRow,
  MethodRow,
  OverallStatus,
  PassingSummaryRow,
  PrincipalGrantView,
  ReportModel,
  ReportSection,
  ScreenshotIndexRow,
  SectionHeading,
  StatusCount,
} from './report-model.ts';

/** What a section's content is built from: the model's facts, and the numbers of the other sections. */
export interface SectionContext {
  model: Omit<ReportModel, 'sections'>;
  /** The computed number of another section, for a cross-reference ("section 4.2"). */
  numberOf: (id: SectionId) => string;
}

interface SectionDefinition {
  id: string;
  title: string;
  /** The section this one is numbered under (`4.1` under `4`). */
  parent?: string;
  /** Drawn inside its parent, after the parent's blocks, rather than starting a page of its own. */
  inline?: boolean;
  /** `wide`: landscape pages for wide tables; `continue`: no page break before it in the HTML. */
  layout?: SectionHeading['layout'];
  /** Present only when this holds (default: always). */
  when?: (model: SectionInput) => boolean;
  /** What the section says: paragraphs, tables, figures; both renderers draw these blocks generically. */
  blocks: (ctx: SectionContext) => Block[];
}

/** A status badge cell: the label in words, coloured by status. */
function badge(s: OverallStatus): Cell {
  return { text: s.label, badge: s.status };
}

/** Count columns, one per status in report order, read from a row's `counts`. */
function countColumns<R>(
  counts: (row: R) => readonly StatusCount[],
  labels: readonly string[],
  weight = 0.5,
): Column<R>[] {
  const order = ['fail', 'insufficient-evidence', 'error', 'excepted', 'pass', 'not-applicable'] as const;
  return order.map((status, i) => ({
    id: `count_${status}`,
    header: labels[i] ?? status,
    weight,
    cls: 'num-cell',
    cell: (row: R): Cell => {
      const n = counts(row).find((c) => c.status === status)?.count ?? 0;
      return { text: formatCount(n), tone: n === 0 ? 'muted' : undefined };
    },
  }));
}

const SHORT_LABELS = ['Fail', 'Gap', 'Error', 'Exc.', 'Pass', 'N/A'];

/** One row of the summary table: a criterion, the other checks, or a total. */
interface SummaryRow {
  label: Cell;
  overall?: OverallStatus | undefined;
  counts: readonly StatusCount[];
  total: number;
}

function summaryColumns(labels: readonly string[]): Column<SummaryRow>[] {
  return [
    { id: 'criterion', header: 'Criterion', weight: 3, cell: (r) => r.label },
    {
      id: 'overall',
      header: 'Overall',
      weight: 1.2,
      cell: (r) => (r.overall ? badge(r.overall) : { text: '' }),
    },
    ...countColumns<SummaryRow>((r) => r.counts, labels, 0.9),
    {
      id: 'total',
      header: 'Total',
      weight: 0.6,
      cls: 'num-cell',
      cell: (r) => ({ text: formatCount(r.total) }),
    },
  ];
}

const CHECK_COLUMNS: readonly Column<CheckSummary>[] = [
  {
    id: 'check',
    header: 'Check',
    weight: 3.2,
    cell: (k) => ({ text: k.checkId, tone: 'mono', lines: [{ text: k.title }] }),
  },
  { id: 'severity', header: 'Severity', weight: 0.8, cell: (k) => ({ text: k.severity }) },
  { id: 'status', header: 'Status', weight: 1.2, cell: (k) => badge(k.overall) },
  ...countColumns<CheckSummary>((k) => k.counts, SHORT_LABELS),
];

const MATRIX_COLUMNS: readonly Column<ControlMatrixRow>[] = [
  {
    id: 'criterion',
    header: 'Criterion',
    weight: 0.8,
    cls: 'w-criterion',
    cell: (r) => ({ text: r.criterionId }),
  },
  {
    id: 'check',
    header: 'Check',
    weight: 2.4,
    cls: 'w-matrix-check',
    cell: (r) => ({ text: r.checkId, tone: 'mono', lines: [{ text: r.title }] }),
  },
  { id: 'status', header: 'Status', weight: 1.1, cls: 'w-status', cell: (r) => badge(r.overall) },
  {
    id: 'results',
    header: 'Results',
    weight: 1.4,
    cls: 'w-results',
    cell: (r) => {
      const [first, ...rest] = [
        ...r.counts.filter((c) => c.count > 0).map((c) => `${formatCount(c.count)} ${c.label}`),
        ...(r.deviations > 0
          ? [`of which ${formatCount(r.deviations)} period deviation${r.deviations === 1 ? '' : 's'}`]
          : []),
      ];
      return { text: first ?? 'none', lines: rest.map((text) => ({ text })) };
    },
  },
  {
    id: 'evidence',
    header: 'Evidence location',
    weight: 3,
    cell: (r) => {
      const [first, ...rest] = r.evidenceLocations;
      return {
        text: first ?? '',
        tone: 'mono',
        lines: rest.map((text) => ({ text, style: 'mono' as const })),
      };
    },
  },
];

const ISSUE_COLUMNS: readonly Column<IssueRow>[] = [
  {
    id: 'status',
    header: 'Status',
    weight: 1.1,
    cls: 'w-status',
    cell: (i) => ({ text: i.statusLabel, badge: i.status, lines: [{ text: i.severity, style: 'note' }] }),
  },
  {
    id: 'check',
    header: 'Check',
    weight: 1.7,
    cls: 'w-check',
    cell: (i) => ({ text: i.checkId, tone: 'mono', lines: [{ text: i.criteria, style: 'note' }] }),
  },
  {
    id: 'resource',
    header: 'Resource',
    weight: 1.7,
    cls: 'w-resource',
    cell: (i) => ({ text: i.resourceName, tone: 'mono' }),
  },
  {
    id: 'account',
    header: 'Account / region',
    weight: 1.2,
    cls: 'w-account',
    cell: (i) => ({ text: i.accountId, lines: [{ text: i.region }] }),
  },
  {
    id: 'reason',
    header: 'Reason and evidence',
    weight: 4,
    cell: (i) => ({
      text: i.reason,
      lines: i.remediation ? [{ text: i.remediation, style: 'fix' }] : undefined,
      list: i.evidence,
    }),
  },
];

const PASSING_COLUMNS: readonly Column<PassingSummaryRow>[] = [
  { id: 'check', header: 'Check', weight: 2, cell: (p) => ({ text: p.checkId, tone: 'mono' }) },
  { id: 'title', header: 'Title', weight: 3, cell: (p) => ({ text: p.title }) },
  { id: 'pass', header: 'Pass', weight: 0.7, cls: 'num-cell', cell: (p) => ({ text: formatCount(p.pass) }) },
  {
    id: 'not_applicable',
    header: 'Not applicable',
    weight: 0.9,
    cls: 'num-cell',
    cell: (p) => ({ text: formatCount(p.notApplicable) }),
  },
];

const CROSS_CHECK_COLUMNS: readonly Column<CrossCheckRow>[] = [
  { id: 'number', header: '#', weight: 0.4, cls: 'w-num', cell: (x) => ({ text: String(x.number) }) },
  {
    id: 'sources',
    header: 'Sources',
    weight: 1.6,
    cls: 'w-kind',
    cell: (x) => ({ text: x.kindLabel, lines: [{ text: x.checks, style: 'note' }] }),
  },
  {
    id: 'resource',
    header: 'Resource',
    weight: 1.6,
    cls: 'w-resource',
    cell: (x) => ({
      text: x.resourceName,
      tone: 'mono',
      lines: [{ text: `${x.accountId} ${x.region}`, style: 'note' }],
    }),
  },
  {
    id: 'disagreement',
    header: 'What disagrees, and the evidence',
    weight: 5,
    cell: (x) => ({
      text: `${x.subject}: ${x.summary}`,
      list: x.sources.flatMap((src) => [`${src.source}: ${src.says}`, ...src.evidence]),
    }),
  },
];

const SCREENSHOT_COLUMNS: readonly Column<ScreenshotIndexRow>[] = [
  {
    id: 'image',
    header: 'Image',
    weight: 2.4,
    cell: (x) => ({ text: `${x.title} (${x.kindLabel})`, lines: [{ text: x.path, style: 'mono' }] }),
  },
  { id: 'account', header: 'Account', weight: 1.1, cell: (x) => ({ text: x.account }) },
  { id: 'region', header: 'Region', weight: 0.9, cell: (x) => ({ text: x.region }) },
  { id: 'captured', header: 'Captured (UTC)', weight: 1.1, cell: (x) => ({ text: x.capturedLabel }) },
  {
    id: 'checks',
    header: 'Supports checks (criteria)',
    weight: 1.8,
    cell: (x) => ({ text: x.checks, tone: 'mono', lines: [{ text: x.criteria, style: 'note' }] }),
  },
  { id: 'sha256', header: 'SHA-256', weight: 2.4, cell: (x) => ({ text: x.sha256, tone: 'mono' }) },
];

const METHOD_COLUMNS: readonly Column<MethodRow>[] = [
  {
    id: 'check',
    header: 'Check',
    weight: 1.8,
    cls: 'w-check',
    cell: (r) => ({
      text: r.checkId,
      tone: 'mono',
      lines: [{ text: r.title }, { text: r.criteria, style: 'note' }],
    }),
  },
  { id: 'reads', header: 'Reads', weight: 2, cls: 'w-reads', cell: (r) => ({ text: r.reads, tone: 'mono' }) },
  { id: 'method', header: 'How it decides', weight: 5, cell: (r) => ({ text: r.method }) },
];

const GRANT_COLUMNS: readonly Column<PrincipalGrantView & { role: string }>[] = [
  { id: 'role', header: 'Role', weight: 0.8, cell: (g) => ({ text: g.role }) },
  { id: 'principal', header: 'Principal', weight: 2.6, cell: (g) => ({ text: g.principal, tone: 'mono' }) },
  { id: 'actions', header: 'Actions', weight: 2.4, cell: (g) => ({ text: g.actions }) },
  { id: 'conditions', header: 'Conditions', weight: 2, cell: (g) => ({ text: g.conditions }) },
];

function keyPolicyBlocks({ model }: SectionContext): Block[] {
  const policies = model.inventory.kmsKeys.policies;
  if (policies.items.length === 0) return [];
  const blocks: Block[] = [heading('Key policies: who administers and who may use each key', 4)];
  for (const [i, k] of policies.items.entries()) {
    blocks.push(heading(k.keyLabel, 4, { note: `(${k.accountId}, ${k.region})` }));
    if (k.problem) {
      blocks.push(para('gap', k.problem));
      continue;
    }
    const grants = [
      ...k.administrators.map((g) => ({ ...g, role: 'Administers' })),
      ...k.users.map((g) => ({ ...g, role: 'Uses' })),
    ];
    blocks.push(
      ...tableBlocks(rowsTable(GRANT_COLUMNS, grants, { id: `key-policy-${i + 1}` }), { dense: true }),
      ...k.notes.map((n) => para('note', n)),
    );
  }
  if (policies.moreNote) blocks.push(para('more', `${policies.moreNote}.`));
  return blocks;
}

/**
 * The report's sections, in reading order, each with what it says: the single list both renderers
 * follow. A section is one entry here (its heading, where it goes, when it is present, and its
 * blocks); the Handlebars report and the pdfkit fallback draw every section by iterating its blocks,
 * so neither can lack a section or a column the other has. Numbers are computed from this order, so
 * inserting a section renumbers the rest in both renderers, in every cross-reference ("section
 * 4.4"), and in the tests.
 */
export const SECTION_DEFINITIONS = [
  {
    id: 'summary',
    title: 'Scope and summary',
    blocks: ({ model }) => {
      const s = model.scope;
      const criterionRows: SummaryRow[] = model.criteria.map((c) => ({
        label: { text: `${c.id} ${c.title}` },
        overall: c.overall,
        counts: c.counts,
        total: c.total,
      }));
      const other: SummaryRow[] =
        model.otherChecks.total > 0
          ? [
              {
                label: {
                  text: 'Other checks, not part of any criterion',
                  lines: [{ text: `(${model.otherChecks.checks})`, style: 'mono' }],
                },
                counts: model.otherChecks.counts,
                total: model.otherChecks.total,
              },
            ]
          : [];
      const rows: SummaryRow[] = [
        ...criterionRows,
        ...other,
        { label: { text: 'Sum of the rows' }, counts: model.totals, total: s.totalResults },
        {
          label: { text: 'All results, each counted once' },
          counts: model.resultTotals,
          total: s.distinctResults,
        },
        ...(s.deviations > 0
          ? [
              {
                label: { text: 'of which deviations during the audit period' },
                counts: model.deviationTotals,
                total: s.deviations,
              },
            ]
          : []),
      ];
      return [
        para(
          'lead',
          "The population below is everything read from the accounts and regions in scope at the time of collection. Full population lists for sampling are in the pack's ",
          mono('inventory/'),
          ' directory.',
        ),
        {
          kind: 'tiles',
          tiles: [
            { label: 'Accounts', value: formatCount(s.accounts) },
            { label: 'Regions', value: formatCount(s.regions) },
            { label: 'Buckets', value: formatCount(s.buckets) },
            { label: 'Sensitive buckets', value: formatCount(s.sensitiveBuckets) },
            { label: 'KMS keys', value: formatCount(s.kmsKeys) },
            { label: 'Trails', value: formatCount(s.trails) },
          ],
        },
        ...s.inventoryGaps.map((g) => para('banner', g)),
        ...(s.outOfScope ? [para('note', s.outOfScope)] : []),
        heading('Results by criterion'),
        {
          kind: 'table',
          table: rowsTable(summaryColumns(model.totals.map((t) => t.label)), rows, {
            id: 'summary-criteria',
          }),
        },
        para(
          'note',
          'A result is counted in every criterion row its check supports; ',
          strong('All results'),
          " counts each result once (the cover, the command's summary line and findings.json count the same)",
          ...(s.deviations > 0
            ? [
                "; the deviations during the audit period are results like those of today's read, counted in every row, and the last row says how many there are",
              ]
            : []),
          '.',
        ),
        para(
          'note',
          'Statuses: ',
          strong('Fail'),
          ' the control is not met; ',
          strong('Insufficient evidence'),
          ' a required read was denied or failed; ',
          strong('Error'),
          ' the check itself failed; ',
          strong('Excepted'),
          ' fails but is covered by a valid, approved exception; ',
          strong('Pass'),
          ' the control is met; ',
          strong('Not applicable'),
          ' the check does not apply, with the reason.',
        ),
      ];
    },
  },
  {
    id: 'criteria',
    title: 'Results per criterion',
    layout: 'continue',
    blocks: ({ model }) =>
      model.criteria.flatMap((c): Block[] => [
        heading(`${c.id} \u2014 ${c.title}`, 3, { number: c.number, badge: c.overall }),
        ...(c.narrative ? [para('lead', c.narrative)] : []),
        { kind: 'chart', chart: c.chart },
        { kind: 'table', table: rowsTable(CHECK_COLUMNS, c.checks, { id: `criterion-${c.id}` }) },
      ]),
  },
  {
    id: 'control-matrix',
    title: 'Control matrix',
    blocks: ({ model }) => [
      para('lead', "Each criterion maps to checks; each check's results point to the evidence in the pack."),
      { kind: 'table', table: rowsTable(MATRIX_COLUMNS, model.controlMatrix, { id: 'control-matrix' }) },
    ],
  },
  {
    id: 'findings',
    title: 'Results requiring attention',
    blocks: ({ model }) => [
      para(
        'lead',
        'Every result that failed, lacks evidence, errored or is covered by an exception, worst first. Each names the raw API records it relied on (',
        mono('file#call-id'),
        ').',
      ),
      ...tableBlocks(
        rowsTable(ISSUE_COLUMNS, model.issues.items, {
          id: 'findings',
          total: model.issues.total,
          source: 'findings/findings.csv',
          emptyNote: 'No result failed, lacked evidence or was excepted.',
        }),
        { noun: 'results' },
      ),
    ],
  },
  {
    id: 'passing',
    inline: true,
    title: 'Passing and not-applicable results',
    parent: 'findings',
    blocks: ({ model }) =>
      model.passing.length === 0
        ? [para('empty', 'No result passed.')]
        : [
            { kind: 'table', table: rowsTable(PASSING_COLUMNS, model.passing, { id: 'passing' }) },
            para(
              'note',
              'Each passing result, with its reason and evidence, is listed in ',
              mono('findings/findings.csv'),
              '.',
            ),
          ],
  },
  {
    id: 'period',
    title: 'Results over the audit period',
    parent: 'findings',
    layout: 'wide',
    when: (p: SectionInput) => p.period,
    blocks: ({ model }) => {
      const p = model.period;
      if (!p) return [];
      return [
        para(
          'lead',
          `From ${p.startLabel} to ${p.endLabel}, every bucket in scope judged by the same checks as today, on each configuration AWS Config recorded for it (GetResourceConfigHistory, every page; each historical bucket policy probed as the live one is). A check `,
          strong('held'),
          ' when it passed in every recorded state during the period, was ',
          strong('broken'),
          ' when it failed in at least one window (dates and the CloudTrail events that opened and closed it given; each window is a finding), and is ',
          strong('unknown'),
          " with its reason: no history, recorder not recording, bucket created during or after the period (Config's resourceCreationTime), or a last record that disagrees with today's read with no event to explain it. Account-level Block Public Access, the KMS keys behind buckets and the account's trails are judged the same way from their own Config history (AWS::S3::AccountPublicAccessBlock, AWS::KMS::Key, AWS::CloudTrail::Trail); what Config does not record for a type (a key's policy, a trail's event selectors) is unknown, with that reason.",
        ),
        para(
          'plain',
          `Held: ${formatCount(p.held)} \u00b7 Broken during the period: ${formatCount(p.broken)} (${formatCount(p.deviations)} deviation windows, each a finding) \u00b7 Unknown: ${formatCount(p.unknown)}${p.unknownCauses ? ` (${p.unknownCauses})` : ''} \u00b7 Not applicable: ${formatCount(p.notApplicable)}`,
        ),
        heading('Checks over the period'),
        ...tableBlocks(p.verdicts, { dense: true }),
        heading('Account Block Public Access, KMS keys and trails over the period'),
        ...tableBlocks(p.resourceVerdicts, { dense: true }),
        heading('Monitoring over the period'),
        para(
          'plain',
          "Each trail's logging (StartLogging, StopLogging, CreateTrail and DeleteTrail events in the period, and GetTrailStatus), the AWS Config recorder per region (Start/StopConfigurationRecorder events and the recorder status), and each bucket under each required Config rule (its AWS::Config::ResourceCompliance history). A trail or recorder that started after the period began, or stopped within it, is broken for the gap; a NON_COMPLIANT interval is a deviation.",
        ),
        ...tableBlocks(p.monitoring, { dense: true }),
        heading('Reconciliation with today'),
        para(
          'plain',
          'The last state Config recorded in the period against today\'s read; each difference with the CloudTrail management event that made it after the period, or "changed, event not found".',
        ),
        ...tableBlocks(p.reconciliation, { dense: true }),
        heading('Configuration timeline'),
        ...tableBlocks(p.timeline, { dense: true }),
      ];
    },
  },
  {
    id: 'changes',
    title: 'Changes since the previous pack',
    parent: 'findings',
    when: (p: SectionInput) => p.changes,
    blocks: ({ model }) => {
      const c = model.changes;
      if (!c) return [];
      return [
        para(
          'lead',
          'Compared with ',
          mono(c.previousName),
          ` (as of ${c.previousAsOfLabel}, sha256 `,
          mono(c.previousSha256),
          '): buckets added and removed; encryption, key, policy, Block Public Access and public-status changes; check results that flipped; exceptions added, expired or removed. The same comparison is printed by ',
          mono('evidence-pack diff'),
          '.',
        ),
        c.changed ? { kind: 'pre', text: c.text } : para('plain', 'No changes since the previous pack.'),
      ];
    },
  },
  {
    id: 'cross-checks',
    title: 'Cross-checks: where two sources disagree',
    parent: 'findings',
    blocks: ({ model }) => [
      para(
        'lead',
        "Each row is a contradiction between two sources in this pack about the same resource: an AWS Config rule's verdict and this tool's own check of the same property, S3's ",
        mono('GetBucketPolicyStatus'),
        " and the tool's probe of the policy, a denied read and an AWS Config item or a console page that shows the value, or AWS Config's last recorded configuration and the live read. Both sources are cited: a read by its recorded call (",
        mono('file#call-id'),
        ') and AWS request id, a console page by its screenshot file. A contradiction is never scored as a pass; the full list is in ',
        mono('findings/findings.json'),
        ' (',
        mono('crossChecks'),
        ').',
      ),
      ...tableBlocks(
        rowsTable(CROSS_CHECK_COLUMNS, model.crossChecks.items, {
          id: 'cross-checks',
          cls: 'cross-checks',
          total: model.crossChecks.total,
          source: 'findings/findings.json (crossChecks)',
          emptyNote: 'No two sources in the pack contradict each other.',
        }),
        { noun: 'contradictions' },
      ),
    ],
  },
  {
    id: 'exceptions',
    title: 'Exception register',
    layout: 'wide',
    blocks: ({ model }) => [
      para(
        'lead',
        'Exceptions from the configuration. Only a valid exception (justified, approved, current, naming an existing bucket) turns a failing result into \u201cExcepted\u201d; an invalid one is itself a failing result of ',
        mono('exceptions.valid'),
        '.',
      ),
      ...tableBlocks(model.exceptions),
      heading('Trusted external accounts'),
      para(
        'plain',
        'Accounts outside the scope that the configuration allows to reach buckets and keys, each with its justification and approver. Only an entry that has not expired keeps its grants from failing ',
        mono('s3.no-external-access'),
        ' and ',
        mono('kms.no-external-access'),
        '.',
      ),
      ...tableBlocks(model.trustedAccounts),
    ],
  },
  {
    id: 'organization',
    title: 'Organization',
    layout: 'wide',
    when: (p: SectionInput) => p.organization === true,
    blocks: ({ model }) => {
      const o = model.organization;
      if (!o) return [];
      return [
        para(
          'lead',
          `The AWS Organization the accounts were discovered from: ${o.identity}. Accounts that are suspended, closing or closed, excluded by the configuration or outside the listed OUs are listed with the reason and not read; an account whose role could not be assumed is an evidence gap, with the error and its request id.`,
        ),
        para('plain', strong(o.reconciliation)),
        ...(o.listingGap ? [para('plain', strong(o.listingGap))] : []),
        heading('Organizational units'),
        ...tableBlocks(o.ouTree, { dense: true }),
        heading('Accounts'),
        ...tableBlocks(o.accounts, { dense: true }),
        heading('Policies that bear on the checks, and where each is attached'),
        para(
          'plain',
          "Resource control policies (RCPs) and service control policies (SCPs) on the root, each OU on an in-scope account's path and the account (ListPoliciesForTarget, DescribePolicy), and S3 policies, whose effective policy (DescribeEffectivePolicy) sets the account's Block Public Access.",
        ),
        ...tableBlocks(o.policies, { dense: true }),
      ];
    },
  },
  {
    id: 'inventory',
    title: 'Inventory',
    layout: 'wide',
    blocks: ({ model }) => [
      para(
        'lead',
        `Tables show at most ${formatCount(model.meta.maxRowsPerTable)} rows each, rows needing attention first. A cell reading `,
        'GAP: \u2026 could not be read (the call and request id are named); ',
        mono('none'),
        ' means AWS reported the setting absent.',
      ),
    ],
  },
  {
    id: 'inventory-buckets',
    inline: true,
    title: 'S3 buckets',
    parent: 'inventory',
    blocks: ({ model }) => tableBlocks(model.inventory.buckets, { dense: true }),
  },
  {
    id: 'inventory-kms-keys',
    inline: true,
    title: 'KMS keys',
    parent: 'inventory',
    blocks: (ctx) => [
      ...tableBlocks(ctx.model.inventory.kmsKeys.table, { dense: true }),
      ...keyPolicyBlocks(ctx),
    ],
  },
  {
    id: 'inventory-config',
    inline: true,
    title: 'AWS Config',
    parent: 'inventory',
    blocks: ({ model }) => [
      heading('Configuration recorders', 4),
      ...tableBlocks(model.inventory.configRecorders, { dense: true }),
      heading('Rules', 4),
      ...tableBlocks(model.inventory.configRules, { dense: true }),
      heading('Per-resource results', 4),
      ...tableBlocks(model.inventory.configResults, { dense: true }),
      ...(model.inventory.aggregator
        ? [
            heading('Organization aggregator', 4),
            para('plain', model.inventory.aggregator.lead),
            heading("Buckets: the aggregator's inventory against ListBuckets", 4),
            ...tableBlocks(model.inventory.aggregator.reconciliation, { dense: true }),
            heading('Aggregated results of the rules about S3', 4),
            ...tableBlocks(model.inventory.aggregator.results, { dense: true }),
          ]
        : []),
    ],
  },
  {
    id: 'inventory-trails',
    inline: true,
    title: 'CloudTrail trails and event selectors',
    parent: 'inventory',
    blocks: ({ model }) => tableBlocks(model.inventory.trails, { dense: true }),
  },
  {
    id: 'inventory-key-usage',
    inline: true,
    title: 'KMS key-usage events',
    parent: 'inventory',
    blocks: ({ model }) => [
      ...model.inventory.keyUsageCoverage.map((line) => para('note', line)),
      heading('Sensitive key operations', 4),
      ...tableBlocks(model.inventory.sensitiveKeyOperations, { dense: true }),
      heading('All events', 4),
      ...tableBlocks(model.inventory.keyUsageEvents, { dense: true }),
    ],
  },
  {
    id: 'screenshots',
    title: 'Screenshots',
    layout: 'wide',
    blocks: ({ model }) => [
      para(
        'lead',
        "Screenshots are stored as PNG files in the pack's ",
        mono('screenshots/'),
        ' directory. Each is stamped with account, region, resource, UTC time, source, the identity that captured it and the checks it supports; a console capture is kept only after the rendered page was confirmed to show the stamped resource. Besides the seeded sample, every bucket with a failing or excepted result is captured.',
      ),
      ...(model.screenshotIndex.length === 0
        ? [para('empty', 'No screenshots were captured in this run.')]
        : [
            {
              kind: 'table' as const,
              dense: true,
              table: rowsTable(SCREENSHOT_COLUMNS, model.screenshotIndex, {
                id: 'screenshots',
                cls: 'shots-index',
              }),
            },
            ...(model.screenshots.moreNote ? [para('more', `${model.screenshots.moreNote}.`)] : []),
            ...(model.screenshotFiguresNote ? [para('note', model.screenshotFiguresNote)] : []),
            ...model.screenshotFigures.map((figure): Block => ({ kind: 'figure', figure })),
          ]),
    ],
  },
  {
    id: 'evidence-index',
    title: 'Evidence index',
    blocks: ({ model }) => [
      para(
        'lead',
        'Every file in the pack with its SHA-256 digest. The same list is in ',
        mono('manifest.json'),
        ' and ',
        mono('SHA256SUMS'),
        '; the evidence digest on every page footer is ',
        mono(model.meta.evidenceDigest),
        '.',
      ),
      ...tableBlocks(model.evidenceIndex, { dense: true }),
    ],
  },
  {
    id: 'method',
    title: 'Method',
    blocks: ({ model }) => [
      para(
        'lead',
        'For each check: the AWS API operations whose recorded responses it reads, and how it decides. This text is generated from the check definitions the evaluation ran, so it states the logic that produced the results above. Every read is recorded in ',
        mono('raw/'),
        ' with its request id; a read that was denied or failed is an evidence gap (\u201cInsufficient evidence\u201d), never a pass.',
      ),
      para(
        'lead',
        'A read whose answer an earlier one already implies is not made, and is recorded as absent with a code ',
        mono('derived:'),
        ' and the reason, citing the answer that implies it: GetBucketPolicyStatus without a policy, or of a policy with only Deny statements (it grants nothing); GetBucketAcl when Object Ownership is BucketOwnerEnforced (ACLs are disabled and do not affect access). Bucket tags are read once per region with the Resource Groups Tagging API (',
        mono('GetResources'),
        ', which lists every tagged bucket with all its tags; a bucket it does not list has none, ',
        mono('derived:NoTagsInGetResources'),
        ') instead of GetBucketTagging per bucket, which is used where that listing fails. ',
        mono('collection.deriveImpliedReads: false'),
        ' makes every read.',
      ),
      { kind: 'table', table: rowsTable(METHOD_COLUMNS, model.method, { id: 'method', cls: 'method' }) },
    ],
  },
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

export type SectionId = (typeof SECTION_DEFINITIONS)[number]['id'];

/** The headings of the sections present in this report, numbered in order (`1`, `2`, `4.1`, ...). */
export function numberSections(model: SectionInput): SectionHeading[] {
  const out: SectionHeading[] = [];
  const children = new Map<string, number>();
  let top = 0;
  for (const def of SECTION_DEFINITIONS as readonly (SectionDefinition & { id: SectionId })[]) {
    if (def.when && !def.when(model)) continue;
    let number: string;
    const parent = def.parent as SectionId | undefined;
    if (parent) {
      const p = out.find((s) => s.id === parent);
      if (!p) throw new Error(`report section ${def.id}: parent ${parent} must come first`);
      const n = (children.get(parent) ?? 0) + 1;
      children.set(parent, n);
      number = `${p.number}.${n}`;
    } else {
      top += 1;
      number = String(top);
    }
    out.push({
      id: def.id,
      title: def.title,
      number,
      depth: parent ? 1 : 0,
      parent,
      inline: def.inline === true,
      layout: def.layout ?? 'page',
    });
  }
  return out;
}

/** The sections of this report with their content, built from the model's facts. */
export function buildSections(model: Omit<ReportModel, 'sections'>, input: SectionInput): ReportSection[] {
  const headings = numberSections(input);
  const numberOf = (id: SectionId): string => {
    const s = headings.find((x) => x.id === id);
    if (!s) throw new Error(`report section ${id} is not in this report`);
    return s.number;
  };
  const defs = new Map<string, SectionDefinition>(SECTION_DEFINITIONS.map((d) => [d.id, d]));
  return headings.map((h) => ({ ...h, blocks: defs.get(h.id)?.blocks({ model, numberOf }) ?? [] }));
}

/** The numbered section `id` of this report; throws for a section that is absent (a programming error). */
export function sectionOf(model: Pick<ReportModel, 'sections'>, id: SectionId): SectionHeading {
  const s = model.sections.find((x) => x.id === id);
  if (!s) throw new Error(`report section ${id} is not in this report`);
  return s;
}

/** The sub-sections drawn inside section `id` (after its own blocks), in order. */
export function inlineChildren(model: Pick<ReportModel, 'sections'>, id: string): ReportSection[] {
  return model.sections.filter((s) => s.inline && s.parent === id);
}
