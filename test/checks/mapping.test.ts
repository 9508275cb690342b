import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { describe, expect, it } from 'vitest';
import {
  CRITERIA_TEXT,
  DEFAULT_CRITERIA,
  defaultCriteria,
  resolveCriteria,
} from '../../src/controls/mapping.ts';
import { CHECK_IDS } from '../../src/checks/ids.ts';
import { CHECKS } from '../../src/checks/registry.ts';
import type { CheckDefinition } from '../../src/checks/types.ts';
import { config } from '../support/snapshot.ts';

const GOLDEN = fileURLToPath(new URL('./golden/default-mapping.json', import.meta.url));
const CHECKS_DIR = fileURLToPath(new URL('../../src/checks/', import.meta.url));

function isCheckDefinition(v: unknown): v is CheckDefinition {
  return typeof v === 'object' && v !== null && 'id' in v && 'evaluate' in v && 'criteria' in v;
}

describe('control mapping', () => {
  it('matches the golden default mapping (UPDATE_GOLDEN=1 to regenerate)', async () => {
    // Formatted as the repository's Prettier would, so the golden passes `prettier --check`.
    const mapping = await format(
      JSON.stringify(
        DEFAULT_CRITERIA.map((c) => ({ id: c.id, checks: c.checks })),
        null,
        2,
      ),
      { ...(await resolveConfig(GOLDEN)), filepath: GOLDEN },
    );
    if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(GOLDEN, mapping);
    expect(mapping).toBe(readFileSync(GOLDEN, 'utf8'));
    for (const c of DEFAULT_CRITERIA) {
      expect(c.title.length).toBeGreaterThan(10);
      expect(c.narrative.length).toBeGreaterThan(40);
    }
  });

  it('derives the mapping from the criteria each check declares', () => {
    for (const check of CHECKS)
      expect(
        DEFAULT_CRITERIA.filter((c) => c.checks.includes(check.id))
          .map((c) => c.id)
          .sort(),
      ).toEqual([...check.criteria].sort());
    expect(() => defaultCriteria([{ id: 'x.y', criteria: ['CC9.9'] }])).toThrow(/CC9\.9/);
  });

  it('maps every check except the advisory s3.bucket-key', () => {
    const mapped = new Set(DEFAULT_CRITERIA.flatMap((c) => c.checks));
    expect(CHECK_IDS.filter((id) => !mapped.has(id))).toEqual(['s3.bucket-key']);
  });

  it('lists every check defined under src/checks in the registry, once, with CHECK_IDS in its order', async () => {
    const files = (readdirSync(CHECKS_DIR, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'));
    const defined: string[] = [];
    for (const file of files) {
      const mod = (await import(join(CHECKS_DIR, file))) as Record<string, unknown>;
      for (const value of Object.values(mod))
        if (isCheckDefinition(value)) {
          expect(CHECKS, `${relative(CHECKS_DIR, join(CHECKS_DIR, file))} is not in registry.ts`).toContain(
            value,
          );
          defined.push(value.id);
        }
    }
    expect(new Set(defined).size).toBe(CHECKS.length);
    expect(new Set(CHECK_IDS).size).toBe(CHECKS.length);
    expect(CHECKS.map((c) => c.id)).toEqual([...CHECK_IDS]);
  });

  it("keeps the README's check table equal to the registry", () => {
    const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
    const block = readme.slice(
      readme.indexOf('<!-- checks:start -->'),
      readme.indexOf('<!-- checks:end -->'),
    );
    const rows = block
      .split('\n')
      .filter((l) => l.startsWith('| `'))
      .map((l) =>
        l
          .split('|')
          .slice(1, -1)
          .map((cell) => cell.trim()),
      );
    expect(rows, 'run `npm run docs:checks` to regenerate the table').toEqual(
      CHECKS.map((c) => [
        `\`${c.id}\``,
        c.title,
        c.severity,
        c.criteria.length ? c.criteria.join(', ') : 'none (other check)',
      ]),
    );
    for (const c of CRITERIA_TEXT) expect(readme).toContain(`**${c.id}**`);
  });

  it('applies overrides: remove, replace, add; headline criteria first', () => {
    const resolved = resolveCriteria(
      config({
        controls: {
          remove: ['CC7.2', 'CC6_1'],
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
      ['CC6.6', ['s3.not-public']],
      ['CC6.1', ['s3.default-encryption', 's3.sse-kms-cmk']],
      ['CC6.7', ['s3.tls-only']],
      ['CC7.1', ['config.recorder-active', 'config.rules-present', 'config.rule-compliant']],
    ]);
  });
});
