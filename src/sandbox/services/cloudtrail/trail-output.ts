/** The `Trail` structure of DescribeTrails / GetTrail and the CreateTrail / UpdateTrail response. */
import type { Trail } from './store.ts';

/** A trail as DescribeTrails lists it. */
export function trailOutput(trail: Trail): Record<string, unknown> {
  return {
    Name: trail.name,
    S3BucketName: trail.s3BucketName,
    ...(trail.s3KeyPrefix ? { S3KeyPrefix: trail.s3KeyPrefix } : {}),
    ...(trail.snsTopicName ? { SnsTopicName: trail.snsTopicName, SnsTopicARN: snsArn(trail) } : {}),
    IncludeGlobalServiceEvents: trail.includeGlobalServiceEvents,
    IsMultiRegionTrail: trail.isMultiRegionTrail,
    HomeRegion: trail.homeRegion,
    TrailARN: trail.arn,
    LogFileValidationEnabled: trail.logFileValidationEnabled,
    ...(trail.cloudWatchLogsLogGroupArn
      ? { CloudWatchLogsLogGroupArn: trail.cloudWatchLogsLogGroupArn }
      : {}),
    ...(trail.cloudWatchLogsRoleArn ? { CloudWatchLogsRoleArn: trail.cloudWatchLogsRoleArn } : {}),
    ...(trail.kmsKeyId ? { KmsKeyId: trail.kmsKeyId } : {}),
    HasCustomEventSelectors: trail.hasCustomEventSelectors,
    HasInsightSelectors: false,
    IsOrganizationTrail: trail.isOrganizationTrail,
  };
}

/** The CreateTrail / UpdateTrail response: the same fields without HomeRegion or selector flags. */
export function trailWriteOutput(trail: Trail): Record<string, unknown> {
  const {
    HomeRegion: _homeRegion,
    HasCustomEventSelectors: _customSelectors,
    HasInsightSelectors: _insightSelectors,
    ...write
  } = trailOutput(trail);
  return write;
}

function snsArn(trail: Trail): string {
  return `arn:aws:sns:${trail.homeRegion}:${trail.accountId}:${trail.snsTopicName ?? ''}`;
}
