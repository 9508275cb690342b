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
import type { Outcome } from '../aws/outcome.ts';
import type { CloudTrailSnapshot, KeyUsageEvent, TrailSelectors, TrailSnapshot } from '../snapshot/model.ts';
import { iso, required } from './parse.ts';

/** LookupEvents allows 2 requests per second per account and region; a margin absorbs network jitter. */
export const LOOKUP_EVENTS_INTERVAL_MS = 550;

/** Options of {@link collectCloudTrail}. */
export interface CloudTrailOptions {
  regions: string[];
  /** How far back to sample KMS events. */
  lookbackDays: number;
  /** Events kept per region (0 = no sampling). */
  maxEventsPerRegion: number;
  now: () => Date;
  /** Spacing of LookupEvents calls per region (default {@link LOOKUP_EVENTS_INTERVAL_MS}). */
  lookupIntervalMs?: number | undefined;
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
  const [discovery, keyUsage] = await Promise.all([
    Promise.all(
      opts.regions.map(async (region) => ({
        region,
        trails: await call(
          factory,
          'cloudtrail',
          region,
          new DescribeTrailsCommand({ includeShadowTrails: true }),
          (o) => o.trailList ?? [],
        ),
      })),
    ),
    opts.maxEventsPerRegion > 0
      ? Promise.all(
          opts.regions.map(async (region) => ({
            region,
            events: await sampleKeyUsage(factory, region, opts),
          })),
        )
      : Promise.resolve([]),
  ]);

  const byArn = new Map<string, Trail>();
  for (const d of discovery) {
    if (d.trails.status !== 'ok') continue;
    for (const t of d.trails.value) {
      if (!t.TrailARN) continue;
      const seen = byArn.get(t.TrailARN);
      // Prefer the copy described in its home region over a shadow copy.
      if (!seen || (t.HomeRegion === d.region && seen.HomeRegion !== d.region)) byArn.set(t.TrailARN, t);
    }
  }

  const trails = await Promise.all(
    [...byArn.values()]
      .sort((a, b) => cmp(a.TrailARN ?? '', b.TrailARN ?? ''))
      .map((t) => describeTrail(factory, t)),
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

async function describeTrail(factory: ClientFactory, t: Trail): Promise<TrailSnapshot> {
  const arn = required(t.TrailARN, 'TrailARN');
  const home = t.HomeRegion ?? arn.split(':')[3] ?? 'us-east-1';
  const [status, selectors] = await Promise.all([
    call(factory, 'cloudtrail', home, new GetTrailStatusCommand({ Name: arn }), (o) => ({
      isLogging: o.IsLogging ?? false,
      latestDeliveryTime: iso(o.LatestDeliveryTime),
    })),
    call(
      factory,
      'cloudtrail',
      home,
      new GetEventSelectorsCommand({ TrailName: arn }),
      (o): TrailSelectors => ({
        eventSelectors: o.EventSelectors?.map((s) => ({
          readWriteType: s.ReadWriteType ?? 'All',
          includeManagementEvents: s.IncludeManagementEvents ?? true,
          excludeManagementEventSources: [...(s.ExcludeManagementEventSources ?? [])],
          dataResources: (s.DataResources ?? []).map((d) => ({
            type: d.Type ?? '',
            values: [...(d.Values ?? [])],
          })),
        })),
        advancedEventSelectors: o.AdvancedEventSelectors?.map((s) => ({
          name: s.Name,
          fieldSelectors: (s.FieldSelectors ?? []).map((f) => ({
            field: f.Field ?? '',
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
  return {
    name: t.Name ?? arn,
    arn,
    homeRegion: home,
    isMultiRegionTrail: t.IsMultiRegionTrail ?? false,
    isOrganizationTrail: t.IsOrganizationTrail ?? false,
    logFileValidationEnabled: t.LogFileValidationEnabled ?? false,
    s3BucketName: t.S3BucketName,
    kmsKeyId: t.KmsKeyId,
    status,
    selectors,
  };
}

function sampleKeyUsage(
  factory: ClientFactory,
  region: string,
  opts: CloudTrailOptions,
): Promise<Outcome<KeyUsageEvent[]>> {
  const end = opts.now();
  const start = new Date(end.getTime() - opts.lookbackDays * 86_400_000);
  const pacer = pacerFor(factory, region, opts.lookupIntervalMs ?? LOOKUP_EVENTS_INTERVAL_MS);
  return callPages(
    factory,
    'cloudtrail',
    region,
    (token) =>
      new LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'kms.amazonaws.com' }],
        StartTime: start,
        EndTime: end,
        MaxResults: 50,
        ...(token ? { NextToken: token } : {}),
      }),
    (o) => ({ items: (o.Events ?? []).map(toKeyUsageEvent), next: o.NextToken }),
    { pacer, maxItems: opts.maxEventsPerRegion },
  );
}

/** Pacers per account (keyed by the account's limiter, shared by its factories) and region. */
const pacers = new WeakMap<object, Map<string, Pacer>>();

/** The LookupEvents pacer of the factory's account in `region`: shared by every caller, so runs back to back stay under the limit. */
function pacerFor(factory: ClientFactory, region: string, intervalMs: number): Pacer {
  let byRegion = pacers.get(factory.limiter);
  if (!byRegion) {
    byRegion = new Map();
    pacers.set(factory.limiter, byRegion);
  }
  let pacer = byRegion.get(region);
  if (!pacer) {
    pacer = createPacer(intervalMs);
    byRegion.set(region, pacer);
  }
  return pacer;
}

/** One LookupEvents event as the snapshot keeps it; principal and IP come from the embedded record. */
export function toKeyUsageEvent(e: TrailEvent): KeyUsageEvent {
  const record = parseRecord(e.CloudTrailEvent);
  const fromResources = (e.Resources ?? [])
    .filter((r) => r.ResourceType === 'AWS::KMS::Key' && r.ResourceName)
    .map((r) => r.ResourceName ?? '');
  const fromRecord = (record.resources ?? []).map((r) => r.ARN ?? '').filter((a) => a.includes(':key/'));
  return {
    eventId: required(e.EventId, 'EventId'),
    eventName: e.EventName ?? '',
    eventTime: iso(e.EventTime) ?? '',
    username: e.Username,
    principalArn: record.userIdentity?.arn,
    keyArns: [...new Set([...fromResources, ...fromRecord])].sort(),
    sourceIpAddress: record.sourceIPAddress,
    readOnly: e.ReadOnly === undefined ? undefined : e.ReadOnly === 'true',
  };
}

interface TrailRecord {
  userIdentity?: { arn?: string };
  sourceIPAddress?: string;
  resources?: { ARN?: string }[];
}

function parseRecord(text: string | undefined): TrailRecord {
  if (!text) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' ? (parsed as TrailRecord) : {};
  } catch {
    return {};
  }
}

function mapOk<A, B>(o: Outcome<A>, f: (a: A) => B): Outcome<B> {
  return o.status === 'ok' ? { ...o, value: f(o.value) } : o;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function uniqueArns(list: Trail[]): string[] {
  return [...new Set(list.map((t) => t.TrailARN ?? '').filter(Boolean))].sort();
}
