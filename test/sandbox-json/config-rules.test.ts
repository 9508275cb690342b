import { describe, expect, it } from 'vitest';
import { BUCKET_RULES } from '../../src/sandbox/services/config/rules/index.ts';
import type { BucketState, PabState } from '../../src/sandbox/types.ts';

const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
const OFF: PabState = {
  BlockPublicAcls: false,
  IgnorePublicAcls: false,
  BlockPublicPolicy: false,
  RestrictPublicBuckets: false,
};

function bucket(overrides: Partial<BucketState> = {}): BucketState {
  return {
    name: 'b',
    accountId: '111122223333',
    region: 'us-east-1',
    creationDate: new Date('2024-01-01T00:00:00Z'),
    encryption: [{ SSEAlgorithm: 'AES256' }],
    publicAccessBlock: { ...OFF },
    ownerId: 'owner',
    acl: [{ type: 'CanonicalUser', id: 'owner', permission: 'FULL_CONTROL' }],
    objectOwnership: 'ObjectWriter',
    objects: new Map(),
    ...overrides,
  };
}

function verdict(
  id: string,
  b: BucketState,
  accountPab?: PabState,
  parameters: Record<string, unknown> = {},
) {
  const rule = BUCKET_RULES.get(id);
  if (!rule) throw new Error(`no rule ${id}`);
  return rule.evaluate(b, { accountPublicAccessBlock: accountPab, parameters }).complianceType;
}

const policy = (...statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

describe('S3_BUCKET_PUBLIC_READ_PROHIBITED / WRITE_PROHIBITED', () => {
  const publicRead = policy({
    Effect: 'Allow',
    Principal: { AWS: '*' },
    Action: ['s3:GetObject'],
    Resource: 'arn:aws:s3:::b/*',
  });
  const publicWrite = policy({
    Effect: 'Allow',
    Principal: '*',
    Action: 's3:Put*',
    Resource: 'arn:aws:s3:::b/*',
  });

  it('flags a public policy for the kind of access it grants', () => {
    expect(verdict('S3_BUCKET_PUBLIC_READ_PROHIBITED', bucket({ policy: publicRead }))).toBe('NON_COMPLIANT');
    expect(verdict('S3_BUCKET_PUBLIC_WRITE_PROHIBITED', bucket({ policy: publicRead }))).toBe('COMPLIANT');
    expect(verdict('S3_BUCKET_PUBLIC_WRITE_PROHIBITED', bucket({ policy: publicWrite }))).toBe(
      'NON_COMPLIANT',
    );
  });

  it('treats a wildcard grant pinned to a fixed source account or VPC endpoint as not public', () => {
    const pinned = policy({
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::b/*',
      Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1234' } },
    });
    const referer = policy({
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::b/*',
      Condition: { StringLike: { 'aws:Referer': 'https://example.com/*' } },
    });
    expect(verdict('S3_BUCKET_PUBLIC_READ_PROHIBITED', bucket({ policy: pinned }))).toBe('COMPLIANT');
    expect(verdict('S3_BUCKET_PUBLIC_READ_PROHIBITED', bucket({ policy: referer }))).toBe('NON_COMPLIANT');
  });

  it('lets RestrictPublicBuckets at either level neutralize a public policy', () => {
    const restricted: PabState = { ...OFF, RestrictPublicBuckets: true };
    expect(
      verdict(
        'S3_BUCKET_PUBLIC_READ_PROHIBITED',
        bucket({ policy: publicRead, publicAccessBlock: restricted }),
      ),
    ).toBe('COMPLIANT');
    expect(verdict('S3_BUCKET_PUBLIC_READ_PROHIBITED', bucket({ policy: publicRead }), restricted)).toBe(
      'COMPLIANT',
    );
    // BlockPublicPolicy only refuses new public policies; an existing one still grants access.
    expect(
      verdict('S3_BUCKET_PUBLIC_READ_PROHIBITED', bucket({ policy: publicRead }), {
        ...OFF,
        BlockPublicPolicy: true,
      }),
    ).toBe('NON_COMPLIANT');
  });

  it('flags public ACL grants unless ACLs are ignored or disabled', () => {
    const acl = [{ type: 'Group', id: ALL_USERS, permission: 'READ' as const }];
    expect(verdict('S3_BUCKET_PUBLIC_READ_PROHIBITED', bucket({ acl }))).toBe('NON_COMPLIANT');
    expect(verdict('S3_BUCKET_PUBLIC_WRITE_PROHIBITED', bucket({ acl }))).toBe('COMPLIANT');
    expect(
      verdict(
        'S3_BUCKET_PUBLIC_WRITE_PROHIBITED',
        bucket({ acl: [{ type: 'Group', id: ALL_USERS, permission: 'WRITE' }] }),
      ),
    ).toBe('NON_COMPLIANT');
    expect(
      verdict('S3_BUCKET_PUBLIC_READ_PROHIBITED', bucket({ acl }), { ...OFF, IgnorePublicAcls: true }),
    ).toBe('COMPLIANT');
    expect(
      verdict('S3_BUCKET_PUBLIC_READ_PROHIBITED', bucket({ acl, objectOwnership: 'BucketOwnerEnforced' })),
    ).toBe('COMPLIANT');
  });
});

describe('encryption and TLS rules', () => {
  it('S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED needs default encryption', () => {
    expect(verdict('S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED', bucket())).toBe('COMPLIANT');
    expect(verdict('S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED', bucket({ encryption: undefined }))).toBe(
      'NON_COMPLIANT',
    );
  });

  it('S3_DEFAULT_ENCRYPTION_KMS needs aws:kms, and one of kmsKeyArns when given', () => {
    const key = 'arn:aws:kms:us-east-1:111122223333:key/k1';
    expect(verdict('S3_DEFAULT_ENCRYPTION_KMS', bucket())).toBe('NON_COMPLIANT');
    const kms = bucket({ encryption: [{ SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key }] });
    expect(verdict('S3_DEFAULT_ENCRYPTION_KMS', kms)).toBe('COMPLIANT');
    expect(
      verdict('S3_DEFAULT_ENCRYPTION_KMS', kms, undefined, {
        kmsKeyArns: `${key}, arn:aws:kms:us-east-1:111122223333:key/k2`,
      }),
    ).toBe('COMPLIANT');
    expect(
      verdict('S3_DEFAULT_ENCRYPTION_KMS', kms, undefined, {
        kmsKeyArns: 'arn:aws:kms:us-east-1:111122223333:key/k2',
      }),
    ).toBe('NON_COMPLIANT');
  });

  it('S3_BUCKET_SSL_REQUESTS_ONLY needs a deny of every S3 action without SecureTransport', () => {
    const deny = (condition: unknown, resource: unknown = ['arn:aws:s3:::b', 'arn:aws:s3:::b/*']) =>
      policy({ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: resource, Condition: condition });
    expect(
      verdict(
        'S3_BUCKET_SSL_REQUESTS_ONLY',
        bucket({ policy: deny({ Bool: { 'aws:SecureTransport': 'false' } }) }),
      ),
    ).toBe('COMPLIANT');
    expect(
      verdict(
        'S3_BUCKET_SSL_REQUESTS_ONLY',
        bucket({ policy: deny({ Bool: { 'aws:SecureTransport': false } }) }),
      ),
    ).toBe('COMPLIANT');
    expect(
      verdict(
        'S3_BUCKET_SSL_REQUESTS_ONLY',
        bucket({ policy: deny({ Bool: { 'aws:SecureTransport': 'false' } }, 'arn:aws:s3:::b/*') }),
      ),
    ).toBe('NON_COMPLIANT');
    expect(
      verdict(
        'S3_BUCKET_SSL_REQUESTS_ONLY',
        bucket({ policy: deny({ StringEquals: { 'aws:SourceVpce': 'v' } }) }),
      ),
    ).toBe('NON_COMPLIANT');
    expect(verdict('S3_BUCKET_SSL_REQUESTS_ONLY', bucket())).toBe('NON_COMPLIANT');
  });
});
