import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  CreateBucketCommand,
  GetObjectCommand,
  GetObjectRetentionCommand,
  HeadObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPack } from '../../src/pack/verify.ts';
import { DEMO_CREDENTIALS, DEMO_SIGNING_KEY } from '../../src/sandbox/scenarios/demo.ts';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/server.ts';
import { runCli, type CliRun } from '../e2e/cli.ts';
import { tempDir } from '../pack/helpers.ts';

/**
 * `run --endpoint-url <sandbox>` as a user runs it: the pack is signed with a sandbox KMS key,
 * uploaded to an Object Lock bucket from `config.upload`, and `verify --kms-key-id` trusts the key
 * KMS returns. The sandbox runs in this process; the CLI is a child process.
 */
const BUCKET = 'acme-evidence-archive';

interface UploadedJson {
  key: string;
  versionId: string | null;
  etag: string | null;
  serverSideEncryption: string | null;
}
interface Summary {
  pack: string;
  sha256: string;
  exitCode: number;
  upload?: {
    ok: boolean;
    bucket: string;
    zip?: UploadedJson;
    sidecar?: UploadedJson;
    retention?: { applied: boolean; mode?: string };
    operation?: string;
    errorName?: string;
  };
}

let sandbox: RunningSandbox;
let dir: string;
let configFile: string;
let s3: S3Client;
let kms: KMSClient;

const env = () => ({
  AWS_ACCESS_KEY_ID: DEMO_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: DEMO_CREDENTIALS.secretAccessKey,
  AWS_SESSION_TOKEN: '',
  AWS_PROFILE: '',
  AWS_REGION: 'us-east-1',
  AWS_ENDPOINT_URL: '',
});

const run = (out: string, extra: string[] = []): Promise<CliRun> =>
  runCli(
    [
      'run',
      '--config',
      configFile,
      '--endpoint-url',
      sandbox.url,
      '--out',
      out,
      '--no-screenshots',
      '--json',
      '--fail-on',
      'none',
      ...extra,
    ],
    { env: env() },
  );

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, scenario: 'demo' });
  const client = { endpoint: sandbox.url, region: 'us-east-1', credentials: DEMO_CREDENTIALS };
  s3 = new S3Client({ ...client, forcePathStyle: true });
  kms = new KMSClient(client);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET, ObjectLockEnabledForBucket: true }));
  dir = await tempDir();
  configFile = join(dir, 'evidence.config.ts');
  await writeFile(
    configFile,
    `export default ${JSON.stringify({
      organization: 'Upload Test',
      sign: { kmsKeyId: DEMO_SIGNING_KEY },
      upload: { uri: `s3://${BUCKET}/packs/`, retentionDays: 30 },
    })};\n`,
  );
}, 60_000);

afterAll(async () => {
  s3.destroy();
  kms.destroy();
  await sandbox.close();
});

describe('run --endpoint-url with config.upload, then verify --kms-key-id', () => {
  let summary: Summary;
  let out: string;

  beforeAll(async () => {
    out = join(dir, 'ok');
    const result = await run(out);
    expect(result.code, result.stderr).toBe(0);
    summary = JSON.parse(result.stdout) as Summary;
  }, 240_000);

  it('uploads the ZIP and sidecar with SSE-KMS and retention, and reports versions and ETags', async () => {
    const up = summary.upload;
    expect(up).toMatchObject({ ok: true, bucket: BUCKET, retention: { applied: true, mode: 'GOVERNANCE' } });
    const zip = up!.zip!;
    expect(zip.key).toBe(`packs/${summary.pack.split('/').at(-1)}`);
    expect(zip.versionId).toEqual(expect.any(String));
    const got = await s3.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: zip.key, VersionId: zip.versionId! }),
    );
    expect(Buffer.from(await got.Body!.transformToByteArray())).toEqual(await readFile(summary.pack));
    expect(got.ETag).toBe(zip.etag);
    expect(got.ServerSideEncryption).toBe('aws:kms');
    const sidecar = up!.sidecar!;
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: sidecar.key }));
    expect(head.VersionId).toBe(sidecar.versionId);
    const retention = await s3.send(
      new GetObjectRetentionCommand({ Bucket: BUCKET, Key: zip.key, VersionId: zip.versionId! }),
    );
    expect(retention.Retention?.Mode).toBe('GOVERNANCE');
  });

  it('verify --kms-key-id trusts the key KMS returns for the signing key', async () => {
    const result = await runCli(
      ['verify', summary.pack, '--kms-key-id', DEMO_SIGNING_KEY, '--endpoint-url', sandbox.url],
      { env: env() },
    );
    expect(result.stdout).toMatch(/verified \(with the trusted public key/);
    expect(result.code, result.stdout + result.stderr).toBe(0);
  }, 60_000);

  it('verify --kms-key-id with another KMS key fails naming the untrusted key', async () => {
    const other = await kms.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }));
    const result = await runCli(
      ['verify', summary.pack, '--kms-key-id', other.KeyMetadata!.KeyId!, '--endpoint-url', sandbox.url],
      { env: env() },
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/\[untrusted-key\]/);
    expect(result.stdout).toMatch(/\[bad-signature\]/);
  }, 60_000);

  it('verify --kms-key-id with a key KMS does not know is a usage error, not a verdict', async () => {
    const result = await runCli(
      ['verify', summary.pack, '--kms-key-id', 'alias/no-such-key', '--endpoint-url', sandbox.url],
      { env: env() },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cannot read the public key of KMS key alias\/no-such-key/);
    expect(result.stderr).toMatch(/NotFoundException/);
  }, 60_000);
});

describe('run --upload denied by S3', () => {
  it('exits 3 naming the bucket, key and AWS error, and leaves the local pack intact', async () => {
    sandbox.faults.addRule({ service: 's3', operation: 'PutObject', resource: BUCKET, kind: 'AccessDenied' });
    const out = join(dir, 'denied');
    const result = await run(out, ['--upload', `s3://${BUCKET}/denied`]);
    sandbox.faults.clear();
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(
      new RegExp(
        `upload to s3://${BUCKET}/denied/evidence-pack_[^ ]+\\.zip\\.sha256 failed at PutObject: AccessDenied`,
      ),
    );
    expect(result.stderr).toMatch(/the local pack is written and intact/);
    const summary = JSON.parse(result.stdout) as Summary;
    expect(summary.upload).toMatchObject({
      ok: false,
      bucket: BUCKET,
      operation: 'PutObject',
      errorName: 'AccessDenied',
    });
    expect((await readdir(out)).filter((n) => n.endsWith('.zip'))).toHaveLength(1);
    expect((await verifyPack(summary.pack, { requireSidecar: true })).ok).toBe(true);
  }, 240_000);

  it('rejects a malformed --upload before doing anything (exit 2)', async () => {
    const out = join(dir, 'bad-uri');
    const result = await run(out, ['--upload', 'https://example.com/x']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/not an s3:\/\/bucket\/prefix URI/);
    await expect(readdir(out)).rejects.toThrow();
  }, 60_000);
});
