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
      name: 'error is a gap',
      snapshot: one(bucket('data', { encryption: errorOf('GetBucketEncryption') })),
      status: 'insufficient-evidence',
      reason: ['failed'],
    },
  ];
  it.each(cases)('$name', (c) => expectCase('s3.bucket-key', c));
});
