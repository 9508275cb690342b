import type { AccountSnapshot, ManagementEvent } from '../snapshot/model.ts';
import type { EvidenceRef } from '../snapshot/outcome.ts';
import type { ChangeEvent, SearchedPages } from './types.ts';

/**
 * How long before a configuration item's capture time the change that caused it may have been made.
 * AWS Config records a change within minutes; a longer gap points at something else.
 */
const CAPTURE_DELAY_MS = 6 * 3_600_000;

/** The write management events of one account, by the resource name they carry, oldest first. */
export interface EventIndex {
  /** Events naming `resource` in `region`, oldest first. */
  on(region: string, resource: string): readonly ManagementEvent[];
  /** Whether the events of `region` were read completely (LookupEvents answered every page). */
  complete(region: string): boolean;
  /** The LookupEvents calls of `region` (every page). */
  pages(region: string): readonly EvidenceRef[];
  /** The same pages as one range (computed once per region), or `undefined` when none were read. */
  searched(region: string): SearchedPages | undefined;
}

/** The pages of one region as a range: they are one chain of one file, numbered in call order. */
function pageRange(pages: readonly EvidenceRef[]): SearchedPages | undefined {
  const first = pages[0];
  const last = pages[pages.length - 1];
  if (!first || !last) return undefined;
  return {
    file: first.file,
    operation: first.operation,
    firstCallId: first.callId,
    lastCallId: last.callId,
    pages: pages.length,
  };
}

/** Index an account's collected write management events. */
export function indexEvents(account: AccountSnapshot): EventIndex {
  const byKey = new Map<string, ManagementEvent[]>();
  const complete = new Set<string>();
  const pages = new Map<string, EvidenceRef[]>();
  for (const r of account.managementEvents ?? []) {
    pages.set(r.region, [...(r.pages ?? [r.events.evidence])]);
    if (r.events.status !== 'ok') continue;
    complete.add(r.region);
    for (const e of r.events.value) {
      for (const name of new Set(e.resources.map((x) => x.name))) {
        const k = `${r.region}\n${name}`;
        const list = byKey.get(k);
        if (list) list.push(e);
        else byKey.set(k, [e]);
      }
    }
  }
  for (const list of byKey.values()) list.sort((a, b) => Date.parse(a.eventTime) - Date.parse(b.eventTime));
  const ranges = new Map<string, SearchedPages | undefined>();
  return {
    on: (region, resource) => byKey.get(`${region}\n${resource}`) ?? [],
    complete: (region) => complete.has(region),
    pages: (region) => pages.get(region) ?? [],
    searched: (region) => {
      if (!ranges.has(region)) ranges.set(region, pageRange(pages.get(region) ?? []));
      return ranges.get(region);
    },
  };
}

/** The event as the period section cites it. */
export function changeEvent(e: ManagementEvent): ChangeEvent {
  return {
    eventName: e.eventName,
    eventTime: e.eventTime,
    userArn: e.userArn,
    requestId: e.requestId,
    eventId: e.eventId,
    evidence: e.evidence,
  };
}

/**
 * The event that made the change Config captured at `at`: the latest event on the resource at or
 * shortly before it, preferring one whose name is among `names` (the calls that set the setting).
 */
export function eventBefore(
  events: readonly ManagementEvent[],
  at: number,
  names: ReadonlySet<string>,
): ManagementEvent | undefined {
  const near = events.filter((e) => {
    const t = Date.parse(e.eventTime);
    return t <= at && t >= at - CAPTURE_DELAY_MS;
  });
  return near.filter((e) => names.has(e.eventName)).at(-1) ?? near.at(-1);
}

/** Events on the resource after `from` (exclusive) whose name is among `names`, oldest first. */
export function eventsAfter(
  events: readonly ManagementEvent[],
  from: number,
  names: ReadonlySet<string>,
): ManagementEvent[] {
  return events.filter((e) => Date.parse(e.eventTime) > from && names.has(e.eventName));
}

/** The calls that set each bucket setting, as CloudTrail names them. */
export const SETTING_EVENTS = {
  encryption: new Set(['PutBucketEncryption', 'DeleteBucketEncryption']),
  policy: new Set(['PutBucketPolicy', 'DeleteBucketPolicy']),
  publicAccessBlock: new Set(['PutBucketPublicAccessBlock', 'DeleteBucketPublicAccessBlock']),
  acl: new Set(['PutBucketAcl', 'PutBucketOwnershipControls', 'DeleteBucketOwnershipControls']),
} as const;

/** The calls whose effect each period check judges. */
export const CHECK_EVENTS: Record<string, ReadonlySet<string>> = {
  's3.default-encryption': SETTING_EVENTS.encryption,
  's3.sse-kms-cmk': SETTING_EVENTS.encryption,
  's3.deny-unencrypted-put': SETTING_EVENTS.policy,
  's3.tls-only': SETTING_EVENTS.policy,
  's3.bucket-public-access-block': SETTING_EVENTS.publicAccessBlock,
  's3.not-public': new Set([
    ...SETTING_EVENTS.policy,
    ...SETTING_EVENTS.publicAccessBlock,
    ...SETTING_EVENTS.acl,
  ]),
};
