/**
 * Trails: CreateTrail, UpdateTrail, DeleteTrail, DescribeTrails, ListTrails, GetTrail,
 * GetTrailStatus, StartLogging, StopLogging.
 */
import type { JsonRequest } from '../../../types.ts';
import { SandboxError } from '../../../types.ts';
import {
  epochSeconds,
  optionalBoolean,
  optionalString,
  optionalStringList,
  requiredString,
} from '../../kms/input.ts';
import { pageOf } from '../../kms/offset-page.ts';
import { requireHomeTrail, requireTrail, visibleTrail } from '../find-trail.ts';
import type { Trail } from '../store.ts';
import { trailArnOf, trailsOf } from '../store.ts';
import { trailOutput, trailWriteOutput } from '../trail-output.ts';
import { foreignOrganizationTrails, organizationTrailOwner } from '../organization-trails.ts';
import {
  assertCombination,
  assertDeliveryBucket,
  assertTrailName,
  resolveTrailKey,
} from '../trail-settings.ts';

/** CloudTrail delivers log files about every five minutes. */
const DELIVERY_INTERVAL_MS = 5 * 60_000;

export function createTrail(req: JsonRequest): unknown {
  const { input, region } = req;
  const name = requiredString(input, 'Name', 'InvalidTrailNameException');
  assertTrailName(name);
  const isOrganizationTrail = optionalBoolean(input, 'IsOrganizationTrail') ?? false;
  // An organization trail belongs to the management account, also when a delegated administrator creates it.
  const owner = isOrganizationTrail ? organizationTrailOwner(req) : req.caller.accountId;
  const trails = trailsOf(req.state.account(owner));
  if (
    [...trails.values()].some((t) => t.name === name && (t.homeRegion === region || t.isMultiRegionTrail))
  ) {
    throw new SandboxError(
      'TrailAlreadyExistsException',
      `Trail ${name} already exists for customer: ${owner}`,
    );
  }
  const s3BucketName = requiredString(input, 'S3BucketName', 'InvalidS3BucketNameException');
  const isMultiRegionTrail = optionalBoolean(input, 'IsMultiRegionTrail') ?? false;
  const includeGlobalServiceEvents = optionalBoolean(input, 'IncludeGlobalServiceEvents') ?? true;
  const logGroup = optionalString(input, 'CloudWatchLogsLogGroupArn');
  const role = optionalString(input, 'CloudWatchLogsRoleArn');
  assertCombination(isMultiRegionTrail, includeGlobalServiceEvents, logGroup, role);
  assertDeliveryBucket(req, s3BucketName);
  const keyRef = optionalString(input, 'KmsKeyId');
  const trail: Trail = {
    name,
    arn: trailArnOf(region, owner, name),
    homeRegion: region,
    accountId: owner,
    s3BucketName,
    s3KeyPrefix: optionalString(input, 'S3KeyPrefix'),
    snsTopicName: optionalString(input, 'SnsTopicName'),
    includeGlobalServiceEvents,
    isMultiRegionTrail,
    logFileValidationEnabled: optionalBoolean(input, 'EnableLogFileValidation') ?? false,
    cloudWatchLogsLogGroupArn: logGroup,
    cloudWatchLogsRoleArn: role,
    kmsKeyId: keyRef ? resolveTrailKey(req, keyRef) : undefined,
    isOrganizationTrail,
    logging: { isLogging: false },
    hasCustomEventSelectors: false,
  };
  trails.set(trail.arn, trail);
  return trailWriteOutput(trail);
}

export function updateTrail(req: JsonRequest): unknown {
  const { input } = req;
  const trail = requireHomeTrail(req, requiredString(input, 'Name', 'InvalidTrailNameException'));
  const s3BucketName = optionalString(input, 'S3BucketName');
  if (s3BucketName !== undefined) assertDeliveryBucket(req, s3BucketName);
  const isMultiRegionTrail = optionalBoolean(input, 'IsMultiRegionTrail') ?? trail.isMultiRegionTrail;
  const includeGlobal =
    optionalBoolean(input, 'IncludeGlobalServiceEvents') ?? trail.includeGlobalServiceEvents;
  const logGroup = optionalString(input, 'CloudWatchLogsLogGroupArn') ?? trail.cloudWatchLogsLogGroupArn;
  const role = optionalString(input, 'CloudWatchLogsRoleArn') ?? trail.cloudWatchLogsRoleArn;
  assertCombination(isMultiRegionTrail, includeGlobal, logGroup, role);
  const keyRef = optionalString(input, 'KmsKeyId');
  const isOrganizationTrail = optionalBoolean(input, 'IsOrganizationTrail') ?? trail.isOrganizationTrail;
  if (isOrganizationTrail !== trail.isOrganizationTrail) assertMayConvert(req, trail);
  Object.assign(trail, {
    s3BucketName: s3BucketName ?? trail.s3BucketName,
    s3KeyPrefix: optionalString(input, 'S3KeyPrefix') ?? trail.s3KeyPrefix,
    snsTopicName: optionalString(input, 'SnsTopicName') ?? trail.snsTopicName,
    includeGlobalServiceEvents: includeGlobal,
    isMultiRegionTrail,
    logFileValidationEnabled:
      optionalBoolean(input, 'EnableLogFileValidation') ?? trail.logFileValidationEnabled,
    cloudWatchLogsLogGroupArn: logGroup,
    cloudWatchLogsRoleArn: role,
    // An empty KmsKeyId turns log file encryption with KMS off.
    kmsKeyId:
      keyRef === undefined ? trail.kmsKeyId : keyRef === '' ? undefined : resolveTrailKey(req, keyRef),
    isOrganizationTrail,
  });
  return trailWriteOutput(trail);
}

export function deleteTrail(req: JsonRequest): unknown {
  const trail = requireHomeTrail(req, requiredString(req.input, 'Name', 'InvalidTrailNameException'));
  trailsOf(req.state.account(trail.accountId)).delete(trail.arn);
  return {};
}

export function describeTrails(req: JsonRequest): unknown {
  const names = optionalStringList(req.input, 'trailNameList');
  const includeShadows = optionalBoolean(req.input, 'includeShadowTrails') ?? true;
  const trails =
    names && names.length > 0
      ? names.map((n) => visibleTrail(req, n)).filter((t): t is Trail => t !== undefined)
      : regionTrails(req, includeShadows);
  // Without shadow trails, neither other regions' copies nor the organization's trails are listed.
  const own = (t: Trail) => t.homeRegion === req.region && t.accountId === req.caller.accountId;
  return { trailList: trails.filter((t) => includeShadows || own(t)).map(trailOutput) };
}

export function listTrails(req: JsonRequest): unknown {
  const page = pageOf(
    regionTrails(req, true),
    optionalString(req.input, 'NextToken'),
    50,
    `ListTrails:${req.region}`,
    'InvalidNextTokenException',
  );
  return {
    Trails: page.items.map((t) => ({ TrailARN: t.arn, Name: t.name, HomeRegion: t.homeRegion })),
    ...(page.nextToken ? { NextToken: page.nextToken } : {}),
  };
}

export function getTrail(req: JsonRequest): unknown {
  return {
    Trail: trailOutput(requireTrail(req, requiredString(req.input, 'Name', 'InvalidTrailNameException'))),
  };
}

export function getTrailStatus(req: JsonRequest): unknown {
  const trail = requireTrail(req, requiredString(req.input, 'Name', 'InvalidTrailNameException'));
  const { logging } = trail;
  const started = logging.startLoggingTime;
  if (!started) return { IsLogging: false };
  const now = req.state.now();
  const lastActive = logging.isLogging ? now : (logging.stopLoggingTime ?? now);
  const delivery = new Date(
    Math.max(started.getTime(), lastActive.getTime() - (lastActive.getTime() % DELIVERY_INTERVAL_MS)),
  );
  const bucketExists = req.state.buckets.has(trail.s3BucketName);
  return {
    IsLogging: logging.isLogging,
    StartLoggingTime: epochSeconds(started),
    ...(logging.stopLoggingTime
      ? {
          StopLoggingTime: epochSeconds(logging.stopLoggingTime),
          TimeLoggingStopped: iso(logging.stopLoggingTime),
        }
      : {}),
    TimeLoggingStarted: iso(started),
    LatestDeliveryAttemptTime: iso(delivery),
    LatestDeliveryAttemptSucceeded: bucketExists ? iso(delivery) : '',
    ...(bucketExists
      ? { LatestDeliveryTime: epochSeconds(delivery) }
      : { LatestDeliveryError: 'NoSuchBucket' }),
    ...(trail.logFileValidationEnabled && bucketExists
      ? { LatestDigestDeliveryTime: epochSeconds(delivery) }
      : {}),
    ...(trail.logFileValidationEnabled && !bucketExists ? { LatestDigestDeliveryError: 'NoSuchBucket' } : {}),
    LatestNotificationAttemptTime: '',
    LatestNotificationAttemptSucceeded: '',
  };
}

export function startLogging(req: JsonRequest): unknown {
  const trail = requireHomeTrail(req, requiredString(req.input, 'Name', 'InvalidTrailNameException'));
  if (!trail.logging.isLogging)
    trail.logging = {
      isLogging: true,
      startLoggingTime: req.state.now(),
      stopLoggingTime: trail.logging.stopLoggingTime,
    };
  return {};
}

export function stopLogging(req: JsonRequest): unknown {
  const trail = requireHomeTrail(req, requiredString(req.input, 'Name', 'InvalidTrailNameException'));
  if (trail.logging.isLogging)
    trail.logging = { ...trail.logging, isLogging: false, stopLoggingTime: req.state.now() };
  return {};
}

/**
 * Trails whose home is the region, then (with shadows) multi-region trails homed elsewhere and the
 * organization trails a member account sees, which AWS counts as shadow trails too.
 */
function regionTrails(req: JsonRequest, includeShadows: boolean): Trail[] {
  const all = [...trailsOf(req.account).values()];
  const home = all.filter((t) => t.homeRegion === req.region);
  if (!includeShadows) return home;
  const shadows = all.filter((t) => t.homeRegion !== req.region && t.isMultiRegionTrail);
  const organization = foreignOrganizationTrails(req).filter(
    (t) => t.homeRegion === req.region || t.isMultiRegionTrail,
  );
  return [...home, ...shadows, ...organization];
}

/** Only the management account turns a trail into an organization trail or back. */
function assertMayConvert(req: JsonRequest, trail: Trail): void {
  const owner = organizationTrailOwner(req);
  if (owner !== req.caller.accountId || trail.accountId !== owner) {
    throw new SandboxError(
      'NotOrganizationMasterAccountException',
      `Only the management account ${owner} can convert trail ${trail.arn} to or from an organization trail.`,
    );
  }
}

function iso(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
