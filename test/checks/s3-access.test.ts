import { describe, it } from 'vitest';
import { expectCase, type Case } from './harness.ts';
import {
  absentOf,
  account,
  bucket,
  config,
  deniedOf,
  okOf,
  snapshot,
  withPolicy,
} from '../support/snapshot.ts';
import type { BucketSnapshot } from '../../src/snapshot/model.ts';
import type { AccountSnapshot } from '../../src/snapshot/model.ts';

const B = 'arn:aws:s3:::data';
const one =
  (b: BucketSnapshot, acct: Partial<AccountSnapshot> = {}) =>
  () =>
    snapshot([account({ buckets: [b], ...acct })]);
const off = {
  blockPublicAcls: false,
  ignorePublicAcls: false,
  blockPublicPolicy: false,
  restrictPublicBuckets: false,
};
const allOn = {
  blockPublicAcls: true,
  ignorePublicAcls: true,
  blockPublicPolicy: true,
  restrictPublicBuckets: true,
};
const noBpa = { publicAccessBlock: absentOf('NoSuchPublicAccessBlockConfiguration', 'GetPublicAccessBlock') };
const acctOff = { accountPublicAccessBlock: okOf(off, 'GetPublicAccessBlock', 's3control') };
const publicRead = [
  { Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `${B}/*` },
];
const refererRead = [
  { ...publicRead[0], Condition: { StringLike: { 'aws:Referer': 'https://example.com/*' } } },
];
const allUsersAcl = okOf(
  {
    ownerId: 'o',
    grants: [
      {
        granteeType: 'Group',
        grantee: 'http://acs.amazonaws.com/groups/global/AllUsers',
        permission: 'READ',
      },
    ],
  },
  'GetBucketAcl',
);
const objectWriter = okOf({ objectOwnership: 'ObjectWriter' }, 'GetBucketOwnershipControls');

describe('s3.bucket-public-access-block', () => {
  const cases: Case[] = [
    { name: 'all four on passes', snapshot: one(bucket('data')), status: 'pass' },
    {
      name: 'missing flags are listed',
      snapshot: one(
        bucket('data', {
          publicAccessBlock: okOf(
            { ...allOn, ignorePublicAcls: false, restrictPublicBuckets: false },
            'GetPublicAccessBlock',
          ),
        }),
      ),
      status: 'fail',
      reason: ['IgnorePublicAcls and RestrictPublicBuckets'],
    },
    {
      name: 'account level alone is noted and fails',
      snapshot: one(bucket('data', noBpa)),
      status: 'fail',
      reason: ['account-level setting covers it'],
    },
    {
      name: 'denied is a gap',
      snapshot: one(bucket('data', { publicAccessBlock: deniedOf('GetPublicAccessBlock') })),
      status: 'insufficient-evidence',
    },
  ];
  it.each(cases)('$name', (c) => expectCase('s3.bucket-public-access-block', c));
});

describe('s3.account-public-access-block', () => {
  const cases: Case[] = [
    { name: 'all four on passes', snapshot: one(bucket('data')), status: 'pass' },
    {
      name: 'never configured fails',
      snapshot: one(bucket('data'), {
        accountPublicAccessBlock: absentOf(
          'NoSuchPublicAccessBlockConfiguration',
          'GetPublicAccessBlock',
          's3control',
        ),
      }),
      status: 'fail',
      reason: ['never configured'],
    },
    {
      name: 'flags off fails',
      snapshot: one(bucket('data'), acctOff),
      status: 'fail',
      reason: ['BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy and RestrictPublicBuckets'],
    },
    {
      name: 'denied is a gap',
      snapshot: one(bucket('data'), {
        accountPublicAccessBlock: deniedOf('GetPublicAccessBlock', 's3control'),
      }),
      status: 'insufficient-evidence',
    },
  ];
  it.each(cases)('$name', (c) => expectCase('s3.account-public-access-block', c));
});

describe('s3.not-public', () => {
  const cases: Case[] = [
    { name: 'new-style bucket passes', snapshot: one(bucket('data')), status: 'pass' },
    {
      name: 'public policy without RestrictPublicBuckets fails',
      snapshot: one(withPolicy(bucket('data', noBpa), publicRead, true), acctOff),
      status: 'fail',
      reason: [
        'sensitive bucket is public',
        'S3 reports the policy public',
        'RestrictPublicBuckets is off at both levels',
      ],
    },
    {
      name: 'public policy neutralized by account RestrictPublicBuckets passes',
      snapshot: one(withPolicy(bucket('data', noBpa), publicRead, true)),
      status: 'pass',
      reason: ['RestrictPublicBuckets at account level'],
    },
    {
      name: 'IsPublic and our probe disagreeing is said',
      snapshot: one(withPolicy(bucket('data', noBpa), refererRead, true), acctOff),
      status: 'fail',
      reason: ['S3 reports IsPublic true but our anonymous probe is denied'],
    },
    {
      name: 'public ACL with ObjectWriter and no IgnorePublicAcls fails',
      snapshot: one(bucket('data', { ...noBpa, acl: allUsersAcl, ownershipControls: objectWriter }), acctOff),
      status: 'fail',
      reason: ['AllUsers'],
    },
    {
      name: 'public ACL ignored under BucketOwnerEnforced passes',
      snapshot: one(bucket('data', { ...noBpa, acl: allUsersAcl }), acctOff),
      status: 'pass',
      reason: ['BucketOwnerEnforced'],
    },
    {
      name: 'denied ACL read is a gap, never "not public"',
      snapshot: one(
        bucket('data', { ...noBpa, acl: deniedOf('GetBucketAcl'), ownershipControls: objectWriter }),
        acctOff,
      ),
      status: 'insufficient-evidence',
      reason: ['GetBucketAcl was denied'],
    },
    {
      name: 'denied policy read is a gap',
      snapshot: one(bucket('data', { policy: deniedOf('GetBucketPolicy') })),
      status: 'insufficient-evidence',
      reason: ['GetBucketPolicy was denied'],
    },
    {
      name: 'policy status unreadable but our probe finds public access fails',
      snapshot: one(
        { ...withPolicy(bucket('data', noBpa), publicRead), policyStatus: deniedOf('GetBucketPolicyStatus') },
        acctOff,
      ),
      status: 'fail',
      reason: ['our anonymous probe is allowed by Sid "PublicRead"'],
    },
  ];
  it.each(cases)('$name', (c) => expectCase('s3.not-public', c));
});

const tls = {
  Sid: 'TLS',
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:*',
  Resource: [B, `${B}/*`],
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
};
const sse = {
  Sid: 'KmsOnly',
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:PutObject',
  Resource: `${B}/*`,
  Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } },
};

describe('s3.deny-unencrypted-put', () => {
  const cases: Case[] = [
    {
      name: 'deny names the deciding statement',
      snapshot: one(withPolicy(bucket('data'), [tls, sse])),
      status: 'pass',
      reason: ['Sid "KmsOnly"'],
    },
    { name: 'no policy fails', snapshot: one(bucket('data')), status: 'fail', reason: ['no bucket policy'] },
    {
      name: 'AES256 accepted fails',
      snapshot: one(
        withPolicy(bucket('data'), [
          { ...sse, Condition: { Null: { 's3:x-amz-server-side-encryption': 'true' } } },
        ]),
      ),
      status: 'fail',
      reason: ['AES256'],
    },
    {
      name: 'denied policy read is a gap',
      snapshot: one(bucket('data', { policy: deniedOf('GetBucketPolicy') })),
      status: 'insufficient-evidence',
    },
    {
      name: 'unparseable policy is a gap',
      snapshot: one({ ...bucket('data'), policy: okOf({ text: '{not json' }, 'GetBucketPolicy') }),
      status: 'insufficient-evidence',
      reason: ['not valid JSON'],
    },
    {
      name: 'standard bucket is not applicable',
      snapshot: one(bucket('data')),
      config: config({ classification: { default: 'standard' } }),
      status: 'not-applicable',
    },
  ];
  it.each(cases)('$name', (c) => expectCase('s3.deny-unencrypted-put', c));
});

describe('s3.tls-only', () => {
  const cases: Case[] = [
    {
      name: 'deny names the deciding statement',
      snapshot: one(withPolicy(bucket('data'), [tls])),
      status: 'pass',
      reason: ['Sid "TLS"'],
    },
    {
      name: 'TLS-version deny is noted on a pass',
      snapshot: one(
        withPolicy(bucket('data'), [
          tls,
          { ...tls, Sid: 'MinTls', Condition: { NumericLessThan: { 's3:TlsVersion': '1.2' } } },
        ]),
      ),
      status: 'pass',
      reason: ['TLS versions below 1.2 (Sid "MinTls")'],
    },
    {
      name: 'TLS-version deny alone fails with a note',
      snapshot: one(
        withPolicy(bucket('data'), [
          { ...tls, Sid: 'MinTls', Condition: { NumericLessThan: { 's3:TlsVersion': '1.2' } } },
        ]),
      ),
      status: 'fail',
      reason: ['does not deny plain HTTP'],
    },
    {
      name: 'objects-only deny misses ListBucket',
      snapshot: one(withPolicy(bucket('data'), [{ ...tls, Resource: `${B}/*` }])),
      status: 'fail',
      reason: ['s3:ListBucket'],
    },
    {
      name: 'error reading the policy is a gap',
      snapshot: one(
        bucket('data', {
          policy: {
            status: 'error',
            errorCode: 'InternalError',
            message: 'x',
            evidence: deniedOf('GetBucketPolicy').evidence,
          },
        }),
      ),
      status: 'insufficient-evidence',
    },
  ];
  it.each(cases)('$name', (c) => expectCase('s3.tls-only', c));
});
