import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { scanZip } from '../../../src/pack/zip-reader.ts';
import { hasTool, tempDir } from '../helpers.ts';
import { craftParts, craftZip, eocd, equivalenceViolation, readerVerdict, unzipExtract } from './craft.ts';
import type { CraftEntry } from './craft.ts';

const real = (): CraftEntry[] => [
  { name: 'findings.csv', data: Buffer.from('check,status\ns3-encryption,fail\n') },
  { name: 'report.pdf', data: Buffer.from('%PDF-1.7 the real report\n'.repeat(20)) },
];
const forged = (): CraftEntry[] => [
  { name: 'findings.csv', data: Buffer.from('check,status\ns3-encryption,pass\n') },
  { name: 'report.pdf', data: Buffer.from('%PDF-1.7 a FORGED report\n'.repeat(20)) },
];

/** Crafted files: name, bytes, and what the refusal must say. */
function hostileCases(): { name: string; bytes: Buffer; reason: RegExp }[] {
  const cases: { name: string; bytes: Buffer; reason: RegExp }[] = [];
  const add = (name: string, bytes: Buffer, reason: RegExp) => cases.push({ name, bytes, reason });

  // Two central directories: the end record's offset names the real one, but the directory
  // physically before the end record (the one unzip reads) describes forged entries.
  {
    // Info-ZIP reads the directory that ends at the end record and shifts every offset by the
    // difference, so the forged directory's offsets are written pre-shifted.
    const pad: CraftEntry = { name: 'raw/pad.bin', data: Buffer.alloc(1024, 7), method: 0 };
    const r = craftParts([...real(), pad]);
    const f = craftParts([...forged(), pad], r.locals.length - r.central.length);
    const bytes = Buffer.concat([
      r.locals,
      f.locals,
      r.central,
      f.central,
      eocd(3, f.central.length, r.locals.length + f.locals.length),
    ]);
    add('two central directories', bytes, /does not end exactly at the end record/);
  }
  add(
    'NUL-slash name shadowing a real file',
    craftZip([...real(), { name: 'report.pdf\0/', data: Buffer.from('forged') }]),
    /report\.pdf.*NUL|directory/,
  );
  add(
    'symlink entry',
    craftZip([{ name: 'evidence.config.ts', data: Buffer.from('../../etc/passwd'), mode: 0o120777 }]),
    /evidence\.config\.ts: entry is a symbolic link/,
  );
  add(
    'directory entry',
    craftZip([{ name: 'raw/', data: Buffer.alloc(0), method: 0, mode: 0o040755 }, ...real()]),
    /raw\/: (directory entries|entry is a directory)/,
  );
  add(
    'bomb lying about its size',
    craftZip([{ name: 'raw/big.jsonl', data: Buffer.alloc(4 * 1024 * 1024), recordedSize: 1000 }]),
    /raw\/big\.jsonl: inflates past its recorded size of 1000 bytes/,
  );
  add(
    'prepended data with shifted offsets',
    craftZip(real(), { prefix: Buffer.from('#!/bin/sh\necho self-extracting\n') }),
    /findings\.csv: \d+ unaccounted bytes before this entry \(prepended data\)/,
  );
  add(
    'comment after the end record',
    craftZip(real(), { comment: Buffer.from('hi') }),
    /comment or other bytes/,
  );
  add(
    'trailing bytes after the end record',
    Buffer.concat([craftZip(real()), Buffer.from('tail')]),
    /comment or other bytes|no end of central directory/,
  );
  add(
    'data descriptor disagreeing with the central directory',
    craftZip([{ ...real()[0]!, descriptor: true, descriptorCrc: 0x12345678 }]),
    /findings\.csv: data descriptor/,
  );
  {
    // Overlap: report.pdf's stored data holds a complete local entry that the directory also lists.
    const inner = craftParts([{ name: 'b.txt', data: Buffer.from('hidden'), method: 0 }]);
    const outerHeaderLen = 30 + 'a.txt'.length;
    const innerAt = outerHeaderLen;
    const parts = craftParts([{ name: 'a.txt', data: inner.locals, method: 0 }]);
    const innerCentral = craftParts(
      [{ name: 'b.txt', data: Buffer.from('hidden'), method: 0 }],
      innerAt,
    ).central;
    const central = Buffer.concat([parts.central, innerCentral]);
    add(
      'overlapping entries',
      Buffer.concat([parts.locals, central, eocd(2, central.length, parts.locals.length)]),
      /b\.txt: entry overlaps the previous one/,
    );
  }
  add(
    'gap between entries',
    craftZip([{ ...real()[0]!, after: Buffer.from('smuggled bytes') }, real()[1]!]),
    /report\.pdf: 14 unaccounted bytes before this entry \(a gap\)/,
  );
  add(
    'local name differs from the central directory',
    craftZip([{ ...real()[1]!, localName: 'report.pdX' }]),
    /report\.pdf: local header names "report\.pdX"/,
  );
  add(
    'Unicode path extra field renaming the entry',
    craftZip([
      {
        ...real()[1]!,
        extra: Buffer.concat([Buffer.from([0x75, 0x70, 10, 0, 1, 0, 0, 0, 0]), Buffer.from('x.pdf')]),
      },
    ]),
    /report\.pdf: unsupported extra field 0x7075/,
  );
  add('duplicate names', craftZip([real()[1]!, real()[1]!]), /report\.pdf: appears more than once/);
  add(
    'case twins',
    craftZip([real()[1]!, { ...forged()[1]!, name: 'REPORT.pdf' }]),
    /REPORT\.pdf: is the same name as "report\.pdf"/,
  );
  add(
    'Unicode-normalisation twins',
    craftZip([
      { name: 'caf\u00e9.txt', data: Buffer.from('a') },
      { name: 'cafe\u0301.txt', data: Buffer.from('b') },
    ]),
    /is the same name as "café\.txt"/,
  );
  add(
    'dot-dot segment',
    craftZip([{ name: 'raw/../../evidence.config.ts', data: Buffer.from('x') }]),
    /unsafe name/,
  );
  add('absolute name', craftZip([{ name: '/etc/cron.d/x', data: Buffer.from('x') }]), /absolute/);
  add('backslash name', craftZip([{ name: '..\\..\\x', data: Buffer.from('x') }]), /backslash/);
  add(
    'control character name',
    craftZip([{ name: 'a\u001b[2Jb.txt', data: Buffer.from('x') }]),
    /control character/,
  );
  add(
    'bidi override name',
    craftZip([{ name: 'report\u202efdp.exe', data: Buffer.from('x') }]),
    /bidirectional/,
  );
  add(
    'file that is also a folder',
    craftZip([
      { name: 'raw', data: Buffer.from('x') },
      { name: 'raw/a.jsonl', data: Buffer.from('y') },
    ]),
    /both a file and a folder/,
  );
  add(
    'non-ASCII name without the UTF-8 flag',
    craftZip([{ name: 'caf\u00e9.txt', data: Buffer.from('x'), flags: 0 }]),
    /without the UTF-8 flag/,
  );
  add(
    'name segment too long for any file system',
    craftZip([{ name: `raw/${'a'.repeat(300)}.jsonl`, data: Buffer.from('x') }]),
    /segment is longer than 255 bytes/,
  );
  add('encrypted entry', craftZip([{ ...real()[0]!, flags: 0x0801 }]), /encrypted/);
  {
    const stream = deflateRawSync(Buffer.from('visible'));
    add(
      'bytes hidden after the deflate stream',
      craftZip([
        {
          name: 'a.txt',
          data: Buffer.from('visible'),
          compressed: Buffer.concat([stream, Buffer.from('hidden')]),
        },
      ]),
      /deflate stream ends after/,
    );
  }
  return cases;
}

describe('the strict ZIP reader against crafted hostile ZIPs', () => {
  it('accepts a well-formed crafted ZIP, and unzip extracts the same bytes (the property can hold)', async () => {
    const dir = await tempDir();
    const path = join(dir, 'ok.zip');
    await writeFile(
      path,
      craftZip([...real(), { name: 'raw/é.json', data: Buffer.from('{}'), descriptor: true }]),
    );
    const verdict = await readerVerdict(path);
    expect('accepted' in verdict && [...verdict.accepted.keys()]).toEqual([
      'findings.csv',
      'report.pdf',
      'raw/é.json',
    ]);
    if (hasTool('unzip')) expect(await equivalenceViolation(path)).toBeNull();
  });

  for (const c of hostileCases()) {
    it(`refuses: ${c.name}, naming the entry and the reason`, async () => {
      const dir = await tempDir();
      const path = join(dir, 'hostile.zip');
      await writeFile(path, c.bytes);
      const verdict = await readerVerdict(path);
      expect(verdict).toMatchObject({ refused: expect.stringMatching(c.reason) as unknown });
      if (hasTool('unzip')) expect(await equivalenceViolation(path)).toBeNull();
    });
  }

  it.skipIf(!hasTool('unzip'))(
    'shows why it matters: unzip extracts the forged files of the two-directory ZIP',
    async () => {
      const dir = await tempDir();
      const path = join(dir, 'two-dirs.zip');
      const [twoDirs] = hostileCases();
      await writeFile(path, twoDirs!.bytes);
      const { files } = await unzipExtract(path);
      const forgedPdf = createHash('sha256').update(forged()[1]!.data).digest('hex');
      expect([...files.keys()].sort()).toEqual(['findings.csv', 'raw/pad.bin', 'report.pdf']);
      expect(files.get('report.pdf')).toBe(forgedPdf);
    },
  );

  it('refuses a ZIP whose recorded total is above the cap before inflating anything', async () => {
    const dir = await tempDir();
    const path = join(dir, 'big.zip');
    await writeFile(path, craftZip([{ name: 'raw/zeros.bin', data: Buffer.alloc(2 * 1024 * 1024) }]));
    await expect(scanZip(path, { maxTotalBytes: 1024 * 1024 })).rejects.toThrow(
      /above the 1048576-byte limit/,
    );
  });
});

describe('verify on a hostile ZIP, from the command line', () => {
  it('names the entry and the reason, with terminal escapes made visible', async () => {
    const { runCli } = await import('../../e2e/cli.ts');
    const dir = await tempDir();
    const path = join(dir, 'evil.zip');
    await writeFile(path, craftZip([{ name: 'x\u001b[2J\u001b[HOK verified.txt', data: Buffer.from('x') }]));
    const run = await runCli(['verify', path]);
    expect(run.code).toBe(1);
    expect(run.stdout).not.toContain('\u001b');
    expect(run.stdout).toContain(
      '[unreadable] x\\x1b[2J\\x1b[HOK verified.txt: the ZIP is refused: name contains a control character',
    );
  }, 30_000);
});

describe('diff and --previous read through the same strict reader', () => {
  it('refuse a two-directory ZIP, naming the reason', async () => {
    const { loadPackForDiff } = await import('../../../src/diff/load-pack.ts');
    const { readPrevious } = await import('../../../src/cli/commands/shared.ts');
    const dir = await tempDir();
    const path = join(dir, 'two-dirs.zip');
    await writeFile(path, hostileCases()[0]!.bytes);
    const loaded = await loadPackForDiff(path);
    expect(loaded).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/refused ZIP .*does not end exactly at the end record/) as unknown,
    });
    await expect(readPrevious(path)).rejects.toThrow(/--previous .* cannot be used: .*second directory/);
  });
});
