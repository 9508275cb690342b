import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalJson, canonicalJsonBytes, writeCanonicalJsonFile } from '../../src/pack/canonical-json.ts';

describe('canonicalJson', () => {
  it('sorts keys at every depth, indents by two spaces and ends with a newline', () => {
    const out = canonicalJson({ b: 1, a: { d: [true, null], c: 'x' } });
    expect(out).toBe(
      '{\n  "a": {\n    "c": "x",\n    "d": [\n      true,\n      null\n    ]\n  },\n  "b": 1\n}\n',
    );
  });

  it('gives the same text whatever the insertion order, integer-like keys included', () => {
    const one = canonicalJson({ '10': 'a', '9': 'b', z: 1, A: 2 });
    const two = canonicalJson({ A: 2, z: 1, '9': 'b', '10': 'a' });
    expect(one).toBe(two);
    // Code-unit order, not JavaScript's numeric-first property order.
    expect(one.indexOf('"10"')).toBeLessThan(one.indexOf('"9"'));
    expect(one.indexOf('"9"')).toBeLessThan(one.indexOf('"A"'));
  });

  it('round-trips through JSON.parse, honours toJSON and drops undefined members', () => {
    const value = {
      when: new Date('2026-11-26T18:52:00Z'),
      gone: undefined,
      list: [undefined, 1],
      empty: {},
      none: [],
    };
    const out = canonicalJson(value);
    expect(JSON.parse(out)).toEqual({
      when: '2026-11-26T18:52:00.000Z',
      list: [null, 1],
      empty: {},
      none: [],
    });
  });

  it('refuses values JSON would silently corrupt', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/non-finite number at \$\.n/);
    expect(() => canonicalJson({ m: new Map() })).toThrow(/Map/);
    expect(() => canonicalJson({ b: 1n })).toThrow(/bigint/);
  });
});

describe('canonicalJsonBytes on large documents', () => {
  /** Independent oracle: JSON.stringify of a deep copy with keys inserted in sorted order. */
  function sortedCopy(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(sortedCopy);
    if (v && typeof v === 'object' && !(v instanceof Date)) {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, sortedCopy((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  }

  it('gives the UTF-8 of canonicalJson across many 64 KiB chunks, multi-byte text included', () => {
    const doc = {
      buckets: Array.from({ length: 5000 }, (_, i) => ({
        name: `bucket-${i}`,
        owner: i % 7 === 0 ? 'équipe-données ✓ 🔐' : 'platform',
        tags: { zeta: String(i), alpha: i % 2 === 0, nested: { b: [1, 2, { c: null }], a: [] } },
        created: new Date(Date.UTC(2026, 0, 1 + (i % 28))),
        dropped: undefined,
      })),
    };
    const bytes = canonicalJsonBytes(doc);
    expect(bytes.length).toBeGreaterThan(1_000_000);
    expect(bytes.equals(Buffer.from(canonicalJson(doc), 'utf8'))).toBe(true);
    expect(bytes.toString('utf8')).toBe(
      `${JSON.stringify(sortedCopy(JSON.parse(JSON.stringify(doc))), null, 2)}\n`,
    );
  });

  it('writes the same bytes to a file as canonicalJsonBytes gives in memory', async () => {
    const doc = {
      rows: Array.from({ length: 4000 }, (_, i) => ({
        id: i,
        label: i % 5 === 0 ? 'données 🔐' : `row-${i}`,
      })),
    };
    const dir = await mkdtemp(join(tmpdir(), 'canonical-json-'));
    try {
      const file = join(dir, 'doc.json');
      writeCanonicalJsonFile(doc, file);
      const written = await readFile(file);
      expect(written.length).toBeGreaterThan(64 * 1024);
      expect(written.equals(canonicalJsonBytes(doc))).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
