import type { CheckDefinition } from '../types.ts';
import type { AccountSnapshot, BucketSnapshot } from '../../snapshot/model.ts';
import { dedupe, firstGap, forEachBucket, gapVerdict, verdict, type Verdict } from '../support.ts';
import { coversBucketDataEvents } from './selectors.ts';
import type { EvidenceRef } from '../../snapshot/outcome.ts';

const ID = 'cloudtrail.s3-data-events';

function judge(bucket: BucketSnapshot, account: AccountSnapshot, level: string, rule: string): Verdict {
  if (level !== 'sensitive') {
    return verdict(
      'not-applicable',
      `The bucket is classified standard (${rule}); data-event logging is required only for sensitive buckets.`,
      [],
    );
  }
  const evidence: EvidenceRef[] = [];
  let gap = account.cloudTrail.discovery.map((d) => firstGap(d.result)).find((g) => g !== undefined);
  for (const t of account.cloudTrail.trails) {
    if (!t.isMultiRegionTrail && t.homeRegion !== bucket.region) continue;
    evidence.push(t.status.evidence, t.selectors.evidence);
    const g = firstGap(t.status, t.selectors);
    if (g) {
      gap ??= g;
      continue;
    }
    if (t.status.status !== 'ok' || !t.status.value.isLogging || t.selectors.status !== 'ok') continue;
    if (coversBucketDataEvents(t.selectors.value, bucket.name)) {
      return verdict(
        'pass',
        `Logging trail "${t.name}" records S3 object data events for the bucket.`,
        dedupe(evidence),
      );
    }
  }
  if (gap) return gapVerdict('S3 data-event logging', gap, dedupe([...evidence, gap.evidence]));
  return verdict(
    'fail',
    'No logging trail records S3 object data events (AWS::S3::Object) for the whole bucket.',
    dedupe(evidence),
  );
}

/** `cloudtrail.s3-data-events`: some logging trail records object-level events of each sensitive bucket. */
export const s3DataEvents: CheckDefinition = {
  id: ID,
  title: 'CloudTrail records S3 data events for sensitive buckets',
  severity: 'medium',
  criteria: ['CC7.2'],
  description:
    'Some logging trail records AWS::S3::Object data events covering the bucket (classic or advanced selectors).',
  reads: [
    'cloudtrail:DescribeTrails',
    'cloudtrail:GetTrailStatus',
    'cloudtrail:GetEventSelectors',
    's3:GetBucketTagging',
    'tagging:GetResources',
  ],
  method:
    'For a sensitive bucket, passes when a logging trail records AWS::S3::Object data events (read and write) covering the bucket, through classic or advanced event selectors; fails when none does; not applicable to standard buckets; a denied or failed read is insufficient evidence.',
  evaluate: (ctx) =>
    forEachBucket(ID, ctx, (bucket, account) => {
      const c = ctx.classify(bucket);
      return judge(bucket, account, c.level, c.rule);
    }),
};
