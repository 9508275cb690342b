/**
 * Object operations (enough for uploading a finished evidence pack and reading it back): PutObject
 * with server-side encryption and Object Lock retention, GetObject, HeadObject, DeleteObject,
 * Get/PutObjectRetention and ListObjectsV2.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { SandboxResponse } from '../protocols/call.ts';
import type { BucketState, ObjectState } from '../types.ts';
import { child, parseXml, text } from '../xml.ts';
import { accessDenied, emptyResponse, header, requireBucket, S3Error, xmlResponse } from './context.ts';
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

const putObject: S3Handler = (ctx) => {
  const bucket = requireBucket(ctx);
  const key = ctx.key ?? '';
  const body = payload(ctx);
  const rule = bucket.encryption?.[0];
  const sse = header(ctx, 'x-amz-server-side-encryption') ?? rule?.SSEAlgorithm;
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
    contentType: header(ctx, 'content-type'),
    sse,
    sseKmsKeyId: kmsKey,
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
  });
};

const getObject: S3Handler = (ctx) => {
  const bucket = requireBucket(ctx);
  const object = findVersion(bucket, ctx.key ?? '', ctx.query.get('versionId'));
  return { status: 200, headers: objectHeaders(bucket, object), body: object.body };
};

const headObject: S3Handler = (ctx) => {
  const bucket = requireBucket(ctx);
  const object = findVersion(bucket, ctx.key ?? '', ctx.query.get('versionId'));
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

const listObjectsV2: S3Handler = (ctx) => {
  const bucket = requireBucket(ctx);
  const prefix = ctx.query.get('prefix') ?? '';
  const max = Math.min(Number(ctx.query.get('max-keys') ?? 1000) || 1000, 1000);
  const token = ctx.query.get('continuation-token');
  const after = token
    ? Buffer.from(token, 'base64url').toString('utf8')
    : (ctx.query.get('start-after') ?? '');
  const keys = [...bucket.objects.keys()].filter((k) => k.startsWith(prefix) && k > after).sort();
  const page = keys.slice(0, max);
  const truncated = keys.length > page.length;
  return xmlResponse('ListBucketResult', {
    Name: bucket.name,
    Prefix: prefix,
    KeyCount: String(page.length),
    MaxKeys: String(max),
    IsTruncated: String(truncated),
    Contents: page.map((key) => {
      const latest = findVersion(bucket, key, null);
      return {
        Key: key,
        LastModified: latest.lastModified.toISOString(),
        ETag: latest.etag,
        Size: String(latest.body.length),
        StorageClass: 'STANDARD',
      };
    }),
    ...(truncated ? { NextContinuationToken: Buffer.from(page.at(-1) ?? '').toString('base64url') } : {}),
  });
};

/** Handlers by operation name. */
export const objectHandlers: Record<string, S3Handler> = {
  PutObject: putObject,
  GetObject: getObject,
  HeadObject: headObject,
  DeleteObject: deleteObject,
  PutObjectRetention: putObjectRetention,
  GetObjectRetention: getObjectRetention,
  ListObjectsV2: listObjectsV2,
};
