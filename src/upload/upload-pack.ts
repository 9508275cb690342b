import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { PutObjectCommandInput, S3Client } from '@aws-sdk/client-s3';
import type { ClientFactory } from '../aws/client-factory.ts';
import { errorMessage, errorName } from '../aws/classify.ts';
import { bucketObjectLock, bucketRegion } from './bucket-facts.ts';
import { planRetention } from './retention.ts';
import type { RetentionMode } from './retention.ts';
import { s3Url } from './s3-uri.ts';
import type { S3Target } from './s3-uri.ts';

/** What to upload, and where. */
export interface UploadPackInput {
  /** The factory for calls made after collection (their records stay outside the pack). */
  factory: ClientFactory;
  target: S3Target;
  zipPath: string;
  sidecarPath: string;
  /** SHA-256 (hex) of the ZIP as written; the bytes read back for upload must match it. */
  sha256: string;
  /** KMS key for SSE-KMS (`upload.kmsKeyId`); default: the account's `aws/s3` key. */
  kmsKeyId?: string | undefined;
  /** Object Lock retention in days (`upload.retentionDays`), applied when the bucket has Object Lock. */
  retentionDays?: number | undefined;
  /** Region tried first to locate the bucket (default us-east-1). */
  homeRegion?: string | undefined;
  now?: () => Date;
}

/** One object stored. */
export interface UploadedObject {
  key: string;
  url: string;
  bytes: number;
  /** SHA-256 (hex) of the bytes sent; S3 checked it against `x-amz-checksum-sha256`. */
  sha256: string;
  etag: string | null;
  /** Null when the bucket is not versioned. */
  versionId: string | null;
  serverSideEncryption: string | null;
  sseKmsKeyId: string | null;
}

/** Where the pack went. */
export interface UploadResult {
  bucket: string;
  region: string;
  /** Uploaded in this order: the sidecar first, so a ZIP in S3 always has its sidecar beside it. */
  sidecar: UploadedObject;
  zip: UploadedObject;
  retention: { applied: true; mode: RetentionMode; retainUntil: string } | { applied: false; reason: string };
}

/** Why the upload failed: the step, the object, and the AWS error. */
export interface UploadFailure {
  bucket: string;
  key: string | null;
  operation: string;
  errorName: string;
  message: string;
}

/** The outcome of {@link uploadPack}; a failure never touches the local pack. */
export type UploadOutcome = { ok: true; result: UploadResult } | { ok: false; failure: UploadFailure };

/** A step failed; carries what {@link UploadFailure} reports. */
class StepError extends Error {
  constructor(
    readonly operation: string,
    readonly key: string | null,
    override readonly cause: unknown,
  ) {
    super(errorMessage(cause));
  }
}

async function step<T>(operation: string, key: string | null, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw new StepError(operation, key, err);
  }
}

/**
 * Store a written pack (its sidecar, then the ZIP) in S3 with SSE-KMS, a SHA-256 checksum that S3
 * verifies on receipt (the same digest the sidecar records), and Object Lock retention when the
 * bucket has Object Lock and `retentionDays` is set (see {@link planRetention} for the mode).
 * Only reads the local files.
 */
export async function uploadPack(input: UploadPackInput): Promise<UploadOutcome> {
  const { bucket, prefix } = input.target;
  const now = input.now ?? (() => new Date());
  try {
    const zipBytes = await step('read the pack', null, () => readFile(input.zipPath));
    const zipSha = sha256Hex(zipBytes);
    if (zipSha !== input.sha256) {
      throw new StepError(
        'read the pack',
        null,
        new Error(
          `${input.zipPath} changed since it was written (sha256 ${zipSha}, expected ${input.sha256})`,
        ),
      );
    }
    const sidecarBytes = await step('read the sidecar', null, () => readFile(input.sidecarPath));

    const home = input.homeRegion ?? 'us-east-1';
    const region = await step('HeadBucket', null, () => bucketRegion(input.factory.s3(home), bucket, home));
    const s3 = input.factory.s3(region);
    const lock =
      input.retentionDays === undefined
        ? ({ enabled: false } as const)
        : await step('GetObjectLockConfiguration', null, () => bucketObjectLock(s3, bucket));
    const plan = planRetention(lock, input.retentionDays, now());

    const common: Omit<PutObjectCommandInput, 'Key' | 'Body'> = {
      Bucket: bucket,
      ServerSideEncryption: 'aws:kms',
      ...(input.kmsKeyId ? { SSEKMSKeyId: input.kmsKeyId } : {}),
      ChecksumAlgorithm: 'SHA256',
      ...(plan.apply ? { ObjectLockMode: plan.mode, ObjectLockRetainUntilDate: plan.retainUntil } : {}),
    };
    const sidecar = await putOne(s3, common, {
      key: `${prefix}${basename(input.sidecarPath)}`,
      body: sidecarBytes,
      contentType: 'text/plain; charset=utf-8',
    });
    const zip = await putOne(s3, common, {
      key: `${prefix}${basename(input.zipPath)}`,
      body: zipBytes,
      contentType: 'application/zip',
    });
    return {
      ok: true,
      result: {
        bucket,
        region,
        sidecar,
        zip,
        retention: plan.apply
          ? { applied: true, mode: plan.mode, retainUntil: plan.retainUntil.toISOString() }
          : { applied: false, reason: plan.reason },
      },
    };
  } catch (err) {
    if (!(err instanceof StepError)) throw err;
    return {
      ok: false,
      failure: {
        bucket,
        key: err.key,
        operation: err.operation,
        errorName: errorName(err.cause),
        message: errorMessage(err.cause),
      },
    };
  }
}

async function putOne(
  s3: S3Client,
  common: Omit<PutObjectCommandInput, 'Key' | 'Body'>,
  object: { key: string; body: Buffer; contentType: string },
): Promise<UploadedObject> {
  const digest = createHash('sha256').update(object.body).digest();
  const out = await step('PutObject', object.key, () =>
    s3.send(
      new PutObjectCommand({
        ...common,
        Key: object.key,
        Body: object.body,
        ContentType: object.contentType,
        ChecksumSHA256: digest.toString('base64'),
        Metadata: { sha256: digest.toString('hex') },
      }),
    ),
  );
  // S3 answers a successful SSE-KMS PutObject with the algorithm; anything else means the
  // endpoint did not honour the request, and the evidence is not stored as promised.
  if (out.ServerSideEncryption !== undefined && out.ServerSideEncryption !== 'aws:kms') {
    throw new StepError(
      'PutObject',
      object.key,
      new Error(`stored with ${out.ServerSideEncryption} instead of aws:kms`),
    );
  }
  return {
    key: object.key,
    url: s3Url(common.Bucket ?? '', object.key),
    bytes: object.body.length,
    sha256: digest.toString('hex'),
    etag: out.ETag ?? null,
    versionId: out.VersionId ?? null,
    serverSideEncryption: out.ServerSideEncryption ?? null,
    sseKmsKeyId: out.SSEKMSKeyId ?? null,
  };
}

function sha256Hex(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('hex');
}

/** One line per failure fact, for the CLI message. */
export function describeUploadFailure(f: UploadFailure): string {
  const where = f.key === null ? `s3://${f.bucket}` : s3Url(f.bucket, f.key);
  return `upload to ${where} failed at ${f.operation}: ${f.errorName}: ${f.message}`;
}

/** Lines describing a successful upload (versions, ETags, encryption, retention). */
export function describeUpload(r: UploadResult): string[] {
  const line = (o: UploadedObject) =>
    `uploaded ${o.url} (version ${o.versionId ?? 'none: bucket not versioned'}, ETag ${o.etag ?? '?'}, ` +
    `${o.serverSideEncryption ?? 'no SSE header returned'}${o.sseKmsKeyId ? ` ${o.sseKmsKeyId}` : ''})`;
  return [
    line(r.sidecar),
    line(r.zip),
    r.retention.applied
      ? `retention: ${r.retention.mode} until ${r.retention.retainUntil}`
      : `retention: none (${r.retention.reason})`,
  ];
}
