import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { CHECK_STATUSES, type CheckStatus, type CrossCheck } from '../checks/types.ts';
import type { Evaluation, Finding } from '../evaluate/types.ts';
import { organizationName, type Config } from '../config/schema.ts';
import { organizationSection } from './organization-section.ts';
import { isGap } from '../snapshot/outcome.ts';
import type { Snapshot } from '../snapshot/model.ts';
import { formatCount, utcLabel, utcTimesInText } from './cells.ts';
import {
  aggregatorLead,
  aggregatorResultPopulation,
  bucketReconciliationPopulation,
} from './aggregator-populations.ts';
import { describePrincipal, summarizeKeyPolicy, type PrincipalGrant } from './key-policy-summary.ts';
import { moreNote, population, populationTable, type Column } from './columns.ts';
import {
  configRecorderPopulation,
  configResultPopulation,
  configRulePopulation,
  exceptionPopulation,
  indexFindings,
  keyUsagePopulation,
  keyUsageCoverage,
  sensitiveKeyOperationPopulation,
  trustedAccountPopulation,
  kmsKeyPopulation,
  bucketPopulation,
  trailPopulation,
  OUT_OF_SCOPE_CSV,
  remediationSteps,
} from './populations.ts';
import type {
  AggregatorSection,
  CappedList,
  ChangesSection,
  CheckSummary,
  ControlMatrixRow,
  CrossCheckRow,
  IssueRow,
  MethodRow,
  KeyPolicyView,
  PassingSummaryRow,
  PeriodSection,
  ReportMeta,
  ReportModel,
  ScreenshotEntry,
  ScreenshotFigure,
  ScreenshotIndexRow,
} from './report-model.ts';
import { buildSections, numberSections } from './sections.ts';
import { emptyCounts, overallStatus, STATUS_LABELS, statusChart, toStatusCounts } from './status.ts';
import { CHECKS } from '../checks/registry.ts';
import { criteriaOf } from '../controls/mapping.ts';
import type { EvidenceRef } from '../snapshot/outcome.ts';
import type { Invocation, TimeWindow } from '../provenance/provenance.ts';

function sumCounts(counts: Record<CheckStatus, number>): number {
  return CHECK_STATUSES.reduce((n, st) => n + counts[st], 0);
}

/**
 * The sentence under the cover's tiles: what the tiles count (every result once, as the CLI's summary
 * line and findings.json's `summary.byStatus` do, one row each in findings.csv), how many of them
 * are deviations during the audit period, and how the same results add up per criterion, so an
 * auditor can reconcile every total in the pack.
 */
function coverTotalsNote(
  summary: Evaluation['summary'],
  perCriterionTotal: number,
  numbers: ReadonlyMap<string, string>,
): string {
  const d = summary.periodDeviations;
  const today = summary.results - d.results;
  const period = numbers.get('period');
  const deviations =
    d.results > 0
      ? ` Of them, ${formatCount(today)} ${today === 1 ? 'is a result' : 'are results'} of today's read and ${formatCount(d.results)} ${d.results === 1 ? 'is a deviation' : 'are deviations'} during the audit period (${CHECK_STATUSES.filter(
          (st) => d.byStatus[st] > 0,
        )
          .map((st) => `${formatCount(d.byStatus[st])} ${STATUS_LABELS[st].toLowerCase()}`)
          .join(', ')}${period ? `; section ${period}` : ''}).`
      : '';
  const other = summary.otherChecks.checks.length
    ? ` plus ${formatCount(sumCounts(summary.otherChecks.byStatus))} results of other checks, not part of any criterion (${summary.otherChecks.checks.join(', ')})`
    : '';
  return (
    `${formatCount(summary.results)} results, each counted once: the same totals as the command's summary line and findings/findings.json (summary.byStatus), one row each in findings/findings.csv.` +
    deviations +
    ` Counted per criterion instead (a result counts once in each criterion its check supports), the criterion rows of section ${numbers.get('summary') ?? ''} sum to ${formatCount(sumCounts(summary.controlTotals))}${other}: ${formatCount(perCriterionTotal)}.`
  );
}
import {
  periodMonitoringPopulation,
  periodReconciliationPopulation,
  periodTimelinePopulation,
  periodVerdictPopulation,
} from './period-populations.ts';
import { periodResourcePopulation } from './period-resources.ts';

/** Everything the report is built from. */
export interface ReportInput {
  snapshot: Snapshot;
  evaluation: Evaluation;
  config: Config;
  evidenceIndex: { path: string; sha256: string; bytes: number }[];
  evidenceDigest: string;
  screenshots: ScreenshotEntry[];
  renderer: 'chromium' | 'pdfkit';
  fallbackReason?: string;
  toolVersion: string;
  /** `sha256:<hex>` of config/effective-config.json. */
  configDigest?: string | undefined;
  /** Who ran it, how, with which code, and when (the render's own end is not known yet). */
  provenance?:
    | (Invocation & {
        times: { collection: TimeWindow; capture: TimeWindow | null; renderStartedAt: string };
      })
    | undefined;
  /** Changes since the previous pack, already computed (see src/diff). */
  changes?: ChangesSection | undefined;
}

const ATTENTION: readonly CheckStatus[] = ['fail', 'insufficient-evidence', 'error', 'excepted'];
const SEVERITY_RANK = { high: 0, medium: 1, low: 2 } as const;

function cap<T>(items: readonly T[], max: number, where: string): CappedList<T> {
  const shown = items.slice(0, max);
  const omitted = items.length - shown.length;
  return { items: shown, total: items.length, omitted, moreNote: moreNote(omitted, where) };
}

/** {@link cap} of `items.map(toRow)`, building only the rows shown (there can be 100,000 items). */
function capMapped<T, U>(
  items: readonly T[],
  max: number,
  where: string,
  toRow: (item: T, index: number) => U,
): CappedList<U> {
  const capped = cap(items, max, where);
  return { ...capped, items: capped.items.map((item, i) => toRow(item, i)) };
}

/** Reads the logo file into a data URI; the reason when it cannot be used. */
export function loadLogo(
  path: string,
): { ok: true; dataUri: string; mime: string; bytes: Buffer } | { ok: false; reason: string } {
  const mimes: Record<string, string> = {
    '.png': 'image/png',
    '.svg': 'image/svg+xml',
    '.jpg': 'image/jpeg',
    '.jpeg': 'image/jpeg',
  };
  const mime = mimes[extname(path).toLowerCase()];
  if (!mime) return { ok: false, reason: `logo ${path}: only PNG, SVG and JPEG files are supported` };
  let bytes: Buffer;
  try {
    bytes = readFileSync(resolve(path));
  } catch (err) {
    return {
      ok: false,
      reason: `logo ${path} could not be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    };
  }
  return { ok: true, dataUri: `data:${mime};base64,${bytes.toString('base64')}`, mime, bytes };
}

/** Kinds of view, in the order figures are shown: one of each is embedded first. */
const FIGURE_VIEWS: readonly string[] = [
  'account-bpa',
  'bucket-properties',
  'bucket-permissions',
  'bucket-acl',
  'bucket-encryption',
  'bucket-policy',
  'bucket-bpa',
  'kms-key',
  'kms-key-policy',
  'config-rule',
  'trail',
];

function viewRank(shot: ScreenshotEntry): number {
  const i = FIGURE_VIEWS.indexOf(shot.view ?? '');
  return i < 0 ? FIGURE_VIEWS.length : i;
}

/** Better candidates first: supports a failing or excepted result, then console, then file name. */
function figureOrder(a: ScreenshotEntry, b: ScreenshotEntry): number {
  return (
    Number(!a.attention) - Number(!b.attention) ||
    Number(a.kind !== 'console') - Number(b.kind !== 'console') ||
    (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)
  );
}

/**
 * The screenshots shown as figures, up to `max`: first one image of each kind of view (account Block
 * Public Access, bucket properties, permissions and ACL, KMS key and key policy, Config rule, trail),
 * preferring one that supports a failing or excepted result and a console capture; then the other
 * images that support failing or excepted results. Every image stays in the pack and in the index.
 */
export function chooseFigures(shots: readonly ScreenshotEntry[], max: number): ScreenshotEntry[] {
  const ranked = [...shots].sort(figureOrder);
  const chosen: ScreenshotEntry[] = [];
  const seenViews = new Set<string>();
  for (const shot of ranked) {
    if (chosen.length >= max) break;
    const view = shot.view ?? shot.kind ?? '';
    if (seenViews.has(view)) continue;
    seenViews.add(view);
    chosen.push(shot);
  }
  for (const shot of ranked) {
    if (chosen.length >= max) break;
    if (shot.attention && !chosen.includes(shot)) chosen.push(shot);
  }
  return chosen.sort((a, b) => viewRank(a) - viewRank(b) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function screenshotFigures(shots: readonly ScreenshotEntry[], max: number): ScreenshotFigure[] {
  const figures: ScreenshotFigure[] = [];
  for (const shot of chooseFigures(shots, max)) {
    if (!shot.absolutePath) continue;
    let png: Buffer;
    try {
      png = readFileSync(shot.absolutePath);
    } catch {
      continue;
    }
    figures.push({
      title: shot.title,
      path: shot.path,
      caption: `${shot.path} — ${shot.source} — supports ${shot.checks?.length ? shot.checks.join(', ') : 'no check result'} — sha256 ${shot.sha256}`,
      dataUri: `data:image/png;base64,${png.toString('base64')}`,
    });
  }
  return figures;
}

function figuresNote(total: number, shown: number, max: number): string {
  if (total === 0) return '';
  return (
    `${formatCount(shown)} of the ${formatCount(total)} screenshots are embedded below (at most ${formatCount(max)}, ` +
    'report.maxScreenshotFigures). They were chosen as follows: first one image of each kind of view ' +
    '(account Block Public Access; bucket properties, permissions, ACL, encryption, policy and Block Public Access; ' +
    'KMS key and key policy; AWS Config rule; CloudTrail trail), preferring one that supports a failing or excepted ' +
    'result and a console capture over an API view; then further images that support failing or excepted results. ' +
    "Every screenshot, embedded or not, is listed in the index above and stored in the pack's screenshots/ directory; " +
    'its stamp names the checks and criteria it supports.'
  );
}

const KIND_LABELS: Record<string, string> = { console: 'console', 'api-view': 'API view' };

function screenshotIndexRow(s: ScreenshotEntry): ScreenshotIndexRow {
  return {
    title: s.title,
    path: s.path,
    kindLabel: KIND_LABELS[s.kind ?? ''] ?? 'image',
    account: s.account,
    region: s.region,
    resource: s.resource,
    capturedLabel: utcLabel(s.capturedAt),
    checks: s.checks?.length ? s.checks.join(', ') : 'none',
    criteria: s.criteria?.length ? s.criteria.join(', ') : 'none',
    sha256: s.sha256,
  };
}

function buildMeta(input: ReportInput): ReportMeta {
  const { snapshot, evaluation, config } = input;
  const accounts = snapshot.accounts.map((a) => ({ accountId: a.accountId, name: a.name }));
  const regions = [...new Set(snapshot.accounts.flatMap((a) => a.regions))].sort();
  const warnings: string[] = [];
  let logo: ReportMeta['logo'];
  if (config.report.logo) {
    const l = loadLogo(config.report.logo);
    if (l.ok) logo = { dataUri: l.dataUri, mime: l.mime, bytes: l.bytes };
    else warnings.push(l.reason);
  }
  return {
    organization: organizationName(config),
    accounts,
    accountsLabel: accounts
      .map((a) => (a.name && a.name !== a.accountId ? `${a.accountId} (${a.name})` : a.accountId))
      .join(', '),
    regions,
    asOf: snapshot.collection.finishedAt,
    asOfLabel: utcLabel(snapshot.collection.finishedAt),
    generatedAt: evaluation.evaluatedAt,
    generatedAtLabel: utcLabel(evaluation.evaluatedAt),
    collectionStartedLabel: utcLabel(snapshot.collection.startedAt),
    toolVersion: input.toolVersion,
    runId: snapshot.runId,
    callerArn: snapshot.caller.arn,
    evidenceDigest: input.evidenceDigest,
    evidenceDigestShort: input.evidenceDigest.replace(/^sha256:/, '').slice(0, 16),
    configDigest: input.configDigest,
    provenance: input.provenance
      ? {
          operatorLabel: input.provenance.operatorLabel,
          commandLine: input.provenance.commandLine,
          codeDigest: input.provenance.codeDigest,
          collectionLabel: windowLabel(input.provenance.times.collection),
          captureLabel: input.provenance.times.capture
            ? windowLabel(input.provenance.times.capture)
            : 'no screenshots were taken',
          renderStartedLabel: utcLabel(input.provenance.times.renderStartedAt),
        }
      : undefined,
    sandboxLabel: snapshot.sandbox
      ? `SANDBOX DATA: collected from the bundled local AWS-compatible sandbox${snapshot.endpoint ? ` at ${snapshot.endpoint}` : ''}, not from AWS.`
      : undefined,
    endpoint: snapshot.endpoint,
    period: config.period
      ? { startLabel: utcLabel(config.period.start), endLabel: utcLabel(config.period.end) }
      : undefined,
    renderer: input.renderer,
    fallbackReason: input.fallbackReason,
    logo,
    warnings,
    maxRowsPerTable: config.report.maxRowsPerTable,
  };
}

function windowLabel(w: TimeWindow): string {
  return `${utcLabel(w.startedAt)} to ${utcLabel(w.finishedAt)}`;
}

const CROSS_CHECK_LABELS: Record<CrossCheck['kind'], string> = {
  'config-rule-vs-check': "AWS Config rule vs this tool's check",
  'policy-status-vs-probe': 'S3 PolicyStatus vs policy probe',
  'config-history-vs-live': 'AWS Config history vs live read',
  'denied-read-vs-config-item': 'Denied read vs AWS Config item',
  'denied-read-vs-console-page': 'Denied read vs console page',
};

function evidenceText(e: EvidenceRef): string {
  return `${e.file}#${e.callId} (${e.operation}${e.requestId ? `, request id ${e.requestId}` : ''})`;
}

function crossCheckRow(x: CrossCheck, i: number): CrossCheckRow {
  return {
    number: i + 1,
    kindLabel: CROSS_CHECK_LABELS[x.kind],
    resourceName: x.resource.name,
    accountId: x.resource.accountId,
    region: x.resource.region ?? 'global',
    subject: x.subject,
    summary: x.summary,
    checks: x.checks.join(', '),
    sources: x.sources.map((s) => ({
      source: s.source,
      says: s.says,
      evidence: [
        ...new Set([
          ...s.evidence.map(evidenceText),
          ...(s.screenshots ?? []).map((p) => `${p} (screenshot)`),
        ]),
      ],
    })),
  };
}

/** The Method section: each check run, what it reads and how it decides, from its definition. */
function methodRows(evaluation: Evaluation): MethodRow[] {
  const run = new Set(Object.keys(evaluation.summary.byCheck));
  return CHECKS.filter((c) => run.has(c.id)).map((c) => ({
    checkId: c.id,
    title: c.title,
    criteria: criteriaOf(c.id, evaluation.criteria).join(', ') || 'none (other check)',
    reads: c.reads.length > 0 ? c.reads.join(', ') : 'no API read (the configuration only)',
    method: c.method,
  }));
}

/** Title and severity of each check, from its findings (the registry owns them; findings carry copies). */
function checkMetadata(
  findings: readonly Finding[],
): Map<string, { title: string; severity: Finding['severity'] }> {
  const meta = new Map<string, { title: string; severity: Finding['severity'] }>();
  for (const f of findings)
    if (!meta.has(f.checkId)) meta.set(f.checkId, { title: f.title, severity: f.severity });
  return meta;
}

function inventoryFor(checkId: string): string[] {
  if (checkId.startsWith('s3.')) return ['inventory/buckets.csv'];
  if (checkId.startsWith('kms.')) return ['inventory/kms-keys.csv'];
  if (checkId.startsWith('config.')) return ['inventory/config-rules.csv', 'inventory/config-results.csv'];
  if (checkId.startsWith('cloudtrail.')) return ['inventory/trails.csv'];
  if (checkId.startsWith('exceptions.')) return ['inventory/exceptions.csv'];
  return [];
}

/** Where the evidence for a check is: findings, inventory CSVs, and the raw records the results cite. */
function evidenceLocations(checkId: string, findings: readonly Finding[]): string[] {
  const raw = [...new Set(findings.flatMap((f) => f.evidence.map((e) => e.file)))].sort();
  const shown = raw.slice(0, 4);
  const rest = raw.length - shown.length;
  return [
    'findings/findings.csv',
    ...inventoryFor(checkId),
    ...shown,
    ...(rest > 0 ? [`+${rest} more raw files`] : []),
  ];
}

function issueRow(f: Finding, remediation?: string): IssueRow {
  return {
    remediation,
    checkId: f.checkId,
    title: f.title,
    severity: f.severity,
    status: f.status,
    statusLabel: STATUS_LABELS[f.status],
    criteria: f.criteria.join(', '),
    resourceName: f.resource.name,
    resourceArn: f.resource.arn,
    accountId: f.resource.accountId,
    region: f.resource.region ?? 'global',
    reason: utcTimesInText(f.reason),
    evidence: [
      ...new Set(
        f.evidence.map((e) => `${e.file}#${e.callId}${e.requestId ? ` (request id ${e.requestId})` : ''}`),
      ),
    ],
  };
}

function grantView(g: PrincipalGrant): { principal: string; actions: string; conditions: string } {
  return {
    principal: describePrincipal(g.principal),
    actions: g.actions.join(', '),
    conditions: g.conditions.length === 0 ? 'none (unconditional)' : g.conditions.join('; '),
  };
}

function keyPolicyViews(snapshot: Snapshot): KeyPolicyView[] {
  const views: KeyPolicyView[] = [];
  for (const account of snapshot.accounts) {
    for (const k of account.kmsKeys) {
      const md = k.metadata;
      const id = md.status === 'ok' ? md.value.keyId : (k.references[0] ?? 'unknown key');
      const keyLabel = k.aliases.length > 0 ? `${k.aliases.join(', ')} (${id})` : id;
      const base = { keyLabel, accountId: k.accountId, region: k.region };
      const p = k.policy;
      if (p.status !== 'ok') {
        const problem =
          p.status === 'absent'
            ? `no key policy was returned (${p.errorCode})`
            : `the key policy could not be read: ${p.errorCode} (${p.evidence.operation}${p.evidence.requestId ? `, request id ${p.evidence.requestId}` : ''})`;
        views.push({ ...base, problem, administrators: [], users: [], notes: [] });
        continue;
      }
      const s = summarizeKeyPolicy(p.value.text);
      if (!s.ok) {
        views.push({ ...base, problem: s.reason, administrators: [], users: [], notes: [] });
        continue;
      }
      views.push({
        ...base,
        administrators: s.administrators.map(grantView),
        users: s.users.map(grantView),
        notes: s.notes,
      });
    }
  }
  return views;
}

type EvidenceFile = ReportInput['evidenceIndex'][number];

const EVIDENCE_COLUMNS: readonly Column<EvidenceFile>[] = [
  { id: 'path', header: 'File', cell: (f) => ({ text: f.path, tone: 'mono' }) },
  { id: 'bytes', header: 'Bytes', cell: (f) => ({ text: formatCount(f.bytes) }) },
  { id: 'sha256', header: 'SHA-256', cell: (f) => ({ text: f.sha256, tone: 'mono' }) },
];

/**
 * Builds the report's view model: plain data that both the Chromium (Handlebars) and the pdfkit
 * renderers draw. Tables are capped at `config.report.maxRowsPerTable` rows, rows needing attention
 * first, with a line naming the CSV that holds the full population. Reads only the logo file.
 */
export function buildReportModel(input: ReportInput): ReportModel {
  const { snapshot, evaluation, config } = input;
  const max = config.report.maxRowsPerTable;
  const meta = buildMeta(input);
  const sectionInput = {
    period: evaluation.period !== undefined,
    changes: input.changes !== undefined,
    organization: snapshot.organization !== undefined,
  };
  const criteriaNumber = numberSections(sectionInput).find((s) => s.id === 'criteria')?.number ?? '';
  const byArn = indexFindings(evaluation.findings);
  const checkMeta = checkMetadata(evaluation.findings);
  const findingsByCheck = new Map<string, Finding[]>();
  for (const f of evaluation.findings) {
    const list = findingsByCheck.get(f.checkId);
    if (list) list.push(f);
    else findingsByCheck.set(f.checkId, [f]);
  }

  const checkSummary = (checkId: string): CheckSummary => {
    const counts = toStatusCounts(evaluation.summary.byCheck[checkId] ?? {});
    const m = checkMeta.get(checkId);
    return {
      checkId,
      title: m?.title ?? checkId,
      severity: m?.severity ?? 'n/a',
      counts,
      total: counts.reduce((s, c) => s + c.count, 0),
      overall: overallStatus(counts),
    };
  };

  const criteria = evaluation.criteria.map((c, i) => {
    const counts = toStatusCounts(evaluation.summary.byCriterion[c.id] ?? {});
    return {
      number: `${criteriaNumber}.${i + 1}`,
      id: c.id,
      title: c.title,
      narrative: c.narrative,
      checks: c.checks.map(checkSummary),
      counts,
      total: counts.reduce((s, x) => s + x.count, 0),
      overall: overallStatus(counts),
      chart: statusChart(counts),
    };
  });

  const controlMatrix: ControlMatrixRow[] = evaluation.criteria.flatMap((c) =>
    c.checks.map((checkId) => {
      const s = checkSummary(checkId);
      return {
        criterionId: c.id,
        checkId,
        title: s.title,
        counts: s.counts,
        deviations: evaluation.summary.periodDeviations.byCheck[checkId] ?? 0,
        overall: s.overall,
        evidenceLocations: evidenceLocations(checkId, findingsByCheck.get(checkId) ?? []),
      };
    }),
  );

  const fixes = remediationSteps(snapshot, evaluation);
  const issues = evaluation.findings
    .filter((f) => ATTENTION.includes(f.status))
    .sort(
      (a, b) =>
        ATTENTION.indexOf(a.status) - ATTENTION.indexOf(b.status) ||
        SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
        (a.checkId < b.checkId ? -1 : a.checkId > b.checkId ? 1 : 0) ||
        (a.resource.arn < b.resource.arn ? -1 : a.resource.arn > b.resource.arn ? 1 : 0),
    );

  const passing: PassingSummaryRow[] = [...findingsByCheck.keys()].sort().flatMap((checkId) => {
    const counts = evaluation.summary.byCheck[checkId];
    const pass = counts?.pass ?? 0;
    const na = counts?.['not-applicable'] ?? 0;
    return pass + na > 0
      ? [{ checkId, title: checkMeta.get(checkId)?.title ?? checkId, pass, notApplicable: na }]
      : [];
  });

  const outOfScopeCount = snapshot.accounts.reduce((n, a) => n + (a.outOfScopeBuckets?.length ?? 0), 0);
  const outOfScope =
    outOfScopeCount === 0
      ? ''
      : `${formatCount(outOfScopeCount)} bucket${outOfScopeCount === 1 ? '' : 's'} outside the regions in scope ${outOfScopeCount === 1 ? 'was' : 'were'} not assessed; ${outOfScopeCount === 1 ? 'it is' : 'they are'} listed by name, account and region in ${OUT_OF_SCOPE_CSV}.`;
  const keyListingGaps = snapshot.accounts.flatMap((a) =>
    (a.kmsKeyListing ?? []).flatMap(({ region, result }) =>
      isGap(result)
        ? [
            `Account ${a.accountId}, ${region}: the KMS key list is incomplete, ListKeys ${result.status === 'denied' ? 'was denied' : 'failed'} (${result.errorCode}${result.evidence.requestId ? `, request id ${result.evidence.requestId}` : ''}); only keys buckets name are listed there.`,
          ]
        : [],
    ),
  );
  const classifications = evaluation.classifications;
  const inventoryGaps = snapshot.accounts.flatMap((a) =>
    a.bucketListing.status === 'denied' || a.bucketListing.status === 'error'
      ? [
          `Account ${a.accountId}: the bucket list is incomplete, ListBuckets ${a.bucketListing.status === 'denied' ? 'was denied' : 'failed'} (${a.bucketListing.errorCode}${a.bucketListing.evidence.requestId ? `, request id ${a.bucketListing.evidence.requestId}` : ''}).`,
        ]
      : [],
  );

  // The criterion rows plus other checks: the "Sum of the rows" of the summary table.
  const perCriterion = emptyCounts();
  for (const st of CHECK_STATUSES)
    perCriterion[st] = evaluation.summary.controlTotals[st] + evaluation.summary.otherChecks.byStatus[st];
  const totals = toStatusCounts(perCriterion);
  const numbers = new Map(numberSections(sectionInput).map((x) => [x.id, x.number]));

  const evidencePopulation = population(
    { path: 'manifest.json and SHA256SUMS', title: 'Evidence index', columns: EVIDENCE_COLUMNS },
    [...input.evidenceIndex].sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path))),
  );

  const facts: Omit<ReportModel, 'sections'> = {
    meta,
    scope: {
      accounts: snapshot.accounts.length,
      regions: meta.regions.length,
      buckets: snapshot.accounts.reduce((s, a) => s + a.buckets.length, 0),
      sensitiveBuckets: classifications.filter((c) => c.classification.level === 'sensitive').length,
      kmsKeys: snapshot.accounts.reduce((s, a) => s + a.kmsKeys.length, 0),
      trails: snapshot.accounts.reduce((s, a) => s + a.cloudTrail.trails.length, 0),
      findings: evaluation.findings.length,
      totalResults: totals.reduce((n, c) => n + c.count, 0),
      distinctResults: evaluation.findings.length,
      crossChecks: evaluation.crossChecks.length,
      deviations: evaluation.summary.periodDeviations.results,
      totalsNote: coverTotalsNote(evaluation.summary, sumCounts(perCriterion), numbers),
      inventoryGaps: [...inventoryGaps, ...keyListingGaps],
      outOfScope,
    },
    totals,
    resultTotals: toStatusCounts(evaluation.summary.byStatus),
    deviationTotals: toStatusCounts(evaluation.summary.periodDeviations.byStatus),
    controlTotals: toStatusCounts(evaluation.summary.controlTotals),
    otherChecks: {
      checks: evaluation.summary.otherChecks.checks.join(', '),
      counts: toStatusCounts(evaluation.summary.otherChecks.byStatus),
      total: sumCounts(evaluation.summary.otherChecks.byStatus),
    },
    criteria,
    crossChecks: capMapped(
      evaluation.crossChecks,
      max,
      'findings/findings.json (crossChecks)',
      crossCheckRow,
    ),
    method: methodRows(evaluation),
    controlMatrix,
    issues: capMapped(issues, max, 'findings/findings.csv', (f) =>
      issueRow(f, f.deviation ? undefined : fixes.get(`${f.checkId} ${f.resource.arn}`)?.summary),
    ),
    passing,
    exceptions: populationTable(
      exceptionPopulation(snapshot, evaluation),
      'exceptions',
      max,
      'No exceptions are configured.',
    ),
    trustedAccounts: populationTable(
      trustedAccountPopulation(evaluation),
      'trusted-accounts',
      max,
      'No external accounts are trusted: every grant to an account outside the scope is a finding.',
    ),
    inventory: {
      buckets: populationTable(
        bucketPopulation(snapshot, evaluation, byArn),
        'buckets',
        max,
        'No buckets were found.',
      ),
      kmsKeys: {
        table: populationTable(
          kmsKeyPopulation(snapshot, evaluation, byArn),
          'kms-keys',
          max,
          'No bucket uses a KMS key.',
        ),
        policies: cap(keyPolicyViews(snapshot), max, 'inventory/kms-keys.csv'),
      },
      configRecorders: populationTable(
        configRecorderPopulation(snapshot),
        'config-recorders',
        max,
        'No regions in scope.',
      ),
      configRules: populationTable(
        configRulePopulation(snapshot),
        'config-rules',
        max,
        'No AWS Config rules were found.',
      ),
      configResults: populationTable(
        configResultPopulation(snapshot),
        'config-results',
        max,
        'No per-resource results were read.',
      ),
      trails: populationTable(trailPopulation(snapshot), 'trails', max, 'No CloudTrail trails were found.'),
      keyUsageEvents: populationTable(
        keyUsagePopulation(snapshot),
        'key-usage',
        max,
        'No key-usage events were found in the window read.',
      ),
      ...aggregatorSection(snapshot, max),
      sensitiveKeyOperations: populationTable(
        sensitiveKeyOperationPopulation(snapshot),
        'sensitive-key-operations',
        max,
        'No PutKeyPolicy, ScheduleKeyDeletion, DisableKey or DisableKeyRotation event in the window read.',
      ),
      keyUsageCoverage: keyUsageCoverage(snapshot),
    },
    screenshots: cap(input.screenshots, max, 'screenshots/'),
    screenshotIndex: input.screenshots.slice(0, max).map(screenshotIndexRow),
    ...figuresSection(input.screenshots, config.report.maxScreenshotFigures),
    evidenceIndex: populationTable(evidencePopulation, 'evidence-index', max, 'No files were indexed.'),
    ...(evaluation.period ? { period: periodSection(evaluation, max) } : {}),
    ...(input.changes ? { changes: input.changes } : {}),
    ...(snapshot.organization
      ? { organization: organizationSection(snapshot.organization, max, populationTable) }
      : {}),
  };
  return { sections: buildSections(facts, sectionInput), ...facts };
}

function figuresSection(
  shots: readonly ScreenshotEntry[],
  max: number,
): { screenshotFigures: ScreenshotFigure[]; screenshotFiguresNote: string } {
  const figures = screenshotFigures(shots, max);
  return {
    screenshotFigures: figures,
    screenshotFiguresNote: figuresNote(shots.length, figures.length, max),
  };
}

function periodSection(evaluation: Evaluation, max: number): PeriodSection | undefined {
  const period = evaluation.period;
  if (!period) return undefined;
  const all = [
    ...period.buckets.flatMap((b) => b.checks),
    ...(period.resources ?? []).flatMap((r) => r.checks),
    ...(period.monitoring ?? []),
  ];
  return {
    startLabel: utcLabel(period.start),
    endLabel: utcLabel(period.end),
    held: all.filter((c) => c.status === 'held').length,
    broken: all.filter((c) => c.status === 'broken').length,
    unknown: all.filter((c) => c.status === 'unknown').length,
    notApplicable: all.filter((c) => c.status === 'not-applicable').length,
    deviations: all.reduce((n, c) => n + c.brokenWindows.length, 0),
    unknownCauses: unknownCauses(all),
    verdicts: populationTable(
      periodVerdictPopulation(period),
      'period-verdicts',
      max,
      'No buckets in scope.',
    ),
    resourceVerdicts: populationTable(
      periodResourcePopulation(period),
      'period-resource-verdicts',
      max,
      'No AWS Config history of account Block Public Access, KMS keys or trails was collected (packs made before it was).',
    ),
    monitoring: populationTable(
      periodMonitoringPopulation(period),
      'period-monitoring',
      max,
      'No trail, recorder or Config rule was judged over the period.',
    ),
    timeline: populationTable(
      periodTimelinePopulation(period),
      'period-timeline',
      max,
      'AWS Config recorded no configuration item for any bucket.',
    ),
    reconciliation: populationTable(
      periodReconciliationPopulation(period),
      'period-reconciliation',
      max,
      "The last state recorded in the period matches today's read for every bucket.",
    ),
  };
}

const CAUSE_LABELS: Record<string, string> = {
  'no-history': 'no history',
  'not-recording': 'recorder not recording',
  'created-during-period': 'created during the period',
  'created-after-period': 'created after the period',
  'read-failed': 'history unreadable',
  unjudgeable: 'a recorded state could not be judged',
  'disagrees-with-live': "last record disagrees with today's read, no event",
  'not-in-config-item': 'not recorded by AWS Config for the type',
};

function unknownCauses(all: readonly { status: string; cause?: string | undefined }[]): string {
  const counts = new Map<string, number>();
  for (const c of all)
    if (c.status === 'unknown')
      counts.set(c.cause ?? 'no-history', (counts.get(c.cause ?? 'no-history') ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([k, n]) => `${CAUSE_LABELS[k] ?? k}: ${formatCount(n)}`)
    .join(', ');
}

/** The aggregator subsection of the inventory, when the snapshot has an aggregator. */
function aggregatorSection(snapshot: Snapshot, max: number): { aggregator?: AggregatorSection } {
  const lead = aggregatorLead(snapshot);
  if (lead === undefined) return {};
  return {
    aggregator: {
      lead,
      reconciliation: populationTable(
        bucketReconciliationPopulation(snapshot),
        'bucket-reconciliation',
        max,
        'No bucket inventory was read from the aggregator.',
      ),
      results: populationTable(
        aggregatorResultPopulation(snapshot),
        'aggregator-results',
        max,
        'The aggregator holds no results of rules about S3.',
      ),
    },
  };
}
