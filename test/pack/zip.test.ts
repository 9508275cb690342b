import { spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/pack/pack-paths.ts';
import { ZipFormatError, readPackEntries, readZipEntries, scanZip } from '../../src/pack/zip-reader.ts';
import { writeDeterministicZip } from '../../src/pack/zip-writer.ts';
import { FIXED_TIME, flipByte, hasTool, tempDir } from './helpers.ts';

const entries = [
  { path: 'raw/b.jsonl', content: Buffer.from('{"x":1}\n'.repeat(200)) },
  { path: 'README.txt', content: Buffer.from('hello\n') },
  { path: 'empty.txt', content: Buffer.alloc(0) },
  { path: 'screenshots/ü-bucket.png', content: Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]) },
];

async function zipTo(path: string, list = entries, time = FIXED_TIME, forceZip64 = false): Promise<Buffer> {
  await writeDeterministicZip(list, createWriteStream(path), { fixedTime: time, forceZip64 });
  return readFile(path);
}

describe('writeDeterministicZip', () => {
  it('gives byte-identical ZIPs for the same input, whatever the input order', async () => {
    const dir = await tempDir();
    const a = await zipTo(join(dir, 'a.zip'));
    const b = await zipTo(join(dir, 'b.zip'), [...entries].reverse());
    expect(a.equals(b)).toBe(true);
  });

  it('depends on the fixed time (not the clock) and stores entries sorted by path', async () => {
    const dir = await tempDir();
    const a = await zipTo(join(dir, 'a.zip'));
    const later = await zipTo(join(dir, 'c.zip'), entries, new Date('2027-01-01T00:00:00Z'));
    expect(a.equals(later)).toBe(false);
    const read = await readZipEntries(join(dir, 'a.zip'));
    expect(read.map((e) => e.path)).toEqual([
      'README.txt',
      'empty.txt',
      'raw/b.jsonl',
      'screenshots/ü-bucket.png',
    ]);
  });

  it.skipIf(!hasTool('zipinfo'))(
    'records the fixed UTC time, mode 0644 and no extra fields (checked with zipinfo)',
    async () => {
      const dir = await tempDir();
      await zipTo(join(dir, 'a.zip'));
      const out = spawnSync('zipinfo', ['-v', join(dir, 'a.zip')], {
        encoding: 'utf8',
        env: { ...process.env, TZ: 'UTC' },
      }).stdout;
      const dates = [...out.matchAll(/file last modified on \(DOS date\/time\):\s+(.*)/g)].map((m) => m[1]);
      expect(dates).toEqual(Array(4).fill('2026 Nov 26 18:52:00'));
      expect(out.match(/Unix file attributes \(100644 octal\)/g)?.length).toBe(4);
      expect(out.match(/length of extra field:\s+0 bytes/g)?.length).toBe(4);
    },
  );

  it('rejects unsafe or duplicate paths instead of storing something else', async () => {
    const dir = await tempDir();
    const bad = async (path: string): Promise<unknown> =>
      writeDeterministicZip([{ path, content: Buffer.from('x') }], createWriteStream(join(dir, 'x.zip')), {
        fixedTime: FIXED_TIME,
      });
    await expect(bad('../etc/passwd')).rejects.toThrow(/segment/);
    await expect(bad('/abs')).rejects.toThrow(/absolute/);
    await expect(bad('c:evil')).rejects.toThrow(/drive/);
    await expect(bad('a\nb')).rejects.toThrow(/newline/);
    await expect(
      writeDeterministicZip([entries[0]!, entries[0]!], createWriteStream(join(dir, 'y.zip')), {
        fixedTime: FIXED_TIME,
      }),
    ).rejects.toThrow(/duplicate/);
  });
});

describe('zip reader', () => {
  it('reads back exactly what was written, ZIP64 end records included', async () => {
    const dir = await tempDir();
    for (const force of [false, true]) {
      const path = join(dir, `z${String(force)}.zip`);
      await zipTo(path, entries, FIXED_TIME, force);
      const files = await readPackEntries(path);
      expect([...files.keys()].sort()).toEqual(entries.map((e) => e.path).sort());
      for (const e of entries) expect(files.get(e.path)?.equals(e.content)).toBe(true);
      // The same entries hashed without keeping their bytes (as verify reads them).
      const hashed = await scanZip(path);
      for (const e of hashed) {
        expect(e.read).toEqual({ kind: 'ok', sha256: sha256Hex(files.get(e.path)!) });
      }
    }
  });

  it.skipIf(!hasTool('zip'))('reads an Info-ZIP archive with ZIP64 extra fields (zip -fz)', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'one.txt'), 'one\n'.repeat(1000));
    await writeFile(join(dir, 'two.bin'), Buffer.from([0, 1, 2, 3]));
    const r = spawnSync('zip', ['-q', '-fz', 'z64.zip', 'one.txt', 'two.bin'], { cwd: dir });
    expect(r.status).toBe(0);
    const files = await readPackEntries(join(dir, 'z64.zip'));
    expect(files.get('one.txt')?.toString()).toBe('one\n'.repeat(1000));
    expect(files.get('two.bin')).toEqual(Buffer.from([0, 1, 2, 3]));
  });

  it('names a damaged entry and rejects a truncated ZIP', async () => {
    const dir = await tempDir();
    const path = join(dir, 'a.zip');
    const bytes = await zipTo(path);
    // README.txt is the first entry; "hello" is deflated right after its local header.
    const nameAt = bytes.indexOf('README.txt');
    flipByte(bytes, nameAt + 'README.txt'.length + 1);
    await writeFile(path, bytes);
    const read = await readZipEntries(path);
    expect(read.find((e) => e.path === 'README.txt')?.read.kind).toBe('corrupt');
    expect(read.filter((e) => e.read.kind === 'ok').length).toBe(3);
    await expect(readPackEntries(path)).rejects.toThrow(/README\.txt/);

    await writeFile(path, bytes.subarray(0, bytes.length - 30));
    await expect(readZipEntries(path)).rejects.toBeInstanceOf(ZipFormatError);
  });
});
