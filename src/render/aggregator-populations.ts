/**
 * The AWS Config aggregator in the pack: the bucket population as the aggregator's inventory knows
 * it set against what ListBuckets returned account by account, and the organization-wide results
 * of the rules about S3.
 */
import { isGap } from '../snapshot/outcome.ts';
import type {
  AggregateRuleResults,
  ConfigEvaluation,
  ConfigRecorder,
  SelectedAggregator,
  Snapshot,
} from '../snapshot/model.ts';
import { gapText, outcomeCell, text, utcLabel, yesNo } from './cells.ts';
import {
  columnsOfPart,
  orGap,
  population,
  type Column,
  type Population,
  type ValueOrGap,
} from './columns.ts';

/** Pack path of the bucket reconciliation. */
export const BUCKET_RECONCILIATION_CSV = 'inventory/bucket-reconciliation.csv';
/** Pack path of the aggregator's per-resource rule results. */
export const AGGREGATOR_RESULTS_CSV = 'inventory/aggregator-results.csv';

/** How a bucket's two sources compare. */
export type ReconciliationDifference =
  /** Both ListBuckets and the aggregator know it. */
  | 'none'
  /** The aggregator knows it, ListBuckets did not return it. */
  | 'aggregator-only'
  /** ListBuckets returned it, the aggregator does not know it. */
  | 'listed-only';

/** One bucket of the union of both populations. */
export interface ReconciledBucket {
  accountId: string;
  region: string;
  bucket: string;
  inListing: boolean;
  inAggregator: boolean;
  difference: ReconciliationDifference;
  /** Why the sources differ, as far as the pack can tell; empty when they agree. */
  detail: string;
}

/** The reconciliation, when an aggregator was read and its inventory could be listed. */
export interface BucketReconciliation {
  aggregator: SelectedAggregator;
  buckets: ReconciledBucket[];
  counts: Record<ReconciliationDifference, number>;
}

/**
 * Every bucket ListBuckets returned (in scope or not) and every bucket the aggregator's inventory
 * knows, each once, with the difference explained. Undefined without an aggregator or when its
 * inventory could not be read (the gap is shown instead).
 */
export function reconcileBuckets(snapshot: Snapshot): BucketReconciliation | undefined {
  const aggregator = snapshot.aggregator?.selected;
  if (!aggregator || aggregator.buckets.status !== 'ok') return undefined;
  const key = (accountId: string, name: string) => `${accountId} ${name}`;
  const listed = new Map<string, { accountId: string; region: string; name: string }>();
  for (const account of snapshot.accounts) {
    if (account.bucketListing.status !== 'ok') continue;
    for (const b of [...account.buckets, ...(account.outOfScopeBuckets ?? [])])
      listed.set(key(b.accountId, b.name), { accountId: b.accountId, region: b.region, name: b.name });
  }
  const known = new Map(aggregator.buckets.value.map((b) => [key(b.accountId, b.name), b]));
  const rows: ReconciledBucket[] = [];
  for (const [k, b] of listed) {
    const inAggregator = known.has(k);
    rows.push({
      accountId: b.accountId,
      region: b.region,
      bucket: b.name,
      inListing: true,
      inAggregator,
      difference: inAggregator ? 'none' : 'listed-only',
      detail: inAggregator ? '' : whyUnknownToConfig(snapshot, aggregator, b.accountId, b.region),
    });
  }
  for (const [k, b] of known) {
    if (listed.has(k)) continue;
    rows.push({
      accountId: b.accountId,
      region: b.region,
      bucket: b.name,
      inListing: false,
      inAggregator: true,
      difference: 'aggregator-only',
      detail: whyNotListed(snapshot, b.accountId),
    });
  }
  const rank = (r: ReconciledBucket) => (r.difference === 'none' ? 1 : 0);
  rows.sort(
    (a, b) =>
      rank(a) - rank(b) ||
      cmp(a.accountId, b.accountId) ||
      cmp(a.region, b.region) ||
      cmp(a.bucket, b.bucket),
  );
  const counts = { none: 0, 'aggregator-only': 0, 'listed-only': 0 };
  for (const r of rows) counts[r.difference]++;
  return { aggregator, buckets: rows, counts };
}

/** Why a bucket the aggregator knows is not among those ListBuckets returned. */
function whyNotListed(snapshot: Snapshot, accountId: string): string {
  const account = snapshot.accounts.find((a) => a.accountId === accountId);
  if (!account || isGap(account.identity)) {
    const member = snapshot.organization?.accounts.find((a) => a.id === accountId);
    const coverage = member?.coverage;
    if (coverage?.status === 'not-read') return `account not read: ${coverage.detail}`;
    if (coverage?.status === 'gap')
      return `account could not be read (${gapText(coverage.gap)}): the bucket is missing from this pack`;
    if (account && isGap(account.identity))
      return `account could not be read (${gapText(account.identity)}): the bucket is missing from this pack`;
    return 'account not read by this run: the bucket is missing from this pack';
  }
  if (isGap(account.bucketListing))
    return `ListBuckets could not be read in this account (${gapText(account.bucketListing)})`;
  return 'ListBuckets did not return it: a possible gap in discovery, or the bucket was deleted after AWS Config last recorded it';
}

/** Why a listed bucket is unknown to the aggregator's inventory. */
function whyUnknownToConfig(
  snapshot: Snapshot,
  aggregator: SelectedAggregator,
  accountId: string,
  region: string,
): string {
  if (!aggregator.allRegions && !aggregator.regions.includes(region))
    return `not recorded: ${region} is outside the aggregator's regions`;
  const org = snapshot.organization;
  if (aggregator.organizationWide && org && !org.accounts.some((a) => a.id === accountId))
    return 'not recorded: the account is outside the organization the aggregator covers';
  const account = snapshot.accounts.find((a) => a.accountId === accountId);
  const config = account?.config.find((c) => c.region === region);
  if (!config) return `not recorded by AWS Config (Config in ${region} was not read)`;
  if (config.recorders.status === 'ok') {
    const recorder = config.recorders.value[0];
    if (!recorder) return `not recorded: no configuration recorder in ${region}`;
    if (!recordsBuckets(recorder))
      return 'not recorded: the configuration recorder does not record AWS::S3::Bucket';
  }
  const status = config.recorderStatus.status === 'ok' ? config.recorderStatus.value[0] : undefined;
  if (status && !status.recording) return `not recorded: the configuration recorder in ${region} is stopped`;
  return 'not recorded by AWS Config: created while the recorder was off, or not yet delivered to the aggregator';
}

function recordsBuckets(r: ConfigRecorder): boolean {
  if (r.exclusionResourceTypes?.includes('AWS::S3::Bucket')) return false;
  return r.allSupported || r.resourceTypes.includes('AWS::S3::Bucket');
}

const DIFFERENCE_LABEL: Record<ReconciliationDifference, string> = {
  none: 'none',
  'aggregator-only': 'known to Config only',
  'listed-only': 'listed only',
};

const RECONCILIATION_COLUMNS: readonly Column<ReconciledBucket>[] = [
  { id: 'account_id', header: 'Account', weight: 1, cell: (r) => text(r.accountId) },
  { id: 'region', header: 'Region', weight: 0.8, cell: (r) => text(r.region) },
  { id: 'bucket', header: 'Bucket', weight: 1.5, cell: (r) => text(r.bucket) },
  { id: 'in_listbuckets', header: 'ListBuckets', weight: 0.6, cell: (r) => yesNo(r.inListing) },
  { id: 'in_aggregator', header: 'Aggregator', weight: 0.6, cell: (r) => yesNo(r.inAggregator) },
  {
    id: 'difference',
    header: 'Difference',
    weight: 0.9,
    cell: (r) => text(DIFFERENCE_LABEL[r.difference], r.difference === 'none' ? 'good' : 'warn'),
  },
  { id: 'detail', header: 'Why', weight: 3, cell: (r) => text(r.detail) },
];

/** The reconciliation as a population: every bucket of both sources, differences first. */
export function bucketReconciliationPopulation(snapshot: Snapshot): Population {
  const buckets = snapshot.aggregator?.selected?.buckets;
  const rows: ValueOrGap<ReconciledBucket>[] = [];
  if (buckets && isGap(buckets)) rows.push({ gap: { text: gapText(buckets), tone: 'gap' } });
  for (const value of reconcileBuckets(snapshot)?.buckets ?? []) rows.push({ value });
  return population(
    {
      path: BUCKET_RECONCILIATION_CSV,
      title: 'Bucket population: AWS Config aggregator against ListBuckets',
      columns: orGap(RECONCILIATION_COLUMNS),
    },
    rows,
  );
}

/** One rule's result on one resource, or the gap that kept the rule's results unknown. */
interface ResultRow {
  result: AggregateRuleResults;
  evaluation: ValueOrGap<ConfigEvaluation>;
}

const RESULT_COLUMNS: readonly Column<ResultRow>[] = [
  { id: 'account_id', header: 'Account', weight: 1, cell: (r) => text(r.result.accountId) },
  { id: 'region', header: 'Region', weight: 0.8, cell: (r) => text(r.result.region) },
  { id: 'rule', header: 'Rule', weight: 1.4, cell: (r) => text(r.result.ruleName) },
  {
    id: 'source_identifier',
    header: 'Identifier',
    weight: 1.8,
    cell: (r) => text(r.result.sourceIdentifier),
  },
  {
    id: 'identified_by',
    cell: (r) => text(r.result.identifiedBy === 'rule' ? 'rule in the account' : 'rule name'),
  },
  ...columnsOfPart(
    (r: ResultRow) => r.evaluation,
    orGap<ConfigEvaluation>([
      { id: 'resource_id', header: 'Resource', weight: 1.4, cell: (e) => text(e.resourceId) },
      {
        id: 'compliance',
        header: 'Compliance',
        weight: 0.9,
        cell: (e) =>
          text(
            e.complianceType,
            e.complianceType === 'NON_COMPLIANT'
              ? 'bad'
              : e.complianceType === 'COMPLIANT'
                ? 'good'
                : undefined,
          ),
      },
      {
        id: 'result_recorded',
        cell: (e) => text(e.resultRecordedTime ? utcLabel(e.resultRecordedTime) : undefined),
      },
    ]),
  ),
];

/** The aggregator's per-resource results of the rules about S3, in every source account and region. */
export function aggregatorResultPopulation(snapshot: Snapshot): Population {
  const aggregator = snapshot.aggregator?.selected;
  const rows: { rank: number; row: ValueOrGap<ResultRow> }[] = [];
  if (aggregator && isGap(aggregator.ruleCompliance))
    rows.push({ rank: 0, row: { gap: { text: gapText(aggregator.ruleCompliance), tone: 'gap' } } });
  for (const result of aggregator?.results ?? []) {
    if (result.evaluations.status !== 'ok') {
      const gap = outcomeCell(result.evaluations, () => text(''));
      rows.push({ rank: 0, row: { value: { result, evaluation: { gap } } } });
      continue;
    }
    for (const value of result.evaluations.value) {
      const rank = value.complianceType === 'NON_COMPLIANT' ? 1 : 2;
      rows.push({ rank, row: { value: { result, evaluation: { value } } } });
    }
  }
  rows.sort((a, b) => a.rank - b.rank);
  return population(
    {
      path: AGGREGATOR_RESULTS_CSV,
      title: 'AWS Config aggregator: results of the rules about S3',
      columns: orGap(RESULT_COLUMNS),
    },
    rows.map((r) => r.row),
  );
}

/** One sentence on the aggregator: which was read, and how the populations compare. */
export function aggregatorLead(snapshot: Snapshot): string | undefined {
  const a = snapshot.aggregator;
  if (!a) return undefined;
  const where = `account ${a.accountId}`;
  if (a.discovery.length === 0) {
    return `The AWS Config aggregator${a.requestedName ? ` "${a.requestedName}"` : ''} was not read: ${where} is not read by this run.`;
  }
  const gaps = a.discovery.filter((d) => isGap(d.result));
  if (!a.selected) {
    const gapNote = gaps.length
      ? ` (DescribeConfigurationAggregators could not be read in ${gaps.map((g) => g.region).join(', ')})`
      : '';
    return a.requestedName
      ? `No AWS Config aggregator named "${a.requestedName}" was found in ${where}${gapNote}.`
      : `No organization AWS Config aggregator was found in ${where}${gapNote}.`;
  }
  const s = a.selected;
  const scope = `${s.organizationWide ? 'organization-wide' : 'account-sourced'}, ${s.allRegions ? 'all regions' : s.regions.join(', ')}`;
  const head = `AWS Config aggregator "${s.name}" (${where}, ${s.region}; ${scope}).`;
  const rec = reconcileBuckets(snapshot);
  if (!rec) return `${head} Its bucket inventory could not be read; see ${BUCKET_RECONCILIATION_CSV}.`;
  const n = rec.buckets.length;
  return `${head} Of ${n} bucket${n === 1 ? '' : 's'} known to either source, ${rec.counts.none} agree, ${rec.counts['aggregator-only']} are known to Config only (not returned by ListBuckets) and ${rec.counts['listed-only']} were listed but are unknown to Config; every one is in ${BUCKET_RECONCILIATION_CSV}.`;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
