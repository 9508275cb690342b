import { gunzipSync } from 'node:zlib';
import {
  CreateBucketCommand,
  DeleteBucketInventoryConfigurationCommand,
  GetBucketInventoryConfigurationCommand,
  GetObjectCommand,
  ListBucketInventoryConfigurationsCommand,
  PutBucketInventoryConfigurationCommand,
  PutObjectCommand,
  S3ServiceException,
  type InventoryConfiguration,
} from '@aws-sdk/client-s3';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectBucketConfig } from '../../src/collect/bucket-config.ts';
import { listBuckets } from '../../src/collect/buckets.ts';
import { collectObjectInventory } from '../../src/collect/object-inventory.ts';
import { collect } from '../../src/collect/collect.ts';
import { evaluate } from '../../src/evaluate/evaluate.ts';
import type { BucketSnapshot } from '../../src/snapshot/model.ts';
import { ACCOUNT, startHarness, testConfig, type Harness } from './harness.ts';

/**
 * S3 Inventory over HTTP with real SDK clients: configurations (Put/Get/List/Delete, AWS's
 * validation, pagination), reports delivered by the sandbox as S3 writes them, and the collector
 * reading the newest report's manifest and gzip CSV files.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

async function snapshotOf(name: string): Promise<BucketSnapshot> {
  const { buckets } = await listBuckets(h.factory, { accountId: ACCOUNT, region: 'us-east-1' });
  const ref = buckets.find((b) => b.name === name);
  if (!ref) throw new Error(`bucket ${name} not listed`);
  return collectBucketConfig(h.factory, ref);
}

function inventory(id: string, over: Partial<InventoryConfiguration> = {}): InventoryConfiguration {
  return {
    Id: id,
    IsEnabled: true,
    IncludedObjectVersions: 'Current',
    Schedule: { Frequency: 'Daily' },
    OptionalFields: ['Size', 'EncryptionStatus', 'BucketKeyStatus'],
    Destination: {
      S3BucketDestination: {
        AccountId: ACCOUNT,
        Bucket: 'arn:aws:s3:::inv-dest',
        Format: 'CSV',
        Prefix: 'inventory',
      },
    },
    ...over,
  };
}

async function errorOf(p: Promise<unknown>): Promise<{ name: string; status?: number | undefined }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof S3ServiceException) return { name: e.name, status: e.$metadata.httpStatusCode };
    throw e;
  }
  throw new Error('the call succeeded');
}

/** Ask the sandbox to deliver a report now, as S3 does on schedule (admin API). */
async function deliver(body: Record<string, unknown>): Promise<{ manifestKey: string; dataKeys: string[] }> {
  const res = await fetch(new URL('/_sandbox/inventory-report', h.sandbox.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`inventory-report: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as { manifestKey: string; dataKeys: string[] };
}

describe('inventory configurations over HTTP', () => {
  it('round-trips Put, Get, List and Delete, and a bucket without any lists none', async () => {
    const s3 = h.s3();
    await s3.send(new CreateBucketCommand({ Bucket: 'inv-roundtrip' }));
    const none = await s3.send(new ListBucketInventoryConfigurationsCommand({ Bucket: 'inv-roundtrip' }));
    expect(none.InventoryConfigurationList ?? []).toEqual([]);
    expect(none.IsTruncated).toBe(false);

    const config = inventory('daily', { Filter: { Prefix: 'records/' } });
    await s3.send(
      new PutBucketInventoryConfigurationCommand({
        Bucket: 'inv-roundtrip',
        Id: 'daily',
        InventoryConfiguration: config,
      }),
    );
    const got = await s3.send(
      new GetBucketInventoryConfigurationCommand({ Bucket: 'inv-roundtrip', Id: 'daily' }),
    );
    expect(got.InventoryConfiguration).toEqual(config);
    const listed = await s3.send(new ListBucketInventoryConfigurationsCommand({ Bucket: 'inv-roundtrip' }));
    expect(listed.InventoryConfigurationList).toEqual([config]);

    await s3.send(new DeleteBucketInventoryConfigurationCommand({ Bucket: 'inv-roundtrip', Id: 'daily' }));
    expect(
      await errorOf(
        s3.send(new GetBucketInventoryConfigurationCommand({ Bucket: 'inv-roundtrip', Id: 'daily' })),
      ),
    ).toEqual({ name: 'NoSuchConfiguration', status: 404 });
  });

  it("refuses what S3 refuses: an Id that differs from the URI's, an unknown field, a missing destination", async () => {
    const s3 = h.s3();
    await s3.send(new CreateBucketCommand({ Bucket: 'inv-invalid' }));
    const put = (Id: string, c: InventoryConfiguration) =>
      errorOf(
        s3.send(
          new PutBucketInventoryConfigurationCommand({
            Bucket: 'inv-invalid',
            Id,
            InventoryConfiguration: c,
          }),
        ),
      );
    expect(await put('a', inventory('b'))).toEqual({ name: 'InvalidArgument', status: 400 });
    expect(await put('a', inventory('a', { OptionalFields: ['KmsKeyArn' as never] }))).toEqual({
      name: 'MalformedXML',
      status: 400,
    });
    expect(await put('a', inventory('a', { Destination: { S3BucketDestination: undefined } }))).toEqual({
      name: 'MalformedXML',
      status: 400,
    });
  });

  it('the collector follows every page of ListBucketInventoryConfigurations', async () => {
    const s3 = h.s3();
    await s3.send(new CreateBucketCommand({ Bucket: 'inv-many' }));
    for (let i = 0; i < 130; i++) {
      const id = `cfg-${String(i).padStart(3, '0')}`;
      await s3.send(
        new PutBucketInventoryConfigurationCommand({
          Bucket: 'inv-many',
          Id: id,
          InventoryConfiguration: inventory(id, {
            OptionalFields: i === 129 ? ['EncryptionStatus'] : ['Size'],
          }),
        }),
      );
    }
    const before = h.requests('s3', 'ListBucketInventoryConfigurations');
    const b = await snapshotOf('inv-many');
    expect(h.requests('s3', 'ListBucketInventoryConfigurations') - before).toBe(2);
    expect(b.inventoryConfigurations?.status).toBe('ok');
    const list = b.inventoryConfigurations?.status === 'ok' ? b.inventoryConfigurations.value : [];
    expect(list).toHaveLength(130);
    expect(list.at(-1)).toMatchObject({
      id: 'cfg-129',
      enabled: true,
      frequency: 'Daily',
      optionalFields: ['EncryptionStatus'],
      destination: {
        bucketArn: 'arn:aws:s3:::inv-dest',
        format: 'CSV',
        prefix: 'inventory',
        accountId: ACCOUNT,
      },
    });
  });
});

describe('reading the latest inventory report', () => {
  let kmsKey: string;
  beforeAll(async () => {
    const s3 = h.s3();
    const key = await h.kms().send(new CreateKeyCommand({}));
    kmsKey = key.KeyMetadata?.KeyId ?? '';
    await s3.send(new CreateBucketCommand({ Bucket: 'inv-dest' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'inv-source' }));
    for (let i = 0; i < 5; i++)
      await s3.send(
        new PutObjectCommand({
          Bucket: 'inv-source',
          Key: `records/kms ${i}.json`,
          Body: `{"n":${i}}`,
          ServerSideEncryption: 'aws:kms',
          SSEKMSKeyId: kmsKey,
        }),
      );
    await s3.send(new PutObjectCommand({ Bucket: 'inv-source', Key: 'records/s3.json', Body: '{}' }));
    await s3.send(
      new PutObjectCommand({
        Bucket: 'inv-source',
        Key: 'records/dsse.json',
        Body: '{}',
        ServerSideEncryption: 'aws:kms:dsse',
      }),
    );
    // Objects written before January 2023 can still be unencrypted; the API cannot make one today.
    for (const key of ['legacy/a.csv', 'legacy/b.csv']) {
      h.sandbox.state.buckets.get('inv-source')?.objects.set(key, [
        {
          key,
          body: Buffer.from('x'),
          etag: '"x"',
          versionId: 'null',
          lastModified: new Date('2021-05-01'),
        },
      ]);
    }
    await s3.send(
      new PutBucketInventoryConfigurationCommand({
        Bucket: 'inv-source',
        Id: 'daily-encryption',
        // Fields in a different order than S3 writes them: the columns follow fileSchema.
        InventoryConfiguration: inventory('daily-encryption', {
          OptionalFields: ['BucketKeyStatus', 'EncryptionStatus', 'StorageClass', 'LastModifiedDate', 'Size'],
        }),
      }),
    );
  });

  it('S3 writes a manifest with fileSchema and files[key, size, MD5checksum] and gzip CSV data files', async () => {
    const delivered = await deliver({
      bucket: 'inv-source',
      id: 'daily-encryption',
      at: '2026-11-29T01:00:00Z',
      rowsPerFile: 3,
    });
    expect(delivered.manifestKey).toBe(
      'inventory/inv-source/daily-encryption/2026-11-29T01-00Z/manifest.json',
    );
    const s3 = h.s3();
    const manifestObject = await s3.send(
      new GetObjectCommand({ Bucket: 'inv-dest', Key: delivered.manifestKey }),
    );
    const manifest = JSON.parse(await (manifestObject.Body?.transformToString() ?? Promise.resolve(''))) as {
      sourceBucket: string;
      fileSchema: string;
      files: { key: string; size: number; MD5checksum: string }[];
    };
    expect(manifest.sourceBucket).toBe('inv-source');
    expect(manifest.fileSchema).toBe(
      'Bucket, Key, Size, LastModifiedDate, StorageClass, EncryptionStatus, BucketKeyStatus',
    );
    expect(manifest.files).toHaveLength(3);
    const first = await s3.send(
      new GetObjectCommand({ Bucket: 'inv-dest', Key: manifest.files[0]?.key ?? '' }),
    );
    const csv = gunzipSync(Buffer.from((await first.Body?.transformToByteArray()) ?? [])).toString('utf8');
    expect(csv.split('\n')[0]).toMatch(
      /^"inv-source","legacy\/a\.csv","1","2021-05-01T00:00:00\.000Z","STANDARD","NOT-SSE","DISABLED"$/,
    );
  });

  it('counts the newest report by encryption status, reading every data file', async () => {
    // A later report after two more KMS objects: the newest one is read.
    const s3 = h.s3();
    for (const k of ['records/late-1.json', 'records/late-2.json'])
      await s3.send(
        new PutObjectCommand({ Bucket: 'inv-source', Key: k, Body: '{}', ServerSideEncryption: 'aws:kms' }),
      );
    const delivered = await deliver({
      bucket: 'inv-source',
      id: 'daily-encryption',
      at: '2026-11-30T01:00:00Z',
      rowsPerFile: 4,
    });
    const got = await collectObjectInventory(h.factory, await snapshotOf('inv-source'));
    expect(got.reports).toHaveLength(1);
    const report = got.reports[0]?.report;
    expect(report?.status, JSON.stringify(report)).toBe('ok');
    if (report?.status !== 'ok') return;
    expect(report.value).toMatchObject({
      manifestKey: delivered.manifestKey,
      createdAt: '2026-11-30T01:00:00.000Z',
      dataFiles: 3,
      objects: 11,
      byEncryptionStatus: { 'SSE-KMS': 7, 'DSSE-KMS': 1, 'SSE-S3': 1, 'SSE-C': 0, 'NOT-SSE': 2 },
      otherStatuses: {},
    });
    expect(report.value.dataEvidence).toHaveLength(3);
    expect(report.evidence.operation).toBe('GetObject');
  });

  it('a data file that no longer matches its MD5 in the manifest is a gap, not a count', async () => {
    const delivered = await deliver({
      bucket: 'inv-source',
      id: 'daily-encryption',
      at: '2026-12-01T01:00:00Z',
    });
    const s3 = h.s3();
    await s3.send(
      new PutObjectCommand({
        Bucket: 'inv-dest',
        Key: delivered.dataKeys[0] ?? '',
        Body: Buffer.from('tampered'),
      }),
    );
    const got = await collectObjectInventory(h.factory, await snapshotOf('inv-source'));
    expect(got.reports[0]?.report).toMatchObject({ status: 'error', errorCode: 'ChecksumMismatch' });
    expect(got.reports[0]?.report.status === 'error' && got.reports[0].report.message).toMatch(
      /differs from the manifest's MD5checksum/,
    );
  });

  it('a configuration with no report delivered yet is absent; a denied destination is a gap', async () => {
    const s3 = h.s3();
    await s3.send(new CreateBucketCommand({ Bucket: 'inv-new' }));
    await s3.send(
      new PutBucketInventoryConfigurationCommand({
        Bucket: 'inv-new',
        Id: 'fresh',
        InventoryConfiguration: inventory('fresh'),
      }),
    );
    const b = await snapshotOf('inv-new');
    const fresh = await collectObjectInventory(h.factory, b);
    expect(fresh.reports[0]?.report).toMatchObject({
      status: 'absent',
      errorCode: 'derived:NoInventoryReport',
    });

    h.addFault({ kind: 'AccessDenied', operation: 'ListObjectsV2', resource: 'inv-dest' });
    const denied = await collectObjectInventory(h.factory, b);
    expect(denied.reports[0]?.report).toMatchObject({ status: 'denied', errorCode: 'AccessDenied' });
    h.sandbox.faults.clear();
  });

  it('collect with collection.objectInventory feeds s3.object-encryption-inventory, naming the counts', async () => {
    await deliver({ bucket: 'inv-source', id: 'daily-encryption', at: '2026-12-01T02:00:00Z' });
    const run = (config: ReturnType<typeof testConfig>) =>
      collect({
        config,
        factory: h.factory,
        sink: h.sink,
        toolVersion: '0.0.0-test',
        runId: 'inventory',
        endpoint: h.sandbox.url,
        sandbox: true,
      });
    const cfg = testConfig({ regions: ['us-east-1'], collection: { objectInventory: true } });
    const snap = await run(cfg);
    const account = snap.accounts[0];
    expect(account?.objectInventory?.find((o) => o.bucket === 'inv-source')?.reports[0]?.report.status).toBe(
      'ok',
    );
    const evaluation = await evaluate(snap, cfg);
    const f = evaluation.findings.find(
      (x) => x.checkId === 's3.object-encryption-inventory' && x.resource.name === 'inv-source',
    );
    expect(f?.status).toBe('fail');
    expect(f?.reason).toMatch(/2 unencrypted \(NOT-SSE\) and 1 SSE-S3 objects/);
    expect(f?.reason).toMatch(/counts 11 objects: 2 NOT-SSE, 1 SSE-S3, 7 SSE-KMS, 1 DSSE-KMS/);
    // Without the option the reports are not read, and the configuration alone is judged.
    const off = await run(testConfig({ regions: ['us-east-1'] }));
    expect(off.accounts[0]?.objectInventory).toBeUndefined();
  });
});
