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
 * Follow GetResourceConfigHistory to its last page (or `maxItems`, or `lastPage`), keeping each page's call: every
 * item carries the call it came from, so a period verdict cites exactly the records it used.
 */
export async function readHistory(
  factory: ClientFactory,
  region: string,
  query: Query,
  keepConfiguration: boolean,
  maxItems = Number.POSITIVE_INFINITY,
  /** Stop after a page for which this holds (its items, in the order asked). */
  lastPage: (items: readonly ConfigHistoryItem[]) => boolean = () => false,
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
    if (!token || items.length >= maxItems || lastPage(page.value.items))
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
 * The items of one resource from the latest at or before the period start (the state the period
 * opens with) to the period end, oldest first, with every page read for them. One backwards read
 * (`laterTime` = the period end, newest first, 100 a page) that stops at the first page reaching
 * back before the period start: one call for a resource with fewer than 100 items in the period,
 * where reading the baseline and the period apart takes two.
 */
export async function readAroundPeriod(
  factory: ClientFactory,
  region: string,
  resource: { resourceType: string; resourceId: string },
  period: { start: string; end: string },
  keepConfiguration: boolean,
): Promise<Read> {
  const start = Date.parse(period.start);
  const read = await readHistory(
    factory,
    region,
    {
      resourceType: resource.resourceType as Query['resourceType'],
      resourceId: resource.resourceId,
      laterTime: new Date(period.end),
      chronologicalOrder: 'Reverse',
      limit: 100,
    },
    keepConfiguration,
    Number.POSITIVE_INFINITY,
    // Newest first: once a page's oldest item is before the start, every later page is older still.
    (page) => {
      const oldest = page.at(-1);
      return oldest !== undefined && Date.parse(oldest.captureTime) < start;
    },
  );
  if (read.items.status !== 'ok') return read;
  const newestFirst = read.items.value;
  const baseline = newestFirst.find((i) => Date.parse(i.captureTime) <= start);
  const inPeriod = newestFirst.filter((i) => Date.parse(i.captureTime) >= start).reverse();
  const ok = (value: ConfigHistoryItem[]) => ({ ...read.items, value });
  return { items: combine(ok(baseline ? [baseline] : []), ok(inPeriod)), pages: read.pages };
}

/**
 * AWS Config's history of one resource around the audit period, asked in `region`: the latest
 * item at or before the period start (the state the period opens with), then every item captured
 * inside the period (all pages, oldest first; see {@link readAroundPeriod}). When Config has no
 * item up to the period end, the first item after it, whose `resourceCreationTime` dates the resource.
 */
export async function readPeriodHistory(
  factory: ClientFactory,
  region: string,
  resource: { resourceType: string; resourceId: string },
  period: { start: string; end: string },
  opts: { keepConfiguration?: boolean } = {},
): Promise<PeriodHistoryRead> {
  const keep = opts.keepConfiguration ?? false;
  const { items, pages } = await readAroundPeriod(factory, region, resource, period, keep);
  const none = items.status === 'absent' || (items.status === 'ok' && items.value.length === 0);
  const after = none
    ? await readHistory(
        factory,
        region,
        {
          resourceType: resource.resourceType as Query['resourceType'],
          resourceId: resource.resourceId,
          earlierTime: new Date(period.end),
          chronologicalOrder: 'Forward',
          limit: 1,
        },
        keep,
        1,
      )
    : undefined;
  return { items, pages, ...(after ? { afterPeriod: after.items } : {}) };
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
