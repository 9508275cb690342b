import { trailAccountId, trailLabel } from '../checks/cloudtrail/trails.ts';
import type { AccountSnapshot, TrailSelectors, TrailSnapshot } from '../snapshot/model.ts';
import { dateLabel } from './judge.ts';
import type { Transition } from './logging-intervals.ts';
import { eventTransition, loggingEvents, loggingVerdict } from './logging-verdict.ts';
import type { PeriodMonitoringResult } from './types.ts';

/** The CloudTrail calls that start, stop, create, delete or change a trail. */
const TRAIL_EVENTS = new Set(['CreateTrail', 'StartLogging', 'StopLogging', 'DeleteTrail', 'UpdateTrail']);

/** Whether the trail's selectors record S3 data events for any bucket. */
function recordsS3DataEvents(sel: TrailSelectors): boolean {
  const classic = (sel.eventSelectors ?? []).some((s) =>
    s.dataResources.some((d) => d.type === 'AWS::S3::Object'),
  );
  const advanced = (sel.advancedEventSelectors ?? []).some((s) =>
    s.fieldSelectors.some(
      (f) => f.field === 'resources.type' && (f.equals ?? []).includes('AWS::S3::Object'),
    ),
  );
  return classic || advanced;
}

/**
 * The checks whose evidence a trail's logging is: `cloudtrail.multi-region-logging` for a
 * multi-region trail, `cloudtrail.s3-data-events` for a trail that records S3 data events.
 */
export function trailPeriodChecks(t: TrailSnapshot): string[] {
  return [
    ...(t.isMultiRegionTrail ? ['cloudtrail.multi-region-logging'] : []),
    ...(t.selectors.status === 'ok' && recordsS3DataEvents(t.selectors.value)
      ? ['cloudtrail.s3-data-events']
      : []),
  ];
}

/**
 * Whether each trail of the account logged over the whole period, per check the trail is evidence
 * for: its StartLogging / StopLogging / CreateTrail / DeleteTrail events inside the period
 * (LookupEvents, every page, in the trail's home region) and GetTrailStatus (`StartLoggingTime`,
 * `StopLoggingTime`, `IsLogging`). A trail that started logging after the period began, or stopped
 * within it, is broken for the gap, with the events that opened and closed it.
 */
export function judgeTrailLogging(
  account: AccountSnapshot,
  period: { start: string; end: string },
): PeriodMonitoringResult[] {
  const start = Date.parse(period.start);
  const end = Date.parse(period.end);
  return account.cloudTrail.trails.flatMap((t) => {
    const checks = trailPeriodChecks(t);
    if (checks.length === 0) return [];
    const resource = {
      arn: t.arn,
      type: 'AWS::CloudTrail::Trail' as const,
      accountId: account.accountId,
      region: t.homeRegion,
      name: t.name,
    };
    const subject = `Trail ${trailLabel(t, account)}`;
    if (t.status.status !== 'ok') {
      const reason = `Unknown: GetTrailStatus of ${subject} could not be read (${t.status.status}).`;
      return checks.map((checkId): PeriodMonitoringResult => ({
        checkId,
        resource,
        status: 'unknown',
        cause: 'read-failed',
        reason,
        brokenWindows: [],
        unknownWindows: [{ from: period.start, to: period.end, reason }],
        evidence: [t.status.evidence],
      }));
    }
    const status = t.status.value;
    // An organization trail of another account logs its changes in that account's event history.
    const own = trailAccountId(t) === account.accountId;
    const ev = own
      ? loggingEvents(
          account,
          t.homeRegion,
          'cloudtrail.amazonaws.com',
          TRAIL_EVENTS,
          new Set([t.arn, t.name]),
        )
      : { events: [], from: undefined, pages: [] };
    const transitions: Transition[] = ev.events.flatMap((e) =>
      e.eventName === 'StartLogging'
        ? [eventTransition(e, true)]
        : e.eventName === 'StopLogging' || e.eventName === 'DeleteTrail'
          ? [eventTransition(e, false)]
          : e.eventName === 'CreateTrail'
            ? [eventTransition(e, false, true)]
            : [],
    );
    if (status.startLoggingTime) transitions.push({ at: Date.parse(status.startLoggingTime), on: true });
    if (status.stopLoggingTime) transitions.push({ at: Date.parse(status.stopLoggingTime), on: false });
    // Never started (not logging and no start time), or never stopped: before its last start it had
    // not logged. Logging without a start time is a snapshot that did not keep it: nothing is inferred.
    const neverStarted = status.startLoggingTime === undefined && !status.isLogging;
    const neverStopped = status.startLoggingTime !== undefined && status.stopLoggingTime === undefined;
    const input = {
      start,
      end,
      transitions,
      eventsFrom: ev.from,
      ...(neverStarted || neverStopped ? { initial: false } : {}),
    };
    const since = [
      status.startLoggingTime
        ? `GetTrailStatus: last started ${dateLabel(status.startLoggingTime)}`
        : 'GetTrailStatus: never started',
      status.stopLoggingTime ? `last stopped ${dateLabel(status.stopLoggingTime)}` : 'never stopped',
      `${ev.events.length} trail event${ev.events.length === 1 ? '' : 's'} in the period`,
    ].join(', ');
    const evidence = [t.status.evidence, ...ev.pages];
    return checks.map((checkId) =>
      loggingVerdict(checkId, resource, input, { subject, verb: 'logging', since }, evidence),
    );
  });
}
