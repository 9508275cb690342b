import {
  GetResourceConfigHistoryCommand,
  type ConfigurationItem,
  type GetResourceConfigHistoryCommandInput,
} from '@aws-sdk/client-config-service';
import { call, callPages } from '../aws/call.ts';
import type { ClientFactory } from '../aws/client-factory.ts';
import type { Outcome } from '../snapshot/outcome.ts';
import type { BucketConfigHistory, ConfigHistoryItem } from '../snapshot/model.ts';
import type { BucketRef } from './buckets.ts';
import { iso, required, requiredIso, requiredList } from './parse.ts';

const BUCKET_TYPE = 'AWS::S3::Bucket';
/** Config's answer for a resource it has never recorded: valid negative evidence, not a failure. */
const NOT_DISCOVERED = 'ResourceNotDiscoveredException';

/**
 * AWS Config's history of one bucket around the audit period, asked in the bucket's region:
 * the latest item at or before the period start (the state the period opens with), then every
 * item captured inside the period (all pages, oldest first).
 */
export async function collectBucketConfigHistory(
  factory: ClientFactory,
  ref: BucketRef,
  period: { start: string; end: string },
): Promise<BucketConfigHistory> {
  const base = { resourceType: BUCKET_TYPE, resourceId: ref.name } as const;
  const start = new Date(period.start);
  const end = new Date(period.end);
  const baseline = await call(
    factory,
    'config',
    ref.region,
    new GetResourceConfigHistoryCommand({
      ...base,
      laterTime: start,
      chronologicalOrder: 'Reverse',
      limit: 1,
    }),
    (o) => requiredList(o.configurationItems, 'configurationItems').slice(0, 1).map(toItem),
  );
  const inPeriod =
    baseline.status === 'ok' || baseline.status === 'absent'
      ? await callPages(
          factory,
          'config',
          ref.region,
          (token) =>
            new GetResourceConfigHistoryCommand({
              ...base,
              earlierTime: start,
              laterTime: end,
              chronologicalOrder: 'Forward',
              limit: 100,
              ...(token ? { nextToken: token } : {}),
            } satisfies GetResourceConfigHistoryCommandInput),
          (o) => ({
            items: requiredList(o.configurationItems, 'configurationItems').map(toItem),
            next: o.nextToken,
          }),
        )
      : baseline;
  return {
    bucketArn: ref.arn,
    bucket: ref.name,
    accountId: ref.accountId,
    region: ref.region,
    period: { start: start.toISOString(), end: end.toISOString() },
    items: combine(notDiscoveredAsAbsent(baseline), notDiscoveredAsAbsent(inPeriod)),
  };
}

function toItem(c: ConfigurationItem): ConfigHistoryItem {
  return {
    captureTime: requiredIso(
      c.configurationItemCaptureTime,
      'configurationItem.configurationItemCaptureTime',
    ),
    status: required(c.configurationItemStatus, 'configurationItem.configurationItemStatus'),
    configurationStateId: c.configurationStateId,
    resourceCreationTime: iso(c.resourceCreationTime),
    supplementaryConfiguration: { ...(c.supplementaryConfiguration ?? {}) },
  };
}

function notDiscoveredAsAbsent<T>(o: Outcome<T>): Outcome<T> {
  if (o.status === 'error' && o.errorCode === NOT_DISCOVERED)
    return { status: 'absent', errorCode: o.errorCode, evidence: o.evidence };
  return o;
}

/** Baseline then in-period items, oldest first, without the item both reads returned. */
function combine(
  baseline: Outcome<ConfigHistoryItem[]>,
  inPeriod: Outcome<ConfigHistoryItem[]>,
): Outcome<ConfigHistoryItem[]> {
  if (baseline.status === 'denied' || baseline.status === 'error') return baseline;
  if (inPeriod.status === 'denied' || inPeriod.status === 'error') return inPeriod;
  if (baseline.status === 'absent' && inPeriod.status === 'absent') return baseline;
  const items = [
    ...(baseline.status === 'ok' ? baseline.value : []),
    ...(inPeriod.status === 'ok' ? inPeriod.value : []),
  ];
  const seen = new Set<string>();
  const unique = items.filter((i) => {
    const k = `${i.captureTime}|${i.configurationStateId ?? ''}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  unique.sort((a, b) => Date.parse(a.captureTime) - Date.parse(b.captureTime));
  const evidence = baseline.status === 'ok' ? baseline.evidence : inPeriod.evidence;
  return { status: 'ok', value: unique, evidence };
}
