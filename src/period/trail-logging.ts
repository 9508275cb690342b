import { trailAccountId, trailLabel } from '../checks/cloudtrail/trails.ts';
import type { AccountSnapshot, TrailSelectors, TrailSnapshot } from '../snapshot/model.ts';
import {
  loggingEvents,
  loggingInput,
  loggingVerdict,
  statusNote,
  unknownOverPeriod,
  type EventEffect,
} from './logging-verdict.ts';
import type { PeriodMonitoringResult } from './types.ts';

/** The CloudTrail calls that start, stop, create, delete or change a trail. */
const TRAIL_EVENTS = new Set(['CreateTrail', 'StartLogging', 'StopLogging', 'DeleteTrail', 'UpdateTrail']);

/** What each of those does to logging (UpdateTrail changes none). */
const EFFECTS = new Map<string, EventEffect>([
  ['StartLogging', 'start'],
  ['StopLogging', 'stop'],
  ['DeleteTrail', 'stop'],
  ['CreateTrail', 'create'],
]);

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
      const evidence = [t.status.evidence];
      return checks.map((checkId) =>
        unknownOverPeriod(checkId, resource, period, 'read-failed', reason, evidence),
      );
    }
    const trailStatus = t.status.value;
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
    const status = {
      started: trailStatus.startLoggingTime,
      stopped: trailStatus.stopLoggingTime,
      on: trailStatus.isLogging,
    };
    const input = loggingInput(period, ev, EFFECTS, status);
    const since = statusNote('GetTrailStatus', status, ev, 'trail');
    const evidence = [t.status.evidence, ...ev.pages];
    return checks.map((checkId) =>
      loggingVerdict(checkId, resource, input, { subject, verb: 'logging', since }, evidence),
    );
  });
}
