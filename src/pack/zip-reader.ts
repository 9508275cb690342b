import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { crc32, inflateRawSync } from 'node:zlib';

/** The ZIP's structure (end records, central directory) cannot be parsed. */
export class ZipFormatError extends Error {
  override name = 'ZipFormatError';
}

/** One entry's bytes, or why they could not be recovered. */
export type EntryRead = { kind: 'ok'; data: Buffer } | { kind: 'corrupt'; detail: string };

/** One entry of the central directory with the outcome of reading its data. */
export interface ZipEntry {
  path: string;
  /** 0 = stored, 8 = deflated. */
  method: number;
  size: number;
  compressedSize: number;
  crc32: number;
  read: EntryRead;
}

const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;
const EOCD_MIN = 22;
const MAX_COMMENT = 0xffff;
const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;
const ZIP64_EXTRA_ID = 0x0001;
const FLAG_ENCRYPTED = 0x1;
const IN_MEMORY_LIMIT = 256 * 1024 * 1024;

/** The ZIP file, fully in memory when small enough. */
interface Source {
  fh: FileHandle;
  size: number;
  whole: Buffer | null;
}

/**
 * Reads every entry of a ZIP (stored or deflated, ZIP64 included) through its central directory.
 * Structural damage throws {@link ZipFormatError}; damage confined to one entry's data (CRC or
 * size mismatch, undecodable deflate stream, local header disagreeing with the directory) is
 * reported on that entry so callers can name the file. Directory entries are skipped.
 *
 * @param opts.inMemoryLimit ZIPs up to this size (default 256 MiB) are read in one go; larger
 *   ones with positional reads.
 */
export async function readZipEntries(
  zipPath: string,
  opts: { inMemoryLimit?: number } = {},
): Promise<ZipEntry[]> {
  const fh = await open(zipPath, 'r');
  try {
    const { size } = await fh.stat();
    // Most packs fit in memory: one read instead of three per entry. Huge ones are read piecewise.
    const src: Source = {
      fh,
      size,
      whole: size <= (opts.inMemoryLimit ?? IN_MEMORY_LIMIT) ? await fh.readFile() : null,
    };
    const dir = await readCentralDirectoryLocation(src);
    const central = await readAt(src, dir.offset, dir.size);
    const records = parseCentralDirectory(central, dir.count);
    const out: ZipEntry[] = [];
    for (const rec of records) {
      if (rec.path.endsWith('/')) continue;
      out.push({ ...rec, read: await readEntryData(src, rec) });
    }
    return out;
  } finally {
    await fh.close();
  }
}

/**
 * The pack's files as a map path → bytes, for commands that rebuild or diff from a pack.
 *
 * @throws ZipFormatError when the ZIP or any entry is damaged, or a path occurs twice.
 */
export async function readPackEntries(zipPath: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const e of await readZipEntries(zipPath)) {
    if (e.read.kind === 'corrupt') throw new ZipFormatError(`${e.path}: ${e.read.detail}`);
    if (files.has(e.path)) throw new ZipFormatError(`${e.path}: appears more than once in the ZIP`);
    files.set(e.path, e.read.data);
  }
  return files;
}

interface CentralRecord {
  path: string;
  method: number;
  flags: number;
  size: number;
  compressedSize: number;
  crc32: number;
  localHeaderOffset: number;
}

async function readAt(src: Source, position: number, length: number): Promise<Buffer> {
  if (position < 0 || length < 0 || position + length > src.size) {
    throw new ZipFormatError(`ZIP structure points outside the file (offset ${position}, length ${length})`);
  }
  if (src.whole) return src.whole.subarray(position, position + length);
  const { fh } = src;
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done);
    if (bytesRead === 0) throw new ZipFormatError('unexpected end of file');
    done += bytesRead;
  }
  return buf;
}

function u64(buf: Buffer, at: number): number {
  const v = buf.readBigUInt64LE(at);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipFormatError('ZIP64 value too large');
  return Number(v);
}

async function readCentralDirectoryLocation(
  src: Source,
): Promise<{ offset: number; size: number; count: number }> {
  const fileSize = src.size;
  if (fileSize < EOCD_MIN) throw new ZipFormatError('not a ZIP file (too short)');
  const tailLength = Math.min(fileSize, EOCD_MIN + MAX_COMMENT);
  const tailStart = fileSize - tailLength;
  const tail = await readAt(src, tailStart, tailLength);
  let eocd = -1;
  for (let i = tail.length - EOCD_MIN; i >= 0; i--) {
    if (tail.readUInt32LE(i) === SIG_EOCD && i + EOCD_MIN + tail.readUInt16LE(i + 20) === tail.length) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipFormatError('not a ZIP file or truncated (no end of central directory record)');
  let count = tail.readUInt16LE(eocd + 10);
  let size = tail.readUInt32LE(eocd + 12);
  let offset = tail.readUInt32LE(eocd + 16);

  const locatorPos = tailStart + eocd - 20;
  const locator = locatorPos >= 0 ? await readAt(src, locatorPos, 20) : undefined;
  if (locator && locator.readUInt32LE(0) === SIG_ZIP64_LOCATOR) {
    const z = await readAt(src, u64(locator, 8), 56);
    if (z.readUInt32LE(0) !== SIG_ZIP64_EOCD) throw new ZipFormatError('ZIP64 end record not found');
    count = u64(z, 32);
    size = u64(z, 40);
    offset = u64(z, 48);
  } else if (count === U16_MAX || size === U32_MAX || offset === U32_MAX) {
    throw new ZipFormatError('ZIP64 values used but the ZIP64 locator is missing');
  }
  return { offset, size, count };
}

function parseCentralDirectory(buf: Buffer, expected: number): CentralRecord[] {
  const records: CentralRecord[] = [];
  let p = 0;
  while (p < buf.length) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== SIG_CENTRAL) {
      throw new ZipFormatError(`bad central directory header at directory offset ${p}`);
    }
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const end = p + 46 + nameLen + extraLen + commentLen;
    if (end > buf.length) throw new ZipFormatError('central directory entry runs past the directory');
    const rec: CentralRecord = {
      path: buf.toString('utf8', p + 46, p + 46 + nameLen),
      flags: buf.readUInt16LE(p + 8),
      method: buf.readUInt16LE(p + 10),
      crc32: buf.readUInt32LE(p + 16),
      compressedSize: buf.readUInt32LE(p + 20),
      size: buf.readUInt32LE(p + 24),
      localHeaderOffset: buf.readUInt32LE(p + 42),
    };
    applyZip64Extra(rec, buf.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen));
    records.push(rec);
    p = end;
  }
  if (records.length !== expected) {
    throw new ZipFormatError(`central directory has ${records.length} entries, end record says ${expected}`);
  }
  return records;
}

/** Replaces 0xFFFFFFFF placeholders with the 64-bit values of the ZIP64 extra field, in spec order. */
function applyZip64Extra(rec: CentralRecord, extra: Buffer): void {
  for (let p = 0; p + 4 <= extra.length;) {
    const id = extra.readUInt16LE(p);
    const len = extra.readUInt16LE(p + 2);
    if (id === ZIP64_EXTRA_ID) {
      const field = extra.subarray(p + 4, p + 4 + len);
      let q = 0;
      const next = (): number => {
        if (q + 8 > field.length) throw new ZipFormatError(`${rec.path}: ZIP64 extra field too short`);
        const v = u64(field, q);
        q += 8;
        return v;
      };
      if (rec.size === U32_MAX) rec.size = next();
      if (rec.compressedSize === U32_MAX) rec.compressedSize = next();
      if (rec.localHeaderOffset === U32_MAX) rec.localHeaderOffset = next();
      return;
    }
    p += 4 + len;
  }
}

async function readEntryData(src: Source, rec: CentralRecord): Promise<EntryRead> {
  const fileSize = src.size;
  if (rec.flags & FLAG_ENCRYPTED) return { kind: 'corrupt', detail: 'entry is encrypted' };
  if (rec.localHeaderOffset + 30 > fileSize)
    return { kind: 'corrupt', detail: 'local header lies outside the file' };
  const header = await readAt(src, rec.localHeaderOffset, 30);
  if (header.readUInt32LE(0) !== SIG_LOCAL) return { kind: 'corrupt', detail: 'local file header not found' };
  const nameLen = header.readUInt16LE(26);
  const extraLen = header.readUInt16LE(28);
  const dataStart = rec.localHeaderOffset + 30 + nameLen + extraLen;
  if (dataStart + rec.compressedSize > fileSize)
    return { kind: 'corrupt', detail: 'entry data runs past the end of the file' };
  const localName = (await readAt(src, rec.localHeaderOffset + 30, nameLen)).toString('utf8');
  if (localName !== rec.path) {
    return {
      kind: 'corrupt',
      detail: `local header names "${localName}", central directory names "${rec.path}"`,
    };
  }
  const raw = await readAt(src, dataStart, rec.compressedSize);
  let data: Buffer;
  if (rec.method === 0) {
    data = raw;
  } else if (rec.method === 8) {
    try {
      data = inflateRawSync(raw);
    } catch (err) {
      return { kind: 'corrupt', detail: `deflate data cannot be decoded (${(err as Error).message})` };
    }
  } else {
    return { kind: 'corrupt', detail: `unsupported compression method ${rec.method}` };
  }
  if (data.length !== rec.size) {
    return { kind: 'corrupt', detail: `size ${data.length} differs from the recorded ${rec.size}` };
  }
  const crc = crc32(data) >>> 0;
  if (crc !== rec.crc32) {
    return { kind: 'corrupt', detail: `CRC-32 ${hex8(crc)} differs from the recorded ${hex8(rec.crc32)}` };
  }
  return { kind: 'ok', data };
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}
