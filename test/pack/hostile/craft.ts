import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { lstat, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { scanZip } from '../../../src/pack/zip-reader.ts';

/**
 * A hand-made ZIP writer for hostile test inputs: every field can be set or falsified, so the
 * tests can build what an attacker would (two directories, lying sizes, symlinks, overlaps...).
 */
export interface CraftEntry {
  name: string | Buffer;
  data: Buffer;
  method?: 0 | 8;
  /** Unix mode (default 0o100644). */
  mode?: number;
  flags?: number;
  /** Write a data descriptor (sets flag bit 3; local CRC and sizes are zero). */
  descriptor?: boolean;
  /** Falsify what the descriptor says. */
  descriptorCrc?: number;
  /** Falsify what the central directory and local header record. */
  recordedSize?: number;
  recordedCrc?: number;
  /** Name in the local header when it should differ from the central directory's. */
  localName?: string;
  /** Extra field bytes (both headers). */
  extra?: Buffer;
  /** Replaces the compressed bytes (e.g. a deflate stream with bytes hidden after it). */
  compressed?: Buffer;
  /** Bytes inserted after this entry (a gap). */
  after?: Buffer;
}

interface Written {
  entry: CraftEntry;
  offset: number;
  compressed: Buffer;
  crc: number;
}

const utf8 = (n: string | Buffer): Buffer => (typeof n === 'string' ? Buffer.from(n, 'utf8') : n);

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
}
function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
}

/** Local header + data (+ descriptor) of each entry, then the central directory bytes. */
export function craftParts(entries: CraftEntry[], start = 0): { locals: Buffer; central: Buffer } {
  const written: Written[] = [];
  const chunks: Buffer[] = [];
  let offset = start;
  for (const e of entries) {
    const method = e.method ?? 8;
    const compressed = e.compressed ?? (method === 8 ? deflateRawSync(e.data) : e.data);
    const crc = e.recordedCrc ?? crc32(e.data) >>> 0;
    const size = e.recordedSize ?? e.data.length;
    const flags = (e.flags ?? 0x0800) | (e.descriptor ? 0x0008 : 0);
    const name = utf8(e.localName ?? e.name);
    const extra = e.extra ?? Buffer.alloc(0);
    const header = Buffer.concat([
      u32(0x04034b50),
      u16(20),
      u16(flags),
      u16(method),
      u16(0),
      u16(0x5c21),
      u32(e.descriptor ? 0 : crc),
      u32(e.descriptor ? 0 : compressed.length),
      u32(e.descriptor ? 0 : size),
      u16(name.length),
      u16(extra.length),
      name,
      extra,
    ]);
    const descriptor = e.descriptor
      ? Buffer.concat([u32(0x08074b50), u32(e.descriptorCrc ?? crc), u32(compressed.length), u32(size)])
      : Buffer.alloc(0);
    written.push({ entry: e, offset, compressed, crc });
    const after = e.after ?? Buffer.alloc(0);
    chunks.push(header, compressed, descriptor, after);
    offset += header.length + compressed.length + descriptor.length + after.length;
  }
  const central = Buffer.concat(
    written.map((w) => {
      const e = w.entry;
      const name = utf8(e.name);
      const extra = e.extra ?? Buffer.alloc(0);
      return Buffer.concat([
        u32(0x02014b50),
        u16((3 << 8) | 45),
        u16(20),
        u16((e.flags ?? 0x0800) | (e.descriptor ? 0x0008 : 0)),
        u16(e.method ?? 8),
        u16(0),
        u16(0x5c21),
        u32(w.crc),
        u32(w.compressed.length),
        u32(e.recordedSize ?? e.data.length),
        u16(name.length),
        u16(extra.length),
        u16(0),
        u16(0),
        u16(0),
        u32(((e.mode ?? 0o100644) << 16) >>> 0),
        u32(w.offset),
        name,
        extra,
      ]);
    }),
  );
  return { locals: Buffer.concat(chunks), central };
}

/** An end of central directory record. */
export function eocd(count: number, size: number, offset: number, comment?: Buffer): Buffer {
  const c = comment ?? Buffer.alloc(0);
  return Buffer.concat([
    u32(0x06054b50),
    u16(0),
    u16(0),
    u16(count),
    u16(count),
    u32(size),
    u32(offset),
    u16(c.length),
    c,
  ]);
}

/** A complete ZIP of `entries`, optionally with bytes before it (offsets shifted to match). */
export function craftZip(entries: CraftEntry[], opts: { prefix?: Buffer; comment?: Buffer } = {}): Buffer {
  const prefix = opts.prefix ?? Buffer.alloc(0);
  const { locals, central } = craftParts(entries, prefix.length);
  return Buffer.concat([
    prefix,
    locals,
    central,
    eocd(entries.length, central.length, prefix.length + locals.length, opts.comment),
  ]);
}

/** What a ZIP tool extracted: path → SHA-256 of regular files; anything else is marked. */
export type Extracted = Map<string, string>;

/** Extracts with Info-ZIP `unzip` (UTF-8 locale) and lists what landed on disk. */
export async function unzipExtract(zipPath: string): Promise<{ status: number; files: Extracted }> {
  const dir = await mkdtemp(join(tmpdir(), 'evidence-pack-unzip-'));
  try {
    const r = spawnSync('unzip', ['-qq', '-o', zipPath, '-d', dir], {
      env: { ...process.env, LC_ALL: 'C.UTF-8' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    const files: Extracted = new Map();
    const walk = async (d: string): Promise<void> => {
      for (const name of await readdir(d)) {
        const full = join(d, name);
        const st = await lstat(full);
        const rel = relative(dir, full).split(sep).join('/');
        if (st.isDirectory()) await walk(full);
        else if (st.isFile())
          files.set(
            rel,
            createHash('sha256')
              .update(await readFile(full))
              .digest('hex'),
          );
        else files.set(rel, `<not a regular file: mode ${st.mode.toString(8)}>`);
      }
    };
    await walk(dir);
    return { status: r.status ?? -1, files };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** What the strict reader made of a ZIP: refused (with why), or accepted with its digests. */
export type ReaderVerdict = { refused: string } | { accepted: Extracted };

export async function readerVerdict(zipPath: string): Promise<ReaderVerdict> {
  try {
    const entries = await scanZip(zipPath);
    const out: Extracted = new Map();
    for (const e of entries) {
      if (e.read.kind === 'corrupt') return { refused: `${e.path}: ${e.read.detail}` };
      out.set(e.path, e.read.sha256);
    }
    return { accepted: out };
  } catch (err) {
    return { refused: (err as Error).message };
  }
}

/**
 * The property that matters: the reader refuses the file, or `unzip` extracts exactly the
 * bytes the reader hashed, for every name and no other. Returns a description of a violation.
 */
export async function equivalenceViolation(zipPath: string): Promise<string | null> {
  const verdict = await readerVerdict(zipPath);
  if ('refused' in verdict) return null;
  const { files } = await unzipExtract(zipPath);
  const a = [...verdict.accepted].sort();
  const b = [...files].sort();
  return JSON.stringify(a) === JSON.stringify(b)
    ? null
    : `reader accepted ${JSON.stringify(a)} but unzip extracted ${JSON.stringify(b)}`;
}
