import type { S3Client } from '@aws-sdk/client-s3';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteBucketEncryptionCommand,
  DeleteBucketOwnershipControlsCommand,
  DeleteBucketPolicyCommand,
  DeleteBucketTaggingCommand,
  DeletePublicAccessBlockCommand,
  GetBucketAclCommand,
  GetBucketEncryptionCommand,
  GetBucketLocationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetObjectLockConfigurationCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  PutBucketEncryptionCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectLockConfigurationCommand,
  PutObjectRetentionCommand,
  PutPublicAccessBlockCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/server.ts';
import type { RunningSandbox } from '../../src/sandbox/server.ts';
import { s3, failure } from './clients.ts';

let sandbox: RunningSandbox;
let client: S3Client;
let eu: S3Client;

beforeAll(async () => {
  sandbox = await startSandbox();
  client = s3(sandbox);
  eu = s3(sandbox, { region: 'eu-west-1' });
});
afterAll(async () => {
  client.destroy();
  eu.destroy();
  await sandbox.close();
});

let counter = 0;
async function freshBucket(c: S3Client = client): Promise<string> {
  counter += 1;
  const name = `bucket-${counter}-${Date.now()}`;
  await c.send(new CreateBucketCommand({ Bucket: name }));
  return name;
}

describe('a new bucket looks as AWS creates one today', () => {
  it('has SSE-S3, all four BPA flags, BucketOwnerEnforced, an owner-only ACL, no policy/tags/versioning/lock', async () => {
    const Bucket = await freshBucket();
    const enc = await client.send(new GetBucketEncryptionCommand({ Bucket }));
    expect(
      enc.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm,
    ).toBe('AES256');
    const pab = await client.send(new GetPublicAccessBlockCommand({ Bucket }));
    expect(pab.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
    const own = await client.send(new GetBucketOwnershipControlsCommand({ Bucket }));
    expect(own.OwnershipControls?.Rules?.[0]?.ObjectOwnership).toBe('BucketOwnerEnforced');
    const acl = await client.send(new GetBucketAclCommand({ Bucket }));
    expect(acl.Grants).toEqual([
      { Grantee: { Type: 'CanonicalUser', ID: acl.Owner?.ID }, Permission: 'FULL_CONTROL' },
    ]);
    expect(await failure(client.send(new GetBucketPolicyCommand({ Bucket })))).toEqual({
      name: 'NoSuchBucketPolicy',
      status: 404,
    });
    expect(await failure(client.send(new GetBucketPolicyStatusCommand({ Bucket })))).toEqual({
      name: 'NoSuchBucketPolicy',
      status: 404,
    });
    expect(await failure(client.send(new GetBucketTaggingCommand({ Bucket })))).toEqual({
      name: 'NoSuchTagSet',
      status: 404,
    });
    expect(await failure(client.send(new GetObjectLockConfigurationCommand({ Bucket })))).toEqual({
      name: 'ObjectLockConfigurationNotFoundError',
      status: 404,
    });
    const versioning = await client.send(new GetBucketVersioningCommand({ Bucket }));
    expect(versioning.Status).toBeUndefined();
  });
});

describe('configuration removed answers the not-configured errors', () => {
  it('encryption, public access block, ownership controls and tags', async () => {
    const Bucket = await freshBucket();
    await client.send(
      new PutBucketTaggingCommand({ Bucket, Tagging: { TagSet: [{ Key: 'env', Value: 'prod' }] } }),
    );
    expect((await client.send(new GetBucketTaggingCommand({ Bucket }))).TagSet).toEqual([
      { Key: 'env', Value: 'prod' },
    ]);
    await client.send(new DeleteBucketEncryptionCommand({ Bucket }));
    await client.send(new DeletePublicAccessBlockCommand({ Bucket }));
    await client.send(new DeleteBucketOwnershipControlsCommand({ Bucket }));
    await client.send(new DeleteBucketTaggingCommand({ Bucket }));
    // AWS (since 2023) falls back to SSE-S3 instead of leaving the bucket unencrypted.
    const enc = await client.send(new GetBucketEncryptionCommand({ Bucket }));
    expect(
      enc.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm,
    ).toBe('AES256');
    expect(await failure(client.send(new GetPublicAccessBlockCommand({ Bucket })))).toEqual({
      name: 'NoSuchPublicAccessBlockConfiguration',
      status: 404,
    });
    expect(await failure(client.send(new GetBucketOwnershipControlsCommand({ Bucket })))).toEqual({
      name: 'OwnershipControlsNotFoundError',
      status: 404,
    });
    expect(await failure(client.send(new GetBucketTaggingCommand({ Bucket })))).toEqual({
      name: 'NoSuchTagSet',
      status: 404,
    });
  });

  it('a missing bucket is NoSuchBucket 404 for every bucket call', async () => {
    for (const command of [
      new GetBucketEncryptionCommand({ Bucket: 'no-such-bucket-here' }),
      new GetBucketPolicyCommand({ Bucket: 'no-such-bucket-here' }),
      new GetPublicAccessBlockCommand({ Bucket: 'no-such-bucket-here' }),
      new GetBucketAclCommand({ Bucket: 'no-such-bucket-here' }),
    ]) {
      expect(await failure(client.send(command as never))).toEqual({ name: 'NoSuchBucket', status: 404 });
    }
  });
});

describe('writes are read back', () => {
  it('KMS default encryption with a key and bucket key', async () => {
    const Bucket = await freshBucket();
    await client.send(
      new PutBucketEncryptionCommand({
        Bucket,
        ServerSideEncryptionConfiguration: {
          Rules: [
            {
              ApplyServerSideEncryptionByDefault: {
                SSEAlgorithm: 'aws:kms',
                KMSMasterKeyID: 'alias/evidence',
              },
              BucketKeyEnabled: true,
            },
          ],
        },
      }),
    );
    const enc = await client.send(new GetBucketEncryptionCommand({ Bucket }));
    expect(enc.ServerSideEncryptionConfiguration?.Rules).toEqual([
      {
        ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'alias/evidence' },
        BucketKeyEnabled: true,
      },
    ]);
  });

  it('a private policy is stored verbatim and reported not public', async () => {
    const Bucket = await freshBucket();
    const Policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::444455556666:root' },
          Action: 's3:GetObject',
          Resource: `arn:aws:s3:::${Bucket}/*`,
        },
      ],
    });
    await client.send(new PutBucketPolicyCommand({ Bucket, Policy }));
    expect((await client.send(new GetBucketPolicyCommand({ Bucket }))).Policy).toBe(Policy);
    expect((await client.send(new GetBucketPolicyStatusCommand({ Bucket }))).PolicyStatus?.IsPublic).toBe(
      false,
    );
    await client.send(new DeleteBucketPolicyCommand({ Bucket }));
    expect(await failure(client.send(new GetBucketPolicyCommand({ Bucket })))).toEqual({
      name: 'NoSuchBucketPolicy',
      status: 404,
    });
  });

  it('a policy naming another bucket is MalformedPolicy 400', async () => {
    const Bucket = await freshBucket();
    const Policy = JSON.stringify({
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: '444455556666' },
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::other/*',
        },
      ],
    });
    expect(await failure(client.send(new PutBucketPolicyCommand({ Bucket, Policy })))).toEqual({
      name: 'MalformedPolicy',
      status: 400,
    });
  });

  it('public access block, ownership controls and versioning', async () => {
    const Bucket = await freshBucket();
    await client.send(
      new PutPublicAccessBlockCommand({
        Bucket,
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          IgnorePublicAcls: false,
          BlockPublicPolicy: true,
          RestrictPublicBuckets: false,
        },
      }),
    );
    expect(
      (await client.send(new GetPublicAccessBlockCommand({ Bucket }))).PublicAccessBlockConfiguration,
    ).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: false,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: false,
    });
    await client.send(
      new PutBucketOwnershipControlsCommand({
        Bucket,
        OwnershipControls: { Rules: [{ ObjectOwnership: 'ObjectWriter' }] },
      }),
    );
    expect(
      (await client.send(new GetBucketOwnershipControlsCommand({ Bucket }))).OwnershipControls?.Rules,
    ).toEqual([{ ObjectOwnership: 'ObjectWriter' }]);
    await client.send(
      new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } }),
    );
    expect((await client.send(new GetBucketVersioningCommand({ Bucket }))).Status).toBe('Enabled');
  });
});

describe('bucket lifecycle', () => {
  it('CreateBucket in eu-west-1 lands there; GetBucketLocation and HeadBucket say so', async () => {
    const Bucket = await freshBucket(eu);
    expect((await eu.send(new GetBucketLocationCommand({ Bucket }))).LocationConstraint).toBe('eu-west-1');
    expect((await eu.send(new HeadBucketCommand({ Bucket }))).BucketRegion).toBe('eu-west-1');
    const us = await freshBucket();
    expect(
      (await client.send(new GetBucketLocationCommand({ Bucket: us }))).LocationConstraint,
    ).toBeUndefined();
  });

  it('creation conflicts: BucketAlreadyOwnedByYou outside us-east-1; InvalidBucketName', async () => {
    const Bucket = await freshBucket(eu);
    expect(await failure(eu.send(new CreateBucketCommand({ Bucket })))).toEqual({
      name: 'BucketAlreadyOwnedByYou',
      status: 409,
    });
    await expect(client.send(new CreateBucketCommand({ Bucket: 'x' }))).rejects.toMatchObject({
      name: 'InvalidBucketName',
    });
  });

  it('InvalidLocationConstraint for an unknown region', async () => {
    const result = await failure(
      client.send(
        new CreateBucketCommand({
          Bucket: 'bad-location-bucket',
          CreateBucketConfiguration: { LocationConstraint: 'mars-north-1' as never },
        }),
      ),
    );
    expect(result).toEqual({ name: 'InvalidLocationConstraint', status: 400 });
  });

  it('DeleteBucket refuses a non-empty bucket and then deletes it', async () => {
    const Bucket = await freshBucket();
    await client.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'x' }));
    expect(await failure(client.send(new DeleteBucketCommand({ Bucket })))).toEqual({
      name: 'BucketNotEmpty',
      status: 409,
    });
    sandbox.state.buckets.get(Bucket)?.objects.clear();
    await client.send(new DeleteBucketCommand({ Bucket }));
    expect(await failure(client.send(new GetBucketPolicyCommand({ Bucket })))).toEqual({
      name: 'NoSuchBucket',
      status: 404,
    });
  });
});

describe('wrong region', () => {
  it('answers PermanentRedirect 301 with the bucket region header; followRegionRedirects recovers', async () => {
    const Bucket = await freshBucket(eu);
    let caught: unknown;
    try {
      await client.send(new GetBucketEncryptionCommand({ Bucket }));
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ name: 'PermanentRedirect', $metadata: { httpStatusCode: 301 } });
    expect(
      (caught as { $response?: { headers: Record<string, string> } }).$response?.headers[
        'x-amz-bucket-region'
      ],
    ).toBe('eu-west-1');
    const following = s3(sandbox, { followRegionRedirects: true });
    const enc = await following.send(new GetBucketEncryptionCommand({ Bucket }));
    expect(
      enc.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm,
    ).toBe('AES256');
    following.destroy();
  });
});

describe('ListBuckets', () => {
  it('pages with MaxBuckets and ContinuationToken and reports BucketRegion', async () => {
    const sb = await startSandbox({ defaultAccountId: '222233334444' });
    const c = s3(sb);
    const names = Array.from({ length: 7 }, (_, i) => `page-test-${i}`);
    for (const Bucket of names) await c.send(new CreateBucketCommand({ Bucket }));
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await c.send(new ListBucketsCommand({ MaxBuckets: 3, ContinuationToken: token }));
      pages += 1;
      for (const b of page.Buckets ?? []) {
        seen.push(b.Name ?? '');
        expect(b.BucketRegion).toBe('us-east-1');
      }
      token = page.ContinuationToken;
    } while (token);
    expect(pages).toBe(3);
    expect(seen).toEqual(names);
    c.destroy();
    await sb.close();
  });
});

describe('objects', () => {
  it('PutObject under versioning returns a version id and the bucket default encryption', async () => {
    const Bucket = await freshBucket();
    await client.send(
      new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } }),
    );
    const put = await client.send(
      new PutObjectCommand({ Bucket, Key: 'pack/evidence.zip', Body: 'zip-bytes' }),
    );
    expect(put.VersionId).toBeTruthy();
    expect(put.ServerSideEncryption).toBe('AES256');
    const head = await client.send(new HeadObjectCommand({ Bucket, Key: 'pack/evidence.zip' }));
    expect(head.ContentLength).toBe(9);
    expect(head.ETag).toBe(put.ETag);
    const get = await client.send(
      new GetObjectCommand({ Bucket, Key: 'pack/evidence.zip', VersionId: put.VersionId }),
    );
    expect(await get.Body?.transformToString()).toBe('zip-bytes');
    expect(await failure(client.send(new GetObjectCommand({ Bucket, Key: 'missing' })))).toEqual({
      name: 'NoSuchKey',
      status: 404,
    });
  });

  it('PutObject with SSE-KMS headers reports them back', async () => {
    const Bucket = await freshBucket();
    const put = await client.send(
      new PutObjectCommand({
        Bucket,
        Key: 'k',
        Body: 'x',
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: 'arn:aws:kms:us-east-1:111122223333:key/k1',
      }),
    );
    expect(put.ServerSideEncryption).toBe('aws:kms');
    expect(put.SSEKMSKeyId).toBe('arn:aws:kms:us-east-1:111122223333:key/k1');
  });

  it('Object Lock: bucket created with lock, default retention, object retention', async () => {
    const Bucket = `locked-${Date.now()}`;
    await client.send(new CreateBucketCommand({ Bucket, ObjectLockEnabledForBucket: true }));
    expect(
      (await client.send(new GetObjectLockConfigurationCommand({ Bucket }))).ObjectLockConfiguration,
    ).toEqual({ ObjectLockEnabled: 'Enabled' });
    await client.send(
      new PutObjectLockConfigurationCommand({
        Bucket,
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 30 } },
        },
      }),
    );
    expect(
      (await client.send(new GetObjectLockConfigurationCommand({ Bucket }))).ObjectLockConfiguration?.Rule,
    ).toEqual({
      DefaultRetention: { Mode: 'COMPLIANCE', Days: 30 },
    });
    await client.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'x' }));
    const head = await client.send(new HeadObjectCommand({ Bucket, Key: 'k' }));
    expect(head.ObjectLockMode).toBe('COMPLIANCE');
    const until = new Date(Date.now() + 400 * 86_400_000);
    await client.send(
      new PutObjectRetentionCommand({
        Bucket,
        Key: 'k',
        Retention: { Mode: 'COMPLIANCE', RetainUntilDate: until },
      }),
    );
    expect(
      (
        await client.send(new HeadObjectCommand({ Bucket, Key: 'k' }))
      ).ObjectLockRetainUntilDate?.toISOString(),
    ).toBe(until.toISOString());
    const plain = await freshBucket();
    await client.send(new PutObjectCommand({ Bucket: plain, Key: 'k', Body: 'x' }));
    expect(
      await failure(
        client.send(
          new PutObjectRetentionCommand({
            Bucket: plain,
            Key: 'k',
            Retention: { Mode: 'GOVERNANCE', RetainUntilDate: until },
          }),
        ),
      ),
    ).toEqual({ name: 'InvalidRequest', status: 400 });
  });
});

describe('history and events', () => {
  it('every write appends a configuration item and control-plane calls record management events', async () => {
    const Bucket = await freshBucket();
    await client.send(
      new PutBucketTaggingCommand({ Bucket, Tagging: { TagSet: [{ Key: 'team', Value: 'grc' }] } }),
    );
    await client.send(new GetBucketTaggingCommand({ Bucket }));
    const history = sandbox.state.bucketHistory.get(Bucket) ?? [];
    expect(history.map((i) => i.status)).toEqual(['ResourceDiscovered', 'OK']);
    expect(JSON.parse(history[1]?.supplementaryConfiguration.BucketTaggingConfiguration ?? '{}')).toEqual({
      tagSets: [{ tags: { team: 'grc' } }],
    });
    const events = sandbox.state.events
      .filter((e) => e.resources.some((r) => r.name === Bucket))
      .map((e) => [e.eventName, e.readOnly]);
    expect(events).toEqual([
      ['CreateBucket', false],
      ['PutBucketTagging', false],
      ['GetBucketTagging', true],
    ]);
    expect(sandbox.state.events.at(-1)?.eventSource).toBe('s3.amazonaws.com');
  });
});
