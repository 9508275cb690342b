/**
 * LookupEvents: the account's management events in the request's region from the last 90 days,
 * newest first, at most 50 per page, filtered by one lookup attribute and a time range.
 */
import type { JsonRequest, SandboxEvent } from '../../../types.ts';
import { SandboxError } from '../../../types.ts';
import {
  epochSeconds,
  optionalNumber,
  optionalObjectList,
  optionalString,
  optionalTimestamp,
} from '../../kms/input.ts';
import { cloudTrailRecord } from '../cloudtrail-event.ts';
import { takeLookupEventsToken } from '../throttle.ts';

const RETENTION_MS = 90 * 86_400_000;
const MAX_RESULTS = 50;

type Matcher = (event: SandboxEvent) => boolean;

const ATTRIBUTES: Record<string, (value: string) => Matcher> = {
  EventId: (v) => (e) => e.eventId === v,
  EventName: (v) => (e) => e.eventName === v,
  EventSource: (v) => (e) => e.eventSource === v,
  ReadOnly: (v) => (e) => String(e.readOnly) === v,
  Username: (v) => (e) => e.username === v,
  AccessKeyId: (v) => (e) => e.accessKeyId === v,
  ResourceType: (v) => (e) => e.resources.some((r) => r.type === v),
  ResourceName: (v) => (e) => e.resources.some((r) => r.name === v),
};

export function lookupEvents(req: JsonRequest): unknown {
  const { input, state, caller, region } = req;
  takeLookupEventsToken(state, caller.accountId, region);
  const maxResults = optionalNumber(input, 'MaxResults') ?? MAX_RESULTS;
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > MAX_RESULTS) {
    throw new SandboxError('InvalidMaxResultsException', 'MaxResults must be between 1 and 50.');
  }
  const matches = matcher(optionalObjectList(input, 'LookupAttributes', 'InvalidLookupAttributesException'));
  const now = state.now();
  const start = optionalTimestamp(input, 'StartTime', 'InvalidTimeRangeException');
  const end = optionalTimestamp(input, 'EndTime', 'InvalidTimeRangeException') ?? now;
  if (start && start.getTime() > end.getTime())
    throw new SandboxError('InvalidTimeRangeException', 'StartTime must be before EndTime.');
  const from = Math.max(start?.getTime() ?? 0, now.getTime() - RETENTION_MS);
  // The token belongs to the request as written; defaults that move with the clock stay out of it.
  const scope = JSON.stringify([
    caller.accountId,
    region,
    input.LookupAttributes ?? null,
    start?.getTime() ?? null,
    input.EndTime === undefined ? null : end.getTime(),
  ]);
  const cursor = readCursor(optionalString(input, 'NextToken'), scope);

  const selected: { event: SandboxEvent; index: number }[] = [];
  state.events.forEach((event, index) => {
    const t = event.eventTime.getTime();
    if (event.accountId !== caller.accountId || event.awsRegion !== region || t < from || t > end.getTime())
      return;
    if (!matches(event)) return;
    if (cursor && !before({ t, i: index }, cursor)) return;
    selected.push({ event, index });
  });
  selected.sort((a, b) => b.event.eventTime.getTime() - a.event.eventTime.getTime() || b.index - a.index);
  const page = selected.slice(0, maxResults);
  const last = page[page.length - 1];
  const more = selected.length > maxResults && last !== undefined;
  return {
    Events: page.map(({ event }) => ({
      EventId: event.eventId,
      EventName: event.eventName,
      ReadOnly: String(event.readOnly),
      AccessKeyId: event.accessKeyId,
      EventTime: epochSeconds(event.eventTime),
      EventSource: event.eventSource,
      Username: event.username,
      Resources: event.resources.map((r) => ({ ResourceType: r.type, ResourceName: r.name })),
      CloudTrailEvent: JSON.stringify(cloudTrailRecord(event)),
    })),
    ...(more ? { NextToken: writeCursor({ t: last.event.eventTime.getTime(), i: last.index }, scope) } : {}),
  };
}

function matcher(attributes: Record<string, unknown>[] | undefined): Matcher {
  if (!attributes || attributes.length === 0) return () => true;
  if (attributes.length > 1)
    throw new SandboxError('InvalidLookupAttributesException', 'You can specify only one lookup attribute.');
  const [attribute] = attributes;
  const key = attribute?.AttributeKey;
  const value = attribute?.AttributeValue;
  const build = typeof key === 'string' ? ATTRIBUTES[key] : undefined;
  if (!build || typeof value !== 'string')
    throw new SandboxError('InvalidLookupAttributesException', `Invalid lookup attribute ${String(key)}`);
  return build(value);
}

interface Cursor {
  t: number;
  i: number;
}

/** True when `a` sorts after `cursor` in newest-first order (i.e. belongs to a later page). */
function before(a: Cursor, cursor: Cursor): boolean {
  return a.t < cursor.t || (a.t === cursor.t && a.i < cursor.i);
}

function writeCursor(cursor: Cursor, scope: string): string {
  return Buffer.from(JSON.stringify({ ...cursor, s: scope }), 'utf8').toString('base64url');
}

function readCursor(token: string | undefined, scope: string): Cursor | undefined {
  if (token === undefined || token === '') return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      t?: unknown;
      i?: unknown;
      s?: unknown;
    };
    if (typeof parsed.t === 'number' && typeof parsed.i === 'number' && parsed.s === scope)
      return { t: parsed.t, i: parsed.i };
  } catch {
    // fall through
  }
  throw new SandboxError('InvalidNextTokenException', 'Invalid NextToken.');
}
