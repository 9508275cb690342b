import {
  CreateBucketCommand,
  DeleteBucketOwnershipControlsCommand,
  DeletePublicAccessBlockCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutBucketEncryptionCommand,
} from '@aws-sdk/client-s3';
import { PutPublicAccessBlockCommand } from '@aws-sdk/client-s3-control';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectAccountPublicAccessBlock } from '../../src/collect/account-pab.ts';
import { collectBucketConfig } from '../../src/collect/bucket-config.ts';
import { listBuckets, normalizeLocation } from '../../src/collect/buckets.ts';
import { ACCOUNT, startHarness, type Harness } from './harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const publicPolicy = (bucket: string): string =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` },
    ],
  });

describe('listBuckets over HTTP', () => {
  it('follows every page of ListBuckets and takes each region from BucketRegion', async () => {
    const s3 = h.s3();
    const s3eu = h.s3('eu-west-1');
    const names = Array.from({ length: 1003 }, (_, i) => `bucket-${String(i).padStart(4, '0')}`);
    for (let i = 0; i < names.length; i += 200) {
      await Promise.all(
        names.slice(i, i + 200).map((Bucket, j) =>
          (i + j) % 2
            ? s3eu.send(
                new CreateBucketCommand({
                  Bucket,
                  CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
                }),
              )
            : s3.send(new CreateBucketCommand({ Bucket })),
        ),
      );
    }
    const { listing, buckets } = await listBuckets(h.factory, { accountId: ACCOUNT, region: 'us-east-1' });
    expect(listing.status).toBe('ok');
    expect(listing.status === 'ok' && listing.value.count).toBe(1003);
    expect(buckets.map((b) => b.name)).toEqual(names);
    expect(buckets[1]).toMatchObject({
      name: 'bucket-0001',
      region: 'eu-west-1',
      regionSource: 'ListBuckets',
    });
    expect(buckets[0]).toMatchObject({
      arn: 'arn:aws:s3:::bucket-0000',
      region: 'us-east-1',
      accountId: ACCOUNT,
    });
    expect(h.requests('s3', 'ListBuckets')).toBe(2);

    const euOnly = await listBuckets(h.factory, {
      accountId: ACCOUNT,
      region: 'us-east-1',
      regions: ['eu-west-1'],
    });
    expect(euOnly.buckets).toHaveLength(501);
    expect(euOnly.buckets.every((b) => b.region === 'eu-west-1')).toBe(true);
  });

  it('reports a denied ListBuckets as a gap in the inventory, with the request id', async () => {
    await h.s3().send(new CreateBucketCommand({ Bucket: 'hidden' }));
    h.addFault({ service: 's3', operation: 'ListBuckets', kind: 'AccessDenied' });
    const { listing, buckets } = await listBuckets(h.factory, { accountId: ACCOUNT, region: 'us-east-1' });
    expect(listing).toMatchObject({ status: 'denied', errorCode: 'AccessDenied' });
    expect(listing.evidence.requestId).toBeTruthy();
    expect(buckets).toEqual([]);
  });

  it('maps legacy GetBucketLocation answers to regions', () => {
    expect(normalizeLocation(undefined)).toBe('us-east-1');
    expect(normalizeLocation('')).toBe('us-east-1');
    expect(normalizeLocation('EU')).toBe('eu-west-1');
    expect(normalizeLocation('ap-south-1')).toBe('ap-south-1');
  });
});

async function refOf(name: string) {
  const { buckets } = await listBuckets(h.factory, { accountId: ACCOUNT, region: 'us-east-1' });
  const ref = buckets.find((b) => b.name === name);
  if (!ref) throw new Error(`bucket ${name} not listed`);
  return ref;
}

describe('collectBucketConfig over HTTP', () => {
  it('reads every setting of a configured bucket in its own region', async () => {
    const s3 = h.s3('eu-west-1');
    await s3.send(
      new CreateBucketCommand({
        Bucket: 'open',
        CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
      }),
    );
    await s3.send(new DeletePublicAccessBlockCommand({ Bucket: 'open' }));
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'open', Policy: publicPolicy('open') }));
    await s3.send(
      new PutBucketTaggingCommand({ Bucket: 'open', Tagging: { TagSet: [{ Key: 'data', Value: 'pii' }] } }),
    );
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: 'open', VersioningConfiguration: { Status: 'Enabled' } }),
    );
    await s3.send(
      new PutBucketEncryptionCommand({
        Bucket: 'open',
        ServerSideEncryptionConfiguration: {
          Rules: [
            {
              ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'alias/data' },
              BucketKeyEnabled: true,
            },
          ],
        },
      }),
    );

    const b = await collectBucketConfig(h.factory, await refOf('open'), { deriveImpliedReads: false });
    expect(b.region).toBe('eu-west-1');
    expect(b.policy).toMatchObject({ status: 'ok', value: { text: publicPolicy('open') } });
    expect(b.policyStatus).toMatchObject({ status: 'ok', value: { isPublic: true } });
    expect(b.publicAccessBlock).toMatchObject({
      status: 'absent',
      errorCode: 'NoSuchPublicAccessBlockConfiguration',
    });
    expect(b.tags).toMatchObject({ status: 'ok', value: { data: 'pii' } });
    expect(b.versioning).toMatchObject({ status: 'ok', value: { status: 'Enabled' } });
    expect(b.encryption).toMatchObject({
      status: 'ok',
      value: { rules: [{ sseAlgorithm: 'aws:kms', kmsMasterKeyId: 'alias/data', bucketKeyEnabled: true }] },
    });
    expect(b.ownershipControls).toMatchObject({
      status: 'ok',
      value: { objectOwnership: 'BucketOwnerEnforced' },
    });
    expect(b.acl.status === 'ok' && b.acl.value.grants[0]?.permission).toBe('FULL_CONTROL');
    expect(b.encryption.evidence.file).toBe(`raw/s3/eu-west-1.jsonl`);
  });

  it('derives policy status from an absent policy without asking, and keeps other absences as evidence', async () => {
    const s3 = h.s3();
    await s3.send(new CreateBucketCommand({ Bucket: 'plain' }));
    await s3.send(new DeleteBucketOwnershipControlsCommand({ Bucket: 'plain' }));

    const b = await collectBucketConfig(h.factory, await refOf('plain'));
    expect(b.policy).toMatchObject({ status: 'absent', errorCode: 'NoSuchBucketPolicy' });
    expect(b.policyStatus).toEqual({
      status: 'absent',
      errorCode: 'derived:NoSuchBucketPolicy',
      evidence: b.policy.evidence,
    });
    expect(h.requests('s3', 'GetBucketPolicyStatus')).toBe(0);
    expect(b.ownershipControls).toMatchObject({
      status: 'absent',
      errorCode: 'OwnershipControlsNotFoundError',
    });
    expect(b.tags).toMatchObject({ status: 'absent', errorCode: 'NoSuchTagSet' });
    expect(b.publicAccessBlock).toMatchObject({
      status: 'ok',
      value: {
        blockPublicAcls: true,
        ignorePublicAcls: true,
        blockPublicPolicy: true,
        restrictPublicBuckets: true,
      },
    });
  });

  it('keeps a denied read as a gap naming the call, and still asks policy status when the policy read was a gap', async () => {
    const s3 = h.s3();
    await s3.send(new CreateBucketCommand({ Bucket: 'guarded' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'other' }));
    h.addFault({ service: 's3', operation: 'GetBucketAcl', resource: 'guarded', kind: 'AccessDenied' });
    h.addFault({ service: 's3', operation: 'GetBucketPolicy', resource: 'guarded', kind: 'AccessDenied' });

    const all = { deriveImpliedReads: false };
    const guarded = await collectBucketConfig(h.factory, await refOf('guarded'), all);
    expect(guarded.acl).toMatchObject({ status: 'denied', errorCode: 'AccessDenied' });
    expect(guarded.acl.evidence).toMatchObject({ operation: 'GetBucketAcl', service: 's3' });
    expect(guarded.acl.evidence.requestId).toBeTruthy();
    expect(guarded.policy).toMatchObject({ status: 'denied' });
    expect(h.requests('s3', 'GetBucketPolicyStatus')).toBe(1);
    expect(guarded.policyStatus).toMatchObject({ status: 'absent', errorCode: 'NoSuchBucketPolicy' });

    const other = await collectBucketConfig(h.factory, await refOf('other'), all);
    expect(other.acl.status).toBe('ok');
  });

  it('derives the ACL when ACLs are disabled and the status of a Deny-only policy, and reads them otherwise', async () => {
    const s3 = h.s3();
    await s3.send(new CreateBucketCommand({ Bucket: 'enforced' }));
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: 'enforced',
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:*',
              Resource: 'arn:aws:s3:::enforced/*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
          ],
        }),
      }),
    );
    const b = await collectBucketConfig(h.factory, await refOf('enforced'));
    expect(b.acl).toEqual({
      status: 'absent',
      errorCode: 'derived:BucketOwnerEnforced',
      evidence: b.ownershipControls.evidence,
    });
    expect(b.policyStatus).toEqual({
      status: 'absent',
      errorCode: 'derived:PolicyHasNoAllowStatement',
      evidence: b.policy.evidence,
    });
    expect(h.requests('s3', 'GetBucketAcl')).toBe(0);
    expect(h.requests('s3', 'GetBucketPolicyStatus')).toBe(0);

    // Whether ACLs are disabled unknown: the ACL is read.
    h.addFault({
      service: 's3',
      operation: 'GetBucketOwnershipControls',
      resource: 'enforced',
      kind: 'AccessDenied',
    });
    const denied = await collectBucketConfig(h.factory, await refOf('enforced'));
    expect(denied.acl.status).toBe('ok');
    expect(h.requests('s3', 'GetBucketAcl')).toBe(1);
  });

  it('reports a server failure that outlasts the retries as error, and records every attempt count', async () => {
    await h.s3().send(new CreateBucketCommand({ Bucket: 'flaky' }));
    h.addFault({ service: 's3', operation: 'GetBucketEncryption', kind: 'InternalError' });
    const b = await collectBucketConfig(h.factory, await refOf('flaky'));
    expect(b.encryption).toMatchObject({ status: 'error', errorCode: 'InternalError' });
    const records = await h.records();
    const rec = records.find((r) => r.id === b.encryption.evidence.callId);
    expect(rec).toMatchObject({
      operation: 'GetBucketEncryption',
      outcome: 'error',
      attempts: 2,
      httpStatus: 500,
    });
  });
});

describe('collectAccountPublicAccessBlock over HTTP', () => {
  it('reads the account-level setting through S3 Control: absent, then ok, then denied', async () => {
    const before = await collectAccountPublicAccessBlock(h.factory, ACCOUNT, 'us-east-1');
    expect(before).toMatchObject({ status: 'absent', errorCode: 'NoSuchPublicAccessBlockConfiguration' });

    await h.s3control().send(
      new PutPublicAccessBlockCommand({
        AccountId: ACCOUNT,
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          IgnorePublicAcls: true,
          BlockPublicPolicy: false,
        },
      }),
    );
    const after = await collectAccountPublicAccessBlock(h.factory, ACCOUNT, 'us-east-1');
    expect(after).toMatchObject({
      status: 'ok',
      value: {
        blockPublicAcls: true,
        ignorePublicAcls: true,
        blockPublicPolicy: false,
        restrictPublicBuckets: false,
      },
    });

    h.addFault({ service: 's3control', operation: 'GetPublicAccessBlock', kind: 'AccessDenied' });
    const denied = await collectAccountPublicAccessBlock(h.factory, ACCOUNT, 'us-east-1');
    expect(denied).toMatchObject({ status: 'denied', errorCode: 'AccessDenied' });
  });
});

describe('request recorder over HTTP', () => {
  it('records successes and failures with request ids, status, timing and classification, output without $metadata', async () => {
    await h.s3().send(new CreateBucketCommand({ Bucket: 'recorded' }));
    const b = await collectBucketConfig(h.factory, await refOf('recorded'));
    const records = await h.records();
    const ok = records.find((r) => r.id === b.versioning.evidence.callId);
    expect(ok).toMatchObject({
      service: 's3',
      operation: 'GetBucketVersioning',
      region: 'us-east-1',
      accountId: ACCOUNT,
      input: { Bucket: 'recorded' },
      httpStatus: 200,
      attempts: 1,
      outcome: 'ok',
    });
    expect(ok?.requestId).toBe(b.versioning.evidence.requestId);
    expect(ok?.extendedRequestId).toBeTruthy();
    expect(ok?.output).not.toHaveProperty('$metadata');
    expect(new Date(ok?.startedAt ?? '').toISOString()).toBe(ok?.startedAt);
    expect(typeof ok?.durationMs).toBe('number');

    const absent = records.find((r) => r.id === b.tags.evidence.callId);
    expect(absent).toMatchObject({
      operation: 'GetBucketTagging',
      httpStatus: 404,
      errorName: 'NoSuchTagSet',
      outcome: 'absent',
    });
    expect(absent?.output).toBeUndefined();
    expect(records.filter((r) => r.operation === 'ListBuckets')).toHaveLength(1);
  });
});
