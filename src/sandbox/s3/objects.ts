/**
 * Object operations (enough for uploading a finished evidence pack and reading it back): PutObject
 * and CopyObject with server-side encryption (SSE-C refused where the bucket blocks it) and Object
 * Lock retention, GetObject, HeadObject, DeleteObject, Get/PutObjectRetention and ListObjectsV2.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { SandboxResponse } from '../protocols/call.ts';
import type { BucketState, ObjectState } from '../types.ts';
import { child, parseXml, text } from '../xml.ts';
import {
  accessDenied,
  emptyResponse,
  header,
  noSuchBucket,
  requireBucket,
  S3Error,
  xmlResponse,
} from './context.ts';
import type { S3Context, S3Handler } from './context.ts';

/** Decode an `aws-chunked` body (the SDK's streaming upload framing, with or without trailers). */
export function decodeAwsChunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset < body.length) {
    const lineEnd = body.indexOf('\r\n', offset);
    if (lineEnd < 0) break;
    const size = parseInt(body.subarray(offset, lineEnd).toString('latin1').split(';')[0] ?? '', 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

function payload(ctx: S3Context): Buffer {
  const sha = header(ctx, 'x-amz-content-sha256') ?? '';
  const encoding = header(ctx, 'content-encoding') ?? '';
  return sha.startsWith('STREAMING-') || encoding.includes('aws-chunked')
    ? decodeAwsChunked(ctx.body)
    : ctx.body;
}

function noSuchKey(key: string): S3Error {
  return new S3Error('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });
}

function findVersion(bucket: BucketState, key: string, versionId: string | null): ObjectState {
  const versions = bucket.objects.get(key) ?? [];
  const found = versionId === null ? versions.at(-1) : versions.find((v) => v.versionId === versionId);
  if (!found) {
    if (versionId !== null && versions.length > 0) {
      throw new S3Error('NoSuchVersion', 'The specified version does not exist.', 404, {
        Key: key,
        VersionId: versionId,
      });
    }
    throw noSuchKey(key);
  }
  return found;
}

function objectHeaders(bucket: BucketState, object: ObjectState): Record<string, string> {
  return {
    etag: object.etag,
    'last-modified': object.lastModified.toUTCString(),
    'content-type': object.contentType ?? 'binary/octet-stream',
    'content-length': String(object.body.length),
    'accept-ranges': 'bytes',
    ...(bucket.versioning ? { 'x-amz-version-id': object.versionId } : {}),
    ...(object.sse ? { 'x-amz-server-side-encryption': object.sse } : {}),
    ...(object.sseKmsKeyId ? { 'x-amz-server-side-encryption-aws-kms-key-id': object.sseKmsKeyId } : {}),
    ...customerHeaders(object),
    ...(object.retentionMode ? { 'x-amz-object-lock-mode': object.retentionMode } : {}),
    ...(object.retainUntil
      ? { 'x-amz-object-lock-retain-until-date': object.retainUntil.toISOString() }
      : {}),
  };
}

function defaultRetention(
  ctx: S3Context,
  bucket: BucketState,
): Pick<ObjectState, 'retentionMode' | 'retainUntil'> {
  const mode = header(ctx, 'x-amz-object-lock-mode');
  const until = header(ctx, 'x-amz-object-lock-retain-until-date');
  if (mode && until) {
    if (!bucket.objectLock?.enabled)
      throw new S3Error('InvalidRequest', 'Bucket is missing Object Lock Configuration', 400);
    return { retentionMode: mode, retainUntil: new Date(until) };
  }
  const lock = bucket.objectLock;
  if (!lock?.enabled || !lock.mode) return {};
  const days = (lock.days ?? 0) + (lock.years ?? 0) * 365;
  return { retentionMode: lock.mode, retainUntil: new Date(ctx.state.now().getTime() + days * 86_400_000) };
}

const SSE_C = 'x-amz-server-side-encryption-customer';

/** True when a default-encryption rule of the bucket blocks uploads with customer-provided keys. */
function blocksSseC(bucket: BucketState): boolean {
  return (bucket.encryption ?? []).some((r) => r.BlockedEncryptionTypes?.includes('SSE-C'));
}

/**
 * The SSE-C headers of a write (`prefix` is `x-amz-…` for the new object, `x-amz-copy-source-…` for
 * the copy source), checked as S3 checks them; `undefined` without SSE-C.
 */
function customerKey(ctx: S3Context, prefix: string): ObjectState['sseCustomer'] {
  const algorithm = header(ctx, `${prefix}-algorithm`);
  const key = header(ctx, `${prefix}-key`);
  const md5 = header(ctx, `${prefix}-key-md5`);
  if (algorithm === undefined && key === undefined && md5 === undefined) return undefined;
  if (algorithm !== 'AES256') {
    throw new S3Error(
      'InvalidArgument',
      'Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption algorithm.',
      400,
      { ArgumentName: `${prefix}-algorithm` },
    );
  }
  const raw = key === undefined ? undefined : Buffer.from(key, 'base64');
  if (!raw || raw.length !== 32) {
    throw new S3Error('InvalidArgument', 'The secret key was invalid for the specified algorithm.', 400, {
      ArgumentName: `${prefix}-key`,
    });
  }
  const actual = createHash('md5').update(raw).digest('base64');
  if (md5 !== undefined && md5 !== actual) {
    throw new S3Error(
      'InvalidArgument',
      'The calculated MD5 hash of the key did not match the hash that was provided.',
      400,
      { ArgumentName: `${prefix}-key-md5` },
    );
  }
  return { algorithm, keyMd5: actual };
}

/**
 * SSE-C on a write to `bucket`: refused with 403 AccessDenied when the bucket blocks SSE-C (as S3
 * does since April 2026 by default), and never combined with `x-amz-server-side-encryption`.
 */
function writeCustomerKey(ctx: S3Context, bucket: BucketState): ObjectState['sseCustomer'] {
  const customer = customerKey(ctx, SSE_C);
  if (!customer) return undefined;
  if (blocksSseC(bucket)) throw accessDenied();
  if (header(ctx, 'x-amz-server-side-encryption') !== undefined) {
    throw new S3Error(
      'InvalidArgument',
      'Server side encryption with customer provided key is incompatible with the encryption method specified.',
      400,
      { ArgumentName: 'x-amz-server-side-encryption' },
    );
  }
  return customer;
}

/** Reading an SSE-C object needs the same customer key, as S3 requires. */
function assertReadable(ctx: S3Context, object: ObjectState, prefix = SSE_C): void {
  if (!object.sseCustomer) return;
  const given = customerKey(ctx, prefix);
  if (!given) {
    throw new S3Error(
      'InvalidRequest',
      'The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.',
      400,
    );
  }
  if (given.keyMd5 !== object.sseCustomer.keyMd5) throw accessDenied();
}

const putObject: S3Handler = (ctx) => {
  const bucket = requireBucket(ctx);
  return storeObject(ctx, bucket, payload(ctx), header(ctx, 'content-type'));
};

/** CopyObject: the source (same sandbox, caller's own bucket) copied into the addressed key. */
const copyObject: S3Handler = (ctx) => {
  const bucket = requireBucket(ctx);
  const source = decodeURIComponent((header(ctx, 'x-amz-copy-source') ?? '').replace(/^\//, ''));
  const [path = '', query = ''] = source.split('?');
  const slash = path.indexOf('/');
  const sourceBucket = ctx.state.buckets.get(slash < 0 ? path : path.slice(0, slash));
  const sourceKey = slash < 0 ? '' : path.slice(slash + 1);
  if (!sourceBucket) throw noSuchBucket(slash < 0 ? path : path.slice(0, slash));
  if (sourceBucket.accountId !== ctx.caller.accountId) throw accessDenied();
  const versionId = new URLSearchParams(query).get('versionId');
  const from = findVersion(sourceBucket, sourceKey, versionId);
  assertReadable(ctx, from, 'x-amz-copy-source-server-side-encryption-customer');
  const stored = storeObject(ctx, bucket, from.body, from.contentType);
  const written = findVersion(bucket, ctx.key ?? '', null);
  return xmlResponse(
    'CopyObjectResult',
    { ETag: written.etag, LastModified: written.lastModified.toISOString() },
    stored.headers,
  );
};

function storeObject(
  ctx: S3Context,
  bucket: BucketState,
  body: Buffer,
  contentType: string | undefined,
): SandboxResponse {
  const key = ctx.key ?? '';
  const customer = writeCustomerKey(ctx, bucket);
  const rule = bucket.encryption?.[0];
  const sse = customer ? undefined : (header(ctx, 'x-amz-server-side-encryption') ?? rule?.SSEAlgorithm);
  if (sse !== undefined && !['AES256', 'aws:kms', 'aws:kms:dsse'].includes(sse)) {
    throw new S3Error('InvalidArgument', 'The encryption method specified is not supported', 400, {
      ArgumentName: 'x-amz-server-side-encryption',
    });
  }
  const kmsKey = sse?.startsWith('aws:kms')
    ? (header(ctx, 'x-amz-server-side-encryption-aws-kms-key-id') ??
      (rule?.SSEAlgorithm === sse ? rule.KMSMasterKeyID : undefined))
    : undefined;
  const object: ObjectState = {
    key,
    body,
    etag: `"${createHash('md5').update(body).digest('hex')}"`,
    versionId: bucket.versioning === 'Enabled' ? randomBytes(16).toString('base64url') : 'null',
    lastModified: ctx.state.now(),
    contentType,
    sse,
    sseKmsKeyId: kmsKey,
    sseCustomer: customer,
    ...defaultRetention(ctx, bucket),
  };
  const versions =
    bucket.versioning === 'Enabled'
      ? (bucket.objects.get(key) ?? [])
      : (bucket.objects.get(key) ?? []).filter((v) => v.versionId !== 'null');
  bucket.objects.set(key, [...(bucket.versioning ? versions : []), object]);
  return emptyResponse(200, {
    etag: object.etag,
    ...(bucket.versioning ? { 'x-amz-version-id': object.versionId } : {}),
    ...(sse ? { 'x-amz-server-side-encryption': sse } : {}),
    ...(kmsKey ? { 'x-amz-server-side-encryption-aws-kms-key-id': kmsKey } : {}),
    ...customerHeaders(object),
  });
}

function customerHeaders(object: ObjectState): Record<string, string> {
  return object.sseCustomer
    ? {
        [`${SSE_C}-algorithm`]: object.sseCustomer.algorithm,
        [`${SSE_C}-key-md5`]: object.sseCustomer.keyMd5,
      }
    : {};
}

const getObject: S3Handler = (ctx) => {
  const bucket = requireBucket(ctx);
  const object = findVersion(bucket, ctx.key ?? '', ctx.query.get('versionId'));
  assertReadable(ctx, object);
  return { status: 200, headers: objectHeaders(bucket, object), body: object.body };
};

const headObject: S3Handler = (ctx) => {
  const bucket = requireBucket(ctx);
  const object = findVersion(bucket, ctx.key ?? '', ctx.query.get('versionId'));
  assertReadable(ctx, object);
  return { status: 200, headers: objectHeaders(bucket, object), body: undefined } satisfies SandboxResponse;
};

function assertDeletable(ctx: S3Context, object: ObjectState): void {
  if (!object.retainUntil || object.retainUntil.getTime() <= ctx.state.now().getTime()) return;
  const bypass = header(ctx, 'x-amz-bypass-governance-retention')?.toLowerCase() === 'true';
  if (object.retentionMode === 'COMPLIANCE' || !bypass) throw accessDenied();
}

const deleteObject: S3Handler = (ctx) => {
  const bucket = requireBucket(ctx);
  const key = ctx.key ?? '';
  const versionId = ctx.query.get('versionId');
  const versions = bucket.objects.get(key) ?? [];
  if (versionId === null && bucket.versioning) {
    throw new S3Error('NotImplemented', 'The sandbox does not model delete markers; pass versionId', 501);
  }
  const remaining = versions.filter((v) => {
    const target = versionId === null || v.versionId === versionId;
    if (target) assertDeletable(ctx, v);
    return !target;
  });
  if (remaining.length > 0) bucket.objects.set(key, remaining);
  else bucket.objects.delete(key);
  return emptyResponse(204, versionId ? { 'x-amz-version-id': versionId } : {});
};

const putObjectRetention: S3Handler = (ctx) => {
  const bucket = requireBucket(ctx);
  if (!bucket.objectLock?.enabled)
    throw new S3Error('InvalidRequest', 'Bucket is missing Object Lock Configuration', 400);
  const object = findVersion(bucket, ctx.key ?? '', ctx.query.get('versionId'));
  const retention = child(parseXml(ctx.body), 'Retention');
  const mode = text(retention, 'Mode');
  const until = text(retention, 'RetainUntilDate');
  const date = until ? new Date(until) : undefined;
  if ((mode !== 'GOVERNANCE' && mode !== 'COMPLIANCE') || !date || Number.isNaN(date.getTime())) {
    throw new S3Error(
      'MalformedXML',
      'The XML you provided was not well-formed or did not validate against our published schema',
      400,
    );
  }
  if (object.retainUntil && date < object.retainUntil) assertDeletable(ctx, object);
  object.retentionMode = mode;
  object.retainUntil = date;
  return emptyResponse(200);
};

const getObjectRetention: S3Handler = (ctx) => {
  const bucket = requireBucket(ctx);
  const object = findVersion(bucket, ctx.key ?? '', ctx.query.get('versionId'));
  if (!object.retainUntil || !object.retentionMode) {
    throw new S3Error(
      'NoSuchObjectLockConfiguration',
      'The specified object does not have a ObjectLock configuration',
      404,
    );
  }
  return xmlResponse('Retention', {
    Mode: object.retentionMode,
    RetainUntilDate: object.retainUntil.toISOString(),
  });
};

/**
 * ListObjectsV2, in key order, up to `max-keys` (1000) entries per page. With `delimiter`, keys that
 * contain it after the prefix roll up into `CommonPrefixes` (each counted once towards the page).
 */
const listObjectsV2: S3Handler = (ctx) => {
  const bucket = requireBucket(ctx);
  const prefix = ctx.query.get('prefix') ?? '';
  const delimiter = ctx.query.get('delimiter') ?? '';
  const max = Math.min(Number(ctx.query.get('max-keys') ?? 1000) || 1000, 1000);
  const token = ctx.query.get('continuation-token');
  const after = token
    ? Buffer.from(token, 'base64url').toString('utf8')
    : (ctx.query.get('start-after') ?? '');
  const entries: { key: string; common: boolean }[] = [];
  for (const k of [...bucket.objects.keys()].filter((k) => k.startsWith(prefix)).sort()) {
    const cut = delimiter ? k.indexOf(delimiter, prefix.length) : -1;
    const entry =
      cut < 0 ? { key: k, common: false } : { key: k.slice(0, cut + delimiter.length), common: true };
    if (entry.key <= after || entries.at(-1)?.key === entry.key) continue;
    entries.push(entry);
  }
  const page = entries.slice(0, max);
  const truncated = entries.length > page.length;
  return xmlResponse('ListBucketResult', {
    Name: bucket.name,
    Prefix: prefix,
    ...(delimiter ? { Delimiter: delimiter } : {}),
    KeyCount: String(page.length),
    MaxKeys: String(max),
    IsTruncated: String(truncated),
    Contents: page
      .filter((e) => !e.common)
      .map(({ key }) => {
        const latest = findVersion(bucket, key, null);
        return {
          Key: key,
          LastModified: latest.lastModified.toISOString(),
          ETag: latest.etag,
          Size: String(latest.body.length),
          StorageClass: 'STANDARD',
        };
      }),
    CommonPrefixes: page.filter((e) => e.common).map((e) => ({ Prefix: e.key })),
    ...(truncated
      ? { NextContinuationToken: Buffer.from(page.at(-1)?.key ?? '').toString('base64url') }
      : {}),
  });
};

/** Handlers by operation name. */
export const objectHandlers: Record<string, S3Handler> = {
  PutObject: putObject,
  CopyObject: copyObject,
  GetObject: getObject,
  HeadObject: headObject,
  DeleteObject: deleteObject,
  PutObjectRetention: putObjectRetention,
  GetObjectRetention: getObjectRetention,
  ListObjectsV2: listObjectsV2,
};
