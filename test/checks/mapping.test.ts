import { describe, expect, it } from 'vitest';
import { DEFAULT_CRITERIA, resolveCriteria } from '../../src/controls/mapping.ts';
import { CHECK_IDS } from '../../src/checks/ids.ts';
import { CHECKS } from '../../src/checks/registry.ts';
import { config } from './builders.ts';

describe('control mapping', () => {
  it('pins the default mapping', () => {
    expect(DEFAULT_CRITERIA.map((c) => [c.id, c.checks])).toEqual([
      [
        'CC6.6',
        [
          's3.default-encryption',
          's3.sse-kms-cmk',
          's3.deny-unencrypted-put',
          's3.tls-only',
          's3.bucket-public-access-block',
          's3.not-public',
          's3.account-public-access-block',
          's3.no-external-access',
          'kms.rotation-enabled',
          'kms.key-policy-not-public',
          'kms.no-external-access',
          'kms.key-usable',
          'config.rules-present',
          'config.rule-compliant',
          'exceptions.valid',
        ],
      ],
      [
        'CC7.2',
        [
          'config.recorder-active',
          'cloudtrail.multi-region-logging',
          'cloudtrail.kms-events-logged',
          'cloudtrail.log-file-validation',
          'cloudtrail.s3-data-events',
        ],
      ],
    ]);
    for (const c of DEFAULT_CRITERIA) {
      expect(c.title.length).toBeGreaterThan(10);
      expect(c.narrative.length).toBeGreaterThan(40);
    }
  });

  it('maps only existing check ids, and every check except s3.bucket-key', () => {
    const mapped = new Set(DEFAULT_CRITERIA.flatMap((c) => c.checks));
    for (const id of mapped) expect(CHECK_IDS).toContain(id);
    expect(CHECK_IDS.filter((id) => !mapped.has(id))).toEqual(['s3.bucket-key']);
  });

  it('registry ids equal CHECK_IDS in catalogue order', () => {
    expect(CHECKS.map((c) => c.id)).toEqual([...CHECK_IDS]);
  });

  it('applies overrides: remove, replace, add', () => {
    const resolved = resolveCriteria(
      config({
        controls: {
          remove: ['CC7.2'],
          criteria: {
            'CC6.6': { title: 'Boundary', checks: ['s3.not-public'] },
            CC6_1: {
              title: 'Encryption',
              narrative: 'Keys',
              checks: ['s3.default-encryption', 's3.sse-kms-cmk'],
            },
            'CC6.7': { title: 'Transmission', checks: ['s3.tls-only'] },
          },
        },
      }).controls,
    );
    expect(resolved.map((c) => [c.id, c.checks])).toEqual([
      ['CC6.1', ['s3.default-encryption', 's3.sse-kms-cmk']],
      ['CC6.6', ['s3.not-public']],
      ['CC6.7', ['s3.tls-only']],
    ]);
  });
});
