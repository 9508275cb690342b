import type { AdvancedEventSelector, AdvancedFieldSelector, TrailSelectors } from '../../snapshot/model.ts';

/** What management events a trail's selectors record. */
export interface ManagementCoverage {
  read: boolean;
  write: boolean;
  /** True when kms.amazonaws.com management events are excluded by every selector that records them. */
  kmsExcluded: boolean;
}

const KMS_SOURCE = 'kms.amazonaws.com';

function field(sel: AdvancedEventSelector, name: string): AdvancedFieldSelector | undefined {
  return sel.fieldSelectors.find((f) => f.field === name);
}

function advancedManagement(
  sel: AdvancedEventSelector,
): { read: boolean; write: boolean; kms: boolean } | undefined {
  const cat = field(sel, 'eventCategory');
  if (!cat?.equals?.includes('Management')) return undefined;
  const ro = field(sel, 'readOnly');
  const read = !ro?.equals || ro.equals.includes('true');
  const write = !ro?.equals || ro.equals.includes('false');
  const src = field(sel, 'eventSource');
  const kmsOut =
    (src?.notEquals?.includes(KMS_SOURCE) ?? false) ||
    (src?.equals !== undefined && !src.equals.includes(KMS_SOURCE)) ||
    (src?.notStartsWith?.some((p) => KMS_SOURCE.startsWith(p)) ?? false);
  return { read, write, kms: !kmsOut };
}

/** Management-event coverage of classic or advanced selectors. */
export function managementCoverage(sel: TrailSelectors): ManagementCoverage {
  let read = false;
  let write = false;
  let kms = false;
  for (const s of sel.eventSelectors ?? []) {
    if (!s.includeManagementEvents) continue;
    const r = s.readWriteType === 'All' || s.readWriteType === 'ReadOnly';
    const w = s.readWriteType === 'All' || s.readWriteType === 'WriteOnly';
    read ||= r;
    write ||= w;
    if (!s.excludeManagementEventSources.includes(KMS_SOURCE)) kms = true;
  }
  for (const s of sel.advancedEventSelectors ?? []) {
    const m = advancedManagement(s);
    if (!m) continue;
    read ||= m.read;
    write ||= m.write;
    kms ||= m.kms;
  }
  return { read, write, kmsExcluded: (read || write) && !kms };
}

function advancedCoversBucket(sel: AdvancedEventSelector, bucket: string): boolean {
  if (!field(sel, 'eventCategory')?.equals?.includes('Data')) return false;
  if (!field(sel, 'resources.type')?.equals?.includes('AWS::S3::Object')) return false;
  const objects = `arn:aws:s3:::${bucket}/`;
  const arn = field(sel, 'resources.ARN');
  if (!arn) return true;
  // An exclusion that reaches into the bucket makes coverage partial.
  const touches = (v: string): boolean => objects.startsWith(v) || v.startsWith(objects);
  if (arn.notStartsWith?.some(touches) || arn.notEquals?.some((v) => v.startsWith(objects))) return false;
  if (arn.notEndsWith?.length) return false;
  const positive = arn.startsWith !== undefined || arn.equals !== undefined || arn.endsWith !== undefined;
  if (!positive) return true;
  return arn.startsWith?.some((v) => objects.startsWith(v)) ?? false;
}

/**
 * True when the selectors record S3 object data events for every object of `bucket`: classic
 * DataResources `arn:aws:s3` / `arn:aws:s3:::` (all buckets) or `arn:aws:s3:::bucket/`, or an
 * advanced Data selector on AWS::S3::Object with no ARN filter or a StartsWith prefix of the bucket.
 */
export function coversBucketDataEvents(sel: TrailSelectors, bucket: string): boolean {
  for (const s of sel.eventSelectors ?? []) {
    for (const dr of s.dataResources) {
      if (dr.type !== 'AWS::S3::Object') continue;
      if (
        dr.values.some(
          (v) =>
            v === 'arn:aws:s3' ||
            v === 'arn:aws:s3:::' ||
            v === `arn:aws:s3:::${bucket}/` ||
            v === `arn:aws:s3:::${bucket}`,
        )
      ) {
        return true;
      }
    }
  }
  return (sel.advancedEventSelectors ?? []).some((s) => advancedCoversBucket(s, bucket));
}
