import { describeGap, type EvidenceRef } from '../snapshot/outcome.ts';
import type {
  ConfigHistoryItem,
  ConfigRegionSnapshot,
  ManagementEvent,
  ResourceConfigHistory,
} from '../snapshot/model.ts';
import type { EventIndex } from './events.ts';
import { periodSegments, type Segment } from './timeline.ts';
import type {
  PeriodCheckResult,
  PeriodResourceResult,
  PeriodUnknownCause,
  PeriodWindow,
  ResourcePeriodCheckId,
} from './types.ts';
import {
  dateLabel,
  judgedParts,
  mergeWindows,
  windowsProse,
  withChangeEvents,
  withEventEvidence,
} from './windows.ts';

/** A check's verdict in one recorded state of the resource. */
export interface StateVerdict {
  state: 'pass' | 'fail' | 'unknown' | 'not-applicable';
  /** A clause: lower case, no final period (`automatic rotation was off`). */
  reason: string;
  cause?: PeriodUnknownCause | undefined;
}

/** What one recorded configuration item says, parsed from Config's JSON text. */
export interface RecordedItem {
  item: ConfigHistoryItem;
  /** `configuration`, parsed; undefined when absent or not valid JSON. */
  configuration: Record<string, unknown> | undefined;
  /** Each `supplementaryConfiguration` value, parsed (the text itself when not valid JSON). */
  supplementary: Record<string, unknown>;
}

/** Judges one recorded state for one check. Pure. */
export type StateJudge<C extends string> = (
  checkId: C,
  r: RecordedItem,
  all: readonly RecordedItem[],
) => StateVerdict;

function parse(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

/** The item as the state judges read it. */
export function recorded(item: ConfigHistoryItem): RecordedItem {
  return {
    item,
    configuration: obj(parse(item.configuration)),
    supplementary: Object.fromEntries(
      Object.entries(item.supplementaryConfiguration).map(([k, v]) => [k, parse(v)]),
    ),
  };
}

/** The events that set the resource, as CloudTrail names them, per check (who opened and closed a window). */
export type EventSource = (checkId: string) => {
  events: readonly ManagementEvent[];
  names: ReadonlySet<string>;
};

/** Everything the period judgement of one non-bucket resource reads. */
export interface ResourcePeriodInput<C extends ResourcePeriodCheckId> {
  history: ResourceConfigHistory;
  period: { start: string; end: string };
  checks: readonly C[];
  judge: StateJudge<C>;
  /** The Config recorder of the history's region, to say why there is no history. */
  recorder?: ConfigRegionSnapshot | undefined;
  events?: EventSource | undefined;
  /** `the key`, `the trail`, `the account's Block Public Access`. */
  what: string;
  /** The verdict while the resource does not exist (default: not applicable). */
  whenAbsent?: StateVerdict | undefined;
}

/** Why Config has no record: the recorder does not record the type, or there is no recorder. */
function notRecordingReason(
  input: Pick<ResourcePeriodInput<ResourcePeriodCheckId>, 'recorder' | 'history'>,
): string | undefined {
  const r = input.recorder;
  const type = input.history.resourceType;
  const region = input.history.region;
  if (!r || r.recorders.status !== 'ok') return undefined;
  const recorder = r.recorders.value[0];
  if (!recorder) return `there is no AWS Config recorder in ${region}`;
  const excluded = recorder.exclusionResourceTypes?.includes(type) ?? false;
  const records = !excluded && (recorder.allSupported || recorder.resourceTypes.includes(type));
  return records
    ? undefined
    : `the AWS Config recorder "${recorder.name}" in ${region} does not record ${type}`;
}

function unknownThroughout<C extends ResourcePeriodCheckId>(
  input: ResourcePeriodInput<C>,
  cause: PeriodUnknownCause,
  reason: string,
  evidence: EvidenceRef[],
): PeriodCheckResult<C>[] {
  const window: PeriodWindow = { from: input.period.start, to: input.period.end, reason };
  return input.checks.map((checkId) => ({
    checkId,
    status: 'unknown',
    cause,
    reason: `Unknown for the whole period: ${reason}.`,
    brokenWindows: [],
    unknownWindows: [window],
    evidence,
  }));
}

function segmentVerdict<C extends ResourcePeriodCheckId>(
  input: ResourcePeriodInput<C>,
  checkId: C,
  seg: Segment,
  all: readonly RecordedItem[],
): StateVerdict {
  if (seg.kind === 'not-existing')
    return input.whenAbsent ?? { state: 'not-applicable', reason: `${input.what} did not exist` };
  if (seg.kind === 'no-history')
    return { state: 'unknown', reason: `AWS Config had no record of ${input.what}`, cause: 'no-history' };
  if (seg.kind === 'not-recorded')
    return { state: 'unknown', reason: `AWS Config was not recording ${input.what}`, cause: 'not-recording' };
  const r = all.find((x) => x.item === seg.item) ?? recorded(seg.item);
  return input.judge(checkId, r, all);
}

function withEvents<C extends ResourcePeriodCheckId>(
  input: ResourcePeriodInput<C>,
  checkId: C,
  list: PeriodWindow[],
): PeriodWindow[] {
  const src = input.events?.(checkId);
  return src ? withChangeEvents(list, input.period, src.events, src.names) : list;
}

function checkOverPeriod<C extends ResourcePeriodCheckId>(
  input: ResourcePeriodInput<C>,
  checkId: C,
  segments: readonly Segment[],
  all: readonly RecordedItem[],
  createdAt: number | undefined,
): PeriodCheckResult<C> {
  const h = input.history;
  const parts = judgedParts(segments, (seg) => segmentVerdict(input, checkId, seg, all), h.items.evidence);
  const brokenWindows = withEvents(input, checkId, mergeWindows(parts, 'fail'));
  const unknownWindows = mergeWindows(parts, 'unknown');
  const base = {
    checkId,
    brokenWindows,
    unknownWindows,
    evidence: withEventEvidence(h.pages, brokenWindows),
  };
  if (brokenWindows.length > 0) {
    const note = unknownWindows.length
      ? ` History is missing or does not record it for ${windowsProse(unknownWindows)}.`
      : '';
    return {
      ...base,
      status: 'broken',
      reason: `Broken during the period: ${windowsProse(brokenWindows)} (${brokenWindows[0]?.reason ?? ''}).${note}`,
    };
  }
  if (unknownWindows.length > 0) {
    const first = parts.find((p) => p.v.state === 'unknown');
    return {
      ...base,
      status: 'unknown',
      cause: first?.v.cause ?? 'unjudgeable',
      reason: `Unknown for ${windowsProse(unknownWindows)}: ${unknownWindows[0]?.reason ?? ''}; no recorded state failed.`,
    };
  }
  const start = Date.parse(input.period.start);
  if (createdAt !== undefined && createdAt > start && createdAt < Date.parse(input.period.end))
    return {
      ...base,
      status: 'unknown',
      cause: 'created-during-period',
      reason: `Unknown for the whole period: ${input.what} was created on ${dateLabel(createdAt)} (AWS Config resourceCreationTime), inside the period; it passed in every recorded state since.`,
    };
  const passed = parts.some((p) => p.v.state === 'pass');
  if (!passed) {
    const na = parts.find((p) => p.v.state === 'not-applicable' && p.evidence !== undefined) ?? parts[0];
    return {
      ...base,
      status: 'not-applicable',
      reason: `Not applicable throughout the period: ${na?.v.reason ?? `${input.what} did not exist`}.`,
    };
  }
  return {
    ...base,
    status: 'held',
    reason: 'Held throughout the period: it passed in every recorded state.',
  };
}

/**
 * Judge one non-bucket resource over the audit period from its AWS Config history: per check,
 * `held`, `broken` with each window (and the CloudTrail events that opened and closed it), or
 * `unknown` with why (no history, recorder not recording the type, created during the period, or
 * an input Config's item does not record). Pure: reads only its input.
 */
export function judgeResourceOverPeriod<C extends ResourcePeriodCheckId>(
  input: ResourcePeriodInput<C>,
): PeriodResourceResult {
  const h = input.history;
  const id = {
    resourceType: h.resourceType,
    resourceId: h.resourceId,
    arn: h.arn,
    name: h.name,
    accountId: h.accountId,
    region: h.region,
  };
  const items = h.items;
  if (items.status === 'denied' || items.status === 'error')
    return {
      ...id,
      checks: unknownThroughout(
        input,
        'read-failed',
        `reading the AWS Config history failed: ${describeGap(items)}`,
        h.pages,
      ),
    };
  if (items.status === 'absent' || items.value.length === 0) {
    const after = h.afterPeriod?.status === 'ok' ? h.afterPeriod.value[0] : undefined;
    const cited = h.afterPeriod ? [...h.pages, h.afterPeriod.evidence] : h.pages;
    const created = after?.resourceCreationTime;
    if (created && Date.parse(created) >= Date.parse(input.period.end))
      return {
        ...id,
        createdAt: new Date(created).toISOString(),
        checks: unknownThroughout(
          input,
          'created-after-period',
          `${input.what} was created on ${dateLabel(created)} (AWS Config resourceCreationTime), after the period ended`,
          cited,
        ),
      };
    const notRecording = notRecordingReason(input);
    if (notRecording)
      return { ...id, checks: unknownThroughout(input, 'not-recording', notRecording, cited) };
    const code = items.status === 'absent' ? ` (${items.errorCode})` : '';
    return {
      ...id,
      checks: unknownThroughout(
        input,
        'no-history',
        `AWS Config has no record of ${input.what} during the period${code}`,
        cited,
      ),
    };
  }
  const all = items.value.map(recorded);
  const created = items.value.find((i) => i.resourceCreationTime)?.resourceCreationTime;
  const createdAt = created ? Date.parse(created) : undefined;
  const segments = periodSegments(items.value, new Date(input.period.start), new Date(input.period.end));
  return {
    ...id,
    ...(created ? { createdAt: new Date(created).toISOString() } : {}),
    checks: input.checks.map((c) => checkOverPeriod(input, c, segments, all, createdAt)),
  };
}

/** One kind of non-bucket resource as the period judges it: its checks, how a state is judged, the events. */
export interface ResourceKind<C extends ResourcePeriodCheckId> {
  checks: readonly C[];
  judge: StateJudge<C>;
  /** `the key`, `the trail`. */
  what: string;
  /** The calls that change what each check reads, as CloudTrail names them. */
  events: Readonly<Record<C, ReadonlySet<string>>>;
}

/** Judges one resource over the period from its Config history and the account's write events. */
export type ResourceOverPeriod = (
  history: ResourceConfigHistory,
  period: { start: string; end: string },
  recorder: ConfigRegionSnapshot | undefined,
  events: EventIndex | undefined,
) => PeriodResourceResult;

/** The period judge of one kind of resource: the events that name the resource open and close its windows. */
export function resourceOverPeriod<C extends ResourcePeriodCheckId>(
  kind: ResourceKind<C>,
): ResourceOverPeriod {
  return (history, period, recorder, events) => {
    const on: readonly ManagementEvent[] = events?.on(history.region, history.arn) ?? [];
    return judgeResourceOverPeriod({
      history,
      period,
      checks: kind.checks,
      judge: kind.judge,
      recorder,
      what: kind.what,
      events: (checkId) => ({ events: on, names: kind.events[checkId as C] }),
    });
  };
}
