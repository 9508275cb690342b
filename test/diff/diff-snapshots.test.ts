import { describe, expect, it } from 'vitest';
import type { CheckStatus } from '../../src/checks/types.ts';
import { diffSnapshots, formatDiff } from '../../src/diff/diff-packs.ts';
import type { PackContents, PackException, PackResult } from '../../src/diff/types.ts';
import type { AccountSnapshot, BucketSnapshot } from '../../src/snapshot/model.ts';
import {
  ACCOUNT,
  absentOf,
  account,
  bucket,
  deniedOf,
  kmsEncryption,
  okOf,
  snapshot,
  withPolicy,
} from '../support/snapshot.ts';

const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
const TLS = {
  Sid: 'TLS',
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:*',
  Resource: '*',
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
};

function result(checkId: string, name: string, status: CheckStatus): PackResult {
  return {
    checkId,
    resource: { arn: `arn:aws:s3:::${name}`, name, accountId: ACCOUNT, type: 'AWS::S3::Bucket' },
    status,
    reason: `${checkId} is ${status}`,
  };
}

function exception(
  bucketName: string,
  over: Partial<PackException['entry']> = {},
  problems: string[] = [],
): PackException {
  return {
    entry: {
      index: 0,
      bucket: bucketName,
      checks: ['s3.not-public'],
      justification: 'by design',
      approvedBy: 'CISO',
      expires: '2026-06-30',
      ...over,
    },
    valid: problems.length === 0,
    problems,
  };
}

interface PackInput {
  accounts?: AccountSnapshot[];
  buckets?: BucketSnapshot[];
  results?: PackResult[];
  exceptions?: PackException[];
  evaluatedAt?: string;
}

function pack(input: PackInput): PackContents {
  return {
    snapshot: snapshot(input.accounts ?? [account({ buckets: input.buckets ?? [] })]),
    findings: {
      schema: 'evidence-pack/findings@1',
      runId: '20260301T100000Z-0123abcd',
      evaluatedAt: input.evaluatedAt ?? '2026-03-01T10:05:00.000Z',
      results: input.results ?? [],
      exceptions: input.exceptions ?? [],
    },
  };
}

function bucketChanges(a: BucketSnapshot, b: BucketSnapshot) {
  const diff = diffSnapshots(pack({ buckets: [a] }), pack({ buckets: [b] }));
  return diff.buckets.changed.flatMap((c) => c.changes);
}

describe('diffSnapshots: buckets', () => {
  it('finds nothing between identical packs, and the text says so', () => {
    const p = pack({
      buckets: [bucket('a'), withPolicy(bucket('b'), [TLS])],
      results: [result('s3.x', 'a', 'pass')],
    });
    const diff = diffSnapshots(p, structuredClone(p));
    expect(diff.changed).toBe(false);
    expect(formatDiff(diff)).toContain('No changes.');
    expect(formatDiff(diff).match(/ {2}no changes/g)).toHaveLength(4);
  });

  it('lists buckets added and removed by account and name', () => {
    const other = { ...bucket('same-name'), accountId: '444455556666' };
    const diff = diffSnapshots(
      pack({ accounts: [account({ buckets: [bucket('kept'), bucket('gone'), bucket('same-name')] })] }),
      pack({
        accounts: [
          account({ buckets: [bucket('kept'), bucket('new')] }),
          account({ accountId: '444455556666', buckets: [other] }),
        ],
      }),
    );
    expect(diff.buckets.added.map((b) => `${b.accountId}/${b.name}`)).toEqual([
      `${ACCOUNT}/new`,
      '444455556666/same-name',
    ]);
    expect(diff.buckets.removed.map((b) => `${b.accountId}/${b.name}`)).toEqual([
      `${ACCOUNT}/gone`,
      `${ACCOUNT}/same-name`,
    ]);
    expect(diff.accounts.added).toEqual(['444455556666']);
    expect(diff.changed).toBe(true);
  });

  it('reports an algorithm change and a key change separately', () => {
    expect(
      bucketChanges(bucket('a'), bucket('a', { encryption: kmsEncryption(false, 'alias/data') })),
    ).toEqual([
      { field: 'encryption.algorithm', old: 'AES256', new: 'aws:kms' },
      { field: 'encryption.key', old: 'none', new: 'alias/data' },
    ]);
    expect(
      bucketChanges(
        bucket('a', { encryption: kmsEncryption(true, 'alias/data') }),
        bucket('a', { encryption: kmsEncryption(true, null) }),
      ),
    ).toEqual([{ field: 'encryption.key', old: 'alias/data', new: 'aws/s3 (AWS managed)' }]);
  });

  it('says when a property could not be read on one side', () => {
    expect(bucketChanges(bucket('a'), bucket('a', { encryption: deniedOf('GetBucketEncryption') }))).toEqual([
      { field: 'encryption.algorithm', old: 'AES256', new: 'not read (denied: AccessDenied)' },
    ]);
  });

  it('sees a policy text change, ignores re-indentation, and reports a public-status change', () => {
    const tls = withPolicy(bucket('a'), [TLS]);
    const reindented = {
      ...tls,
      policy: okOf(
        { text: JSON.stringify(JSON.parse((tls.policy as { value: { text: string } }).value.text), null, 2) },
        'GetBucketPolicy',
      ),
    };
    expect(bucketChanges(tls, reindented)).toEqual([]);

    const open = withPolicy(
      bucket('a'),
      [TLS, { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' }],
      true,
    );
    const changes = bucketChanges(tls, open);
    expect(changes.map((c) => c.field)).toEqual(['policy', 'policy.public']);
    expect(changes[0]!.old).toMatch(/^1 statement, sha256 [0-9a-f]{12}$/);
    expect(changes[0]!.new).toMatch(/^2 statements, sha256 [0-9a-f]{12}$/);
    expect(changes[1]).toEqual({ field: 'policy.public', old: 'not public', new: 'public' });

    expect(bucketChanges(tls, bucket('a'))).toEqual([{ field: 'policy', old: changes[0]!.old, new: 'none' }]);
  });

  it('reports Block Public Access flag by flag, an absent configuration counting as all off', () => {
    const on = bucket('a');
    const none = bucket('a', {
      publicAccessBlock: absentOf('NoSuchPublicAccessBlockConfiguration', 'GetPublicAccessBlock'),
    });
    const oneOff = bucket('a', {
      publicAccessBlock: okOf(
        {
          blockPublicAcls: true,
          ignorePublicAcls: true,
          blockPublicPolicy: false,
          restrictPublicBuckets: true,
        },
        'GetPublicAccessBlock',
      ),
    });
    expect(bucketChanges(on, oneOff)).toEqual([
      { field: 'publicAccessBlock.blockPublicPolicy', old: 'true', new: 'false' },
    ]);
    expect(bucketChanges(none, oneOff).map((c) => c.field)).toEqual([
      'publicAccessBlock.blockPublicAcls',
      'publicAccessBlock.ignorePublicAcls',
      'publicAccessBlock.restrictPublicBuckets',
    ]);
    const allOff = bucket('a', {
      publicAccessBlock: okOf(
        {
          blockPublicAcls: false,
          ignorePublicAcls: false,
          blockPublicPolicy: false,
          restrictPublicBuckets: false,
        },
        'GetPublicAccessBlock',
      ),
    });
    expect(bucketChanges(none, allOff)).toEqual([]);
  });

  it('reports public ACL grants, a new ACL owner and an ownership change', () => {
    const publicAcl = bucket('a', {
      acl: okOf(
        {
          ownerId: 'someone-else',
          grants: [
            { granteeType: 'CanonicalUser', grantee: 'owner', permission: 'FULL_CONTROL' },
            { granteeType: 'Group', grantee: ALL_USERS, permission: 'READ' },
          ],
        },
        'GetBucketAcl',
      ),
      ownershipControls: absentOf('OwnershipControlsNotFoundError', 'GetBucketOwnershipControls'),
    });
    expect(bucketChanges(bucket('a'), publicAcl)).toEqual([
      { field: 'acl.publicGrants', old: 'none', new: 'AllUsers READ' },
      { field: 'acl.owner', old: 'owner', new: 'someone-else' },
      { field: 'objectOwnership', old: 'BucketOwnerEnforced', new: 'not set' },
    ]);
  });

  it('reports account-level Block Public Access changes per account', () => {
    const off = account({
      accountPublicAccessBlock: okOf(
        {
          blockPublicAcls: true,
          ignorePublicAcls: false,
          blockPublicPolicy: true,
          restrictPublicBuckets: true,
        },
        'GetPublicAccessBlock',
        's3control',
      ),
    });
    const diff = diffSnapshots(pack({ accounts: [account()] }), pack({ accounts: [off] }));
    expect(diff.accounts.publicAccessBlock).toEqual([
      {
        accountId: ACCOUNT,
        changes: [{ field: 'accountPublicAccessBlock.ignorePublicAcls', old: 'true', new: 'false' }],
      },
    ]);
    expect(formatDiff(diff)).toContain('accountPublicAccessBlock.ignorePublicAcls: true → false');
  });
});

describe('diffSnapshots: results and exceptions', () => {
  it('keys results by check and ARN: flips, appearances and disappearances', () => {
    const diff = diffSnapshots(
      pack({
        results: [
          result('s3.tls', 'a', 'pass'),
          result('s3.enc', 'a', 'pass'),
          result('s3.tls', 'gone', 'fail'),
        ],
      }),
      pack({
        results: [
          result('s3.tls', 'a', 'fail'),
          result('s3.enc', 'a', 'pass'),
          result('s3.tls', 'new', 'pass'),
        ],
      }),
    );
    expect(diff.results.flipped).toEqual([
      {
        checkId: 's3.tls',
        arn: 'arn:aws:s3:::a',
        name: 'a',
        accountId: ACCOUNT,
        oldStatus: 'pass',
        newStatus: 'fail',
        reason: 's3.tls is fail',
      },
    ]);
    expect(diff.results.added.map((r) => [r.checkId, r.name, r.status])).toEqual([['s3.tls', 'new', 'pass']]);
    expect(diff.results.removed.map((r) => [r.checkId, r.name, r.status])).toEqual([
      ['s3.tls', 'gone', 'fail'],
    ]);
    expect(formatDiff(diff)).toContain('  ~ s3.tls a: pass → fail (s3.tls is fail)');
  });

  it('matches exceptions by what they cover and sees one become expired', () => {
    const before = pack({
      exceptions: [exception('site'), exception('old', { checks: ['s3.default-encryption'] })],
      evaluatedAt: '2026-06-30T12:00:00Z',
    });
    const after = pack({
      // Same exception, now at another index, evaluated the day after its last valid day.
      exceptions: [
        exception('new', { index: 0 }),
        exception('site', { index: 1 }, ['it expired on 2026-06-30']),
      ],
      evaluatedAt: '2026-07-01T12:00:00Z',
    });
    const diff = diffSnapshots(before, after);
    expect(diff.exceptions.added.map((e) => e.bucket)).toEqual(['new']);
    expect(diff.exceptions.removed.map((e) => [e.bucket, e.checks])).toEqual([
      ['old', ['s3.default-encryption']],
    ]);
    expect(diff.exceptions.changed).toEqual([
      expect.objectContaining({
        bucket: 'site',
        state: 'expired',
        changes: [
          { field: 'state', old: 'valid', new: 'expired' },
          { field: 'problems', old: 'none', new: 'it expired on 2026-06-30' },
        ],
      }),
    ]);
  });

  it('tells an invalid exception from an expired one', () => {
    const diff = diffSnapshots(
      pack({ exceptions: [exception('site')] }),
      pack({ exceptions: [exception('site', { approvedBy: '' }, ['it has no approver'])] }),
    );
    expect(diff.exceptions.changed[0]?.changes.map((c) => [c.field, c.old, c.new])).toEqual([
      ['state', 'valid', 'invalid'],
      ['problems', 'none', 'it has no approver'],
      ['approvedBy', 'CISO', 'none'],
    ]);
  });
});
