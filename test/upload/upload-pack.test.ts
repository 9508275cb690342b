import { readFile } from 'node:fs/promises';
import {
  CreateBucketCommand,
  GetObjectCommand,
  GetObjectRetentionCommand,
  HeadObjectCommand,
  PutObjectLockConfigurationCommand,
} from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClientFactory, type ClientFactory } from '../../src/aws/client-factory.ts';
import { createRawRecordSink } from '../../src/aws/raw-sink.ts';
import { createRequestRecorder } from '../../src/aws/recorder.ts';
import { verifyPack } from '../../src/pack/verify.ts';
import { writePack, type WrittenPack } from '../../src/pack/write-pack.ts';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/server.ts';
import { describeUploadFailure, uploadPack } from '../../src/upload/upload-pack.ts';
import { FIXED_TIME, PACK_NAME, manifestInput, sampleFiles, tempDir } from '../pack/helpers.ts';
import { LONG_TERM, s3 } from '../sandbox/clients.ts';

const KEY_ARN = 'arn:aws:kms:us-east-1:111122223333:key/0a1b2c3d-1111-2222-3333-444455556666';
const NOW = new Date('2026-11-26T20:00:00Z');
const DAY = 86_400_000;

let sandbox: RunningSandbox;
let admin: S3Client;
let factory: ClientFactory;
let pack: WrittenPack;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, scenario: 'empty' });
  admin = s3(sandbox);
  const work = await tempDir();
  factory = createClientFactory({
    endpointUrl: sandbox.url,
    credentials: async () => LONG_TERM,
    maxAttempts: 1,
    userAgent: 'evidence-pack/test',
    recorder: createRequestRecorder(createRawRecordSink(work)),
  });
  pack = await writePack({
    outDir: await tempDir(),
    name: PACK_NAME,
    files: sampleFiles(),
    manifest: manifestInput(),
    fixedTime: FIXED_TIME,
  });
  await admin.send(new CreateBucketCommand({ Bucket: 'plain-evidence' }));
  await admin.send(new CreateBucketCommand({ Bucket: 'locked-evidence', ObjectLockEnabledForBucket: true }));
  await admin.send(new CreateBucketCommand({ Bucket: 'strict-evidence', ObjectLockEnabledForBucket: true }));
  await admin.send(
    new PutObjectLockConfigurationCommand({
      Bucket: 'strict-evidence',
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 400 } },
      },
    }),
  );
  await s3(sandbox, { region: 'eu-west-1' }).send(
    new CreateBucketCommand({
      Bucket: 'eu-evidence',
      CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
    }),
  );
});

afterEach(() => sandbox.faults.clear());

afterAll(async () => {
  factory.destroy();
  admin.destroy();
  await sandbox.close();
});

const upload = (bucket: string, extra: { kmsKeyId?: string; retentionDays?: number } = {}) =>
  uploadPack({
    factory,
    target: { bucket, prefix: 'packs/q4/' },
    zipPath: pack.zipPath,
    sidecarPath: pack.sidecarPath,
    sha256: pack.sha256,
    now: () => NOW,
    ...extra,
  });

async function bodyOf(bucket: string, key: string, versionId?: string): Promise<Buffer> {
  const out = await admin.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

describe('uploadPack over the wire', () => {
  it('stores the ZIP and its sidecar byte for byte with SSE-KMS under the configured key', async () => {
    const outcome = await upload('plain-evidence', { kmsKeyId: KEY_ARN, retentionDays: 30 });
    if (!outcome.ok) throw new Error(describeUploadFailure(outcome.failure));
    const { zip, sidecar, retention } = outcome.result;
    expect(zip.key).toBe(`packs/q4/${PACK_NAME}.zip`);
    expect(sidecar.key).toBe(`packs/q4/${PACK_NAME}.zip.sha256`);
    expect(await bodyOf('plain-evidence', zip.key)).toEqual(await readFile(pack.zipPath));
    expect(await bodyOf('plain-evidence', sidecar.key)).toEqual(await readFile(pack.sidecarPath));
    const head = await admin.send(new HeadObjectCommand({ Bucket: 'plain-evidence', Key: zip.key }));
    expect(head.ServerSideEncryption).toBe('aws:kms');
    expect(head.SSEKMSKeyId).toBe(KEY_ARN);
    expect(head.ETag).toBe(zip.etag);
    expect(zip.sha256).toBe(pack.sha256);
    expect(zip.versionId).toBeNull(); // the bucket is not versioned
    // retentionDays is configured but this bucket has no Object Lock: said, not silently dropped.
    expect(retention).toEqual({ applied: false, reason: expect.stringMatching(/Object Lock/) });
  });

  it('uses the account key (aws/s3) when no upload.kmsKeyId is given', async () => {
    const outcome = await upload('plain-evidence');
    if (!outcome.ok) throw new Error(describeUploadFailure(outcome.failure));
    expect(outcome.result.zip.serverSideEncryption).toBe('aws:kms');
    const head = await admin.send(
      new HeadObjectCommand({ Bucket: 'plain-evidence', Key: outcome.result.zip.key }),
    );
    expect(head.ServerSideEncryption).toBe('aws:kms');
  });

  it('sets GOVERNANCE retention for retentionDays on an Object Lock bucket and records versions', async () => {
    const outcome = await upload('locked-evidence', { retentionDays: 90 });
    if (!outcome.ok) throw new Error(describeUploadFailure(outcome.failure));
    const until = new Date(NOW.getTime() + 90 * DAY).toISOString();
    expect(outcome.result.retention).toEqual({ applied: true, mode: 'GOVERNANCE', retainUntil: until });
    for (const o of [outcome.result.zip, outcome.result.sidecar]) {
      expect(o.versionId).toEqual(expect.any(String));
      const r = await admin.send(
        new GetObjectRetentionCommand({ Bucket: 'locked-evidence', Key: o.key, VersionId: o.versionId! }),
      );
      expect(r.Retention?.Mode).toBe('GOVERNANCE');
      expect(r.Retention?.RetainUntilDate?.toISOString()).toBe(until);
    }
    const zip = outcome.result.zip;
    expect(await bodyOf('locked-evidence', zip.key, zip.versionId!)).toEqual(await readFile(pack.zipPath));
  });

  it('never weakens a bucket default retention: keeps COMPLIANCE and the longer period', async () => {
    const outcome = await upload('strict-evidence', { retentionDays: 30 });
    if (!outcome.ok) throw new Error(describeUploadFailure(outcome.failure));
    expect(outcome.result.retention).toEqual({
      applied: true,
      mode: 'COMPLIANCE',
      retainUntil: new Date(NOW.getTime() + 400 * DAY).toISOString(),
    });
  });

  it('finds a bucket in another region', async () => {
    const outcome = await upload('eu-evidence');
    if (!outcome.ok) throw new Error(describeUploadFailure(outcome.failure));
    expect(outcome.result.region).toBe('eu-west-1');
    expect(await bodyOf('eu-evidence', outcome.result.zip.key).catch(() => null)).toBeNull(); // us-east-1 client
    const eu = s3(sandbox, { region: 'eu-west-1' });
    const got = await eu.send(new GetObjectCommand({ Bucket: 'eu-evidence', Key: outcome.result.zip.key }));
    expect(Buffer.from(await got.Body!.transformToByteArray())).toEqual(await readFile(pack.zipPath));
    eu.destroy();
  });

  it('reports a denied PutObject naming the bucket, key and AWS error, and leaves the pack intact', async () => {
    const before = await readFile(pack.zipPath);
    sandbox.faults.addRule({ service: 's3', operation: 'PutObject', kind: 'AccessDenied' });
    const outcome = await upload('plain-evidence', { kmsKeyId: KEY_ARN });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.failure).toMatchObject({
      bucket: 'plain-evidence',
      key: `packs/q4/${PACK_NAME}.zip.sha256`,
      operation: 'PutObject',
      errorName: 'AccessDenied',
    });
    expect(describeUploadFailure(outcome.failure)).toMatch(
      new RegExp(
        `s3://plain-evidence/packs/q4/${PACK_NAME}\\.zip\\.sha256 failed at PutObject: AccessDenied`,
      ),
    );
    expect(await readFile(pack.zipPath)).toEqual(before);
    expect((await verifyPack(pack.zipPath, { requireSidecar: true })).ok).toBe(true);
  });

  it('fails on a bucket that does not exist, before uploading anything', async () => {
    const outcome = await upload('no-such-evidence-bucket');
    expect(outcome).toMatchObject({
      ok: false,
      failure: { operation: 'HeadBucket', key: null, errorName: 'NoSuchBucket' },
    });
    if (!outcome.ok) expect(describeUploadFailure(outcome.failure)).toMatch(/does not exist/);
  });
});
