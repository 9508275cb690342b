/**
 * The IAM action S3 authorizes for each operation the sandbox serves (AWS's "Required permissions
 * for Amazon S3 API operations"), and whether it is authorized on the bucket or on an object.
 */

/** Operation → [IAM action, resource kind]. */
const ACTIONS: Record<string, [string, 'bucket' | 'object']> = {
  GetBucketPolicy: ['s3:GetBucketPolicy', 'bucket'],
  PutBucketPolicy: ['s3:PutBucketPolicy', 'bucket'],
  DeleteBucketPolicy: ['s3:DeleteBucketPolicy', 'bucket'],
  GetBucketPolicyStatus: ['s3:GetBucketPolicyStatus', 'bucket'],
  GetBucketEncryption: ['s3:GetEncryptionConfiguration', 'bucket'],
  PutBucketEncryption: ['s3:PutEncryptionConfiguration', 'bucket'],
  DeleteBucketEncryption: ['s3:PutEncryptionConfiguration', 'bucket'],
  GetPublicAccessBlock: ['s3:GetBucketPublicAccessBlock', 'bucket'],
  PutPublicAccessBlock: ['s3:PutBucketPublicAccessBlock', 'bucket'],
  DeletePublicAccessBlock: ['s3:PutBucketPublicAccessBlock', 'bucket'],
  GetBucketAcl: ['s3:GetBucketAcl', 'bucket'],
  PutBucketAcl: ['s3:PutBucketAcl', 'bucket'],
  GetBucketOwnershipControls: ['s3:GetBucketOwnershipControls', 'bucket'],
  PutBucketOwnershipControls: ['s3:PutBucketOwnershipControls', 'bucket'],
  DeleteBucketOwnershipControls: ['s3:PutBucketOwnershipControls', 'bucket'],
  GetBucketTagging: ['s3:GetBucketTagging', 'bucket'],
  PutBucketTagging: ['s3:PutBucketTagging', 'bucket'],
  DeleteBucketTagging: ['s3:PutBucketTagging', 'bucket'],
  GetBucketVersioning: ['s3:GetBucketVersioning', 'bucket'],
  PutBucketVersioning: ['s3:PutBucketVersioning', 'bucket'],
  GetObjectLockConfiguration: ['s3:GetBucketObjectLockConfiguration', 'bucket'],
  PutObjectLockConfiguration: ['s3:PutBucketObjectLockConfiguration', 'bucket'],
  GetBucketLocation: ['s3:GetBucketLocation', 'bucket'],
  GetBucketAbac: ['s3:GetBucketAbac', 'bucket'],
  PutBucketAbac: ['s3:PutBucketAbac', 'bucket'],
  GetBucketLogging: ['s3:GetBucketLogging', 'bucket'],
  PutBucketLogging: ['s3:PutBucketLogging', 'bucket'],
  GetBucketLifecycleConfiguration: ['s3:GetLifecycleConfiguration', 'bucket'],
  PutBucketLifecycleConfiguration: ['s3:PutLifecycleConfiguration', 'bucket'],
  DeleteBucketLifecycle: ['s3:PutLifecycleConfiguration', 'bucket'],
  GetBucketCors: ['s3:GetBucketCORS', 'bucket'],
  PutBucketCors: ['s3:PutBucketCORS', 'bucket'],
  DeleteBucketCors: ['s3:PutBucketCORS', 'bucket'],
  GetBucketWebsite: ['s3:GetBucketWebsite', 'bucket'],
  PutBucketWebsite: ['s3:PutBucketWebsite', 'bucket'],
  DeleteBucketWebsite: ['s3:DeleteBucketWebsite', 'bucket'],
  GetBucketReplication: ['s3:GetReplicationConfiguration', 'bucket'],
  PutBucketReplication: ['s3:PutReplicationConfiguration', 'bucket'],
  DeleteBucketReplication: ['s3:PutReplicationConfiguration', 'bucket'],
  GetBucketNotificationConfiguration: ['s3:GetBucketNotification', 'bucket'],
  PutBucketNotificationConfiguration: ['s3:PutBucketNotification', 'bucket'],
  ListObjectVersions: ['s3:ListBucketVersions', 'bucket'],
  ListMultipartUploads: ['s3:ListBucketMultipartUploads', 'bucket'],
  ListObjects: ['s3:ListBucket', 'bucket'],
  ListObjectsV2: ['s3:ListBucket', 'bucket'],
  HeadBucket: ['s3:ListBucket', 'bucket'],
  DeleteBucket: ['s3:DeleteBucket', 'bucket'],
  DeleteObjects: ['s3:DeleteObject', 'object'],
  PutObject: ['s3:PutObject', 'object'],
  CopyObject: ['s3:PutObject', 'object'],
  CreateMultipartUpload: ['s3:PutObject', 'object'],
  UploadPart: ['s3:PutObject', 'object'],
  CompleteMultipartUpload: ['s3:PutObject', 'object'],
  AbortMultipartUpload: ['s3:AbortMultipartUpload', 'object'],
  ListParts: ['s3:ListMultipartUploadParts', 'object'],
  GetObject: ['s3:GetObject', 'object'],
  HeadObject: ['s3:GetObject', 'object'],
  GetObjectAttributes: ['s3:GetObjectAttributes', 'object'],
  DeleteObject: ['s3:DeleteObject', 'object'],
  GetObjectRetention: ['s3:GetObjectRetention', 'object'],
  PutObjectRetention: ['s3:PutObjectRetention', 'object'],
  GetObjectLegalHold: ['s3:GetObjectLegalHold', 'object'],
  PutObjectLegalHold: ['s3:PutObjectLegalHold', 'object'],
  GetObjectAcl: ['s3:GetObjectAcl', 'object'],
  PutObjectAcl: ['s3:PutObjectAcl', 'object'],
  GetObjectTagging: ['s3:GetObjectTagging', 'object'],
  PutObjectTagging: ['s3:PutObjectTagging', 'object'],
  DeleteObjectTagging: ['s3:DeleteObjectTagging', 'object'],
};

/**
 * The action and resource ARN S3 authorizes a request on, or undefined for operations that do
 * not act on an existing bucket (ListBuckets, CreateBucket). DeleteObjects is authorized per key;
 * the sandbox authorizes it once, on the bucket's objects.
 */
export function iamRequest(
  operation: string,
  bucket: string,
  key: string | undefined,
): { action: string; resource: string } | undefined {
  const entry = ACTIONS[operation];
  if (!entry) return undefined;
  const [action, kind] = entry;
  return {
    action,
    resource: kind === 'bucket' ? `arn:aws:s3:::${bucket}` : `arn:aws:s3:::${bucket}/${key ?? ''}`,
  };
}
