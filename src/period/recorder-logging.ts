import { configRegionResource } from '../checks/support.ts';
import type { AccountSnapshot, ConfigRegionSnapshot } from '../snapshot/model.ts';
import {
  loggingEvents,
  loggingInput,
  loggingVerdict,
  statusNote,
  unknownOverPeriod,
  type EventEffect,
} from './logging-verdict.ts';
import type { PeriodMonitoringResult } from './types.ts';

const CHECK_ID = 'config.recorder-active';

/** The AWS Config calls that start, stop, create or delete the configuration recorder. */
const RECORDER_EVENTS = new Set([
  'StartConfigurationRecorder',
  'StopConfigurationRecorder',
  'PutConfigurationRecorder',
  'DeleteConfigurationRecorder',
]);

/** What each of those does to recording (PutConfigurationRecorder changes none). */
const EFFECTS = new Map<string, EventEffect>([
  ['StartConfigurationRecorder', 'start'],
  ['StopConfigurationRecorder', 'stop'],
  ['DeleteConfigurationRecorder', 'stop'],
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
  return account.config.map((region) => {
    const ref = configRegionResource(region);
    const resource = {
      ...ref,
      name: ref.name ?? region.region,
      region: region.region,
      accountId: region.accountId,
    };
    if (region.recorderStatus.status === 'denied' || region.recorderStatus.status === 'error')
      return unknownOverPeriod(
        CHECK_ID,
        resource,
        period,
        'read-failed',
        `Unknown: the recorder status in ${region.region} could not be read (${region.recorderStatus.status}).`,
        [region.recorderStatus.evidence],
      );
    const recorder = customerStatus(region);
    const ev = loggingEvents(account, region.region, 'config.amazonaws.com', RECORDER_EVENTS);
    const status = {
      started: recorder?.lastStartTime,
      stopped: recorder?.lastStopTime,
      on: recorder?.recording === true,
    };
    const subject = recorder
      ? `The AWS Config recorder "${recorder.name}" in ${region.region}`
      : `AWS Config in ${region.region} (no customer managed recorder today)`;
    const since = statusNote('recorder status', status, ev, 'recorder');
    return loggingVerdict(
      CHECK_ID,
      resource,
      loggingInput(period, ev, EFFECTS, status),
      { subject, verb: 'recording', since },
      [region.recorderStatus.evidence, ...ev.pages],
    );
  });
}
