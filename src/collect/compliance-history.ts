import type { ClientFactory } from '../aws/client-factory.ts';
import type { Outcome } from '../snapshot/outcome.ts';
import type {
  ComplianceHistoryItem,
  ConfigHistoryItem,
  ResourceComplianceHistory,
} from '../snapshot/model.ts';
import type { BucketRef } from './buckets.ts';
import { combine, readHistory, type Read } from './config-history.ts';

const COMPLIANCE_TYPE = 'AWS::Config::ResourceCompliance';

type Json = Record<string, unknown>;

function obj(v: unknown): Json | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
}

/** The rule results a compliance item's `configuration` carries; an unreadable one carries none. */
function toComplianceItem(item: ConfigHistoryItem): ComplianceHistoryItem {
  let config: Json | undefined;
  try {
    config = obj(JSON.parse(item.configuration ?? 'null'));
  } catch {
    config = undefined;
  }
  const list = Array.isArray(config?.configRuleList) ? config.configRuleList : [];
  const rules = list.flatMap((r) => {
    const o = obj(r);
    const name = o?.configRuleName;
    const type = o?.complianceType;
    if (typeof name !== 'string' || typeof type !== 'string') return [];
    const arn = typeof o?.configRuleArn === 'string' ? o.configRuleArn : undefined;
    return [{ configRuleName: name, ...(arn ? { configRuleArn: arn } : {}), complianceType: type }];
  });
  const overall = config?.complianceType;
  return {
    captureTime: item.captureTime,
    status: item.status,
    ...(typeof overall === 'string' ? { complianceType: overall } : {}),
    rules,
    evidence: item.evidence ?? {
      file: '',
      callId: 'unrecorded',
      service: 'config',
      operation: 'GetResourceConfigHistory',
    },
  };
}

function merged(baseline: Read, inPeriod: Read): Outcome<ComplianceHistoryItem[]> {
  const items = combine(baseline.items, inPeriod.items);
  return items.status === 'ok' ? { ...items, value: items.value.map(toComplianceItem) } : items;
}

/**
 * AWS Config's compliance history of one bucket around the audit period, in the bucket's region:
 * the latest `AWS::Config::ResourceCompliance` item at or before the period start, then every item
 * inside the period (all pages, oldest first).
 */
export async function collectComplianceHistory(
  factory: ClientFactory,
  ref: BucketRef,
  period: { start: string; end: string },
): Promise<ResourceComplianceHistory> {
  const base = { resourceType: COMPLIANCE_TYPE, resourceId: `AWS::S3::Bucket/${ref.name}` } as const;
  const start = new Date(period.start);
  const end = new Date(period.end);
  const baseline = await readHistory(
    factory,
    ref.region,
    { ...base, laterTime: start, chronologicalOrder: 'Reverse', limit: 1 },
    true,
    1,
  );
  const failed = baseline.items.status === 'denied' || baseline.items.status === 'error';
  const inPeriod = failed
    ? { items: baseline.items, pages: [] }
    : await readHistory(
        factory,
        ref.region,
        {
          ...base,
          earlierTime: start,
          laterTime: end,
          chronologicalOrder: 'Forward',
          limit: 100,
        },
        true,
      );
  return {
    bucketArn: ref.arn,
    bucket: ref.name,
    accountId: ref.accountId,
    region: ref.region,
    period: { start: start.toISOString(), end: end.toISOString() },
    items: merged(baseline, inPeriod),
    pages: [...baseline.pages, ...inPeriod.pages],
  };
}
