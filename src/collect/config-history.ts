import {
  GetResourceConfigHistoryCommand,
  type ConfigurationItem,
  type GetResourceConfigHistoryCommandInput,
} from '@aws-sdk/client-config-service';
import { call } from '../aws/call.ts';
import type { ClientFactory } from '../aws/client-factory.ts';
import type { EvidenceRef, Outcome } from '../snapshot/outcome.ts';
import type { BucketConfigHistory, ConfigHistoryItem } from '../snapshot/model.ts';
import type { BucketRef } from './buckets.ts';
import { iso, required, requiredIso, requiredList } from './parse.ts';

const BUCKET_TYPE = 'AWS::S3::Bucket';
/** Config's answer for a resource it has never recorded: valid negative evidence, not a failure. */
const NOT_DISCOVERED = 'ResourceNotDiscoveredException';

/** Items of a history read with every call made for them (one per page). */
export interface Read {
  items: Outcome<ConfigHistoryItem[]>;
  pages: EvidenceRef[];
}

type Query = Omit<GetResourceConfigHistoryCommandInput, 'nextToken'>;

/**
 * Follow GetResourceConfigHistory to its last page (or `maxItems`), keeping each page's call: every
 * item carries the call it came from, so a period verdict cites exactly the records it used.
 */
export async function readHistory(
  factory: ClientFactory,
  region: string,
  query: Query,
  keepConfiguration: boolean,
  maxItems = Number.POSITIVE_INFINITY,
): Promise<Read> {
  const items: ConfigHistoryItem[] = [];
  const pages: EvidenceRef[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  for (;;) {
    const page = await call(
      factory,
      'config',
      region,
      new GetResourceConfigHistoryCommand({ ...query, ...(token ? { nextToken: token } : {}) }),
      (o) => ({
        items: requiredList(o.configurationItems, 'configurationItems').map((c) =>
          toItem(c, keepConfiguration),
        ),
        next: o.nextToken,
      }),
    );
    pages.push(page.evidence);
    if (page.status !== 'ok') return { items: notDiscoveredAsAbsent(page), pages };
    items.push(...page.value.items.map((i) => ({ ...i, evidence: page.evidence })));
    token = page.value.next || undefined;
    const first = pages[0] ?? page.evidence;
    if (!token || items.length >= maxItems)
      return { items: { status: 'ok', value: items.slice(0, maxItems), evidence: first }, pages };
    if (seen.has(token))
      return {
        items: {
          status: 'error',
          errorCode: 'PaginationLoop',
          message: 'the service returned the same pagination token twice',
          evidence: page.evidence,
        },
        pages,
      };
    seen.add(token);
  }
}

/** A history around the audit period: items (baseline then in-period), every page, the first item after. */
export interface PeriodHistoryRead {
  items: Outcome<ConfigHistoryItem[]>;
  pages: EvidenceRef[];
  afterPeriod?: Outcome<ConfigHistoryItem[]> | undefined;
}

/**
 * AWS Config's history of one resource around the audit period, asked in `region`: the latest
 * item at or before the period start (the state the period opens with), then every item captured
 * inside the period (all pages, oldest first). When Config has no item up to the period end, the
 * first item after it, whose `resourceCreationTime` dates the resource.
 */
export async function readPeriodHistory(
  factory: ClientFactory,
  region: string,
  resource: { resourceType: string; resourceId: string },
  period: { start: string; end: string },
  opts: { keepConfiguration?: boolean } = {},
): Promise<PeriodHistoryRead> {
  const base = {
    resourceType: resource.resourceType as Query['resourceType'],
    resourceId: resource.resourceId,
  };
  const keep = opts.keepConfiguration ?? false;
  const start = new Date(period.start);
  const end = new Date(period.end);
  const baseline = await readHistory(
    factory,
    region,
    { ...base, laterTime: start, chronologicalOrder: 'Reverse', limit: 1 },
    keep,
    1,
  );
  const inPeriod =
    baseline.items.status === 'ok' || baseline.items.status === 'absent'
      ? await readHistory(
          factory,
          region,
          { ...base, earlierTime: start, laterTime: end, chronologicalOrder: 'Forward', limit: 100 },
          keep,
        )
      : { items: baseline.items, pages: [] };
  const items = combine(baseline.items, inPeriod.items);
  const none = items.status === 'absent' || (items.status === 'ok' && items.value.length === 0);
  const after = none
    ? await readHistory(
        factory,
        region,
        { ...base, earlierTime: end, chronologicalOrder: 'Forward', limit: 1 },
        keep,
        1,
      )
    : undefined;
  return {
    items,
    pages: [...baseline.pages, ...inPeriod.pages],
    ...(after ? { afterPeriod: after.items } : {}),
  };
}

/** AWS Config's history of one bucket around the audit period, asked in the bucket's region. */
export async function collectBucketConfigHistory(
  factory: ClientFactory,
  ref: BucketRef,
  period: { start: string; end: string },
): Promise<BucketConfigHistory> {
  const read = await readPeriodHistory(
    factory,
    ref.region,
    { resourceType: BUCKET_TYPE, resourceId: ref.name },
    period,
  );
  return {
    bucketArn: ref.arn,
    bucket: ref.name,
    accountId: ref.accountId,
    region: ref.region,
    period: { start: new Date(period.start).toISOString(), end: new Date(period.end).toISOString() },
    items: read.items,
    pages: read.pages,
    ...(read.afterPeriod ? { afterPeriod: read.afterPeriod } : {}),
  };
}

function toItem(c: ConfigurationItem, keepConfiguration: boolean): ConfigHistoryItem {
  return {
    ...(keepConfiguration && c.configuration !== undefined ? { configuration: c.configuration } : {}),
    captureTime: requiredIso(
      c.configurationItemCaptureTime,
      'configurationItem.configurationItemCaptureTime',
    ),
    status: required(c.configurationItemStatus, 'configurationItem.configurationItemStatus'),
    configurationStateId: c.configurationStateId,
    resourceCreationTime: iso(c.resourceCreationTime),
    supplementaryConfiguration: { ...(c.supplementaryConfiguration ?? {}) },
    // Kept only for compliance items: a bucket's configuration is large and the judges read none of it.
    ...(c.resourceType === 'AWS::Config::ResourceCompliance' && c.configuration
      ? { configuration: c.configuration }
      : {}),
  };
}

function notDiscoveredAsAbsent<T>(o: Outcome<T>): Outcome<T> {
  if (o.status === 'error' && o.errorCode === NOT_DISCOVERED)
    return { status: 'absent', errorCode: o.errorCode, evidence: o.evidence };
  return o;
}

/** Baseline then in-period items, oldest first, without the item both reads returned. */
export function combine(
  baseline: Outcome<ConfigHistoryItem[]>,
  inPeriod: Outcome<ConfigHistoryItem[]>,
): Outcome<ConfigHistoryItem[]> {
  if (baseline.status === 'denied' || baseline.status === 'error') return baseline;
  if (inPeriod.status === 'denied' || inPeriod.status === 'error') return inPeriod;
  if (baseline.status === 'absent' && inPeriod.status === 'absent') return baseline;
  const items = [
    ...(baseline.status === 'ok' ? baseline.value : []),
    ...(inPeriod.status === 'ok' ? inPeriod.value : []),
  ];
  const seen = new Set<string>();
  const unique = items.filter((i) => {
    const k = `${i.captureTime}|${i.configurationStateId ?? ''}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  unique.sort((a, b) => Date.parse(a.captureTime) - Date.parse(b.captureTime));
  const evidence = baseline.status === 'ok' ? baseline.evidence : inPeriod.evidence;
  return { status: 'ok', value: unique, evidence };
}
