import { describe, expect, it } from 'vitest';
import {
  analyzePolicyPublicity,
  coversBadAction,
  isBoundedCidr,
  isPolicyPublic,
} from '../../src/sandbox/s3/policy-public.ts';

const BUCKET = 'arn:aws:s3:::b/*';

function policy(...statements: Record<string, unknown>[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

function allow(extra: Record<string, unknown>): Record<string, unknown> {
  return { Effect: 'Allow', Action: 's3:GetObject', Resource: BUCKET, ...extra };
}

describe('isPolicyPublic', () => {
  const cases: [string, string, boolean][] = [
    ['Principal "*"', policy(allow({ Principal: '*' })), true],
    ['Principal {"AWS":"*"}', policy(allow({ Principal: { AWS: '*' } })), true],
    [
      'a list containing "*"',
      policy(allow({ Principal: { AWS: ['arn:aws:iam::123456789012:root', '*'] } })),
      true,
    ],
    ['a fixed account', policy(allow({ Principal: { AWS: '123456789012' } })), false],
    ['a fixed role ARN', policy(allow({ Principal: { AWS: ['arn:aws:iam::123456789012:role/r'] } })), false],
    ['a service principal', policy(allow({ Principal: { Service: 'logging.s3.amazonaws.com' } })), false],
    ['a canonical user', policy(allow({ Principal: { CanonicalUser: 'abc123' } })), false],
    ['Deny to "*"', policy({ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: BUCKET }), false],
    [
      '"*" pinned by fixed aws:SourceVpce',
      policy(allow({ Principal: '*', Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1a2b3c' } } })),
      false,
    ],
    [
      '"*" pinned by fixed aws:SourceAccount',
      policy(allow({ Principal: '*', Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } } })),
      false,
    ],
    [
      '"*" pinned by fixed aws:SourceArn (ArnLike)',
      policy(
        allow({
          Principal: '*',
          Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:cloudtrail:us-east-1:123456789012:trail/t' } },
        }),
      ),
      false,
    ],
    [
      '"*" with wildcard aws:SourceArn',
      policy(allow({ Principal: '*', Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:cloudtrail:*' } } })),
      true,
    ],
    [
      '"*" with aws:SourceVpc list of fixed values',
      policy(allow({ Principal: '*', Condition: { StringEquals: { 'aws:SourceVpc': ['vpc-1', 'vpc-2'] } } })),
      false,
    ],
    [
      '"*" with a policy variable in aws:userid',
      policy(allow({ Principal: '*', Condition: { StringEquals: { 'aws:userid': '${aws:username}' } } })),
      true,
    ],
    [
      '"*" with aws:userid AROLEID:*',
      policy(allow({ Principal: '*', Condition: { StringLike: { 'aws:userid': 'AROAEXAMPLE:*' } } })),
      true,
    ],
    [
      '"*" with fixed aws:userid',
      policy(allow({ Principal: '*', Condition: { StringEquals: { 'aws:userid': 'AIDAEXAMPLE' } } })),
      false,
    ],
    [
      '"*" with fixed KMS key condition',
      policy(
        allow({
          Principal: '*',
          Condition: {
            StringEquals: {
              's3:x-amz-server-side-encryption-aws-kms-key-id': 'arn:aws:kms:us-east-1:123456789012:key/k',
            },
          },
        }),
      ),
      false,
    ],
    [
      '"*" with aws:Referer only',
      policy(
        allow({ Principal: '*', Condition: { StringLike: { 'aws:Referer': 'https://example.com/*' } } }),
      ),
      true,
    ],
    [
      '"*" with aws:UserAgent only',
      policy(allow({ Principal: '*', Condition: { StringEquals: { 'aws:UserAgent': 'curl' } } })),
      true,
    ],
    [
      '"*" with StringNotEquals on a pinning key',
      policy(allow({ Principal: '*', Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-1' } } })),
      true,
    ],
    [
      '"*" with IfExists on a pinning key',
      policy(allow({ Principal: '*', Condition: { StringEqualsIfExists: { 'aws:SourceVpce': 'vpce-1' } } })),
      true,
    ],
    [
      '"*" limited to a /24',
      policy(allow({ Principal: '*', Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } })),
      false,
    ],
    [
      '"*" limited to a single address',
      policy(allow({ Principal: '*', Condition: { IpAddress: { 'aws:SourceIp': ['203.0.113.7'] } } })),
      false,
    ],
    [
      '"*" limited to 0.0.0.0/0',
      policy(allow({ Principal: '*', Condition: { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } } })),
      true,
    ],
    [
      '"*" with NotIpAddress',
      policy(allow({ Principal: '*', Condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } })),
      true,
    ],
    [
      '"*" granting only a non-bad action',
      policy({ Effect: 'Allow', Principal: '*', Action: 's3:ReplicateObject', Resource: BUCKET }),
      false,
    ],
    [
      '"*" granting s3:*',
      policy({ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: BUCKET }),
      true,
    ],
    [
      '"*" with NotAction',
      policy({ Effect: 'Allow', Principal: '*', NotAction: 's3:DeleteBucket', Resource: BUCKET }),
      true,
    ],
    [
      'NotPrincipal with Allow',
      policy({
        Effect: 'Allow',
        NotPrincipal: { AWS: '123456789012' },
        Action: 's3:GetObject',
        Resource: BUCKET,
      }),
      true,
    ],
    [
      'one public statement among private ones',
      policy(allow({ Principal: { AWS: '123456789012' } }), allow({ Principal: '*' })),
      true,
    ],
  ];
  it.each(cases)('%s → %s', (_label, document, expected) => {
    expect(isPolicyPublic(document)).toBe(expected);
  });

  it('names the public statements', () => {
    const result = analyzePolicyPublicity(
      policy(allow({ Principal: { AWS: '123456789012' } }), allow({ Principal: '*' })),
    );
    expect(result.publicStatements).toEqual([{ index: 1, reason: 'open-principal' }]);
  });

  it('treats a single statement object (not a list) like a list', () => {
    expect(isPolicyPublic(JSON.stringify({ Statement: allow({ Principal: '*' }) }))).toBe(true);
  });
});

describe('coversBadAction', () => {
  it.each([
    ['s3:GetObject', true],
    ['s3:ListBucket', true],
    ['S3:PutObject', true],
    ['s3:DeleteObjectVersion', true],
    ['s3:AbortMultipartUpload', true],
    ['s3:RestoreObject', true],
    ['s3:G*', true],
    ['s3:*Object', true],
    ['*', true],
    ['s3:ReplicateObject', false],
    ['s3:ObjectOwnerOverrideToBucketOwner', false],
    ['kms:Decrypt', false],
  ])('%s → %s', (action, expected) => {
    expect(coversBadAction(action)).toBe(expected);
  });
});

describe('isBoundedCidr', () => {
  it.each([
    ['10.0.0.0/8', true],
    ['10.0.0.0/7', false],
    ['192.0.2.1', true],
    ['2001:db8::/32', true],
    ['2001:db8::/16', false],
    ['::/0', false],
    ['not-an-ip', false],
  ])('%s → %s', (cidr, expected) => {
    expect(isBoundedCidr(cidr)).toBe(expected);
  });
});
