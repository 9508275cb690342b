import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketEncryptionCommand,
  GetBucketAbacCommand,
  GetBucketEncryptionCommand,
  ListBucketsCommand,
  PutBucketAbacCommand,
  PutBucketAclCommand,
  PutBucketEncryptionCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketTaggingCommand,
  PutObjectCommand,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectBucketConfig } from '../../src/collect/bucket-config.ts';
import { listBuckets } from '../../src/collect/buckets.ts';
import { collect } from '../../src/collect/collect.ts';
import { evaluate } from '../../src/evaluate/evaluate.ts';
import { makeClassifier } from '../../src/evaluate/classify.ts';
import { ACCOUNT, startHarness, testConfig, type Harness } from './harness.ts';

/**
 * S3 as of 2026 over the wire: SSE-C blocked by default and through BlockedEncryptionTypes, SSE-C
 * uploads refused on blocked buckets, DSSE-KMS, ABAC, and ACLs without DisplayName.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

async function refOf(name: string) {
  const { buckets } = await listBuckets(h.factory, { accountId: ACCOUNT, region: 'us-east-1' });
  const ref = buckets.find((b) => b.name === name);
  if (!ref) throw new Error(`bucket ${name} not listed`);
  return ref;
}

const SSE_C_KEY = randomBytes(32).toString('base64');
const sseC = { SSECustomerAlgorithm: 'AES256', SSECustomerKey: SSE_C_KEY } as const;

async function errorOf(
  p: Promise<unknown>,
): Promise<{ name: string; status?: number | undefined; message: string }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof S3ServiceException)
      return { name: e.name, status: e.$metadata.httpStatusCode, message: e.message };
    throw e;
  }
  throw new Error('the call succeeded');
}

describe('BlockedEncryptionTypes over HTTP', () => {
  it('a new bucket blocks SSE-C by default, except in Bahrain and the UAE', async () => {
    const s3 = h.s3();
    await s3.send(new CreateBucketCommand({ Bucket: 'fresh' }));
    const got = await s3.send(new GetBucketEncryptionCommand({ Bucket: 'fresh' }));
    expect(got.ServerSideEncryptionConfiguration?.Rules?.[0]).toMatchObject({
      ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' },
      BlockedEncryptionTypes: { EncryptionType: ['SSE-C'] },
    });
    const b = await collectBucketConfig(h.factory, await refOf('fresh'));
    expect(b.encryption).toMatchObject({
      status: 'ok',
      value: { rules: [{ sseAlgorithm: 'AES256', blockedEncryptionTypes: ['SSE-C'] }] },
    });

    const bahrain = h.s3('me-south-1');
    await bahrain.send(
      new CreateBucketCommand({
        Bucket: 'fresh-bahrain',
        CreateBucketConfiguration: { LocationConstraint: 'me-south-1' },
      }),
    );
    const inBahrain = await collectBucketConfig(h.factory, await refOf('fresh-bahrain'));
    expect(
      inBahrain.encryption.status === 'ok' && inBahrain.encryption.value.rules[0]?.blockedEncryptionTypes,
    ).toBe(undefined);
  });

  it('round-trips through Put/Get/DeleteBucketEncryption; a Put without the field no longer blocks SSE-C', async () => {
    const s3 = h.s3();
    await s3.send(new CreateBucketCommand({ Bucket: 'roundtrip' }));
    const put = (blocked?: ('SSE-C' | 'NONE')[]) =>
      s3.send(
        new PutBucketEncryptionCommand({
          Bucket: 'roundtrip',
          ServerSideEncryptionConfiguration: {
            Rules: [
              {
                ApplyServerSideEncryptionByDefault: {
                  SSEAlgorithm: 'aws:kms:dsse',
                  KMSMasterKeyID: 'alias/data',
                },
                BucketKeyEnabled: false,
                ...(blocked ? { BlockedEncryptionTypes: { EncryptionType: blocked } } : {}),
              },
            ],
          },
        }),
      );
    const rule = async () =>
      (await s3.send(new GetBucketEncryptionCommand({ Bucket: 'roundtrip' })))
        .ServerSideEncryptionConfiguration?.Rules?.[0];

    await put(['NONE']);
    expect((await rule())?.BlockedEncryptionTypes).toEqual({ EncryptionType: ['NONE'] });
    const b = await collectBucketConfig(h.factory, await refOf('roundtrip'));
    expect(b.encryption).toMatchObject({
      status: 'ok',
      value: {
        rules: [
          { sseAlgorithm: 'aws:kms:dsse', kmsMasterKeyId: 'alias/data', blockedEncryptionTypes: ['NONE'] },
        ],
      },
    });

    await put(['SSE-C']);
    expect((await rule())?.BlockedEncryptionTypes).toEqual({ EncryptionType: ['SSE-C'] });

    await put();
    expect((await rule())?.BlockedEncryptionTypes).toBeUndefined();
    const c = await collectBucketConfig(h.factory, await refOf('roundtrip'));
    expect(c.encryption.status === 'ok' && c.encryption.value.rules[0]?.blockedEncryptionTypes).toBe(
      undefined,
    );

    await s3.send(new DeleteBucketEncryptionCommand({ Bucket: 'roundtrip' }));
    expect(await rule()).toMatchObject({
      ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' },
      BlockedEncryptionTypes: { EncryptionType: ['SSE-C'] },
    });

    const bad = await errorOf(
      s3.send(
        new PutBucketEncryptionCommand({
          Bucket: 'roundtrip',
          ServerSideEncryptionConfiguration: {
            Rules: [
              {
                ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' },
                BlockedEncryptionTypes: { EncryptionType: ['SSE-Q' as 'SSE-C'] },
              },
            ],
          },
        }),
      ),
    );
    expect(bad).toMatchObject({ name: 'MalformedXML', status: 400 });
  });

  it('refuses SSE-C PutObject and CopyObject on a blocked bucket with 403 AccessDenied, accepts them where allowed', async () => {
    const s3 = h.s3();
    await s3.send(new CreateBucketCommand({ Bucket: 'ssec-blocked' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'ssec-allowed' }));
    await s3.send(
      new PutBucketEncryptionCommand({
        Bucket: 'ssec-allowed',
        ServerSideEncryptionConfiguration: {
          Rules: [
            {
              ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' },
              BlockedEncryptionTypes: { EncryptionType: ['NONE'] },
            },
          ],
        },
      }),
    );
    const denied = await errorOf(
      s3.send(new PutObjectCommand({ Bucket: 'ssec-blocked', Key: 'a.txt', Body: 'x', ...sseC })),
    );
    expect(denied).toEqual({ name: 'AccessDenied', status: 403, message: 'Access Denied' });
    // Without SSE-C the same upload is fine.
    await s3.send(new PutObjectCommand({ Bucket: 'ssec-blocked', Key: 'plain.txt', Body: 'x' }));

    const ok = await s3.send(
      new PutObjectCommand({ Bucket: 'ssec-allowed', Key: 'a.txt', Body: 'x', ...sseC }),
    );
    expect(ok.SSECustomerAlgorithm).toBe('AES256');

    const copyDenied = await errorOf(
      s3.send(
        new CopyObjectCommand({
          Bucket: 'ssec-blocked',
          Key: 'copy.txt',
          CopySource: 'ssec-blocked/plain.txt',
          ...sseC,
        }),
      ),
    );
    expect(copyDenied).toMatchObject({ name: 'AccessDenied', status: 403 });
    const copied = await s3.send(
      new CopyObjectCommand({
        Bucket: 'ssec-blocked',
        Key: 'copy.txt',
        CopySource: 'ssec-blocked/plain.txt',
      }),
    );
    expect(copied.CopyObjectResult?.ETag).toBeTruthy();
  });
});

describe('GetBucketAbac over HTTP', () => {
  it('answers Disabled until enabled, round-trips PutBucketAbac, refuses an unknown status', async () => {
    const s3 = h.s3();
    await s3.send(new CreateBucketCommand({ Bucket: 'abac' }));
    expect((await s3.send(new GetBucketAbacCommand({ Bucket: 'abac' }))).AbacStatus).toEqual({
      Status: 'Disabled',
    });
    expect((await collectBucketConfig(h.factory, await refOf('abac'))).abac).toMatchObject({
      status: 'ok',
      value: { status: 'Disabled' },
    });
    await s3.send(new PutBucketAbacCommand({ Bucket: 'abac', AbacStatus: { Status: 'Enabled' } }));
    expect((await s3.send(new GetBucketAbacCommand({ Bucket: 'abac' }))).AbacStatus).toEqual({
      Status: 'Enabled',
    });
    expect((await collectBucketConfig(h.factory, await refOf('abac'))).abac).toMatchObject({
      status: 'ok',
      value: { status: 'Enabled' },
    });
    const bad = await errorOf(
      s3.send(new PutBucketAbacCommand({ Bucket: 'abac', AbacStatus: { Status: 'On' as 'Enabled' } })),
    );
    expect(bad).toMatchObject({ name: 'MalformedXML', status: 400 });
    const missing = await errorOf(s3.send(new GetBucketAbacCommand({ Bucket: 'no-such-bucket-here' })));
    expect(missing).toMatchObject({ name: 'NoSuchBucket', status: 404 });
  });

  it('a denied GetBucketAbac is a gap, and a tag rule then says the tag may govern access', async () => {
    const s3 = h.s3();
    await s3.send(new CreateBucketCommand({ Bucket: 'abac-denied' }));
    await s3.send(
      new PutBucketTaggingCommand({
        Bucket: 'abac-denied',
        Tagging: { TagSet: [{ Key: 'data-class', Value: 'public' }] },
      }),
    );
    h.addFault({ service: 's3', operation: 'GetBucketAbac', resource: 'abac-denied', kind: 'AccessDenied' });
    const b = await collectBucketConfig(h.factory, await refOf('abac-denied'));
    h.sandbox.faults.clear();
    expect(b.abac).toMatchObject({ status: 'denied', errorCode: 'AccessDenied' });
    const classify = makeClassifier(
      testConfig({
        classification: {
          default: 'sensitive',
          rules: [{ level: 'standard', tag: { key: 'data-class', values: ['public'] } }],
        },
      }).classification,
    );
    expect(classify(b)).toMatchObject({
      level: 'standard',
      tagAccessControl: expect.stringContaining('GetBucketAbac could not be read (AccessDenied)'),
    });
  });
});

describe('ACLs without DisplayName over HTTP', () => {
  it('GetBucketAcl and ListBuckets carry canonical ids only; the collected ACL keys on them', async () => {
    const s3 = h.s3();
    await s3.send(new CreateBucketCommand({ Bucket: 'acl-ids' }));
    await s3.send(
      new PutBucketOwnershipControlsCommand({
        Bucket: 'acl-ids',
        OwnershipControls: { Rules: [{ ObjectOwnership: 'ObjectWriter' }] },
      }),
    );
    const listed = await s3.send(new ListBucketsCommand({ MaxBuckets: 100 }));
    const owner = listed.Owner?.ID;
    expect(owner).toBeTruthy();
    expect(listed.Owner?.DisplayName).toBeUndefined();
    await s3.send(
      new PutBucketAclCommand({
        Bucket: 'acl-ids',
        AccessControlPolicy: {
          Owner: { ID: owner },
          Grants: [
            {
              Grantee: { Type: 'CanonicalUser', ID: owner, DisplayName: 'someone' },
              Permission: 'FULL_CONTROL',
            },
          ],
        },
      }),
    );
    h.sandbox.faults.clear();
    const b = await collectBucketConfig(h.factory, await refOf('acl-ids'));
    expect(b.acl).toMatchObject({
      status: 'ok',
      value: {
        ownerId: owner,
        grants: [{ granteeType: 'CanonicalUser', grantee: owner, permission: 'FULL_CONTROL' }],
      },
    });
    const records = await h.records();
    const aclRecord = records.find(
      (r) => r.operation === 'GetBucketAcl' && JSON.stringify(r.output).includes(owner ?? '?'),
    );
    expect(aclRecord).toBeDefined();
    expect(JSON.stringify(aclRecord?.output)).not.toContain('DisplayName');
  });
});

describe('on an estate set up through SDK calls only', () => {
  it('SSE-C blocked passes s3.sse-c-blocked, NONE fails; DSSE-KMS with a customer key passes s3.sse-kms-cmk', async () => {
    // A sandbox of its own: the ACL test above has closed the first harness's record sink.
    const h = await startHarness();
    try {
      const s3 = h.s3('eu-central-1');
      const key = (await h.kms('eu-central-1').send(new CreateKeyCommand({ Description: 'dsse' })))
        .KeyMetadata;
      if (!key?.Arn) throw new Error('no key');
      const create = (Bucket: string) =>
        s3.send(
          new CreateBucketCommand({
            Bucket,
            CreateBucketConfiguration: { LocationConstraint: 'eu-central-1' },
          }),
        );
      const encrypt = (Bucket: string, SSEAlgorithm: 'AES256' | 'aws:kms:dsse', blocked: 'SSE-C' | 'NONE') =>
        s3.send(
          new PutBucketEncryptionCommand({
            Bucket,
            ServerSideEncryptionConfiguration: {
              Rules: [
                {
                  ApplyServerSideEncryptionByDefault: {
                    SSEAlgorithm,
                    ...(SSEAlgorithm === 'AES256' ? {} : { KMSMasterKeyID: key.Arn }),
                  },
                  BucketKeyEnabled: SSEAlgorithm !== 'AES256',
                  BlockedEncryptionTypes: { EncryptionType: [blocked] },
                },
              ],
            },
          }),
        );
      await create('estate-ssec-blocked');
      await encrypt('estate-ssec-blocked', 'AES256', 'SSE-C');
      await create('estate-ssec-allowed');
      await encrypt('estate-ssec-allowed', 'AES256', 'NONE');
      await create('estate-dsse');
      await encrypt('estate-dsse', 'aws:kms:dsse', 'SSE-C');

      const config = testConfig({
        regions: ['eu-central-1'],
        collection: { concurrency: 4, maxAttempts: 1 },
      });
      const snapshot = await collect({
        config,
        factory: h.factory,
        sink: h.sink,
        toolVersion: '0.0.0-test',
        runId: 'estate-2026',
        endpoint: h.sandbox.url,
        sandbox: true,
      });
      const { findings } = await evaluate(snapshot, config);
      const status = (check: string, bucket: string) =>
        findings.find((f) => f.checkId === check && f.resource.name === bucket);
      expect(status('s3.sse-c-blocked', 'estate-ssec-blocked')).toMatchObject({ status: 'pass' });
      expect(status('s3.sse-c-blocked', 'estate-ssec-allowed')).toMatchObject({
        status: 'fail',
        reason: expect.stringContaining('NONE'),
      });
      expect(status('s3.sse-kms-cmk', 'estate-dsse')).toMatchObject({
        status: 'pass',
        reason: expect.stringContaining(key.Arn),
      });
      expect(status('s3.bucket-key', 'estate-dsse')).toMatchObject({ status: 'not-applicable' });
      // The DSSE bucket's key is in the key inventory and judged by the key checks.
      expect(findings.some((f) => f.checkId === 'kms.key-usable' && f.resource.arn === key.Arn)).toBe(true);
    } finally {
      await h.close();
    }
  }, 60_000);
});
