import { lastRotation } from '../checks/kms/rotation-enabled.ts';
import { isGap } from '../snapshot/outcome.ts';
import { stepsByFinding } from '../remediate/plan.ts';
import { remediationText } from '../remediate/render.ts';
import type { RemediationStep } from '../remediate/types.ts';
import { CHECK_STATUSES, type CheckStatus, type Classification } from '../checks/types.ts';
import type { Evaluation, Finding } from '../evaluate/types.ts';
import type {
  AccountSnapshot,
  AdvancedEventSelector,
  BucketSnapshot,
  ClassicEventSelector,
  KeyUsageEvent,
  Snapshot,
  TrailSelectors,
  TrailSnapshot,
} from '../snapshot/model.ts';
import { gapText, noneCell, outcomeCell, publicAccessBlockCell, text, utcLabel, yesNo } from './cells.ts';
import {
  materialize,
  population,
  populationSource,
  type Column,
  type Population,
  type PopulationSource,
} from './columns.ts';
import { describePrincipal, summarizeKeyPolicy } from './key-policy-summary.ts';
import type { Cell } from './report-model.ts';
import { STATUS_LABELS } from './status.ts';
import { durationLabel } from '../period/windows.ts';
import type { ChangeEvent } from '../period/types.ts';
import { aggregatorResultPopulation, bucketReconciliationPopulation } from './aggregator-populations.ts';
import { accountPopulation } from './organization-populations.ts';
import { orgBlockPublicAccess } from '../checks/s3/org-s3-policy.ts';
import type { OrganizationSnapshot } from '../snapshot/organization.ts';
import { objectEncryptionCell, objectEncryptionPopulation } from './object-inventory.ts';

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
function sortByRank<R extends { rank: number }>(rows: readonly R[]): R[] {
  return rows
    .map((r, i) => ({ r, i }))
    .sort((a, b) => a.r.rank - b.r.rank || a.i - b.i)
    .map((x) => x.r);
}

/** Where a row is: every population's first two columns. */
interface Located {
  accountId: string;
  region: string;
}

/**
 * A row that is either a value or a gap: when a list could not be read, its one row carries the
 * gap in every column after account and region.
 */
type GapOr<V> = Located & ({ value: V; gap?: undefined } | { gap: Cell; value?: undefined });

/** A column cell of a {@link GapOr} row: the gap, or the cell of its value. */
function ofValue<V>(cell: (value: V) => Cell): (row: GapOr<V>) => Cell {
  return (row) => (row.gap ? row.gap : cell(row.value));
}

/** The account and region columns every population starts with. */
function locatedColumns(regionHeader = 'Region'): Column<Located>[] {
  return [
    { id: 'account_id', header: 'Account', cell: (r) => text(r.accountId) },
    { id: 'region', header: regionHeader, cell: (r) => text(r.region) },
  ];
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

/**
 * The account's Block Public Access as S3 Control reports it and, where the organization's S3
 * policy sets it, that it does: `all 4 off (S3 policy "none")`, so a bucket of an exempted account
 * does not read as a forgotten setting.
 */
function accountPabCell(account: AccountSnapshot, org: OrganizationSnapshot | undefined): Cell {
  const cell = publicAccessBlockCell(account.accountPublicAccessBlock);
  const bpa = orgBlockPublicAccess(org, account.accountId);
  // Short: the column is narrow; the accounts table and accounts.csv name the policies.
  return bpa.kind === 'set' ? { ...cell, text: `${cell.text} (S3 policy "${bpa.setting}")` } : cell;
}

/** ABAC (GetBucketAbac): with `Enabled`, the bucket's tags govern access. */
function abacCell(b: BucketSnapshot): Cell {
  if (!b.abac) return noneCell();
  return outcomeCell(b.abac, (a) =>
    a.status === 'Enabled' ? { text: 'Enabled: bucket tags govern access', tone: 'warn' } : text('Disabled'),
  );
}

interface BucketRow extends Located {
  rank: number;
  b: BucketSnapshot;
  cls: Classification | undefined;
  enc: ReturnType<typeof encryptionCells>;
  accountPab: Cell;
  findings: Finding[] | undefined;
  open: Cell;
  /** The bucket's object encryption from S3 Inventory (needs the account's report readings). */
  objects: Cell;
}

const BUCKET_COLUMNS: readonly Column<BucketRow>[] = [
  ...locatedColumns(),
  { id: 'bucket', header: 'Bucket', cell: (r) => text(r.b.name, 'mono') },
  { id: 'arn', cell: (r) => text(r.b.arn) },
  { id: 'created', cell: (r) => text(r.b.creationDate ? utcLabel(r.b.creationDate) : undefined) },
  {
    id: 'classification',
    header: 'Class',
    cell: (r) => (r.cls ? text(r.cls.level, r.cls.level === 'sensitive' ? 'warn' : undefined) : noneCell()),
  },
  {
    id: 'classification_rule',
    header: 'Class rule',
    cls: 'note-cell',
    cell: (r) => (r.cls ? classRuleCell(r.cls) : noneCell()),
  },
  { id: 'encryption', header: 'Encryption', cell: (r) => r.enc.algorithm },
  { id: 'kms_key', header: 'Key', cell: (r) => r.enc.key },
  { id: 'bucket_key', header: 'Bucket key', cell: (r) => r.enc.bucketKey },
  { id: 'bpa_bucket', header: 'BPA bucket', cell: (r) => publicAccessBlockCell(r.b.publicAccessBlock) },
  { id: 'bpa_account', header: 'BPA account', cell: (r) => r.accountPab },
  {
    id: 'object_ownership',
    header: 'Ownership',
    cell: (r) => outcomeCell(r.b.ownershipControls, (o) => text(o.objectOwnership)),
  },
  { id: 'public_status', header: 'Public', cell: (r) => publicStatusCell(r.b, r.findings) },
  { id: 'policy_present', header: 'Policy', cell: (r) => outcomeCell(r.b.policy, () => text('yes')) },
  {
    id: 'versioning',
    header: 'Versioning',
    cell: (r) =>
      outcomeCell(r.b.versioning, (v) =>
        text(v.status ? `${v.status}${v.mfaDelete === 'Enabled' ? ' (MFA delete)' : ''}` : undefined),
      ),
  },
  {
    id: 'tags',
    header: 'Tags',
    cell: (r) =>
      outcomeCell(r.b.tags, (t) => {
        const entries = Object.entries(t).sort(([a], [c]) => compareText(a, c));
        return entries.length === 0 ? noneCell() : text(entries.map(([k, v]) => `${k}=${v}`).join('; '));
      }),
  },
  { id: 'abac', header: 'ABAC', cell: (r) => abacCell(r.b) },
  { id: 'object_encryption', header: 'Objects (inventory)', cell: (r) => r.objects },
  { id: 'open_findings', header: 'Open findings', cell: (r) => r.open },
];

/** Every bucket of every account. */
export function bucketPopulation(
  snapshot: Snapshot,
  evaluation: Evaluation,
  byArn?: FindingsByArn,
): Population {
  const findings = byArn ?? indexFindings(evaluation.findings);
  const classes = new Map(evaluation.classifications.map((c) => [c.bucketArn, c.classification]));
  const rows: BucketRow[] = [];
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
    f.resource.type === 'AWS::KMS::Key'
      ? `${f.checkId} (key ${f.resource.name})`
      : f.deviation
        ? `${f.checkId} (during the period)`
        : f.checkId;
  for (const account of snapshot.accounts) {
    const accountPab = accountPabCell(account, snapshot.organization);
    const buckets = [...account.buckets].sort(
      (a, b) => compareText(a.region, b.region) || compareText(a.name, b.name),
    );
    for (const b of buckets) {
      const open = openFindingsCell(
        [...(findings.get(b.arn) ?? []), ...(keyFindings.get(`${b.accountId} ${b.arn}`) ?? [])],
        keyName,
      );
      rows.push({
        accountId: b.accountId,
        region: b.region,
        rank: open.rank,
        b,
        cls: classes.get(b.arn),
        enc: encryptionCells(b),
        accountPab,
        findings: findings.get(b.arn),
        open: open.cell,
        objects: objectEncryptionCell(account, b, classes.get(b.arn)?.level !== 'standard'),
      });
    }
  }
  return population(
    { path: 'inventory/buckets.csv', title: 'S3 buckets', columns: BUCKET_COLUMNS },
    sortByRank(rows),
  );
}

// ---------------------------------------------------------------- KMS keys

type KmsKey = Snapshot['accounts'][number]['kmsKeys'][number];

interface KmsKeyRow extends Located {
  rank: number;
  k: KmsKey;
  arn: string;
  summary: ReturnType<typeof summarizeKeyPolicy> | undefined;
  open: Cell;
}

function principalsCell(r: KmsKeyRow, which: 'administrators' | 'users'): Cell {
  const summary = r.summary;
  return outcomeCell(r.k.policy, () =>
    summary && summary.ok
      ? text(
          summary[which]
            .map((p) => describePrincipal(p.principal) + (p.conditional ? ' [conditional]' : ''))
            .join('; '),
        )
      : { text: `unreadable: ${summary && !summary.ok ? summary.reason : ''}`, tone: 'gap' },
  );
}

const KMS_KEY_COLUMNS: readonly Column<KmsKeyRow>[] = [
  ...locatedColumns(),
  {
    id: 'key_id',
    header: 'Key id',
    cell: (r) => outcomeCell(r.k.metadata, (m) => text(m.keyId, 'mono'), text(r.k.references[0])),
  },
  { id: 'key_arn', cell: (r) => text(r.arn) },
  { id: 'aliases', header: 'Aliases', cell: (r) => text(r.k.aliases.join(', ')) },
  {
    id: 'key_manager',
    header: 'Manager',
    cell: (r) =>
      outcomeCell(r.k.metadata, (m) => text(m.keyManager, m.keyManager === 'CUSTOMER' ? 'good' : 'warn')),
  },
  {
    id: 'key_state',
    header: 'State',
    cell: (r) =>
      outcomeCell(r.k.metadata, (m) => text(m.keyState, m.keyState === 'Enabled' ? 'good' : 'bad')),
  },
  {
    id: 'spec_origin',
    header: 'Spec / origin',
    cell: (r) => outcomeCell(r.k.metadata, (m) => text(`${m.keySpec} / ${m.origin}`)),
  },
  {
    id: 'rotation',
    header: 'Rotation',
    cell: ({ k }) =>
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
  },
  {
    id: 'last_rotation',
    header: 'Last rotation',
    cell: ({ k }) =>
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
  },
  { id: 'bucket_count', header: 'Buckets', cell: (r) => text(String(r.k.usedBy.length)) },
  // Keys no bucket uses are in the population too (ListKeys), e.g. the pack's signing key.
  { id: 'used_by_bucket', cell: (r) => yesNo(r.k.usedBy.length > 0, undefined) },
  { id: 'used_by', cell: (r) => text(r.k.usedBy.join(' ')) },
  { id: 'references', cell: (r) => text(r.k.references.join(' ')) },
  { id: 'policy_administrators', cell: (r) => principalsCell(r, 'administrators') },
  { id: 'policy_users', cell: (r) => principalsCell(r, 'users') },
  { id: 'open_findings', header: 'Open findings', cell: (r) => r.open },
];

/** Every KMS key in scope: those in-scope buckets use, and every other customer managed key ListKeys returned. */
export function kmsKeyPopulation(
  snapshot: Snapshot,
  evaluation: Evaluation,
  byArn?: FindingsByArn,
): Population {
  const findings = byArn ?? indexFindings(evaluation.findings);
  const rows: KmsKeyRow[] = [];
  for (const account of snapshot.accounts) {
    for (const k of account.kmsKeys) {
      const md = k.metadata;
      const arn = md.status === 'ok' ? md.value.arn : (k.references[0] ?? '');
      const open = openFindingsCell(findings.get(arn));
      rows.push({
        accountId: k.accountId,
        region: k.region,
        rank: open.rank,
        k,
        arn,
        summary: k.policy.status === 'ok' ? summarizeKeyPolicy(k.policy.value.text) : undefined,
        open: open.cell,
      });
    }
  }
  return population(
    { path: 'inventory/kms-keys.csv', title: 'KMS keys', columns: KMS_KEY_COLUMNS },
    sortByRank(rows),
  );
}

// ---------------------------------------------------------------- AWS Config

type ConfigRegion = Snapshot['accounts'][number]['config'][number];
type Recorder = Extract<ConfigRegion['recorders'], { status: 'ok' }>['value'][number];
type RecorderStatus = Extract<ConfigRegion['recorderStatus'], { status: 'ok' }>['value'][number];

interface RecorderValue {
  r: Recorder;
  recording: Cell;
  lastStatus: Cell;
  recordsS3: boolean;
}
type RecorderRow = GapOr<RecorderValue> & { rank: number };
const ofRecorder = ofValue<RecorderValue>;

const RECORDER_COLUMNS: readonly Column<RecorderRow>[] = [
  ...locatedColumns(),
  { id: 'recorder', header: 'Recorder', cell: ofRecorder((v) => text(v.r.name)) },
  { id: 'recording', header: 'Recording', cell: ofRecorder((v) => v.recording) },
  { id: 'last_status', header: 'Last status', cell: ofRecorder((v) => v.lastStatus) },
  {
    id: 'resource_types',
    header: 'Records',
    cell: ofRecorder((v) =>
      text(v.r.allSupported ? 'all supported types' : v.r.resourceTypes.join(', ') || undefined),
    ),
  },
  { id: 'records_s3_buckets', header: 'S3 buckets', cell: ofRecorder((v) => yesNo(v.recordsS3)) },
  { id: 'role_arn', header: 'Role', cell: ofRecorder((v) => text(v.r.roleArn)) },
];

/** Configuration recorders per account and region. */
export function configRecorderPopulation(snapshot: Snapshot): Population {
  const rows: RecorderRow[] = [];
  for (const account of snapshot.accounts) {
    for (const region of account.config) {
      const at = { accountId: region.accountId, region: region.region };
      if (region.recorders.status !== 'ok' || region.recorders.value.length === 0) {
        const gap = outcomeCell(region.recorders, () => ({ text: 'none', tone: 'bad' }), {
          text: 'none',
          tone: 'bad',
        });
        rows.push({ ...at, rank: 0, gap });
        continue;
      }
      const statuses = region.recorderStatus;
      for (const r of region.recorders.value) {
        const status: RecorderStatus | undefined =
          statuses.status === 'ok' ? statuses.value.find((s) => s.name === r.name) : undefined;
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
          ...at,
          rank: status?.recording && status.lastStatus === 'SUCCESS' && recordsS3 ? 1 : 0,
          value: { r, recording, lastStatus, recordsS3 },
        });
      }
    }
  }
  return population(
    { path: 'inventory/config-recorders.csv', title: 'AWS Config recorders', columns: RECORDER_COLUMNS },
    sortByRank(rows),
  );
}

type ConfigRule = Extract<ConfigRegion['rules'], { status: 'ok' }>['value'][number];

const RULE_COLUMNS: readonly Column<GapOr<ConfigRule>>[] = [
  ...locatedColumns(),
  { id: 'rule', header: 'Rule', cell: ofValue((r) => text(r.name)) },
  { id: 'source_identifier', header: 'Identifier', cell: ofValue((r) => text(r.sourceIdentifier, 'mono')) },
  { id: 'owner', header: 'Owner', cell: ofValue((r) => text(r.owner)) },
  {
    id: 'state',
    header: 'State',
    cell: ofValue((r) => text(r.state, r.state === 'ACTIVE' ? 'good' : undefined)),
  },
  { id: 'input_parameters', cell: ofValue((r) => text(r.inputParameters)) },
];

/** Config rules per account and region. */
export function configRulePopulation(snapshot: Snapshot): Population {
  const rows: GapOr<ConfigRule>[] = [];
  for (const account of snapshot.accounts) {
    for (const region of account.config) {
      const at = { accountId: region.accountId, region: region.region };
      if (region.rules.status !== 'ok' || region.rules.value.length === 0) {
        rows.push({ ...at, gap: outcomeCell(region.rules, () => noneCell()) });
        continue;
      }
      for (const value of region.rules.value) rows.push({ ...at, value });
    }
  }
  return population(
    { path: 'inventory/config-rules.csv', title: 'AWS Config rules', columns: RULE_COLUMNS },
    rows,
  );
}

const COMPLIANCE_RANK: Record<string, number> = {
  NON_COMPLIANT: 0,
  INSUFFICIENT_DATA: 1,
  NOT_APPLICABLE: 2,
  COMPLIANT: 3,
};

type RuleResult = ConfigRegion['results'][number];
type RuleEvaluation = Extract<RuleResult['evaluations'], { status: 'ok' }>['value'][number];

/** A rule's name and identifier are known even when its results could not be read. */
type ResultRow = GapOr<RuleEvaluation> & { rank: number; rule: RuleResult };
const ofEvaluation = ofValue<RuleEvaluation>;

const RESULT_COLUMNS: readonly Column<ResultRow>[] = [
  ...locatedColumns(),
  { id: 'rule', header: 'Rule', cell: (r) => text(r.rule.ruleName) },
  { id: 'source_identifier', cell: (r) => text(r.rule.sourceIdentifier, 'mono') },
  { id: 'resource_type', cell: ofEvaluation((e) => text(e.resourceType)) },
  { id: 'resource_id', header: 'Resource', cell: ofEvaluation((e) => text(e.resourceId, 'mono')) },
  {
    id: 'compliance',
    header: 'Compliance',
    cell: ofEvaluation((e) =>
      text(
        e.complianceType,
        e.complianceType === 'COMPLIANT' ? 'good' : e.complianceType === 'NON_COMPLIANT' ? 'bad' : 'gap',
      ),
    ),
  },
  {
    id: 'recorded_at',
    header: 'Recorded',
    cell: ofEvaluation((e) => text(e.resultRecordedTime ? utcLabel(e.resultRecordedTime) : undefined)),
  },
  { id: 'annotation', cell: ofEvaluation((e) => text(e.annotation)) },
];

/** Per-resource Config rule results, non-compliant first. */
export function configResultPopulation(snapshot: Snapshot): Population {
  const rows: ResultRow[] = [];
  for (const account of snapshot.accounts) {
    for (const region of account.config) {
      const at = { accountId: region.accountId, region: region.region };
      for (const rule of region.results) {
        if (rule.evaluations.status !== 'ok') {
          rows.push({ ...at, rank: 0, rule, gap: outcomeCell(rule.evaluations, () => noneCell()) });
          continue;
        }
        for (const value of rule.evaluations.value)
          rows.push({ ...at, rank: COMPLIANCE_RANK[value.complianceType] ?? 1, rule, value });
      }
    }
  }
  return population(
    { path: 'inventory/config-results.csv', title: 'AWS Config rule results', columns: RESULT_COLUMNS },
    sortByRank(rows),
  );
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

const TRAIL_COLUMNS: readonly Column<GapOr<TrailSnapshot>>[] = [
  ...locatedColumns('Home region'),
  { id: 'trail', header: 'Trail', cell: ofValue((t) => text(t.name)) },
  { id: 'trail_arn', cell: ofValue((t) => text(t.arn)) },
  { id: 'multi_region', header: 'Multi-region', cell: ofValue((t) => yesNo(t.isMultiRegionTrail)) },
  { id: 'organization_trail', header: 'Org', cell: ofValue((t) => yesNo(t.isOrganizationTrail, undefined)) },
  {
    id: 'logging',
    header: 'Logging',
    cell: ofValue((t) => outcomeCell(t.status, (s) => yesNo(s.isLogging))),
  },
  {
    id: 'log_file_validation',
    header: 'Validation',
    cell: ofValue((t) => yesNo(t.logFileValidationEnabled)),
  },
  { id: 's3_bucket', header: 'Log bucket', cell: ofValue((t) => text(t.s3BucketName)) },
  { id: 'kms_key', cell: ofValue((t) => text(t.kmsKeyId)) },
  {
    id: 'selectors',
    header: 'Event selectors',
    cell: ofValue((t) => outcomeCell(t.selectors, (s) => text(describeSelectors(s)))),
  },
  {
    id: 'latest_delivery',
    cell: ofValue((t) =>
      outcomeCell(t.status, (s) => text(s.latestDeliveryTime ? utcLabel(s.latestDeliveryTime) : undefined)),
    ),
  },
];

/** Trails per account, plus a row per discovery gap. */
export function trailPopulation(snapshot: Snapshot): Population {
  const rows: (GapOr<TrailSnapshot> & { rank: number })[] = [];
  for (const account of snapshot.accounts) {
    for (const d of account.cloudTrail.discovery) {
      if (!isGap(d.result)) continue;
      const gap: Cell = { text: gapText(d.result), tone: 'gap' };
      rows.push({ accountId: account.accountId, region: d.region, rank: 0, gap });
    }
    for (const t of account.cloudTrail.trails) {
      rows.push({
        accountId: account.accountId,
        region: t.homeRegion,
        rank: t.status.status === 'ok' && t.status.value.isLogging && t.logFileValidationEnabled ? 2 : 1,
        value: t,
      });
    }
  }
  return population(
    { path: 'inventory/trails.csv', title: 'CloudTrail trails', columns: TRAIL_COLUMNS },
    sortByRank(rows),
  );
}

const KEY_USAGE_COLUMNS: readonly Column<GapOr<KeyUsageEvent>>[] = [
  ...locatedColumns(),
  { id: 'event_time', header: 'Time (UTC)', cell: ofValue((e) => text(utcLabel(e.eventTime))) },
  { id: 'event_name', header: 'Event', cell: ofValue((e) => text(e.eventName)) },
  { id: 'principal', header: 'Principal', cell: ofValue((e) => text(e.principalArn ?? e.username)) },
  { id: 'key_arns', header: 'Key', cell: ofValue((e) => text(e.keyArns.join(' '))) },
  { id: 'source_ip', header: 'Source IP', cell: ofValue((e) => text(e.sourceIpAddress)) },
  {
    id: 'read_write',
    cell: ofValue((e) => text(e.readOnly === undefined ? undefined : e.readOnly ? 'read' : 'write')),
  },
  { id: 'event_id', cell: ofValue((e) => text(e.eventId, 'mono')) },
];

/** Key operations that weaken or remove a key's protection: listed on their own. */
export const SENSITIVE_KEY_OPERATIONS: ReadonlySet<string> = new Set([
  'PutKeyPolicy',
  'ScheduleKeyDeletion',
  'DisableKey',
  'DisableKeyRotation',
]);

function keyUsageRows(snapshot: Snapshot, keep: (e: KeyUsageEvent) => boolean): GapOr<KeyUsageEvent>[] {
  const rows: GapOr<KeyUsageEvent>[] = [];
  for (const account of snapshot.accounts) {
    for (const r of account.cloudTrail.keyUsage) {
      const at = { accountId: account.accountId, region: r.region };
      if (r.events.status !== 'ok') {
        rows.push({ ...at, gap: outcomeCell(r.events, () => noneCell()) });
        continue;
      }
      const events = r.events.value.filter(keep).sort((a, b) => compareText(b.eventTime, a.eventTime));
      for (const value of events) rows.push({ ...at, value });
    }
  }
  return rows;
}

/** The KMS key-usage events read (every event of the window unless capped), plus a row per region whose lookup failed. */
export function keyUsagePopulation(snapshot: Snapshot): Population {
  return population(
    {
      path: 'inventory/key-usage-events.csv',
      title: 'KMS key-usage events',
      columns: KEY_USAGE_COLUMNS,
    },
    keyUsageRows(snapshot, () => true),
  );
}

/** The sensitive key operations among the events read (see {@link SENSITIVE_KEY_OPERATIONS}). */
export function sensitiveKeyOperationPopulation(snapshot: Snapshot): Population {
  return population(
    {
      path: 'inventory/sensitive-key-operations.csv',
      title: 'Sensitive KMS key operations',
      columns: KEY_USAGE_COLUMNS,
    },
    keyUsageRows(snapshot, (e) => SENSITIVE_KEY_OPERATIONS.has(e.eventName)),
  );
}

/**
 * What the key-usage events cover, one sentence per region: the window read, the part of the audit
 * period the event history cannot reach, and whether the cap dropped events.
 */
export function keyUsageCoverage(snapshot: Snapshot): string[] {
  const lines: string[] = [];
  for (const account of snapshot.accounts) {
    for (const r of account.cloudTrail.keyUsage) {
      const where = `${account.accountId} ${r.region}`;
      const count = r.events.status === 'ok' ? `${r.events.value.length} events` : 'lookup failed';
      const window = r.window ? ` from ${utcLabel(r.window.start)} to ${utcLabel(r.window.end)}` : '';
      const parts = [`${where}: ${count}${window}`];
      if (r.uncovered)
        parts.push(
          `not covered: ${utcLabel(r.uncovered.start)} to ${utcLabel(r.uncovered.end)} (${r.uncovered.reason})`,
        );
      if (r.cap?.reached)
        parts.push(
          `capped at ${r.cap.limit} events (collection.keyUsage.maxEventsPerRegion): later events were dropped, not read`,
        );
      lines.push(`${parts.join('; ')}.`);
    }
  }
  return lines;
}

// ---------------------------------------------------------------- exceptions & findings

type TrustedAccount = NonNullable<Evaluation['trustedAccounts']>[number];

const TRUSTED_ACCOUNT_COLUMNS: readonly Column<TrustedAccount>[] = [
  { id: 'account_id', header: 'Account', cell: (t) => text(t.accountId, 'mono') },
  { id: 'justification', header: 'Justification', cell: (t) => text(t.justification) },
  { id: 'approved_by', header: 'Approved by', cell: (t) => text(t.approvedBy) },
  { id: 'expires', header: 'Expires', cell: (t) => text(t.expires) },
  {
    id: 'validity',
    header: 'Validity',
    cell: (t) => (t.valid ? { text: 'valid', tone: 'good' } : { text: 'EXPIRED', tone: 'bad' }),
  },
];

/** The trusted external accounts of the config (`trustedAccounts`), with their validity. */
export function trustedAccountPopulation(evaluation: Evaluation): Population {
  return population(
    {
      path: 'config/effective-config.json',
      title: 'Trusted external accounts',
      columns: TRUSTED_ACCOUNT_COLUMNS,
    },
    evaluation.trustedAccounts ?? [],
  );
}

type ValidatedException = Evaluation['exceptions'][number];

interface ExceptionRow {
  v: ValidatedException;
  /** The bucket it names, when that bucket is in the snapshot. */
  bucket: BucketSnapshot | undefined;
}

const EXCEPTION_COLUMNS: readonly Column<ExceptionRow>[] = [
  { id: 'account_id', header: 'Account', cell: (r) => text(r.v.entry.accountId ?? r.bucket?.accountId) },
  { id: 'region', header: 'Region', cell: (r) => text(r.bucket?.region) },
  { id: 'exception_id', header: 'Id', cell: (r) => text(`exception-${r.v.entry.index}`, 'mono') },
  { id: 'bucket', header: 'Bucket', cell: (r) => text(r.v.entry.bucket, 'mono') },
  { id: 'checks', header: 'Checks', cell: (r) => text(r.v.entry.checks.join(', ')) },
  { id: 'justification', header: 'Justification', cell: (r) => text(r.v.entry.justification) },
  { id: 'approved_by', header: 'Approver', cell: (r) => text(r.v.entry.approvedBy) },
  { id: 'ticket', header: 'Ticket', cell: (r) => text(r.v.entry.ticket) },
  { id: 'expires', header: 'Expires', cell: (r) => text(r.v.entry.expires) },
  {
    id: 'validity',
    header: 'Validity',
    cell: (r) => (r.v.valid ? { text: 'valid', tone: 'good' } : { text: 'INVALID', tone: 'bad' }),
  },
  { id: 'problems', header: 'Problems', cell: (r) => text(r.v.problems.join('; ')) },
];

/** The exception register with validity; account and region come from the bucket when known. */
export function exceptionPopulation(snapshot: Snapshot, evaluation: Evaluation): Population {
  const buckets = new Map<string, BucketSnapshot[]>();
  for (const a of snapshot.accounts)
    for (const b of a.buckets) buckets.set(b.name, [...(buckets.get(b.name) ?? []), b]);
  const rows = evaluation.exceptions.map((v): ExceptionRow => {
    const e = v.entry;
    const matches = (buckets.get(e.bucket) ?? []).filter((b) => !e.accountId || b.accountId === e.accountId);
    return { v, bucket: matches[0] };
  });
  return population(
    { path: 'inventory/exceptions.csv', title: 'Exception register', columns: EXCEPTION_COLUMNS },
    rows,
  );
}

function eventText(e: ChangeEvent | undefined): string {
  if (!e) return '';
  return [e.eventName, e.eventTime, e.userArn ?? '', e.requestId ? `request id ${e.requestId}` : '']
    .filter(Boolean)
    .join(' ');
}

interface FindingRow {
  f: Finding;
  remediation: RemediationStep | undefined;
}

const FINDING_COLUMNS: readonly Column<FindingRow>[] = [
  { id: 'account_id', cell: ({ f }) => text(f.resource.accountId) },
  { id: 'region', cell: ({ f }) => text(f.resource.region ?? 'global') },
  { id: 'check_id', cell: ({ f }) => text(f.checkId, 'mono') },
  { id: 'title', cell: ({ f }) => text(f.title) },
  { id: 'criteria', cell: ({ f }) => text(f.criteria.join(' ')) },
  { id: 'severity', cell: ({ f }) => text(f.severity) },
  { id: 'status', cell: ({ f }) => text(f.status) },
  { id: 'resource_type', cell: ({ f }) => text(f.resource.type) },
  { id: 'resource_name', cell: ({ f }) => text(f.resource.name) },
  { id: 'resource_arn', cell: ({ f }) => text(f.resource.arn) },
  { id: 'reason', cell: ({ f }) => text(f.reason) },
  { id: 'evidence_files', cell: ({ f }) => text([...new Set(f.evidence.map((e) => e.file))].join(' ')) },
  { id: 'evidence_calls', cell: ({ f }) => text(f.evidence.map((e) => `${e.file}#${e.callId}`).join(' ')) },
  {
    id: 'request_ids',
    cell: ({ f }) => text(f.evidence.flatMap((e) => (e.requestId ? [e.requestId] : [])).join(' ')),
  },
  {
    id: 'remediation',
    cell: (r) =>
      r.f.deviation
        ? { text: 'none: a deviation during the audit period (the live result carries any fix)' }
        : text(remediationText(r.remediation)),
  },
  // Set on a deviation during the audit period; empty for today's results.
  { id: 'deviation_start', cell: ({ f }) => ({ text: f.deviation?.from ?? '' }) },
  {
    id: 'deviation_end',
    cell: ({ f }) => ({
      text: !f.deviation
        ? ''
        : f.deviation.openAtPeriodEnd
          ? `${f.deviation.to} (period end, still broken)`
          : f.deviation.to,
    }),
  },
  {
    id: 'deviation_duration',
    cell: ({ f }) => ({ text: f.deviation ? durationLabel(f.deviation.durationMs) : '' }),
  },
  {
    id: 'opened_by',
    cell: ({ f }) => ({
      text: !f.deviation
        ? ''
        : f.deviation.openAtPeriodStart
          ? 'already broken at the period start'
          : eventText(f.deviation.opened) || 'event not found',
    }),
  },
  {
    id: 'closed_by',
    cell: ({ f }) => ({
      text: !f.deviation
        ? ''
        : f.deviation.openAtPeriodEnd
          ? 'not closed in the period'
          : eventText(f.deviation.closed) || 'event not found',
    }),
  },
];

/** The fix of each failing finding, keyed `<checkId> <resource arn>` (the CSV column and the report's "Fix:"). */
export function remediationSteps(snapshot: Snapshot, evaluation: Evaluation): Map<string, RemediationStep> {
  return stepsByFinding(
    snapshot,
    evaluation.findings
      .filter((f) => f.status === 'fail' && !f.deviation)
      .map((f) => ({
        checkId: f.checkId,
        resourceArn: f.resource.arn,
        resourceName: f.resource.name,
        reason: f.reason,
      })),
  );
}

/**
 * Every finding, worst status first, then by check and resource; each row is built when read, so a
 * large run (100,000+ findings) never holds all finding rows at once.
 */
export function findingPopulationSource(evaluation: Evaluation, snapshot?: Snapshot): PopulationSource {
  const remediation = snapshot ? remediationSteps(snapshot, evaluation) : new Map<string, RemediationStep>();
  const sorted = [...evaluation.findings].sort(
    (a, b) =>
      CHECK_STATUSES.indexOf(a.status) - CHECK_STATUSES.indexOf(b.status) ||
      compareText(a.checkId, b.checkId) ||
      compareText(a.resource.arn, b.resource.arn),
  );
  return populationSource(
    { path: 'findings/findings.csv', title: 'Findings', columns: FINDING_COLUMNS },
    (function* (): Iterable<FindingRow> {
      for (const f of sorted) yield { f, remediation: remediation.get(`${f.checkId} ${f.resource.arn}`) };
    })(),
  );
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
    () => sensitiveKeyOperationPopulation(snapshot),
    () => exceptionPopulation(snapshot, evaluation),
    () => outOfScopeBucketPopulation(snapshot),
    () => objectEncryptionPopulation(snapshot),
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

type OutOfScopeBucket = NonNullable<Snapshot['accounts'][number]['outOfScopeBuckets']>[number];

const OUT_OF_SCOPE_COLUMNS: readonly Column<OutOfScopeBucket>[] = [
  ...locatedColumns(),
  { id: 'bucket', cell: (b) => text(b.name) },
  { id: 'arn', cell: (b) => text(b.arn) },
  { id: 'assessment', cell: () => text('not assessed') },
];

/** Buckets ListBuckets returned in regions outside the scope: listed so none is dropped silently. */
export function outOfScopeBucketPopulation(snapshot: Snapshot): Population {
  return population(
    { path: OUT_OF_SCOPE_CSV, title: 'Buckets outside the regions in scope', columns: OUT_OF_SCOPE_COLUMNS },
    snapshot.accounts.flatMap((a) => a.outOfScopeBuckets ?? []),
  );
}

/** Every population list, in pack order. */
export function allPopulations(snapshot: Snapshot, evaluation: Evaluation): Population[] {
  return populationSources(snapshot, evaluation).map((source) => materialize(source()));
}
