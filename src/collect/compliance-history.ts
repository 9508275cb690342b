import type { ClientFactory } from '../aws/client-factory.ts';
import type {
  ComplianceHistoryItem,
  ConfigHistoryItem,
  ResourceComplianceHistory,
} from '../snapshot/model.ts';
import type { BucketRef } from './buckets.ts';
import { readAroundPeriod } from './config-history.ts';

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

/**
 * AWS Config's compliance history of one bucket around the audit period, in the bucket's region:
 * the latest `AWS::Config::ResourceCompliance` item at or before the period start, then every item
 * inside the period (all pages, oldest first), in one backwards read.
 */
export async function collectComplianceHistory(
  factory: ClientFactory,
  ref: BucketRef,
  period: { start: string; end: string },
): Promise<ResourceComplianceHistory> {
  const base = { resourceType: COMPLIANCE_TYPE, resourceId: `AWS::S3::Bucket/${ref.name}` } as const;
  const read = await readAroundPeriod(factory, ref.region, base, period, true);
  const items = read.items;
  return {
    bucketArn: ref.arn,
    bucket: ref.name,
    accountId: ref.accountId,
    region: ref.region,
    period: { start: new Date(period.start).toISOString(), end: new Date(period.end).toISOString() },
    items: items.status === 'ok' ? { ...items, value: items.value.map(toComplianceItem) } : items,
    pages: read.pages,
  };
}
