/**
 * The bucket's configuration as AWS Config records it after each change (read later by Config's
 * GetResourceConfigHistory), and the CloudTrail management event of each S3 control-plane call.
 */
import type { SandboxState } from '../state.ts';
import type { BucketConfigurationItem, BucketState, Caller } from '../types.ts';

/** Snapshot of a bucket's configuration as an AWS Config item. */
export function configurationItem(
  bucket: BucketState,
  status: BucketConfigurationItem['status'],
  captureTime: Date,
): BucketConfigurationItem {
  const supplementary: Record<string, string> = {
    ServerSideEncryptionConfiguration: JSON.stringify(
      bucket.encryption
        ? {
            rules: bucket.encryption.map((r) => ({
              applyServerSideEncryptionByDefault: r,
              bucketKeyEnabled: r.BucketKeyEnabled ?? false,
            })),
          }
        : null,
    ),
    BucketPolicy: JSON.stringify({ policyText: bucket.policy ?? null }),
    PublicAccessBlockConfiguration: JSON.stringify(bucket.publicAccessBlock ?? null),
    AccessControlList: JSON.stringify({ owner: bucket.ownerId, grantList: bucket.acl }),
    BucketOwnershipControls: JSON.stringify(
      bucket.objectOwnership ? { rules: [{ objectOwnership: bucket.objectOwnership }] } : null,
    ),
    BucketTaggingConfiguration: JSON.stringify({ tagSets: bucket.tags ? [{ tags: bucket.tags }] : [] }),
    BucketVersioningConfiguration: JSON.stringify({ status: bucket.versioning ?? 'Off' }),
  };
  if (bucket.objectLock) supplementary.ObjectLockConfiguration = JSON.stringify(bucket.objectLock);
  return {
    accountId: bucket.accountId,
    region: bucket.region,
    bucket: bucket.name,
    captureTime,
    status,
    configuration: JSON.stringify({
      name: bucket.name,
      owner: { id: bucket.ownerId },
      creationDate: bucket.creationDate.toISOString(),
    }),
    supplementaryConfiguration: supplementary,
  };
}

/** Append the bucket's current configuration to its history. */
export function recordBucketChange(
  state: SandboxState,
  bucket: BucketState,
  status: BucketConfigurationItem['status'],
): void {
  state.recordBucketConfiguration(configurationItem(bucket, status, state.now()));
}

/** CloudTrail names the bucket-level Block Public Access calls after the bucket (the S3 API does not). */
const CLOUDTRAIL_EVENT_NAMES: Record<string, string> = {
  GetPublicAccessBlock: 'GetBucketPublicAccessBlock',
  PutPublicAccessBlock: 'PutBucketPublicAccessBlock',
  DeletePublicAccessBlock: 'DeleteBucketPublicAccessBlock',
};

/** CloudTrail names the account-level S3 Control Block Public Access calls after the account. */
const ACCOUNT_EVENT_NAMES: Record<string, string> = {
  GetPublicAccessBlock: 'GetAccountPublicAccessBlock',
  PutPublicAccessBlock: 'PutAccountPublicAccessBlock',
  DeletePublicAccessBlock: 'DeleteAccountPublicAccessBlock',
};

/** Record an S3 management event for CloudTrail. */
export function recordS3Event(
  state: SandboxState,
  opts: {
    operation: string;
    caller: Caller;
    region: string;
    bucket?: string | undefined;
    readOnly: boolean;
    accountId?: string;
    requestId?: string | undefined;
  },
): void {
  state.recordEvent({
    eventName:
      (opts.bucket ? CLOUDTRAIL_EVENT_NAMES[opts.operation] : ACCOUNT_EVENT_NAMES[opts.operation]) ??
      opts.operation,
    eventSource: 's3.amazonaws.com',
    eventTime: state.now(),
    awsRegion: opts.region,
    accountId: opts.accountId ?? opts.caller.accountId,
    userArn: opts.caller.arn,
    username: opts.caller.arn.split('/').pop() ?? opts.caller.arn,
    accessKeyId: opts.caller.accessKeyId,
    readOnly: opts.readOnly,
    resources: opts.bucket ? [{ type: 'AWS::S3::Bucket', name: opts.bucket }] : [],
    requestParameters: opts.bucket ? { bucketName: opts.bucket } : {},
    ...(opts.requestId ? { requestId: opts.requestId } : {}),
  });
}
