/**
 * GetResourceConfigHistory for S3 buckets, from the configuration items the S3 service appends to
 * `state.bucketHistory`. Config only knows what it recorded: items captured while the recorder was
 * recording, plus, each time recording starts, the bucket as it then was (`ResourceDiscovered`).
 */
import type { BucketConfigurationItem, JsonRequest } from '../../../types.ts';
import { SandboxError } from '../../../types.ts';
import {
  epochSeconds,
  optionalNumber,
  optionalString,
  optionalTimestamp,
  requiredString,
} from '../../kms/input.ts';
import { pageOf } from '../../kms/offset-page.ts';
import type { RecordingInterval } from '../store.ts';
import { configRegion, recordsType } from '../store.ts';
import {
  ACCOUNT_PAB_TYPE,
  KMS_KEY_TYPE,
  TRAIL_TYPE,
  resourceItems,
  type ResourceConfigurationItem,
} from '../resource-history.ts';
import { COMPLIANCE_TYPE, complianceConfigHistory } from '../compliance-history.ts';

const BUCKET_TYPE = 'AWS::S3::Bucket';
/** The other resource types the sandbox's services record (see resource-history.ts). */
const OTHER_TYPES = new Set([ACCOUNT_PAB_TYPE, KMS_KEY_TYPE, TRAIL_TYPE]);

function notDiscovered(resourceId: string, resourceType: string): SandboxError {
  return new SandboxError(
    'ResourceNotDiscoveredException',
    `Resource ${resourceId} of resourceType:${resourceType} is unknown or has not been discovered`,
  );
}

export function getResourceConfigHistory(req: JsonRequest): unknown {
  const { input } = req;
  const resourceType = requiredString(input, 'resourceType');
  const resourceId = requiredString(input, 'resourceId');
  if (resourceType === COMPLIANCE_TYPE)
    return complianceConfigHistory(req, configRegion(req.account, req.region));
  if (resourceType !== BUCKET_TYPE && !OTHER_TYPES.has(resourceType))
    throw notDiscovered(resourceId, resourceType);
  const limit = optionalNumber(input, 'limit') || 10;
  if (limit < 0 || limit > 100)
    throw new SandboxError('InvalidLimitException', 'limit must be between 0 and 100.');
  const earlier = optionalTimestamp(input, 'earlierTime');
  const later = optionalTimestamp(input, 'laterTime') ?? req.state.now();
  if (earlier && earlier.getTime() > later.getTime()) {
    throw new SandboxError('InvalidTimeRangeException', 'The earlierTime must be before the laterTime.');
  }
  const order = optionalString(input, 'chronologicalOrder') ?? 'Reverse';
  const query = { earlier, later, order, limit, nextToken: optionalString(input, 'nextToken') };
  const recorder = configRegion(req.account, req.region).recorder;
  const intervals = recorder?.intervals ?? [];
  if (resourceType !== BUCKET_TYPE) {
    // Config has items of a type only while its recorder records that type.
    const raw = resourceItems(req.account, req.region, resourceType, resourceId);
    const known = recorder && recordsType(recorder, resourceType) ? recordedItems(raw, intervals) : [];
    if (known.length === 0) throw notDiscovered(resourceId, resourceType);
    const scope = `GetResourceConfigHistory:${req.region}:${resourceType}:${resourceId}:${order}:${earlier?.getTime() ?? ''}:${later.getTime()}`;
    return historyPage(known, { ...query, scope }, resourceConfigurationItem);
  }
  const raw = (req.state.bucketHistory.get(resourceId) ?? []).filter(
    (i) => i.accountId === req.caller.accountId && i.region === req.region,
  );
  const known = recordedItems(raw, intervals);
  if (known.length === 0) throw notDiscovered(resourceId, resourceType);
  const scope = `GetResourceConfigHistory:${req.region}:${resourceId}:${order}:${earlier?.getTime() ?? ''}:${later.getTime()}`;
  return historyPage(known, { ...query, scope }, configurationItem);
}

/** The history query: which page of which window, in which order. */
interface HistoryQuery {
  earlier: Date | undefined;
  later: Date;
  order: string;
  limit: number;
  nextToken: string | undefined;
  /** What a next token is bound to (the query it continues). */
  scope: string;
}

/**
 * One page of the items captured between `earlierTime` and `laterTime`, in the asked order, each in
 * Config's shape with its sequence number among every item Config recorded of the resource.
 */
function historyPage<T extends { captureTime: Date }>(
  known: T[],
  q: HistoryQuery,
  shape: (item: T, sequence: number) => Record<string, unknown>,
): unknown {
  const inWindow = known.filter(
    (i) =>
      (!q.earlier || i.captureTime.getTime() >= q.earlier.getTime()) &&
      i.captureTime.getTime() <= q.later.getTime(),
  );
  const ordered = q.order === 'Forward' ? inWindow : [...inWindow].reverse();
  const page = pageOf(ordered, q.nextToken, q.limit, q.scope, 'InvalidNextTokenException');
  const sequence = new Map(known.map((item, i) => [item, i]));
  return {
    configurationItems: page.items.map((item) => shape(item, sequence.get(item) ?? 0)),
    ...(page.nextToken ? { nextToken: page.nextToken } : {}),
  };
}

/** Items Config would have recorded, oldest first. */
export function recordedItems<T extends { captureTime: Date; status: string }>(
  items: T[],
  intervals: RecordingInterval[],
): T[] {
  const sorted = [...items].sort((a, b) => a.captureTime.getTime() - b.captureTime.getTime());
  const out: T[] = [];
  for (const interval of intervals) {
    const start = interval.start.getTime();
    const stop = interval.stop?.getTime() ?? Number.POSITIVE_INFINITY;
    const before = sorted.filter((i) => i.captureTime.getTime() < start).at(-1);
    if (before && before.status !== 'ResourceDeleted')
      out.push({ ...before, captureTime: interval.start, status: 'ResourceDiscovered' });
    out.push(...sorted.filter((i) => i.captureTime.getTime() >= start && i.captureTime.getTime() <= stop));
  }
  return out;
}

/** What one recorded item says, in Config's terms. */
interface ItemFields {
  accountId: string;
  captureTime: Date;
  status: string;
  arn: string | undefined;
  resourceType: string;
  resourceId: string;
  resourceName: string;
  region: string;
  creation: Date | undefined;
  /** `configuration` and each supplementary value as JSON text (a deletion item carries neither). */
  body(): { configuration: string; supplementaryConfiguration: Record<string, string> };
}

/**
 * One item in Config's shape. `configurationStateId` is unique per recorded change (several changes
 * can share a capture time): the capture time in milliseconds, then the change's sequence number.
 */
function itemJson(f: ItemFields, sequence: number): Record<string, unknown> {
  return {
    version: '1.3',
    accountId: f.accountId,
    configurationItemCaptureTime: epochSeconds(f.captureTime),
    configurationItemStatus: f.status,
    configurationStateId: `${f.captureTime.getTime()}${String(sequence).padStart(6, '0')}`,
    configurationItemMD5Hash: '',
    ...(f.arn ? { arn: f.arn } : {}),
    resourceType: f.resourceType,
    resourceId: f.resourceId,
    resourceName: f.resourceName,
    awsRegion: f.region,
    availabilityZone: 'Regional',
    ...(f.creation ? { resourceCreationTime: epochSeconds(f.creation) } : {}),
    tags: {},
    relatedEvents: [],
    relationships: [],
    ...(f.status === 'ResourceDeleted' ? {} : f.body()),
  };
}

/** A bucket's item in Config's shape (its configuration is kept as the JSON text S3 recorded). */
function configurationItem(item: BucketConfigurationItem, sequence: number): Record<string, unknown> {
  return itemJson(
    {
      ...item,
      arn: `arn:aws:s3:::${item.bucket}`,
      resourceType: BUCKET_TYPE,
      resourceId: item.bucket,
      resourceName: item.bucket,
      creation: creationTime(item.configuration),
      body: () => ({
        configuration: item.configuration,
        supplementaryConfiguration: item.supplementaryConfiguration,
      }),
    },
    sequence,
  );
}

function creationTime(configuration: string): Date | undefined {
  try {
    const parsed = JSON.parse(configuration) as { creationDate?: unknown };
    return typeof parsed.creationDate === 'string' ? new Date(parsed.creationDate) : undefined;
  } catch {
    return undefined;
  }
}

/** One non-bucket item in Config's shape: `configuration` and each supplementary value as JSON text. */
function resourceConfigurationItem(
  item: ResourceConfigurationItem,
  sequence: number,
): Record<string, unknown> {
  return itemJson(
    {
      ...item,
      arn: item.arn,
      creation: item.resourceCreationTime,
      body: () => ({
        configuration: JSON.stringify(item.configuration),
        supplementaryConfiguration: Object.fromEntries(
          Object.entries(item.supplementaryConfiguration).map(([k, v]) => [k, JSON.stringify(v)]),
        ),
      }),
    },
    sequence,
  );
}
