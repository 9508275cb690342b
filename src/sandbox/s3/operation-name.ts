/**
 * The S3 operation a request is, from method, bucket/key presence and sub-resource query
 * parameters — known before the request runs so faults, statistics and events can name it.
 */

/** Where an S3 request points. */
export interface S3Address {
  bucket?: string | undefined;
  key?: string | undefined;
}

const BUCKET_SUBRESOURCES: Record<string, Partial<Record<string, string>>> = {
  policy: { GET: 'GetBucketPolicy', PUT: 'PutBucketPolicy', DELETE: 'DeleteBucketPolicy' },
  policyStatus: { GET: 'GetBucketPolicyStatus' },
  encryption: { GET: 'GetBucketEncryption', PUT: 'PutBucketEncryption', DELETE: 'DeleteBucketEncryption' },
  publicAccessBlock: {
    GET: 'GetPublicAccessBlock',
    PUT: 'PutPublicAccessBlock',
    DELETE: 'DeletePublicAccessBlock',
  },
  acl: { GET: 'GetBucketAcl', PUT: 'PutBucketAcl' },
  ownershipControls: {
    GET: 'GetBucketOwnershipControls',
    PUT: 'PutBucketOwnershipControls',
    DELETE: 'DeleteBucketOwnershipControls',
  },
  tagging: { GET: 'GetBucketTagging', PUT: 'PutBucketTagging', DELETE: 'DeleteBucketTagging' },
  versioning: { GET: 'GetBucketVersioning', PUT: 'PutBucketVersioning' },
  'object-lock': { GET: 'GetObjectLockConfiguration', PUT: 'PutObjectLockConfiguration' },
  location: { GET: 'GetBucketLocation' },
  abac: { GET: 'GetBucketAbac', PUT: 'PutBucketAbac' },
  logging: { GET: 'GetBucketLogging', PUT: 'PutBucketLogging' },
  lifecycle: {
    GET: 'GetBucketLifecycleConfiguration',
    PUT: 'PutBucketLifecycleConfiguration',
    DELETE: 'DeleteBucketLifecycle',
  },
  cors: { GET: 'GetBucketCors', PUT: 'PutBucketCors', DELETE: 'DeleteBucketCors' },
  website: { GET: 'GetBucketWebsite', PUT: 'PutBucketWebsite', DELETE: 'DeleteBucketWebsite' },
  replication: {
    GET: 'GetBucketReplication',
    PUT: 'PutBucketReplication',
    DELETE: 'DeleteBucketReplication',
  },
  notification: { GET: 'GetBucketNotificationConfiguration', PUT: 'PutBucketNotificationConfiguration' },
  versions: { GET: 'ListObjectVersions' },
  uploads: { GET: 'ListMultipartUploads' },
  delete: { POST: 'DeleteObjects' },
};

const OBJECT_SUBRESOURCES: Record<string, Partial<Record<string, string>>> = {
  retention: { GET: 'GetObjectRetention', PUT: 'PutObjectRetention' },
  'legal-hold': { GET: 'GetObjectLegalHold', PUT: 'PutObjectLegalHold' },
  acl: { GET: 'GetObjectAcl', PUT: 'PutObjectAcl' },
  tagging: { GET: 'GetObjectTagging', PUT: 'PutObjectTagging', DELETE: 'DeleteObjectTagging' },
  uploads: { POST: 'CreateMultipartUpload' },
  uploadId: {
    PUT: 'UploadPart',
    POST: 'CompleteMultipartUpload',
    DELETE: 'AbortMultipartUpload',
    GET: 'ListParts',
  },
  attributes: { GET: 'GetObjectAttributes' },
};

const PLAIN_BUCKET: Partial<Record<string, string>> = {
  PUT: 'CreateBucket',
  DELETE: 'DeleteBucket',
  HEAD: 'HeadBucket',
};
const PLAIN_OBJECT: Partial<Record<string, string>> = {
  PUT: 'PutObject',
  GET: 'GetObject',
  HEAD: 'HeadObject',
  DELETE: 'DeleteObject',
};

/**
 * The S3 operation name; `Unknown` when the request matches no S3 operation. A PUT on a key with an
 * `x-amz-copy-source` header is CopyObject.
 */
export function s3OperationName(
  method: string,
  address: S3Address,
  query: URLSearchParams,
  headers: Readonly<Record<string, unknown>> = {},
): string {
  if (!address.bucket) return method === 'GET' ? 'ListBuckets' : 'Unknown';
  if (address.key === undefined && query.has('inventory')) return inventoryOperation(method, query);
  const table = address.key === undefined ? BUCKET_SUBRESOURCES : OBJECT_SUBRESOURCES;
  for (const [subresource, byMethod] of Object.entries(table)) {
    if (query.has(subresource)) return byMethod[method] ?? 'Unknown';
  }
  if (address.key !== undefined) {
    if (method === 'PUT' && headers['x-amz-copy-source'] !== undefined) return 'CopyObject';
    return PLAIN_OBJECT[method] ?? 'Unknown';
  }
  if (method === 'GET') return query.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects';
  return PLAIN_BUCKET[method] ?? 'Unknown';
}

/** `?inventory`: with `id`, one configuration; without, the listing. */
function inventoryOperation(method: string, query: URLSearchParams): string {
  if (method === 'GET')
    return query.has('id') ? 'GetBucketInventoryConfiguration' : 'ListBucketInventoryConfigurations';
  if (method === 'PUT') return 'PutBucketInventoryConfiguration';
  if (method === 'DELETE') return 'DeleteBucketInventoryConfiguration';
  return 'Unknown';
}

/** Object operations are data events, not management events, and do not change bucket configuration. */
export function isObjectOperation(operation: string): boolean {
  return /Object|Objects|Multipart|Part/.test(operation) && !/ObjectLockConfiguration/.test(operation);
}

/** Operations that only read. */
export function isReadOnly(operation: string): boolean {
  return /^(Get|Head|List)/.test(operation);
}

/**
 * Bucket and key from a path-style URL (`/bucket/key`) or a virtual-hosted one
 * (`bucket.localhost`); the key keeps its slashes and is percent-decoded.
 */
export function s3Address(rawPath: string, host: string | undefined): S3Address {
  const hostname = (host ?? '').replace(/:\d+$/, '');
  const virtual = /^(.+)\.localhost$/.exec(hostname)?.[1];
  const path = rawPath.replace(/^\//, '');
  if (virtual) return { bucket: virtual, key: path === '' ? undefined : decodeURIComponent(path) };
  if (path === '') return {};
  const slash = path.indexOf('/');
  if (slash < 0) return { bucket: decodeURIComponent(path) };
  const key = path.slice(slash + 1);
  return {
    bucket: decodeURIComponent(path.slice(0, slash)),
    key: key === '' ? undefined : decodeURIComponent(key),
  };
}
