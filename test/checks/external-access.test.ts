import { describe, it } from 'vitest';
import { expectCase, type Case } from './harness.ts';
import {
  account,
  bucket,
  config,
  deniedOf,
  kmsEncryption,
  kmsKey,
  okOf,
  policyText,
  snapshot,
  ACCOUNT,
} from './builders.ts';

const OTHER = '999988887777';
const PARTNER = '444455556666';
const ORG = 'o-a1b2c3d4e5';

const grant = (principal: unknown, extra: Record<string, unknown> = {}) => ({
  Sid: 'Share',
  Effect: 'Allow',
  Principal: principal,
  Action: ['s3:GetObject', 's3:ListBucket'],
  Resource: ['arn:aws:s3:::data', 'arn:aws:s3:::data/*'],
  ...extra,
});
const withPolicy =
  (statements: unknown[], accounts = [account({ buckets: [] })]) =>
  () => {
    const b = bucket('data', { policy: okOf({ text: policyText(statements) }, 'GetBucketPolicy') });
    const [first, ...rest] = accounts;
    return snapshot([{ ...(first ?? account()), buckets: [b] }, ...rest]);
  };
const trusted = (expires: string) =>
  config({
    trustedAccounts: [
      { accountId: PARTNER, justification: 'log analytics vendor', approvedBy: 'CISO', expires },
    ],
  });

describe('s3.no-external-access', () => {
  const cases: Case[] = [
    {
      name: 'a grant to an account outside scope fails, naming principal, actions and Sid',
      snapshot: withPolicy([grant({ AWS: `arn:aws:iam::${OTHER}:root` })]),
      status: 'fail',
      reason: [
        `account ${OTHER}`,
        's3:GetObject, s3:ListBucket',
        'Sid "Share"',
        'outside the accounts in scope',
      ],
    },
    {
      name: 'a grant to a role of another account fails naming the role',
      snapshot: withPolicy([grant({ AWS: `arn:aws:iam::${OTHER}:role/reader` })]),
      status: 'fail',
      reason: [`arn:aws:iam::${OTHER}:role/reader`],
    },
    {
      name: 'a grant to another account in scope passes',
      snapshot: withPolicy(
        [grant({ AWS: OTHER })],
        [account({ buckets: [] }), account({ accountId: OTHER, buckets: [] })],
      ),
      status: 'pass',
      reason: ['no principal outside the accounts in scope'],
    },
    {
      name: 'a grant to the own account passes',
      snapshot: withPolicy([grant({ AWS: `arn:aws:iam::${ACCOUNT}:root` })]),
      status: 'pass',
    },
    {
      name: 'a trusted, unexpired account passes and is named with its approval',
      snapshot: withPolicy([grant({ AWS: PARTNER })]),
      config: trusted('2099-12-31'),
      status: 'pass',
      reason: ['trusted until 2099-12-31', 'approved by CISO'],
    },
    {
      name: 'an expired trusted account fails again',
      snapshot: withPolicy([grant({ AWS: PARTNER })]),
      config: trusted('2025-01-31'),
      status: 'fail',
      reason: ['expired on 2025-01-31'],
    },
    {
      name: 'an aws:PrincipalOrgID grant of an undeclared organization fails and says why',
      snapshot: withPolicy([grant('*', { Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } } })]),
      status: 'fail',
      reason: [`organization ${ORG}`, 'not declared in trustedOrganizationIds', 'not discovered'],
    },
    {
      name: 'an aws:PrincipalOrgID grant of a declared organization passes',
      snapshot: withPolicy([grant('*', { Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } } })]),
      config: config({ trustedOrganizationIds: [ORG] }),
      status: 'pass',
      reason: ['declared organization'],
    },
    {
      name: 'a grant denied by a later statement passes',
      snapshot: withPolicy([
        grant({ AWS: OTHER }),
        {
          Sid: 'DenyOther',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: ['arn:aws:s3:::data', 'arn:aws:s3:::data/*'],
          Condition: { StringEquals: { 'aws:PrincipalAccount': OTHER } },
        },
      ]),
      status: 'pass',
    },
    {
      name: 'no bucket policy passes',
      snapshot: () => snapshot([account({ buckets: [bucket('data')] })]),
      status: 'pass',
      reason: ['no bucket policy'],
    },
    {
      name: 'a denied bucket policy is insufficient evidence',
      snapshot: () =>
        snapshot([account({ buckets: [bucket('data', { policy: deniedOf('GetBucketPolicy') })] })]),
      status: 'insufficient-evidence',
      reason: ['GetBucketPolicy was denied'],
    },
  ];
  it.each(cases)('$name', (c) => expectCase('s3.no-external-access', c));
});

describe('kms.no-external-access', () => {
  const b = bucket('data', { encryption: kmsEncryption() });
  const keyWith = (statements: unknown[]) => () =>
    snapshot([
      account({
        buckets: [b],
        kmsKeys: [kmsKey([b.arn], { policy: okOf({ text: policyText(statements) }, 'GetKeyPolicy', 'kms') })],
      }),
    ]);
  const root = {
    Sid: 'EnableIAM',
    Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
    Action: 'kms:*',
    Resource: '*',
  };
  const cases: Case[] = [
    { name: 'an own-account key policy passes', snapshot: keyWith([root]), status: 'pass' },
    {
      name: 'decrypt granted to an outside account fails naming it',
      snapshot: keyWith([
        root,
        {
          Sid: 'PartnerDecrypt',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${OTHER}:root` },
          Action: ['kms:Decrypt', 'kms:DescribeKey'],
          Resource: '*',
        },
      ]),
      status: 'fail',
      reason: [`account ${OTHER}`, 'kms:Decrypt, kms:DescribeKey', 'Sid "PartnerDecrypt"'],
    },
    {
      name: 'a denied key policy is insufficient evidence',
      snapshot: () =>
        snapshot([
          account({ buckets: [b], kmsKeys: [kmsKey([b.arn], { policy: deniedOf('GetKeyPolicy', 'kms') })] }),
        ]),
      status: 'insufficient-evidence',
      reason: ['GetKeyPolicy was denied'],
    },
  ];
  it.each(cases)('$name', (c) => expectCase('kms.no-external-access', c));
});
