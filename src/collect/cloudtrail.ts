import {
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
  LookupEventsCommand,
  type Event as TrailEvent,
  type Trail,
} from '@aws-sdk/client-cloudtrail';
import { call, callPages } from '../aws/call.ts';
import type { ClientFactory } from '../aws/client-factory.ts';
import { createPacer, type Pacer } from '../aws/limiter.ts';
import type { Outcome } from '../snapshot/outcome.ts';
import type {
  CloudTrailSnapshot,
  KeyUsageEvent,
  KeyUsageRegion,
  TrailSelectors,
  TrailSnapshot,
} from '../snapshot/model.ts';
import { parseTrailRecord } from './cloudtrail-record.ts';
import { iso, oneOf, required, requiredBoolean, requiredIso, requiredList } from './parse.ts';

/**
 * LookupEvents allows 2 requests per second per account and region. Its pacer keeps starts 500 ms
 * apart and any two consecutive requests a second apart counted from the earlier one's answer
 * (the pacer's `burst` option), so network delays never make three in a second.
 */
export const LOOKUP_EVENTS_INTERVAL_MS = 500;
/** LookupEvents requests per second per account and region (AWS's quota). */
const LOOKUP_EVENTS_PER_SECOND = 2;

/** Options of {@link collectCloudTrail}. */
export interface CloudTrailOptions {
  regions: string[];
  /** How far back to read KMS events when there is no audit period. */
  lookbackDays: number;
  /** Events kept per region: absent = every event (no cap); 0 = no key-usage lookup at all. */
  maxEventsPerRegion?: number | undefined;
  /** The audit period: KMS events are read over it, as far as the 90-day event history reaches. */
  period?: { start: string; end: string } | undefined;
  now: () => Date;
  /** Spacing of LookupEvents calls per region (default {@link LOOKUP_EVENTS_INTERVAL_MS}). */
  lookupIntervalMs?: number | undefined;
  /** Told once per region when its key-usage lookups and its trails' status reads have ended. */
  onKeyUsageEnd?: ((region: string) => void) | undefined;
}

/**
 * CloudTrail for one account: DescribeTrails in every region (shadow trails included), trails
 * deduplicated by ARN with GetTrailStatus and GetEventSelectors asked once in each trail's home
 * region, and a bounded, paced sample of KMS management events per region.
 */
export async function collectCloudTrail(
  factory: ClientFactory,
  opts: CloudTrailOptions,
): Promise<CloudTrailSnapshot> {
  const discovering = Promise.all(
    opts.regions.map(async (region) => ({
      region,
      trails: await call(
        factory,
        'cloudtrail',
        region,
        new DescribeTrailsCommand({ includeShadowTrails: true }),
        (o) => requiredList(o.trailList, 'trailList').map(toTrail),
      ),
    })),
  );
  const described = discovering.then((discovery) => {
    const byArn = new Map<string, DescribedTrail>();
    for (const d of discovery) {
      if (d.trails.status !== 'ok') continue;
      for (const t of d.trails.value) {
        const seen = byArn.get(t.arn);
        // Prefer the copy described in its home region over a shadow copy.
        if (!seen || (t.homeRegion === d.region && seen.homeRegion !== d.region)) byArn.set(t.arn, t);
      }
    }
    return [...byArn.values()].sort((a, b) => cmp(a.arn, b.arn));
  });
  const inScope = new Set(opts.regions);
  // Per region: its key-usage pages, then the status and selectors of the trails homed there, one
  // after the other, so the region's CloudTrail calls come in the same order from run to run; then
  // the region is done (the management-event lookups that follow start there).
  const perRegion = Promise.all(
    opts.regions.map(async (region) => {
      try {
        const usage = opts.maxEventsPerRegion !== 0 ? await readKeyUsage(factory, region, opts) : undefined;
        const homed = (await described).filter((t) => t.homeRegion === region);
        return { usage, trails: await Promise.all(homed.map((t) => describeTrail(factory, t))) };
      } finally {
        opts.onKeyUsageEnd?.(region);
      }
    }),
  );
  // Trails homed outside the regions in scope (seen as shadow copies) are asked in their home region.
  const elsewhere = described.then((list) =>
    Promise.all(list.filter((t) => !inScope.has(t.homeRegion)).map((t) => describeTrail(factory, t))),
  );
  const [discovery, regionResults, otherTrails] = await Promise.all([discovering, perRegion, elsewhere]);
  const keyUsage = regionResults.flatMap((r) => (r.usage ? [r.usage] : []));
  const trails = [...regionResults.flatMap((r) => r.trails), ...otherTrails].sort((a, b) =>
    cmp(a.arn, b.arn),
  );
  return {
    discovery: discovery.map((d) => ({
      region: d.region,
      result: mapOk(d.trails, (list) => ({ trailArns: uniqueArns(list) })),
    })),
    trails,
    keyUsage,
  };
}

/** A trail as DescribeTrails returns it, before its status and selectors are asked. */
type DescribedTrail = Omit<TrailSnapshot, 'status' | 'selectors'>;

/** One DescribeTrails entry; the flags the checks judge must be in the response. */
function toTrail(t: Trail): DescribedTrail {
  const arn = required(t.TrailARN, 'Trail.TrailARN');
  return {
    name: required(t.Name, 'Trail.Name'),
    arn,
    homeRegion: required(t.HomeRegion, 'Trail.HomeRegion'),
    isMultiRegionTrail: requiredBoolean(t.IsMultiRegionTrail, 'Trail.IsMultiRegionTrail'),
    isOrganizationTrail: requiredBoolean(t.IsOrganizationTrail, 'Trail.IsOrganizationTrail'),
    logFileValidationEnabled: requiredBoolean(t.LogFileValidationEnabled, 'Trail.LogFileValidationEnabled'),
    s3BucketName: t.S3BucketName,
    kmsKeyId: t.KmsKeyId,
  };
}

async function describeTrail(factory: ClientFactory, t: DescribedTrail): Promise<TrailSnapshot> {
  const { arn, homeRegion: home } = t;
  const [status, selectors] = await Promise.all([
    call(factory, 'cloudtrail', home, new GetTrailStatusCommand({ Name: arn }), (o) => ({
      isLogging: requiredBoolean(o.IsLogging, 'IsLogging'),
      latestDeliveryTime: iso(o.LatestDeliveryTime),
      startLoggingTime: iso(o.StartLoggingTime),
      stopLoggingTime: iso(o.StopLoggingTime),
    })),
    call(
      factory,
      'cloudtrail',
      home,
      new GetEventSelectorsCommand({ TrailName: arn }),
      (o): TrailSelectors => ({
        eventSelectors: o.EventSelectors?.map((s) => ({
          readWriteType: oneOf(
            s.ReadWriteType,
            ['ReadOnly', 'WriteOnly', 'All'],
            'EventSelector.ReadWriteType',
          ),
          includeManagementEvents: requiredBoolean(
            s.IncludeManagementEvents,
            'EventSelector.IncludeManagementEvents',
          ),
          excludeManagementEventSources: [...(s.ExcludeManagementEventSources ?? [])],
          dataResources: (s.DataResources ?? []).map((d) => ({
            type: required(d.Type, 'EventSelector.DataResource.Type'),
            values: [...required(d.Values, 'EventSelector.DataResource.Values')],
          })),
        })),
        advancedEventSelectors: o.AdvancedEventSelectors?.map((s) => ({
          name: s.Name,
          fieldSelectors: requiredList(s.FieldSelectors, 'AdvancedEventSelector.FieldSelectors').map((f) => ({
            field: required(f.Field, 'AdvancedEventSelector.FieldSelector.Field'),
            equals: f.Equals,
            startsWith: f.StartsWith,
            endsWith: f.EndsWith,
            notEquals: f.NotEquals,
            notStartsWith: f.NotStartsWith,
            notEndsWith: f.NotEndsWith,
          })),
        })),
      }),
    ),
  ]);
  return { ...t, status, selectors };
}

/** How far back CloudTrail's event history (LookupEvents) reaches. */
export const EVENT_HISTORY_DAYS = 90;

/**
 * The window KMS events are read over: the audit period clipped to the event history (the last
 * {@link EVENT_HISTORY_DAYS} days) and to now, with the part of the period it cannot cover; without
 * a period, the last `lookbackDays` days.
 */
export function keyUsageWindow(
  now: Date,
  lookbackDays: number,
  period?: { start: string; end: string },
): { window: { start: string; end: string }; uncovered?: NonNullable<KeyUsageRegion['uncovered']> } {
  const end = period ? new Date(Math.min(Date.parse(period.end), now.getTime())) : now;
  if (!period) {
    const start = new Date(end.getTime() - lookbackDays * 86_400_000);
    return { window: { start: start.toISOString(), end: end.toISOString() } };
  }
  const historyStart = now.getTime() - EVENT_HISTORY_DAYS * 86_400_000;
  const periodStart = Date.parse(period.start);
  const start = new Date(Math.min(Math.max(periodStart, historyStart), end.getTime()));
  const window = { start: start.toISOString(), end: end.toISOString() };
  if (periodStart >= historyStart) return { window };
  return {
    window,
    uncovered: {
      start: new Date(periodStart).toISOString(),
      end: start.toISOString(),
      reason:
        `CloudTrail event history (LookupEvents) keeps ${EVENT_HISTORY_DAYS} days: KMS events before ` +
        `${start.toISOString()} cannot be read from it (a trail's log files in S3 hold them)`,
    },
  };
}

/** Every KMS management event of the window in one region (all pages), or up to the optional cap. */
async function readKeyUsage(
  factory: ClientFactory,
  region: string,
  opts: CloudTrailOptions,
): Promise<KeyUsageRegion> {
  const { window, uncovered } = keyUsageWindow(opts.now(), opts.lookbackDays, opts.period);
  const pacer = pacerFor(factory, region, opts.lookupIntervalMs ?? LOOKUP_EVENTS_INTERVAL_MS);
  const limit = opts.maxEventsPerRegion;
  const events = await callPages(
    factory,
    'cloudtrail',
    region,
    (token) =>
      new LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'kms.amazonaws.com' }],
        StartTime: new Date(window.start),
        EndTime: new Date(window.end),
        MaxResults: 50,
        ...(token ? { NextToken: token } : {}),
      }),
    (o) => ({ items: requiredList(o.Events, 'Events').map(toKeyUsageEvent), next: o.NextToken }),
    // One past the cap tells whether the cap dropped anything.
    { pacer, ...(limit === undefined ? {} : { maxItems: limit + 1 }) },
  );
  const reached = limit !== undefined && events.status === 'ok' && events.value.length > limit;
  return {
    region,
    events: reached ? { ...events, value: events.value.slice(0, limit) } : events,
    window,
    ...(uncovered ? { uncovered } : {}),
    ...(limit === undefined ? {} : { cap: { limit, reached } }),
  };
}

/** Pacers per account (keyed by the account's limiter, shared by its factories) and region. */
const pacers = new WeakMap<object, Map<string, Pacer>>();

/** The LookupEvents pacer of the factory's account in `region`: shared by every caller, so runs back to back stay under the limit. */
export function pacerFor(factory: ClientFactory, region: string, intervalMs: number): Pacer {
  let byRegion = pacers.get(factory.limiter);
  if (!byRegion) {
    byRegion = new Map();
    pacers.set(factory.limiter, byRegion);
  }
  let pacer = byRegion.get(region);
  if (!pacer) {
    pacer = createPacer(intervalMs, undefined, intervalMs > 0 ? { burst: LOOKUP_EVENTS_PER_SECOND } : {});
    byRegion.set(region, pacer);
  }
  return pacer;
}

/** One LookupEvents event as the snapshot keeps it; principal and IP come from the embedded record. */
export function toKeyUsageEvent(e: TrailEvent): KeyUsageEvent {
  const record = parseTrailRecord(e.CloudTrailEvent);
  const fromResources = (e.Resources ?? [])
    .filter((r) => r.ResourceType === 'AWS::KMS::Key' && r.ResourceName)
    .map((r) => r.ResourceName ?? '');
  const fromRecord = (record.resources ?? []).map((r) => r.ARN ?? '').filter((a) => a.includes(':key/'));
  return {
    eventId: required(e.EventId, 'Event.EventId'),
    eventName: required(e.EventName, 'Event.EventName'),
    eventTime: requiredIso(e.EventTime, 'Event.EventTime'),
    username: e.Username,
    principalArn: record.userIdentity?.arn,
    keyArns: [...new Set([...fromResources, ...fromRecord])].sort(),
    sourceIpAddress: record.sourceIPAddress,
    readOnly: e.ReadOnly === undefined ? undefined : e.ReadOnly === 'true',
  };
}

function mapOk<A, B>(o: Outcome<A>, f: (a: A) => B): Outcome<B> {
  return o.status === 'ok' ? { ...o, value: f(o.value) } : o;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function uniqueArns(list: DescribedTrail[]): string[] {
  return [...new Set(list.map((t) => t.arn))].sort();
}
