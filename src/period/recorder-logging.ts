import { configRegionResource } from '../checks/support.ts';
import type { AccountSnapshot, ConfigRegionSnapshot } from '../snapshot/model.ts';
import { dateLabel } from './judge.ts';
import type { Transition } from './logging-intervals.ts';
import { eventTransition, loggingEvents, loggingVerdict } from './logging-verdict.ts';
import type { PeriodMonitoringResult } from './types.ts';

const CHECK_ID = 'config.recorder-active';

/** The AWS Config calls that start, stop, create or delete the configuration recorder. */
const RECORDER_EVENTS = new Set([
  'StartConfigurationRecorder',
  'StopConfigurationRecorder',
  'PutConfigurationRecorder',
  'DeleteConfigurationRecorder',
]);

/** The customer managed recorder's status (service-linked recorders deliver nothing and do not count). */
function customerStatus(region: ConfigRegionSnapshot) {
  if (region.recorderStatus.status !== 'ok') return undefined;
  const s = region.recorderSummaries;
  const internal = new Set(
    s?.status === 'ok' ? s.value.filter((r) => r.recordingScope === 'INTERNAL').map((r) => r.name) : [],
  );
  return region.recorderStatus.value.find((r) => !internal.has(r.name));
}

/**
 * Whether AWS Config recorded over the whole period in each region: the recorder's
 * Start/Stop/Put/DeleteConfigurationRecorder events inside the period (LookupEvents, every page)
 * and DescribeConfigurationRecorderStatus (`lastStartTime`, `lastStopTime`, `recording`). A
 * recorder that started after the period began, or stopped within it, is broken for the gap.
 */
export function judgeRecorderLogging(
  account: AccountSnapshot,
  period: { start: string; end: string },
): PeriodMonitoringResult[] {
  const start = Date.parse(period.start);
  const end = Date.parse(period.end);
  return account.config.map((region) => {
    const ref = configRegionResource(region);
    const resource = {
      ...ref,
      name: ref.name ?? region.region,
      region: region.region,
      accountId: region.accountId,
    };
    if (region.recorderStatus.status === 'denied' || region.recorderStatus.status === 'error') {
      const reason = `Unknown: the recorder status in ${region.region} could not be read (${region.recorderStatus.status}).`;
      return {
        checkId: CHECK_ID,
        resource,
        status: 'unknown',
        cause: 'read-failed',
        reason,
        brokenWindows: [],
        unknownWindows: [{ from: period.start, to: period.end, reason }],
        evidence: [region.recorderStatus.evidence],
      };
    }
    const status = customerStatus(region);
    const ev = loggingEvents(account, region.region, 'config.amazonaws.com', RECORDER_EVENTS);
    const transitions: Transition[] = ev.events.flatMap((e) =>
      e.eventName === 'StartConfigurationRecorder'
        ? [eventTransition(e, true)]
        : e.eventName === 'StopConfigurationRecorder' || e.eventName === 'DeleteConfigurationRecorder'
          ? [eventTransition(e, false)]
          : [],
    );
    const started = status?.lastStartTime;
    const stopped = status?.lastStopTime;
    if (started) transitions.push({ at: Date.parse(started), on: true });
    if (stopped) transitions.push({ at: Date.parse(stopped), on: false });
    const subject = status
      ? `The AWS Config recorder "${status.name}" in ${region.region}`
      : `AWS Config in ${region.region} (no customer managed recorder today)`;
    const since = [
      started ? `recorder status: last started ${dateLabel(started)}` : 'recorder status: never started',
      stopped ? `last stopped ${dateLabel(stopped)}` : 'never stopped',
      `${ev.events.length} recorder event${ev.events.length === 1 ? '' : 's'} in the period`,
    ].join(', ');
    const input = {
      start,
      end,
      transitions,
      eventsFrom: ev.from,
      // Never started (not recording, no start time), or never stopped: before its last start it had
      // not recorded. Recording without a start time is a snapshot that did not keep it.
      ...((!started && !status?.recording) || (started && !stopped) ? { initial: false } : {}),
    };
    return loggingVerdict(CHECK_ID, resource, input, { subject, verb: 'recording', since }, [
      region.recorderStatus.evidence,
      ...ev.pages,
    ]);
  });
}
