import { describe, it } from 'vitest';
import { expectCase, type Case } from './harness.ts';
import {
  absentOf,
  account,
  bucket,
  config,
  deniedOf,
  errorOf,
  kmsEncryption,
  kmsKey,
  keyMeta,
  okOf,
  snapshot,
  withPolicy,
} from '../support/snapshot.ts';

const standard = config({ classification: { default: 'standard', rules: [] } });
const one =
  (b = bucket('data'), keys = [] as ReturnType<typeof kmsKey>[]) =>
  () =>
    snapshot([account({ buckets: [b], kmsKeys: keys })]);

describe('s3.default-encryption', () => {
  const cases: Case[] = [
    { name: 'SSE-S3 passes', snapshot: one(), status: 'pass', reason: ['AES256'] },
    {
      name: 'SSE-KMS passes',
      snapshot: one(bucket('data', { encryption: kmsEncryption() })),
      status: 'pass',
      reason: ['aws:kms'],
    },
    {
      name: 'endpoint reporting no configuration fails',
      snapshot: one(
        bucket('data', {
          encryption: absentOf('ServerSideEncryptionConfigurationNotFoundError', 'GetBucketEncryption'),
        }),
      ),
      status: 'fail',
      reason: ['ServerSideEncryptionConfigurationNotFoundError'],
    },
    {
      name: 'denied read is a gap naming the call and request id',
      snapshot: one(bucket('data', { encryption: deniedOf('GetBucketEncryption') })),
      status: 'insufficient-evidence',
      reason: ['GetBucketEncryption was denied', /request id req-\d+/],
    },
  ];
  it.each(cases)('$name', (c) => expectCase('s3.default-encryption', c));
});

describe('s3.sse-kms-cmk', () => {
  const kmsBucket = bucket('data', { encryption: kmsEncryption() });
  const cases: Case[] = [
    {
      name: 'enabled customer key passes',
      snapshot: one(kmsBucket, [kmsKey([kmsBucket.arn])]),
      status: 'pass',
      reason: ['customer managed'],
    },
    { name: 'SSE-S3 only fails', snapshot: one(), status: 'fail', reason: ['SSE-S3'] },
    {
      name: 'no key id means aws/s3 and fails',
      snapshot: one(bucket('data', { encryption: kmsEncryption(true, null) })),
      status: 'fail',
      reason: ['AWS managed key aws/s3'],
    },
    {
      name: 'AWS managed key fails',
      snapshot: one(kmsBucket, [
        kmsKey([kmsBucket.arn], { metadata: okOf(keyMeta({ keyManager: 'AWS' }), 'DescribeKey', 'kms') }),
      ]),
      status: 'fail',
      reason: ['AWS managed key'],
    },
    {
      name: 'pending deletion fails',
      snapshot: one(kmsBucket, [
        kmsKey([kmsBucket.arn], {
          metadata: okOf(keyMeta({ keyState: 'PendingDeletion' }), 'DescribeKey', 'kms'),
        }),
      ]),
      status: 'fail',
      reason: ['pending deletion'],
    },
    {
      name: 'key not found fails',
      snapshot: one(kmsBucket, [
        kmsKey([kmsBucket.arn], { metadata: absentOf('NotFoundException', 'DescribeKey', 'kms') }),
      ]),
      status: 'fail',
      reason: ['does not exist (DescribeKey: NotFoundException)'],
    },
    {
      name: 'DSSE-KMS with an enabled customer key passes',
      snapshot: () => {
        const b = bucket('data', {
          encryption: okOf(
            {
              rules: [
                { sseAlgorithm: 'aws:kms:dsse', kmsMasterKeyId: 'alias/data', bucketKeyEnabled: false },
              ],
            },
            'GetBucketEncryption',
          ),
        });
        return one(b, [kmsKey([b.arn])])();
      },
      status: 'pass',
      reason: ['aws:kms:dsse', 'customer managed'],
    },
    {
      name: 'DSSE-KMS with the AWS managed key fails',
      snapshot: one(
        bucket('data', {
          encryption: okOf(
            { rules: [{ sseAlgorithm: 'aws:kms:dsse', bucketKeyEnabled: false }] },
            'GetBucketEncryption',
          ),
        }),
      ),
      status: 'fail',
      reason: ['AWS managed key aws/s3'],
    },
    {
      name: 'cross-account key that cannot be described is a gap',
      snapshot: one(kmsBucket, [kmsKey([kmsBucket.arn], { metadata: deniedOf('DescribeKey', 'kms') })]),
      status: 'insufficient-evidence',
      reason: ['DescribeKey was denied'],
    },
    {
      name: 'standard bucket is not applicable',
      snapshot: one(),
      config: standard,
      status: 'not-applicable',
      reason: ['standard'],
    },
  ];
  it.each(cases)('$name', (c) => expectCase('s3.sse-kms-cmk', c));
});

describe('s3.bucket-key', () => {
  const cases: Case[] = [
    {
      name: 'enabled passes',
      snapshot: one(bucket('data', { encryption: kmsEncryption(true) })),
      status: 'pass',
    },
    {
      name: 'disabled fails',
      snapshot: one(bucket('data', { encryption: kmsEncryption(false) })),
      status: 'fail',
      reason: ['99%'],
    },
    {
      name: 'SSE-S3 bucket is not applicable',
      snapshot: one(),
      status: 'not-applicable',
      reason: ['does not use SSE-KMS'],
    },
    {
      name: 'DSSE-KMS bucket is not applicable, even with the setting on',
      snapshot: one(
        bucket('data', {
          encryption: okOf(
            {
              rules: [{ sseAlgorithm: 'aws:kms:dsse', kmsMasterKeyId: 'alias/data', bucketKeyEnabled: true }],
            },
            'GetBucketEncryption',
          ),
        }),
      ),
      status: 'not-applicable',
      reason: ['DSSE-KMS'],
    },
    {
      name: 'error is a gap',
      snapshot: one(bucket('data', { encryption: errorOf('GetBucketEncryption') })),
      status: 'insufficient-evidence',
      reason: ['failed'],
    },
  ];
  it.each(cases)('$name', (c) => expectCase('s3.bucket-key', c));
});

/** SSE-S3 default encryption whose rule reports these BlockedEncryptionTypes (undefined: no element). */
function sseS3(blocked?: ('SSE-C' | 'NONE')[]) {
  return okOf(
    { rules: [{ sseAlgorithm: 'AES256', bucketKeyEnabled: false, blockedEncryptionTypes: blocked }] },
    'GetBucketEncryption',
  );
}

const denySseC = {
  Sid: 'DenySSEC',
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:PutObject',
  Resource: 'arn:aws:s3:::data/*',
  Condition: { Null: { 's3:x-amz-server-side-encryption-customer-algorithm': 'false' } },
};

describe('s3.deny-unencrypted-put with DSSE-KMS', () => {
  const requireDsse = {
    Sid: 'RequireDsse',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:PutObject',
    Resource: 'arn:aws:s3:::data/*',
    Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms:dsse' } },
  };
  const cases: Case[] = [
    {
      name: 'a policy that requires aws:kms:dsse passes (DSSE-KMS is KMS encryption)',
      snapshot: one(withPolicy(bucket('data'), [requireDsse])),
      status: 'pass',
      reason: ['Sid "RequireDsse"'],
    },
    {
      name: 'a policy that denies both KMS kinds of upload is a blanket deny and fails',
      snapshot: one(
        withPolicy(bucket('data'), [{ ...requireDsse, Sid: 'DenyAllPuts', Condition: undefined }]),
      ),
      status: 'fail',
      reason: ['aws:kms:dsse'],
    },
  ];
  it.each(cases)('$name', (c) => expectCase('s3.deny-unencrypted-put', c));
});

describe('s3.sse-c-blocked', () => {
  const cases: Case[] = [
    {
      name: 'BlockedEncryptionTypes SSE-C passes',
      snapshot: one(bucket('data', { encryption: sseS3(['SSE-C']) })),
      status: 'pass',
      reason: ['BlockedEncryptionTypes SSE-C'],
    },
    {
      name: 'BlockedEncryptionTypes NONE fails',
      snapshot: one(bucket('data', { encryption: sseS3(['NONE']) })),
      status: 'fail',
      reason: ['NONE', 'no bucket policy'],
    },
    {
      name: 'no BlockedEncryptionTypes element fails: S3 does not block SSE-C',
      snapshot: one(bucket('data', { encryption: sseS3() })),
      status: 'fail',
      reason: ['no BlockedEncryptionTypes'],
    },
    {
      name: 'a bucket-policy deny of SSE-C uploads passes',
      snapshot: one(withPolicy(bucket('data', { encryption: sseS3(['NONE']) }), [denySseC])),
      status: 'pass',
      reason: ['Sid "DenySSEC"'],
    },
    {
      name: 'a policy requiring SSE-KMS also refuses SSE-C uploads (they carry no SSE header)',
      snapshot: one(
        withPolicy(bucket('data', { encryption: sseS3(['NONE']) }), [
          {
            Sid: 'RequireKms',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:PutObject',
            Resource: 'arn:aws:s3:::data/*',
            Condition: {
              StringNotEquals: { 's3:x-amz-server-side-encryption': ['aws:kms', 'aws:kms:dsse'] },
            },
          },
        ]),
      ),
      status: 'pass',
      reason: ['Sid "RequireKms"'],
    },
    {
      name: 'a deny of every upload by outsiders does not count as blocking SSE-C',
      snapshot: one(
        withPolicy(bucket('data', { encryption: sseS3(['NONE']) }), [
          {
            Sid: 'OwnAccountOnly',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:PutObject',
            Resource: 'arn:aws:s3:::data/*',
            Condition: { StringNotEquals: { 'aws:PrincipalAccount': '111122223333' } },
          },
        ]),
      ),
      status: 'fail',
      reason: ['refuses every upload'],
    },
    {
      name: 'blocked by the encryption rule passes even when the policy is unreadable',
      snapshot: one(bucket('data', { encryption: sseS3(['SSE-C']), policy: deniedOf('GetBucketPolicy') })),
      status: 'pass',
    },
    {
      name: 'unreadable encryption without a policy deny is a gap',
      snapshot: one(bucket('data', { encryption: deniedOf('GetBucketEncryption') })),
      status: 'insufficient-evidence',
      reason: ['GetBucketEncryption was denied'],
    },
    {
      name: 'unreadable encryption with a policy deny passes',
      snapshot: one(withPolicy(bucket('data', { encryption: deniedOf('GetBucketEncryption') }), [denySseC])),
      status: 'pass',
      reason: ['Sid "DenySSEC"'],
    },
    {
      name: 'SSE-C allowed and the policy unreadable is a gap',
      snapshot: one(bucket('data', { encryption: sseS3(['NONE']), policy: errorOf('GetBucketPolicy') })),
      status: 'insufficient-evidence',
      reason: ['GetBucketPolicy'],
    },
    {
      name: 'a bucket with no default encryption at all fails',
      snapshot: one(
        bucket('data', {
          encryption: absentOf('ServerSideEncryptionConfigurationNotFoundError', 'GetBucketEncryption'),
        }),
      ),
      status: 'fail',
      reason: ['no default encryption configuration'],
    },
    {
      name: 'standard bucket is not applicable',
      snapshot: one(bucket('data', { encryption: sseS3(['NONE']) })),
      config: standard,
      status: 'not-applicable',
      reason: ['standard'],
    },
  ];
  it.each(cases)('$name', (c) => expectCase('s3.sse-c-blocked', c));
});
