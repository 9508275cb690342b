import { lastRotation } from '../checks/kms/rotation-enabled.ts';
import { isGap } from '../snapshot/outcome.ts';
import { stepsByFinding } from '../remediate/plan.ts';
import { remediationText } from '../remediate/render.ts';
import type { RemediationStep } from '../remediate/types.ts';
import { CHECK_STATUSES, type CheckStatus, type Classification } from '../checks/types.ts';
import type { Evaluation, Finding } from '../evaluate/types.ts';
import type {
  AdvancedEventSelector,
  BucketSnapshot,
  ClassicEventSelector,
  Snapshot,
  TrailSelectors,
} from '../snapshot/model.ts';
import { gapText, noneCell, outcomeCell, publicAccessBlockCell, text, utcLabel, yesNo } from './cells.ts';
import { describePrincipal, summarizeKeyPolicy } from './key-policy-summary.ts';
import type { Cell } from './report-model.ts';
import { STATUS_LABELS } from './status.ts';
import { aggregatorResultPopulation, bucketReconciliationPopulation } from './aggregator-populations.ts';
import { accountPopulation } from './organization-populations.ts';
import type { OrganizationSnapshot } from '../snapshot/organization.ts';

/**
 * The population lists an auditor samples from: one per inventory CSV, and the source of the
 * report's inventory tables. Each column says whether it also appears in the (width-limited) PDF.
 * Rows are sorted with the rows that need attention first.
 */
export interface Population {
  /** Pack path of the CSV, e.g. `inventory/buckets.csv`. */
  path: string;
  title: string;
  columns: PopulationColumn[];
  rows: Cell[][];
}

export interface PopulationColumn {
  /** CSV header (snake_case). */
  id: string;
  /** PDF header; omitted = CSV only. */
  pdfHeader?: string | undefined;
  /** Relative width in the PDF. */
  weight?: number | undefined;
}

/** Findings grouped by resource ARN, for per-resource status columns. */
export type FindingsByArn = Map<string, Finding[]>;

export function indexFindings(findings: readonly Finding[]): FindingsByArn {
  const map: FindingsByArn = new Map();
  for (const f of findings) {
    const list = map.get(f.resource.arn);
    if (list) list.push(f);
    else map.set(f.resource.arn, [f]);
  }
  return map;
}

const ATTENTION: ReadonlySet<CheckStatus> = new Set(['fail', 'insufficient-evidence', 'error', 'excepted']);

/**
 * `fail: s3.tls-only; insufficient-evidence: s3.not-public` — the results that need attention.
 * `labelOf` names a result (a bucket row names its key's results `kms.rotation-enabled (key …)`).
 */
function openFindingsCell(
  findings: readonly Finding[] | undefined,
  labelOf: (f: Finding) => string = (f) => f.checkId,
): { cell: Cell; rank: number } {
  const open = (findings ?? []).filter((f) => ATTENTION.has(f.status));
  if (open.length === 0) return { cell: { text: 'none', tone: 'good' }, rank: CHECK_STATUSES.length };
  const byStatus = new Map<CheckStatus, string[]>();
  for (const f of open) byStatus.set(f.status, [...(byStatus.get(f.status) ?? []), labelOf(f)]);
  const parts = CHECK_STATUSES.filter((s) => byStatus.has(s)).map(
    (s) => `${STATUS_LABELS[s]}: ${[...new Set(byStatus.get(s))].sort().join(', ')}`,
  );
  const rank = Math.min(...open.map((f) => CHECK_STATUSES.indexOf(f.status)));
  const tone = open.some((f) => f.status === 'fail')
    ? 'bad'
    : open.some((f) => f.status !== 'excepted')
      ? 'gap'
      : 'warn';
  return { cell: { text: parts.join('; '), tone }, rank };
}

/** Sorts rows by rank (attention first), keeping the input order within a rank. */
function sortByRank(rows: { rank: number; cells: Cell[] }[]): Cell[][] {
  return rows
    .map((r, i) => ({ ...r, i }))
    .sort((a, b) => a.rank - b.rank || a.i - b.i)
    .map((r) => r.cells);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------- buckets

function publicStatusCell(bucket: BucketSnapshot, findings: readonly Finding[] | undefined): Cell {
  const f = findings?.find((x) => x.checkId === 's3.not-public');
  if (f) {
    switch (f.status) {
      case 'pass':
        return { text: 'not public', tone: 'good' };
      case 'fail':
        return { text: 'PUBLIC', tone: 'bad' };
      case 'excepted':
        return { text: 'public (excepted)', tone: 'warn' };
      case 'insufficient-evidence':
        return { text: 'unknown (evidence gap)', tone: 'gap' };
      case 'error':
        return { text: 'unknown (check error)', tone: 'gap' };
      case 'not-applicable':
        return { text: 'not applicable', tone: 'muted' };
    }
  }
  return outcomeCell(
    bucket.policyStatus,
    (s) => (s.isPublic ? { text: 'policy public', tone: 'bad' } : { text: 'policy not public' }),
    { text: 'no policy' },
  );
}

function encryptionCells(bucket: BucketSnapshot): { algorithm: Cell; key: Cell; bucketKey: Cell } {
  const enc = bucket.encryption;
  if (enc.status !== 'ok') {
    const c = outcomeCell(enc, () => noneCell(), { text: 'none', tone: 'bad' });
    return { algorithm: c, key: c, bucketKey: c };
  }
  const rules = enc.value.rules;
  if (rules.length === 0) {
    const none: Cell = { text: 'none', tone: 'bad' };
    return { algorithm: none, key: none, bucketKey: noneCell() };
  }
  const algorithm = text(rules.map((r) => r.sseAlgorithm).join(', '));
  const keys = rules.map((r) =>
    r.sseAlgorithm.startsWith('aws:kms') ? (r.kmsMasterKeyId ?? 'aws/s3 (AWS managed)') : 'n/a (SSE-S3)',
  );
  // S3 Bucket Keys apply to SSE-KMS only: S3 accepts the setting with DSSE-KMS but does not use it.
  const sseKms = rules.some((r) => r.sseAlgorithm === 'aws:kms');
  const dsse = rules.some((r) => r.sseAlgorithm === 'aws:kms:dsse');
  return {
    algorithm,
    key: text(keys.join(', ')),
    bucketKey: sseKms
      ? yesNo(rules.some((r) => r.sseAlgorithm === 'aws:kms' && r.bucketKeyEnabled))
      : { text: dsse ? 'n/a (DSSE-KMS)' : 'n/a (SSE-S3)', tone: 'muted' },
  };
}

/** The class rule, with the warning when its tag is also an access-control input (ABAC). */
function classRuleCell(cls: Classification): Cell {
  return cls.tagAccessControl
    ? { text: `${cls.rule} — ${cls.tagAccessControl}`, tone: 'warn' }
    : text(cls.rule);
}

/** ABAC (GetBucketAbac): with `Enabled`, the bucket's tags govern access. */
function abacCell(b: BucketSnapshot): Cell {
  if (!b.abac) return noneCell();
  return outcomeCell(b.abac, (a) =>
    a.status === 'Enabled' ? { text: 'Enabled: bucket tags govern access', tone: 'warn' } : text('Disabled'),
  );
}

/** Every bucket of every account. */
export function bucketPopulation(
  snapshot: Snapshot,
  evaluation: Evaluation,
  byArn?: FindingsByArn,
): Population {
  const findings = byArn ?? indexFindings(evaluation.findings);
  const classes = new Map(evaluation.classifications.map((c) => [c.bucketArn, c.classification]));
  const rows: { rank: number; cells: Cell[] }[] = [];
  // A bucket's row rolls up the results of the KMS key its default encryption uses.
  const keyFindings = new Map<string, Finding[]>();
  for (const account of snapshot.accounts) {
    for (const k of account.kmsKeys) {
      const arn = k.metadata.status === 'ok' ? k.metadata.value.arn : k.references[0];
      const ofKey = arn ? findings.get(arn) : undefined;
      if (!ofKey) continue;
      for (const bucketArn of k.usedBy)
        keyFindings.set(`${account.accountId} ${bucketArn}`, [
          ...(keyFindings.get(`${account.accountId} ${bucketArn}`) ?? []),
          ...ofKey,
        ]);
    }
  }
  const keyName = (f: Finding): string =>
    f.resource.type === 'AWS::KMS::Key' ? `${f.checkId} (key ${f.resource.name})` : f.checkId;
  for (const account of snapshot.accounts) {
    const accountPab = publicAccessBlockCell(account.accountPublicAccessBlock);
    const buckets = [...account.buckets].sort(
      (a, b) => compareText(a.region, b.region) || compareText(a.name, b.name),
    );
    for (const b of buckets) {
      const cls = classes.get(b.arn);
      const enc = encryptionCells(b);
      const open = openFindingsCell(
        [...(findings.get(b.arn) ?? []), ...(keyFindings.get(`${b.accountId} ${b.arn}`) ?? [])],
        keyName,
      );
      rows.push({
        rank: open.rank,
        cells: [
          text(b.accountId),
          text(b.region),
          text(b.name, 'mono'),
          text(b.arn),
          text(b.creationDate ? utcLabel(b.creationDate) : undefined),
          cls ? text(cls.level, cls.level === 'sensitive' ? 'warn' : undefined) : noneCell(),
          cls ? classRuleCell(cls) : noneCell(),
          enc.algorithm,
          enc.key,
          enc.bucketKey,
          publicAccessBlockCell(b.publicAccessBlock),
          accountPab,
          outcomeCell(b.ownershipControls, (o) => text(o.objectOwnership)),
          publicStatusCell(b, findings.get(b.arn)),
          outcomeCell(b.policy, () => text('yes')),
          outcomeCell(b.versioning, (v) =>
            text(v.status ? `${v.status}${v.mfaDelete === 'Enabled' ? ' (MFA delete)' : ''}` : undefined),
          ),
          outcomeCell(b.tags, (t) => {
            const entries = Object.entries(t).sort(([a], [c]) => compareText(a, c));
            return entries.length === 0 ? noneCell() : text(entries.map(([k, v]) => `${k}=${v}`).join('; '));
          }),
          abacCell(b),
          open.cell,
        ],
      });
    }
  }
  return {
    path: 'inventory/buckets.csv',
    title: 'S3 buckets',
    columns: [
      { id: 'account_id', pdfHeader: 'Account', weight: 1.1 },
      { id: 'region', pdfHeader: 'Region', weight: 0.9 },
      { id: 'bucket', pdfHeader: 'Bucket', weight: 1.8 },
      { id: 'arn' },
      { id: 'created' },
      { id: 'classification', pdfHeader: 'Class', weight: 0.85 },
      { id: 'classification_rule', pdfHeader: 'Class rule', weight: 1 },
      { id: 'encryption', pdfHeader: 'Encryption', weight: 0.95 },
      { id: 'kms_key', pdfHeader: 'Key', weight: 1.4 },
      { id: 'bucket_key', pdfHeader: 'Bucket key', weight: 0.7 },
      { id: 'bpa_bucket', pdfHeader: 'BPA bucket', weight: 1.2 },
      { id: 'bpa_account', pdfHeader: 'BPA account', weight: 1.2 },
      { id: 'object_ownership', pdfHeader: 'Ownership', weight: 1.1 },
      { id: 'public_status', pdfHeader: 'Public', weight: 1 },
      { id: 'policy_present', pdfHeader: 'Policy', weight: 1.1 },
      { id: 'versioning', pdfHeader: 'Versioning', weight: 0.9 },
      { id: 'tags', pdfHeader: 'Tags', weight: 1.3 },
      { id: 'abac', pdfHeader: 'ABAC', weight: 0.9 },
      { id: 'open_findings', pdfHeader: 'Open findings', weight: 1.6 },
    ],
    rows: sortByRank(rows),
  };
}

// ---------------------------------------------------------------- KMS keys

/** Every KMS key in scope: those in-scope buckets use, and every other customer managed key ListKeys returned. */
export function kmsKeyPopulation(
  snapshot: Snapshot,
  evaluation: Evaluation,
  byArn?: FindingsByArn,
): Population {
  const findings = byArn ?? indexFindings(evaluation.findings);
  const rows: { rank: number; cells: Cell[] }[] = [];
  for (const account of snapshot.accounts) {
    for (const k of account.kmsKeys) {
      const md = k.metadata;
      const arn = md.status === 'ok' ? md.value.arn : (k.references[0] ?? '');
      const open = openFindingsCell(findings.get(arn));
      const summary = k.policy.status === 'ok' ? summarizeKeyPolicy(k.policy.value.text) : undefined;
      const principals = (which: 'administrators' | 'users'): Cell =>
        outcomeCell(k.policy, () =>
          summary && summary.ok
            ? text(
                summary[which]
                  .map((p) => describePrincipal(p.principal) + (p.conditional ? ' [conditional]' : ''))
                  .join('; '),
              )
            : { text: `unreadable: ${summary && !summary.ok ? summary.reason : ''}`, tone: 'gap' },
        );
      rows.push({
        rank: open.rank,
        cells: [
          text(k.accountId),
          text(k.region),
          outcomeCell(md, (m) => text(m.keyId, 'mono'), text(k.references[0])),
          text(arn),
          text(k.aliases.join(', ')),
          outcomeCell(md, (m) => text(m.keyManager, m.keyManager === 'CUSTOMER' ? 'good' : 'warn')),
          outcomeCell(md, (m) => text(m.keyState, m.keyState === 'Enabled' ? 'good' : 'bad')),
          outcomeCell(md, (m) => text(`${m.keySpec} / ${m.origin}`)),
          outcomeCell(
            k.rotation,
            (r) =>
              r.enabled
                ? {
                    text: `on${r.rotationPeriodInDays ? ` (${r.rotationPeriodInDays} d)` : ''}${r.nextRotationDate ? `, next ${r.nextRotationDate.slice(0, 10)}` : ''}`,
                    tone: 'good',
                  }
                : { text: 'off', tone: 'bad' },
            {
              text:
                k.metadata.status === 'ok' && k.metadata.value.origin === 'EXTERNAL'
                  ? 'on demand only'
                  : 'not supported',
              tone: 'muted',
            },
          ),
          outcomeCell(
            k.rotations ?? {
              status: 'absent',
              errorCode: 'derived:NotCollected',
              evidence: k.metadata.evidence,
            },
            (rs) => {
              const last = lastRotation(rs);
              return last
                ? text(
                    `${last.rotationDate.slice(0, 10)} (${last.rotationType === 'ON_DEMAND' ? 'on demand' : 'automatic'})`,
                  )
                : text('never');
            },
            { text: 'n/a', tone: 'muted' },
          ),
          text(String(k.usedBy.length)),
          yesNo(k.usedBy.length > 0, undefined),
          text(k.usedBy.join(' ')),
          text(k.references.join(' ')),
          principals('administrators'),
          principals('users'),
          open.cell,
        ],
      });
    }
  }
  return {
    path: 'inventory/kms-keys.csv',
    title: 'KMS keys',
    columns: [
      { id: 'account_id', pdfHeader: 'Account', weight: 1.1 },
      { id: 'region', pdfHeader: 'Region', weight: 0.9 },
      { id: 'key_id', pdfHeader: 'Key id', weight: 2 },
      { id: 'key_arn' },
      { id: 'aliases', pdfHeader: 'Aliases', weight: 1.3 },
      { id: 'key_manager', pdfHeader: 'Manager', weight: 0.8 },
      { id: 'key_state', pdfHeader: 'State', weight: 0.8 },
      { id: 'spec_origin', pdfHeader: 'Spec / origin', weight: 1.1 },
      { id: 'rotation', pdfHeader: 'Rotation', weight: 0.8 },
      { id: 'last_rotation', pdfHeader: 'Last rotation', weight: 0.8 },
      { id: 'bucket_count', pdfHeader: 'Buckets', weight: 0.6 },
      // Keys no bucket uses are in the population too (ListKeys), e.g. the pack's signing key.
      { id: 'used_by_bucket' },
      { id: 'used_by' },
      { id: 'references' },
      { id: 'policy_administrators' },
      { id: 'policy_users' },
      { id: 'open_findings', pdfHeader: 'Open findings', weight: 1.6 },
    ],
    rows: sortByRank(rows),
  };
}

// ---------------------------------------------------------------- AWS Config

/** Configuration recorders per account and region. */
export function configRecorderPopulation(snapshot: Snapshot): Population {
  const rows: { rank: number; cells: Cell[] }[] = [];
  for (const account of snapshot.accounts) {
    for (const region of account.config) {
      const base = [text(region.accountId), text(region.region)];
      if (region.recorders.status !== 'ok' || region.recorders.value.length === 0) {
        const c = outcomeCell(region.recorders, () => ({ text: 'none', tone: 'bad' }), {
          text: 'none',
          tone: 'bad',
        });
        rows.push({ rank: 0, cells: [...base, c, c, c, c, c, c] });
        continue;
      }
      const statuses = region.recorderStatus;
      for (const r of region.recorders.value) {
        const status = statuses.status === 'ok' ? statuses.value.find((s) => s.name === r.name) : undefined;
        const recording: Cell =
          statuses.status !== 'ok'
            ? outcomeCell(statuses, () => noneCell())
            : status
              ? yesNo(status.recording)
              : noneCell('bad');
        const lastStatus: Cell =
          statuses.status !== 'ok'
            ? recording
            : text(status?.lastStatus, status?.lastStatus === 'SUCCESS' ? 'good' : 'bad');
        const recordsS3 = r.allSupported || r.resourceTypes.includes('AWS::S3::Bucket');
        rows.push({
          rank: status?.recording && status.lastStatus === 'SUCCESS' && recordsS3 ? 1 : 0,
          cells: [
            ...base,
            text(r.name),
            recording,
            lastStatus,
            text(r.allSupported ? 'all supported types' : r.resourceTypes.join(', ') || undefined),
            yesNo(recordsS3),
            text(r.roleArn),
          ],
        });
      }
    }
  }
  return {
    path: 'inventory/config-recorders.csv',
    title: 'AWS Config recorders',
    columns: [
      { id: 'account_id', pdfHeader: 'Account', weight: 1 },
      { id: 'region', pdfHeader: 'Region', weight: 0.9 },
      { id: 'recorder', pdfHeader: 'Recorder', weight: 1.2 },
      { id: 'recording', pdfHeader: 'Recording', weight: 0.7 },
      { id: 'last_status', pdfHeader: 'Last status', weight: 0.8 },
      { id: 'resource_types', pdfHeader: 'Records', weight: 1.4 },
      { id: 'records_s3_buckets', pdfHeader: 'S3 buckets', weight: 0.7 },
      { id: 'role_arn', pdfHeader: 'Role', weight: 2 },
    ],
    rows: sortByRank(rows),
  };
}

/** Config rules per account and region. */
export function configRulePopulation(snapshot: Snapshot): Population {
  const rows: Cell[][] = [];
  for (const account of snapshot.accounts) {
    for (const region of account.config) {
      const base = [text(region.accountId), text(region.region)];
      if (region.rules.status !== 'ok' || region.rules.value.length === 0) {
        const c = outcomeCell(region.rules, () => noneCell());
        rows.push([...base, c, c, c, c, c]);
        continue;
      }
      for (const r of region.rules.value) {
        rows.push([
          ...base,
          text(r.name),
          text(r.sourceIdentifier, 'mono'),
          text(r.owner),
          text(r.state, r.state === 'ACTIVE' ? 'good' : undefined),
          text(r.inputParameters),
        ]);
      }
    }
  }
  return {
    path: 'inventory/config-rules.csv',
    title: 'AWS Config rules',
    columns: [
      { id: 'account_id', pdfHeader: 'Account', weight: 1 },
      { id: 'region', pdfHeader: 'Region', weight: 0.9 },
      { id: 'rule', pdfHeader: 'Rule', weight: 2 },
      { id: 'source_identifier', pdfHeader: 'Identifier', weight: 2.4 },
      { id: 'owner', pdfHeader: 'Owner', weight: 0.7 },
      { id: 'state', pdfHeader: 'State', weight: 0.7 },
      { id: 'input_parameters' },
    ],
    rows,
  };
}

const COMPLIANCE_RANK: Record<string, number> = {
  NON_COMPLIANT: 0,
  INSUFFICIENT_DATA: 1,
  NOT_APPLICABLE: 2,
  COMPLIANT: 3,
};

/** Per-resource Config rule results, non-compliant first. */
export function configResultPopulation(snapshot: Snapshot): Population {
  const rows: { rank: number; cells: Cell[] }[] = [];
  for (const account of snapshot.accounts) {
    for (const region of account.config) {
      const base = [text(region.accountId), text(region.region)];
      for (const rule of region.results) {
        const ruleCells = [text(rule.ruleName), text(rule.sourceIdentifier, 'mono')];
        if (rule.evaluations.status !== 'ok') {
          const c = outcomeCell(rule.evaluations, () => noneCell());
          rows.push({ rank: 0, cells: [...base, ...ruleCells, c, c, c, c, c] });
          continue;
        }
        for (const e of rule.evaluations.value) {
          const tone =
            e.complianceType === 'COMPLIANT' ? 'good' : e.complianceType === 'NON_COMPLIANT' ? 'bad' : 'gap';
          rows.push({
            rank: COMPLIANCE_RANK[e.complianceType] ?? 1,
            cells: [
              ...base,
              ...ruleCells,
              text(e.resourceType),
              text(e.resourceId, 'mono'),
              text(e.complianceType, tone),
              text(e.resultRecordedTime ? utcLabel(e.resultRecordedTime) : undefined),
              text(e.annotation),
            ],
          });
        }
      }
    }
  }
  return {
    path: 'inventory/config-results.csv',
    title: 'AWS Config rule results',
    columns: [
      { id: 'account_id', pdfHeader: 'Account', weight: 1 },
      { id: 'region', pdfHeader: 'Region', weight: 0.9 },
      { id: 'rule', pdfHeader: 'Rule', weight: 1.6 },
      { id: 'source_identifier' },
      { id: 'resource_type' },
      { id: 'resource_id', pdfHeader: 'Resource', weight: 1.8 },
      { id: 'compliance', pdfHeader: 'Compliance', weight: 1.1 },
      { id: 'recorded_at', pdfHeader: 'Recorded', weight: 1.3 },
      { id: 'annotation' },
    ],
    rows: sortByRank(rows),
  };
}

// ---------------------------------------------------------------- CloudTrail

/** One line per selector, e.g. `classic: All, management yes, excludes kms.amazonaws.com; data AWS::S3::Object arn:aws:s3`. */
export function describeSelectors(sel: TrailSelectors): string {
  const parts: string[] = [];
  for (const s of sel.eventSelectors ?? []) parts.push(describeClassic(s));
  for (const s of sel.advancedEventSelectors ?? []) parts.push(describeAdvanced(s));
  return parts.length === 0 ? 'none' : parts.join(' | ');
}

function describeClassic(s: ClassicEventSelector): string {
  const bits = [`classic: ${s.readWriteType}`, `management ${s.includeManagementEvents ? 'yes' : 'no'}`];
  if (s.excludeManagementEventSources.length > 0)
    bits.push(`excludes ${s.excludeManagementEventSources.join(', ')}`);
  for (const d of s.dataResources) bits.push(`data ${d.type} ${d.values.join(' ')}`);
  return bits.join(', ');
}

function describeAdvanced(s: AdvancedEventSelector): string {
  const fields = s.fieldSelectors.map((f) => {
    const ops = (
      [
        ['=', f.equals],
        ['starts', f.startsWith],
        ['ends', f.endsWith],
        ['!=', f.notEquals],
        ['!starts', f.notStartsWith],
        ['!ends', f.notEndsWith],
      ] as const
    )
      .filter(([, v]) => v && v.length > 0)
      .map(([op, v]) => `${op} ${(v ?? []).join(',')}`);
    return `${f.field} ${ops.join(' ')}`;
  });
  return `advanced${s.name ? ` "${s.name}"` : ''}: ${fields.join('; ')}`;
}

/** Trails per account, plus a row per discovery gap. */
export function trailPopulation(snapshot: Snapshot): Population {
  const rows: { rank: number; cells: Cell[] }[] = [];
  for (const account of snapshot.accounts) {
    for (const d of account.cloudTrail.discovery) {
      if (!isGap(d.result)) continue;
      const c: Cell = { text: gapText(d.result), tone: 'gap' };
      rows.push({ rank: 0, cells: [text(account.accountId), text(d.region), c, c, c, c, c, c, c, c, c, c] });
    }
    for (const t of account.cloudTrail.trails) {
      const logging = outcomeCell(t.status, (s) => yesNo(s.isLogging));
      rows.push({
        rank: t.status.status === 'ok' && t.status.value.isLogging && t.logFileValidationEnabled ? 2 : 1,
        cells: [
          text(account.accountId),
          text(t.homeRegion),
          text(t.name),
          text(t.arn),
          yesNo(t.isMultiRegionTrail),
          yesNo(t.isOrganizationTrail, undefined),
          logging,
          yesNo(t.logFileValidationEnabled),
          text(t.s3BucketName),
          text(t.kmsKeyId),
          outcomeCell(t.selectors, (s) => text(describeSelectors(s))),
          outcomeCell(t.status, (s) =>
            text(s.latestDeliveryTime ? utcLabel(s.latestDeliveryTime) : undefined),
          ),
        ],
      });
    }
  }
  return {
    path: 'inventory/trails.csv',
    title: 'CloudTrail trails',
    columns: [
      { id: 'account_id', pdfHeader: 'Account', weight: 1 },
      { id: 'region', pdfHeader: 'Home region', weight: 0.9 },
      { id: 'trail', pdfHeader: 'Trail', weight: 1.2 },
      { id: 'trail_arn' },
      { id: 'multi_region', pdfHeader: 'Multi-region', weight: 0.7 },
      { id: 'organization_trail', pdfHeader: 'Org', weight: 0.5 },
      { id: 'logging', pdfHeader: 'Logging', weight: 0.6 },
      { id: 'log_file_validation', pdfHeader: 'Validation', weight: 0.7 },
      { id: 's3_bucket', pdfHeader: 'Log bucket', weight: 1.2 },
      { id: 'kms_key' },
      { id: 'selectors', pdfHeader: 'Event selectors', weight: 3 },
      { id: 'latest_delivery' },
    ],
    rows: sortByRank(rows),
  };
}

/** The sampled KMS key-usage events, plus a row per region whose lookup failed. */
export function keyUsagePopulation(snapshot: Snapshot): Population {
  const rows: Cell[][] = [];
  for (const account of snapshot.accounts) {
    for (const r of account.cloudTrail.keyUsage) {
      const base = [text(account.accountId), text(r.region)];
      if (r.events.status !== 'ok') {
        const c = outcomeCell(r.events, () => noneCell());
        rows.push([...base, c, c, c, c, c, c, c]);
        continue;
      }
      const events = [...r.events.value].sort((a, b) => compareText(b.eventTime, a.eventTime));
      for (const e of events) {
        rows.push([
          ...base,
          text(utcLabel(e.eventTime)),
          text(e.eventName),
          text(e.principalArn ?? e.username),
          text(e.keyArns.join(' ')),
          text(e.sourceIpAddress),
          text(e.readOnly === undefined ? undefined : e.readOnly ? 'read' : 'write'),
          text(e.eventId, 'mono'),
        ]);
      }
    }
  }
  return {
    path: 'inventory/key-usage-events.csv',
    title: 'KMS key-usage events (sample)',
    columns: [
      { id: 'account_id', pdfHeader: 'Account', weight: 1 },
      { id: 'region', pdfHeader: 'Region', weight: 0.9 },
      { id: 'event_time', pdfHeader: 'Time (UTC)', weight: 1.3 },
      { id: 'event_name', pdfHeader: 'Event', weight: 1.1 },
      { id: 'principal', pdfHeader: 'Principal', weight: 2.2 },
      { id: 'key_arns', pdfHeader: 'Key', weight: 2.4 },
      { id: 'source_ip', pdfHeader: 'Source IP', weight: 0.9 },
      { id: 'read_write' },
      { id: 'event_id' },
    ],
    rows,
  };
}

// ---------------------------------------------------------------- exceptions & findings

/** The trusted external accounts of the config (`trustedAccounts`), with their validity. */
export function trustedAccountPopulation(evaluation: Evaluation): Population {
  const rows = (evaluation.trustedAccounts ?? []).map((t) => [
    text(t.accountId, 'mono'),
    text(t.justification),
    text(t.approvedBy),
    text(t.expires),
    t.valid ? { text: 'valid', tone: 'good' as const } : { text: 'EXPIRED', tone: 'bad' as const },
  ]);
  return {
    path: 'config/effective-config.json',
    title: 'Trusted external accounts',
    columns: [
      { id: 'account_id', pdfHeader: 'Account', weight: 1 },
      { id: 'justification', pdfHeader: 'Justification', weight: 2.4 },
      { id: 'approved_by', pdfHeader: 'Approved by', weight: 1 },
      { id: 'expires', pdfHeader: 'Expires', weight: 0.8 },
      { id: 'validity', pdfHeader: 'Validity', weight: 0.7 },
    ],
    rows,
  };
}

/** The exception register with validity; account and region come from the bucket when known. */
export function exceptionPopulation(snapshot: Snapshot, evaluation: Evaluation): Population {
  const buckets = new Map<string, BucketSnapshot[]>();
  for (const a of snapshot.accounts)
    for (const b of a.buckets) buckets.set(b.name, [...(buckets.get(b.name) ?? []), b]);
  const rows = evaluation.exceptions.map((v) => {
    const e = v.entry;
    const matches = (buckets.get(e.bucket) ?? []).filter((b) => !e.accountId || b.accountId === e.accountId);
    const bucket = matches[0];
    return [
      text(e.accountId ?? bucket?.accountId),
      text(bucket?.region),
      text(`exception-${e.index}`, 'mono'),
      text(e.bucket, 'mono'),
      text(e.checks.join(', ')),
      text(e.justification),
      text(e.approvedBy),
      text(e.ticket),
      text(e.expires),
      v.valid ? { text: 'valid', tone: 'good' as const } : { text: 'INVALID', tone: 'bad' as const },
      text(v.problems.join('; ')),
    ];
  });
  return {
    path: 'inventory/exceptions.csv',
    title: 'Exception register',
    columns: [
      { id: 'account_id', pdfHeader: 'Account', weight: 1 },
      { id: 'region', pdfHeader: 'Region', weight: 0.8 },
      { id: 'exception_id', pdfHeader: 'Id', weight: 0.9 },
      { id: 'bucket', pdfHeader: 'Bucket', weight: 1.4 },
      { id: 'checks', pdfHeader: 'Checks', weight: 1.4 },
      { id: 'justification', pdfHeader: 'Justification', weight: 2 },
      { id: 'approved_by', pdfHeader: 'Approver', weight: 1.1 },
      { id: 'ticket', pdfHeader: 'Ticket', weight: 0.8 },
      { id: 'expires', pdfHeader: 'Expires', weight: 0.8 },
      { id: 'validity', pdfHeader: 'Validity', weight: 0.7 },
      { id: 'problems', pdfHeader: 'Problems', weight: 1.6 },
    ],
    rows,
  };
}

/** A population whose rows are produced as they are read (a CSV writer reads them once). */
export interface PopulationSource extends Omit<Population, 'rows'> {
  rows: Iterable<Cell[]>;
}

/**
 * A row's cells, checked against the population's columns: a row with a cell too many or too few
 * would shift every later value under the wrong header, in the CSV and in the PDF alike.
 */
export function checkedRow(p: Pick<Population, 'path' | 'columns'>, row: Cell[]): Cell[] {
  if (row.length !== p.columns.length)
    throw new Error(`${p.path}: a row has ${row.length} cells for ${p.columns.length} columns`);
  return row;
}

/** A {@link PopulationSource} with every row built. */
function materialize(p: PopulationSource): Population {
  return { ...p, rows: [...p.rows] };
}

function findingRow(f: Finding): Cell[] {
  return [
    text(f.resource.accountId),
    text(f.resource.region ?? 'global'),
    text(f.checkId, 'mono'),
    text(f.title),
    text(f.criteria.join(' ')),
    text(f.severity),
    text(f.status),
    text(f.resource.type),
    text(f.resource.name),
    text(f.resource.arn),
    text(f.reason),
    text([...new Set(f.evidence.map((e) => e.file))].join(' ')),
    text(f.evidence.map((e) => `${e.file}#${e.callId}`).join(' ')),
    text(f.evidence.flatMap((e) => (e.requestId ? [e.requestId] : [])).join(' ')),
  ];
}

/**
 * Every finding, worst status first, then by check and resource; each row is built when read, so a
 * large run (100,000+ findings) never holds all finding rows at once.
 */
export function findingPopulationSource(evaluation: Evaluation, snapshot?: Snapshot): PopulationSource {
  const failing = evaluation.findings
    .filter((f) => f.status === 'fail')
    .map((f) => ({
      checkId: f.checkId,
      resourceArn: f.resource.arn,
      resourceName: f.resource.name,
      reason: f.reason,
    }));
  const remediation = snapshot ? stepsByFinding(snapshot, failing) : new Map<string, RemediationStep>();
  const sorted = [...evaluation.findings].sort(
    (a, b) =>
      CHECK_STATUSES.indexOf(a.status) - CHECK_STATUSES.indexOf(b.status) ||
      compareText(a.checkId, b.checkId) ||
      compareText(a.resource.arn, b.resource.arn),
  );
  return {
    path: 'findings/findings.csv',
    title: 'Findings',
    columns: [
      { id: 'account_id' },
      { id: 'region' },
      { id: 'check_id' },
      { id: 'title' },
      { id: 'criteria' },
      { id: 'severity' },
      { id: 'status' },
      { id: 'resource_type' },
      { id: 'resource_name' },
      { id: 'resource_arn' },
      { id: 'reason' },
      { id: 'evidence_files' },
      { id: 'evidence_calls' },
      { id: 'request_ids' },
      { id: 'remediation' },
    ],
    rows: (function* () {
      for (const f of sorted)
        yield [...findingRow(f), text(remediationText(remediation.get(`${f.checkId} ${f.resource.arn}`)))];
    })(),
  };
}

/**
 * Every population list, in pack order, each built only when its function is called: a writer
 * that handles one at a time holds one population's rows at most.
 */
export function populationSources(snapshot: Snapshot, evaluation: Evaluation): (() => PopulationSource)[] {
  const byArn = indexFindings(evaluation.findings);
  return [
    () => findingPopulationSource(evaluation, snapshot),
    () => bucketPopulation(snapshot, evaluation, byArn),
    () => kmsKeyPopulation(snapshot, evaluation, byArn),
    () => configRecorderPopulation(snapshot),
    () => configRulePopulation(snapshot),
    () => configResultPopulation(snapshot),
    () => trailPopulation(snapshot),
    () => keyUsagePopulation(snapshot),
    () => exceptionPopulation(snapshot, evaluation),
    () => outOfScopeBucketPopulation(snapshot),
    ...(snapshot.organization
      ? [() => accountPopulation(snapshot.organization as OrganizationSnapshot)]
      : []),
    ...(snapshot.aggregator
      ? [() => bucketReconciliationPopulation(snapshot), () => aggregatorResultPopulation(snapshot)]
      : []),
  ];
}

// ---------------------------------------------------------------- out of scope

/** Pack path of the buckets listed outside the regions in scope. */
export const OUT_OF_SCOPE_CSV = 'inventory/buckets-out-of-scope.csv';

/** Buckets ListBuckets returned in regions outside the scope: listed so none is dropped silently. */
export function outOfScopeBucketPopulation(snapshot: Snapshot): Population {
  const rows = snapshot.accounts
    .flatMap((a) => a.outOfScopeBuckets ?? [])
    .map((b) => [text(b.accountId), text(b.region), text(b.name), text(b.arn), text('not assessed')]);
  return {
    path: OUT_OF_SCOPE_CSV,
    title: 'Buckets outside the regions in scope',
    columns: [{ id: 'account_id' }, { id: 'region' }, { id: 'bucket' }, { id: 'arn' }, { id: 'assessment' }],
    rows,
  };
}

/** Every population list, in pack order. */
export function allPopulations(snapshot: Snapshot, evaluation: Evaluation): Population[] {
  return populationSources(snapshot, evaluation).map((source) => materialize(source()));
}
