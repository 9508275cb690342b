import { describe, expect, it } from 'vitest';
import { judgeAccountBpaState } from '../../src/period/account-bpa.ts';
import { judgeKeyState } from '../../src/period/kms-keys.ts';
import { recorded } from '../../src/period/resource-judge.ts';
import { judgeTrailState } from '../../src/period/trail-config.ts';

/** An item as the collector keeps it: configuration and supplementary values as Config's JSON text. */
const item = (configuration: object, supplementary: Record<string, unknown> = {}) =>
  recorded({
    captureTime: '2026-04-01T00:00:00.000Z',
    status: 'OK',
    configuration: JSON.stringify(configuration),
    supplementaryConfiguration: Object.fromEntries(
      Object.entries(supplementary).map(([k, v]) => [k, JSON.stringify(v)]),
    ),
  });

const key = (over: object = {}) => ({
  keyId: 'k',
  keyState: 'Enabled',
  keySpec: 'SYMMETRIC_DEFAULT',
  origin: 'AWS_KMS',
  keyManager: 'CUSTOMER',
  ...over,
});

describe('account Block Public Access in one recorded state', () => {
  it('passes with all four flags on and names each flag that was off', () => {
    const on = {
      blockPublicAcls: true,
      ignorePublicAcls: true,
      blockPublicPolicy: true,
      restrictPublicBuckets: true,
    };
    expect(judgeAccountBpaState(item(on)).state).toBe('pass');
    const v = judgeAccountBpaState(item({ ...on, ignorePublicAcls: false, restrictPublicBuckets: false }));
    expect(v).toMatchObject({ state: 'fail' });
    expect(v.reason).toBe(
      'account-level Block Public Access was missing IgnorePublicAcls and RestrictPublicBuckets',
    );
  });
});

describe('KMS key in one recorded state', () => {
  it('judges key state from configuration.keyState', () => {
    expect(judgeKeyState('kms.key-usable', item(key())).state).toBe('pass');
    const v = judgeKeyState(
      'kms.key-usable',
      item(key({ keyState: 'PendingDeletion', deletionDate: '2026-05-01T00:00:00.000Z' })),
    );
    expect(v.state).toBe('fail');
    expect(v.reason).toContain('PendingDeletion (deletion scheduled 2026-05-01)');
  });

  it('judges rotation from supplementaryConfiguration.KeyRotationStatus, saying the period is not recorded', () => {
    const on = judgeKeyState('kms.rotation-enabled', item(key(), { KeyRotationStatus: true }));
    expect(on.state).toBe('pass');
    expect(on.reason).toContain('not its period');
    expect(judgeKeyState('kms.rotation-enabled', item(key(), { KeyRotationStatus: false })).state).toBe(
      'fail',
    );
    expect(judgeKeyState('kms.rotation-enabled', item(key()))).toMatchObject({
      state: 'unknown',
      cause: 'not-in-config-item',
    });
    expect(
      judgeKeyState('kms.rotation-enabled', item(key({ keySpec: 'RSA_2048' }), { KeyRotationStatus: false }))
        .state,
    ).toBe('not-applicable');
    expect(
      judgeKeyState('kms.rotation-enabled', item(key({ origin: 'EXTERNAL' }), { KeyRotationStatus: false })),
    ).toMatchObject({
      state: 'unknown',
      cause: 'not-in-config-item',
    });
  });

  it('never judges the key policy: Config does not record it', () => {
    expect(judgeKeyState('kms.key-policy-not-public', item(key()))).toMatchObject({
      state: 'unknown',
      cause: 'not-in-config-item',
    });
  });
});

describe('trail in one recorded state', () => {
  const trail = (over: object = {}) => ({
    name: 't',
    isMultiRegionTrail: true,
    logFileValidationEnabled: true,
    hasCustomEventSelectors: false,
    ...over,
  });

  it('judges a multi-region trail on validation and selectors; custom selectors are unknown', () => {
    const r = item(trail({ logFileValidationEnabled: false }));
    expect(judgeTrailState('cloudtrail.multi-region-logging', r, [r]).state).toBe('pass');
    expect(judgeTrailState('cloudtrail.log-file-validation', r, [r]).state).toBe('fail');
    expect(judgeTrailState('cloudtrail.kms-events-logged', r, [r]).state).toBe('pass');
    const custom = item(trail({ hasCustomEventSelectors: true }));
    expect(judgeTrailState('cloudtrail.kms-events-logged', custom, [custom])).toMatchObject({
      state: 'unknown',
      cause: 'not-in-config-item',
    });
    expect(judgeTrailState('cloudtrail.s3-data-events', custom, [custom]).state).toBe('unknown');
  });

  it('a trail single-region throughout is not applicable; one that lost multi-region is broken then', () => {
    const single = item(trail({ isMultiRegionTrail: false }));
    expect(judgeTrailState('cloudtrail.multi-region-logging', single, [single]).state).toBe('not-applicable');
    const multi = item(trail());
    expect(judgeTrailState('cloudtrail.multi-region-logging', single, [multi, single])).toMatchObject({
      state: 'fail',
      reason: 'the trail was single-region',
    });
  });
});
