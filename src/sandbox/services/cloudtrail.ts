/**
 * The sandbox's AWS CloudTrail (JSON 1.1,
 * `com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.<Operation>`): trails with shadow copies
 * of multi-region trails, event selectors, and LookupEvents over the management events every
 * sandbox service records. Calls other than LookupEvents are themselves recorded as events.
 */
import type { JsonRequest, JsonService } from '../types.ts';
import { lookupEvents } from './cloudtrail/handlers/lookup-events.ts';
import { getEventSelectors, putEventSelectors } from './cloudtrail/handlers/selectors.ts';
import {
  createTrail,
  deleteTrail,
  describeTrails,
  getTrail,
  getTrailStatus,
  listTrails,
  startLogging,
  stopLogging,
  updateTrail,
} from './cloudtrail/handlers/trails.ts';
import { recordedService } from './cloudtrail/record-call.ts';
import { trailArnOf } from './cloudtrail/store.ts';

export { setLookupEventsRateLimit } from './cloudtrail/throttle.ts';

type Handler = (req: JsonRequest) => unknown;

const HANDLERS: Record<string, Handler> = {
  CreateTrail: createTrail,
  UpdateTrail: updateTrail,
  DeleteTrail: deleteTrail,
  DescribeTrails: describeTrails,
  ListTrails: listTrails,
  GetTrail: getTrail,
  GetTrailStatus: getTrailStatus,
  StartLogging: startLogging,
  StopLogging: stopLogging,
  PutEventSelectors: putEventSelectors,
  GetEventSelectors: getEventSelectors,
};

/** The trail ARN a request names, for the event's resources. */
function trailResource(req: JsonRequest): { type: string; name: string }[] {
  const name = req.input.Name ?? req.input.TrailName;
  if (typeof name !== 'string') return [];
  const arn = name.startsWith('arn:') ? name : trailArnOf(req.region, req.caller.accountId, name);
  return [{ type: 'AWS::CloudTrail::Trail', name: arn }];
}

/** CloudTrail operations by name, for the server's JSON 1.1 dispatcher. */
export const cloudTrailService: JsonService = {
  ...recordedService(HANDLERS, (req) => ({
    eventSource: 'cloudtrail.amazonaws.com',
    readOnly: /^(Describe|Get|List)/.test(req.operation),
    resources: trailResource(req),
  })),
  // Not recorded: an auditor's own lookups would otherwise crowd the history they read.
  LookupEvents: lookupEvents,
};
