import { CreateBucketCommand, PutBucketEncryptionCommand } from '@aws-sdk/client-s3';
import { CreateAliasCommand, CreateKeyCommand } from '@aws-sdk/client-kms';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectBucketConfig } from '../../src/collect/bucket-config.ts';
import { listBuckets } from '../../src/collect/buckets.ts';
import { collectKmsKeys, keyReferences } from '../../src/collect/kms.ts';
import type { BucketSnapshot } from '../../src/snapshot/model.ts';
import { collect } from '../../src/collect/collect.ts';
import { evaluate } from '../../src/evaluate/evaluate.ts';
import { ACCOUNT, startHarness, testConfig, type Harness } from './harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

async function encryptedBucket(name: string, keyId: string | undefined): Promise<void> {
  const s3 = h.s3();
  await s3.send(new CreateBucketCommand({ Bucket: name }));
  await s3.send(
    new PutBucketEncryptionCommand({
      Bucket: name,
      ServerSideEncryptionConfiguration: {
        Rules: [
          {
            ApplyServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              ...(keyId ? { KMSMasterKeyID: keyId } : {}),
            },
          },
        ],
      },
    }),
  );
}

async function snapshotBuckets(): Promise<BucketSnapshot[]> {
  const { buckets } = await listBuckets(h.factory, { accountId: ACCOUNT, region: 'us-east-1' });
  return Promise.all(buckets.map((b) => collectBucketConfig(h.factory, b)));
}

describe('collectKmsKeys over HTTP', () => {
  it('describes each distinct reference once, merges references to one key, and names keys from every alias page', async () => {
    const kms = h.kms();
    const key = (await kms.send(new CreateKeyCommand({ Description: 'data key' }))).KeyMetadata;
    if (!key?.Arn || !key.KeyId) throw new Error('no key');
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/data', TargetKeyId: key.KeyId }));
    for (let i = 0; i < 120; i++) {
      await kms.send(
        new CreateAliasCommand({
          AliasName: `alias/extra-${String(i).padStart(3, '0')}`,
          TargetKeyId: key.KeyId,
        }),
      );
    }
    await encryptedBucket('by-alias', 'alias/data');
    await encryptedBucket('by-arn', key.Arn);
    await encryptedBucket('by-arn-too', key.Arn);
    await encryptedBucket('managed', undefined);
    h.sandbox.faults.resetStats();

    const keys = (await collectKmsKeys(h.factory, ACCOUNT, await snapshotBuckets())).keys;

    expect(h.requests('kms', 'DescribeKey')).toBe(3);
    expect(h.requests('kms', 'GetKeyPolicy')).toBe(2);
    expect(h.requests('kms', 'GetKeyRotationStatus')).toBe(2);
    expect(h.requests('kms', 'ListAliases')).toBe(2);
    expect(keys).toHaveLength(2);

    const customer = keys.find((k) => k.metadata.status === 'ok' && k.metadata.value.arn === key.Arn);
    expect(customer?.references).toEqual([key.Arn, 'alias/data'].sort());
    expect(customer?.usedBy).toEqual([
      'arn:aws:s3:::by-alias',
      'arn:aws:s3:::by-arn',
      'arn:aws:s3:::by-arn-too',
    ]);
    expect(customer?.metadata).toMatchObject({
      status: 'ok',
      value: { keyManager: 'CUSTOMER', keyAccountId: ACCOUNT },
    });
    expect(customer?.aliases).toHaveLength(121);
    expect(customer?.aliases).toContain('alias/extra-119');
    expect(customer?.policy.status).toBe('ok');
    expect(customer?.rotation).toMatchObject({ status: 'ok', value: { enabled: false } });

    const managed = keys.find((k) => k.references.includes('alias/aws/s3'));
    expect(managed?.metadata).toMatchObject({ status: 'ok', value: { keyManager: 'AWS' } });
    expect(managed?.aliases).toEqual(['alias/aws/s3']);
    expect(managed?.usedBy).toEqual(['arn:aws:s3:::managed']);
    expect(managed?.rotation.status).toBe('ok');
  });

  it('settles rotation of an asymmetric key from DescribeKey, without asking', async () => {
    const kms = h.kms();
    const signing = (
      await kms.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }))
    ).KeyMetadata;
    if (!signing?.Arn) throw new Error('no key');
    // S3 would refuse an asymmetric key; the reference is built by hand to exercise the collector.
    const bucket = { region: 'us-east-1', arn: 'arn:aws:s3:::odd' } as BucketSnapshot;
    const withKey: BucketSnapshot = {
      ...bucket,
      encryption: {
        status: 'ok',
        value: { rules: [{ sseAlgorithm: 'aws:kms', kmsMasterKeyId: signing.Arn, bucketKeyEnabled: false }] },
        evidence: { file: 'raw/x', callId: 'x', service: 's3', operation: 'GetBucketEncryption' },
      },
    };
    const [k] = (await collectKmsKeys(h.factory, ACCOUNT, [withKey])).keys;
    expect(k?.rotation).toEqual({
      status: 'absent',
      errorCode: 'derived:UnsupportedOperationException',
      evidence: k?.metadata.evidence,
    });
    expect(h.requests('kms', 'GetKeyRotationStatus')).toBe(0);
    expect(k?.metadata).toMatchObject({
      status: 'ok',
      value: { keySpec: 'ECC_NIST_P256', keyUsage: 'SIGN_VERIFY' },
    });
  });

  it('keeps a key that cannot be described as a gap for its metadata, policy and rotation', async () => {
    const kms = h.kms();
    const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata;
    if (!key?.KeyId) throw new Error('no key');
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/secret', TargetKeyId: key.KeyId }));
    await encryptedBucket('secret-data', 'alias/secret');
    await encryptedBucket(
      'foreign',
      'arn:aws:kms:us-east-1:999988887777:key/11111111-2222-3333-4444-555555555555',
    );
    h.addFault({ service: 'kms', operation: 'DescribeKey', resource: 'alias/secret', kind: 'AccessDenied' });

    const keys = (await collectKmsKeys(h.factory, ACCOUNT, await snapshotBuckets())).keys;
    const secret = keys.find((k) => k.references.includes('alias/secret'));
    expect(secret?.metadata).toMatchObject({ status: 'denied', errorCode: 'AccessDeniedException' });
    expect(secret?.policy).toBe(secret?.metadata);
    expect(secret?.rotation).toBe(secret?.metadata);
    expect(secret?.usedBy).toEqual(['arn:aws:s3:::secret-data']);

    const foreign = keys.find((k) => k.usedBy.includes('arn:aws:s3:::foreign'));
    expect(foreign?.metadata.status === 'denied' || foreign?.metadata.status === 'error').toBe(true);
    expect(h.requests('kms', 'GetKeyPolicy')).toBe(0);
  });
});

describe('a key the bucket names that does not exist', () => {
  const MISSING = `arn:aws:kms:us-east-1:${ACCOUNT}:key/00000000-0000-4000-8000-000000000000`;
  const FOREIGN = 'arn:aws:kms:us-east-1:999988887777:key/11111111-2222-3333-4444-555555555555';

  it("is absent (NotFoundException, same account and region), while another account's key stays a gap", async () => {
    await encryptedBucket('orphaned', MISSING);
    await encryptedBucket('foreign', FOREIGN);
    const keys = (await collectKmsKeys(h.factory, ACCOUNT, await snapshotBuckets())).keys;
    const missing = keys.find((k) => k.references.includes(MISSING));
    expect(missing?.metadata).toMatchObject({ status: 'absent', errorCode: 'NotFoundException' });
    expect(missing?.policy).toMatchObject({ status: 'absent', errorCode: 'derived:NotFoundException' });
    expect(missing?.rotation.status).toBe('absent');
    const foreign = keys.find((k) => k.references.includes(FOREIGN));
    expect(foreign?.metadata.status === 'denied' || foreign?.metadata.status === 'error').toBe(true);
  });

  it("fails the bucket's encryption checks saying the key does not exist", async () => {
    await encryptedBucket('orphaned', MISSING);
    const config = testConfig({
      regions: ['us-east-1'],
      collection: { keyUsage: { lookbackDays: 1, maxEventsPerRegion: 0 } },
    });
    const snapshot = await collect({
      config,
      factory: h.factory,
      sink: h.sink,
      toolVersion: '0.0.0-test',
      runId: 'missing-key',
      sandbox: true,
    });
    const { findings } = await evaluate(snapshot, config);
    for (const id of ['s3.default-encryption', 's3.sse-kms-cmk']) {
      const f = findings.find((x) => x.checkId === id && x.resource.name === 'orphaned');
      expect(f?.status, id).toBe('fail');
      expect(f?.reason, id).toMatch(/does not exist \(DescribeKey: NotFoundException\)/);
    }
  });
});

describe('keyReferences', () => {
  it('ignores SSE-S3 buckets and unreadable encryption, and maps aws:kms without a key to aws/s3', () => {
    const ev = { file: 'raw/x', callId: 'x', service: 's3', operation: 'GetBucketEncryption' };
    const b = (name: string, encryption: BucketSnapshot['encryption']): BucketSnapshot =>
      ({ name, arn: `arn:aws:s3:::${name}`, region: 'us-east-1', encryption }) as BucketSnapshot;
    const refs = keyReferences([
      b('s3', {
        status: 'ok',
        value: { rules: [{ sseAlgorithm: 'AES256', bucketKeyEnabled: false }] },
        evidence: ev,
      }),
      b('denied', { status: 'denied', errorCode: 'AccessDenied', message: '', evidence: ev }),
      b('dsse', {
        status: 'ok',
        value: { rules: [{ sseAlgorithm: 'aws:kms:dsse', bucketKeyEnabled: false }] },
        evidence: ev,
      }),
    ]);
    expect(refs).toEqual([{ region: 'us-east-1', reference: 'alias/aws/s3', usedBy: ['arn:aws:s3:::dsse'] }]);
  });
});

describe('the key population', () => {
  it('lists every customer managed key in the regions in scope (all ListKeys pages), marked unused when no bucket names it', async () => {
    const kms = h.kms();
    const used = (await kms.send(new CreateKeyCommand({ Description: 'used' }))).KeyMetadata;
    const signing = (
      await kms.send(
        new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', Description: 'signing' }),
      )
    ).KeyMetadata;
    if (!used?.Arn || !signing?.Arn) throw new Error('no key');
    // More than one ListKeys page of 1000.
    for (let i = 0; i < 1000; i++) await kms.send(new CreateKeyCommand({ Description: `spare-${i}` }));
    const eu = (await h.kms('eu-west-1').send(new CreateKeyCommand({ Description: 'eu, out of scope' })))
      .KeyMetadata;
    await encryptedBucket('uses-cmk', used.Arn);
    await encryptedBucket('uses-aws-managed', undefined);
    h.sandbox.faults.resetStats();

    const { keys, listings } = await collectKmsKeys(h.factory, ACCOUNT, await snapshotBuckets(), [
      'us-east-1',
    ]);
    expect(h.requests('kms', 'ListKeys')).toBe(2);
    expect(listings).toEqual([
      expect.objectContaining({
        region: 'us-east-1',
        result: expect.objectContaining({ status: 'ok', value: { count: 1003 } }),
      }),
    ]);
    const arnOf = (k: (typeof keys)[number]) => (k.metadata.status === 'ok' ? k.metadata.value.arn : '');
    expect(keys.find((k) => arnOf(k) === used.Arn)?.usedBy).toEqual(['arn:aws:s3:::uses-cmk']);
    const sig = keys.find((k) => arnOf(k) === signing.Arn);
    expect(sig).toMatchObject({ usedBy: [], references: [] });
    expect(sig?.policy.status).toBe('ok');
    // 1002 customer managed keys, plus aws/s3 because a bucket uses it; nothing from eu-west-1.
    expect(keys).toHaveLength(1003);
    expect(
      keys
        .filter((k) => k.metadata.status === 'ok' && k.metadata.value.keyManager === 'AWS')
        .map((k) => k.usedBy),
    ).toEqual([['arn:aws:s3:::uses-aws-managed']]);
    expect(keys.some((k) => arnOf(k) === eu?.Arn)).toBe(false);
  }, 60_000);
});
