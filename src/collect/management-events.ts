import { LookupEventsCommand, type Event as TrailEvent } from '@aws-sdk/client-cloudtrail';
import { call } from '../aws/call.ts';
import type { ClientFactory } from '../aws/client-factory.ts';
import type { EvidenceRef } from '../snapshot/outcome.ts';
import type { ManagementEvent, ManagementEventsRegion } from '../snapshot/model.ts';
import { LOOKUP_EVENTS_INTERVAL_MS, pacerFor } from './cloudtrail.ts';
import { parseTrailRecord } from './cloudtrail-record.ts';
import { required, requiredIso, requiredList } from './parse.ts';

/** CloudTrail's event history keeps management events for 90 days. */
const RETENTION_MS = 90 * 86_400_000;

function toEvent(e: TrailEvent): Omit<ManagementEvent, 'evidence'> {
  const record = parseTrailRecord(e.CloudTrailEvent);
  return {
    eventId: required(e.EventId, 'Event.EventId'),
    eventName: required(e.EventName, 'Event.EventName'),
    eventSource: e.EventSource ?? '',
    eventTime: requiredIso(e.EventTime, 'Event.EventTime'),
    userArn: record.userIdentity?.arn,
    requestId: record.requestID,
    resources: (e.Resources ?? []).flatMap((r) =>
      r.ResourceName ? [{ type: r.ResourceType ?? '', name: r.ResourceName }] : [],
    ),
  };
}

/**
 * The write management events of one region from `start` (no earlier than CloudTrail's 90-day
 * history allows) to `end`: LookupEvents with `ReadOnly=false`, every page, paced like every other
 * LookupEvents call of the account. A gap on any page makes the list a gap.
 */
export async function collectManagementEvents(
  factory: ClientFactory,
  region: string,
  window: { start: Date; end: Date },
  intervalMs = LOOKUP_EVENTS_INTERVAL_MS,
): Promise<ManagementEventsRegion> {
  const start = new Date(Math.max(window.start.getTime(), window.end.getTime() - RETENTION_MS));
  const pacer = pacerFor(factory, region, intervalMs);
  const events: ManagementEvent[] = [];
  const pages: EvidenceRef[] = [];
  const seen = new Set<string>();
  const done = (result: ManagementEventsRegion['events']): ManagementEventsRegion => ({
    region,
    window: { start: start.toISOString(), end: window.end.toISOString() },
    events: result,
    pages,
  });
  let token: string | undefined;
  for (;;) {
    const page = await call(
      factory,
      'cloudtrail',
      region,
      new LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: 'ReadOnly', AttributeValue: 'false' }],
        StartTime: start,
        EndTime: window.end,
        MaxResults: 50,
        ...(token ? { NextToken: token } : {}),
      }),
      (o) => ({ items: requiredList(o.Events, 'Events').map(toEvent), next: o.NextToken }),
      { pacer },
    );
    pages.push(page.evidence);
    if (page.status !== 'ok') return done(page);
    events.push(...page.value.items.map((e) => ({ ...e, evidence: page.evidence })));
    token = page.value.next || undefined;
    if (!token) return done({ status: 'ok', value: events, evidence: pages[0] ?? page.evidence });
    if (seen.has(token))
      return done({
        status: 'error',
        errorCode: 'PaginationLoop',
        message: 'the service returned the same pagination token twice',
        evidence: page.evidence,
      });
    seen.add(token);
  }
}
