import { describe, it } from 'vitest';
import { expectCase, type Case } from './harness.ts';
import {
  absentOf,
  account,
  bucket,
  deniedOf,
  keyMeta,
  kmsEncryption,
  kmsKey,
  okOf,
  policyText,
  snapshot,
  config,
  ACCOUNT,
} from './builders.ts';
import type { KmsKeySnapshot } from '../../src/snapshot/model.ts';

const b = bucket('data', { encryption: kmsEncryption() });
const withKey =
  (over: Partial<KmsKeySnapshot> = {}) =>
  () =>
    snapshot([account({ buckets: [b], kmsKeys: [kmsKey([b.arn], over)] })]);
const meta = (m: Parameters<typeof keyMeta>[0]) => okOf(keyMeta(m), 'DescribeKey', 'kms');
const keyPolicy = (statements: unknown[]) => okOf({ text: policyText(statements) }, 'GetKeyPolicy', 'kms');
const root = {
  Sid: 'EnableIAM',
  Effect: 'Allow',
  Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
  Action: 'kms:*',
  Resource: '*',
};

describe('kms.rotation-enabled', () => {
  const cases: Case[] = [
    {
      name: 'rotation on at 365 days passes, stating the last and next rotation',
      snapshot: withKey({
        rotation: okOf(
          { enabled: true, rotationPeriodInDays: 365, nextRotationDate: '2026-06-01T00:00:00.000Z' },
          'GetKeyRotationStatus',
          'kms',
        ),
      }),
      status: 'pass',
      reason: ['every 365 days', 'last rotated 2025-06-01 (automatic)', 'next 2026-06-01'],
    },
    {
      name: 'a 730-day period fails against the default maximum of 365',
      snapshot: withKey({
        rotation: okOf({ enabled: true, rotationPeriodInDays: 730 }, 'GetKeyRotationStatus', 'kms'),
      }),
      status: 'fail',
      reason: ['every 730 days', 'kms.maxRotationDays (365)', 'last rotated 2025-06-01'],
    },
    {
      name: 'a 730-day period passes when kms.maxRotationDays allows it',
      snapshot: withKey({
        rotation: okOf({ enabled: true, rotationPeriodInDays: 730 }, 'GetKeyRotationStatus', 'kms'),
      }),
      config: config({ kms: { maxRotationDays: 730 } }),
      status: 'pass',
      reason: ['at most 730'],
    },
    {
      name: 'a key never rotated says so with its creation date',
      snapshot: withKey({
        metadata: meta({ creationDate: '2026-01-10T00:00:00.000Z' }),
        rotations: okOf([], 'ListKeyRotations', 'kms'),
      }),
      status: 'pass',
      reason: ['never rotated since its creation on 2026-01-10'],
    },
    {
      name: 'rotation on but a denied rotation history is a gap',
      snapshot: withKey({ rotations: deniedOf('ListKeyRotations', 'kms') }),
      status: 'insufficient-evidence',
      reason: ['ListKeyRotations was denied'],
    },
    {
      name: 'rotation off fails, with the last rotation',
      snapshot: withKey({ rotation: okOf({ enabled: false }, 'GetKeyRotationStatus', 'kms') }),
      status: 'fail',
      reason: ['disabled', 'last rotated 2025-06-01'],
    },
    {
      name: 'imported material rotated on demand within the maximum passes',
      snapshot: withKey({
        metadata: meta({ origin: 'EXTERNAL' }),
        rotation: absentOf('derived:UnsupportedOperationException', 'GetKeyRotationStatus', 'kms'),
        rotations: okOf(
          [{ rotationDate: '2025-12-01T00:00:00.000Z', rotationType: 'ON_DEMAND' }],
          'ListKeyRotations',
          'kms',
        ),
      }),
      status: 'pass',
      reason: ['imported key material', 'last rotated 2025-12-01 (on demand)'],
    },
    {
      name: 'imported material not rotated for longer than the maximum fails',
      snapshot: withKey({
        metadata: meta({ origin: 'EXTERNAL', creationDate: '2024-01-01T00:00:00.000Z' }),
        rotation: absentOf('derived:UnsupportedOperationException', 'GetKeyRotationStatus', 'kms'),
        rotations: okOf([], 'ListKeyRotations', 'kms'),
      }),
      status: 'fail',
      reason: ['never rotated since its creation on 2024-01-01', 'more than kms.maxRotationDays (365)'],
    },
    {
      name: 'imported material with a denied rotation history is a gap',
      snapshot: withKey({
        metadata: meta({ origin: 'EXTERNAL' }),
        rotations: deniedOf('ListKeyRotations', 'kms'),
      }),
      status: 'insufficient-evidence',
      reason: ['ListKeyRotations was denied'],
    },
    {
      name: 'asymmetric key is not applicable',
      snapshot: withKey({ metadata: meta({ keySpec: 'ECC_NIST_P256', keyUsage: 'SIGN_VERIFY' }) }),
      status: 'not-applicable',
      reason: ['asymmetric'],
    },
    {
      name: 'HMAC key is not applicable',
      snapshot: withKey({ metadata: meta({ keySpec: 'HMAC_256' }) }),
      status: 'not-applicable',
      reason: ['HMAC'],
    },
    {
      name: 'custom key store is not applicable',
      snapshot: withKey({ metadata: meta({ origin: 'AWS_CLOUDHSM', customKeyStoreId: 'cks-1' }) }),
      status: 'not-applicable',
      reason: ['custom key store'],
    },
    {
      name: 'denied rotation status is a gap',
      snapshot: withKey({ rotation: deniedOf('GetKeyRotationStatus', 'kms') }),
      status: 'insufficient-evidence',
      reason: ['GetKeyRotationStatus was denied'],
    },
    {
      name: 'AWS managed key is not applicable',
      snapshot: withKey({ metadata: meta({ keyManager: 'AWS' }) }),
      status: 'not-applicable',
    },
  ];
  it.each(cases)('$name', (c) => expectCase('kms.rotation-enabled', c));
});

describe('kms.key-usable', () => {
  const cases: Case[] = [
    { name: 'enabled passes', snapshot: withKey(), status: 'pass' },
    {
      name: 'pending deletion fails',
      snapshot: withKey({
        metadata: meta({ keyState: 'PendingDeletion', deletionDate: '2026-03-08T00:00:00Z' }),
      }),
      status: 'fail',
      reason: ['PendingDeletion', '2026-03-08'],
    },
    {
      name: 'disabled fails',
      snapshot: withKey({ metadata: meta({ keyState: 'Disabled' }) }),
      status: 'fail',
    },
    {
      name: 'undescribable key is a gap',
      snapshot: withKey({ metadata: deniedOf('DescribeKey', 'kms') }),
      status: 'insufficient-evidence',
    },
  ];
  it.each(cases)('$name', (c) => expectCase('kms.key-usable', c));
});

describe('kms.key-policy-not-public', () => {
  const cases: Case[] = [
    { name: 'own-account root delegation passes', snapshot: withKey(), status: 'pass' },
    {
      name: 'wildcard principal without condition fails naming the statement',
      snapshot: withKey({
        policy: keyPolicy([
          root,
          {
            Sid: 'Open',
            Effect: 'Allow',
            Principal: { AWS: '*' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Resource: '*',
          },
        ]),
      }),
      status: 'fail',
      reason: ['Sid "Open"', 'kms:Decrypt'],
    },
    {
      name: 'wildcard principal pinned by kms:CallerAccount passes',
      snapshot: withKey({
        policy: keyPolicy([
          root,
          {
            Sid: 'ViaAccount',
            Effect: 'Allow',
            Principal: '*',
            Action: 'kms:*',
            Resource: '*',
            Condition: { StringEquals: { 'kms:CallerAccount': ACCOUNT } },
          },
        ]),
      }),
      status: 'pass',
    },
    {
      name: 'wildcard principal pinned by kms:ViaService passes',
      snapshot: withKey({
        policy: keyPolicy([
          root,
          {
            Sid: 'ViaS3',
            Effect: 'Allow',
            Principal: '*',
            Action: 'kms:Decrypt',
            Resource: '*',
            Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
          },
        ]),
      }),
      status: 'pass',
    },
    {
      name: 'a wildcard aws:PrincipalAccount does not pin the caller',
      snapshot: withKey({
        policy: keyPolicy([
          root,
          {
            Sid: 'AnyOrg',
            Effect: 'Allow',
            Principal: '*',
            Action: 'kms:Decrypt',
            Resource: '*',
            Condition: { StringLike: { 'aws:PrincipalAccount': '*' } },
          },
        ]),
      }),
      status: 'fail',
      reason: ['Sid "AnyOrg"'],
    },
    {
      name: 'denied key policy read is a gap',
      snapshot: withKey({ policy: deniedOf('GetKeyPolicy', 'kms') }),
      status: 'insufficient-evidence',
      reason: ['GetKeyPolicy was denied'],
    },
    {
      name: 'key not found is not applicable here',
      snapshot: withKey({ metadata: absentOf('NotFoundException', 'DescribeKey', 'kms') }),
      status: 'not-applicable',
    },
  ];
  it.each(cases)('$name', (c) => expectCase('kms.key-policy-not-public', c));
});
