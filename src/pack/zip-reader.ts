import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createInflateRaw, crc32 } from 'node:zlib';
import { entryNameProblem, foldedName } from './zip-names.ts';

/**
 * The ZIP cannot be read safely: its structure is damaged or ambiguous, or an entry is one a pack
 * never holds. `entry` names the entry when the refusal is about one.
 */
export class ZipFormatError extends Error {
  override name = 'ZipFormatError';
  /** Why, without the entry name. */
  readonly reason: string;
  constructor(
    reason: string,
    readonly entry?: string,
  ) {
    super(entry === undefined ? reason : `${entry}: ${reason}`);
    this.reason = reason;
  }
}

/** One entry's content as read: its digest (and bytes when kept), or why it could not be recovered. */
export type EntryRead = { kind: 'ok'; sha256: string; data?: Buffer } | { kind: 'corrupt'; detail: string };

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

/** Options of {@link scanZip}. */
export interface ScanOptions {
  /** Which entries' bytes to keep in memory (default: none; every entry is still hashed). */
  keep?: (path: string) => boolean;
  /** Entries recorded larger than this are refused when kept (default 256 MiB). */
  maxKeptEntryBytes?: number;
  /** The sum of the recorded sizes may not exceed this (default {@link DEFAULT_MAX_TOTAL_BYTES}). */
  maxTotalBytes?: number;
}

/** Total inflated size a pack may have (8 GiB): far above a real pack, far below a ZIP bomb's. */
export const DEFAULT_MAX_TOTAL_BYTES = 8 * 1024 ** 3;
const DEFAULT_MAX_KEPT_ENTRY = 256 * 1024 * 1024;
const MAX_CENTRAL_DIRECTORY = 64 * 1024 * 1024;
const MAX_ENTRIES = 1_000_000;
const CHUNK = 64 * 1024;

const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;
const SIG_DESCRIPTOR = 0x08074b50;
const EOCD_SIZE = 22;
const ZIP64_EOCD_SIZE = 56;
const ZIP64_LOCATOR_SIZE = 20;
const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;
const EXTRA_ZIP64 = 0x0001;
/** Extra fields a pack may carry: ZIP64 sizes, and Info-ZIP's timestamps and Unix owner. */
const ALLOWED_EXTRA = new Set([EXTRA_ZIP64, 0x5455, 0x7875]);
const FLAG_DESCRIPTOR = 0x0008;
const FLAG_UTF8 = 0x0800;
/** Bits 1–2 only tune deflate; everything else (encryption, patches, masking) is refused. */
const ALLOWED_FLAGS = FLAG_DESCRIPTOR | FLAG_UTF8 | 0x0006;
const MAX_VERSION_NEEDED = 45;
const HOST_UNIX = 3;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const DOS_DIRECTORY = 0x10;

interface CentralRecord {
  path: string;
  nameBytes: Buffer;
  versionNeeded: number;
  flags: number;
  method: number;
  crc32: number;
  size: number;
  compressedSize: number;
  localHeaderOffset: number;
}

/**
 * Reads a ZIP strictly through its central directory and hashes every entry as a stream, so
 * memory stays bounded whatever the entry sizes. It refuses (throwing {@link ZipFormatError},
 * naming the entry) anything that two ZIP tools could read differently: a comment or trailing
 * bytes after the end record, a central directory that does not end exactly at it, prepended
 * data, gaps or overlaps between entries, local headers or data descriptors disagreeing with the
 * central directory, unknown extra fields (e.g. a Unicode path that would rename the entry),
 * names that are absolute, have `..` or empty segments, backslashes or control characters,
 * duplicate names after case folding and Unicode NFC, directories, symlinks and other
 * non-regular files, encryption, and a total recorded size above the cap (checked before any
 * data is inflated).
 *
 * Damage confined to one entry's data (CRC or size mismatch, undecodable deflate stream, data
 * inflating past its recorded size, where inflating stops) is reported on that entry as
 * `corrupt`, so callers can name the file.
 */
export async function scanZip(zipPath: string, opts: ScanOptions = {}): Promise<ZipEntry[]> {
  const fh = await open(zipPath, 'r');
  try {
    const { size } = await fh.stat();
    const dir = await readDirectoryLocation(fh, size);
    if (dir.size > MAX_CENTRAL_DIRECTORY) throw new ZipFormatError('central directory is implausibly large');
    if (dir.count > MAX_ENTRIES) throw new ZipFormatError(`too many entries (${dir.count})`);
    const records = parseCentralDirectory(await readAt(fh, size, dir.offset, dir.size), dir.count);
    checkNames(records);
    const maxTotal = opts.maxTotalBytes ?? DEFAULT_MAX_TOTAL_BYTES;
    const total = records.reduce((sum, r) => sum + r.size, 0);
    if (total > maxTotal) {
      throw new ZipFormatError(
        `entries would inflate to ${total} bytes in total, above the ${maxTotal}-byte limit (a ZIP bomb?)`,
      );
    }
    const maxKept = opts.maxKeptEntryBytes ?? DEFAULT_MAX_KEPT_ENTRY;
    const layout = await checkLayout(fh, size, records, dir.offset);
    const out: ZipEntry[] = [];
    for (const rec of records) {
      const keep = opts.keep?.(rec.path) === true;
      if (keep && rec.size > maxKept) {
        throw new ZipFormatError(`recorded size ${rec.size} is above the ${maxKept}-byte limit`, rec.path);
      }
      const dataStart = layout.get(rec) ?? 0;
      out.push({
        path: rec.path,
        method: rec.method,
        size: rec.size,
        compressedSize: rec.compressedSize,
        crc32: rec.crc32,
        read: await readEntryData(fh, rec, dataStart, keep),
      });
    }
    return out;
  } finally {
    await fh.close();
  }
}

/** Every entry with its bytes: {@link scanZip} keeping all of them (for tests and small ZIPs). */
export async function readZipEntries(zipPath: string, opts: ScanOptions = {}): Promise<ZipEntry[]> {
  return scanZip(zipPath, { keep: () => true, ...opts });
}

/**
 * The pack's files as a map path → bytes, for commands that rebuild or diff from a pack.
 *
 * @param opts.only keep only these paths (the others are still checked and hashed).
 * @throws ZipFormatError when the ZIP or any entry is damaged or refused.
 */
export async function readPackEntries(
  zipPath: string,
  opts: { only?: (path: string) => boolean; maxTotalBytes?: number } = {},
): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const entries = await scanZip(zipPath, {
    keep: opts.only ?? (() => true),
    ...(opts.maxTotalBytes === undefined ? {} : { maxTotalBytes: opts.maxTotalBytes }),
  });
  for (const e of entries) {
    if (e.read.kind === 'corrupt') throw new ZipFormatError(e.read.detail, e.path);
    if (e.read.data) files.set(e.path, e.read.data);
  }
  return files;
}

async function readAt(fh: FileHandle, fileSize: number, position: number, length: number): Promise<Buffer> {
  if (position < 0 || length < 0 || position + length > fileSize) {
    throw new ZipFormatError(`ZIP structure points outside the file (offset ${position}, length ${length})`);
  }
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

/** The end record must be the last 22 bytes (no comment, nothing after it). */
async function readDirectoryLocation(
  fh: FileHandle,
  fileSize: number,
): Promise<{ offset: number; size: number; count: number }> {
  if (fileSize < EOCD_SIZE) throw new ZipFormatError('not a ZIP file (too short)');
  const eocdPos = fileSize - EOCD_SIZE;
  const eocd = await readAt(fh, fileSize, eocdPos, EOCD_SIZE);
  if (eocd.readUInt32LE(0) !== SIG_EOCD) {
    const tail = await readAt(
      fh,
      fileSize,
      Math.max(0, fileSize - 0x10000 - EOCD_SIZE),
      Math.min(fileSize, 0x10000 + EOCD_SIZE),
    );
    throw new ZipFormatError(
      tail.includes(Buffer.from([0x50, 0x4b, 5, 6]))
        ? 'the end of central directory record is followed by a comment or other bytes'
        : 'not a ZIP file or truncated (no end of central directory record)',
    );
  }
  if (eocd.readUInt16LE(4) !== 0 || eocd.readUInt16LE(6) !== 0) {
    throw new ZipFormatError('multi-disk ZIPs are not supported');
  }
  const onDisk = eocd.readUInt16LE(8);
  let count = eocd.readUInt16LE(10);
  let size = eocd.readUInt32LE(12);
  let offset = eocd.readUInt32LE(16);
  if (onDisk !== count) throw new ZipFormatError('end record entry counts disagree');

  let directoryEnd = eocdPos;
  const locatorPos = eocdPos - ZIP64_LOCATOR_SIZE;
  const locator = locatorPos >= 0 ? await readAt(fh, fileSize, locatorPos, ZIP64_LOCATOR_SIZE) : undefined;
  if (locator?.readUInt32LE(0) === SIG_ZIP64_LOCATOR) {
    if (locator.readUInt32LE(4) !== 0 || locator.readUInt32LE(16) !== 1) {
      throw new ZipFormatError('multi-disk ZIPs are not supported');
    }
    const z64Pos = u64(locator, 8);
    if (z64Pos + ZIP64_EOCD_SIZE !== locatorPos) {
      throw new ZipFormatError('the ZIP64 end record does not sit right before its locator');
    }
    const z = await readAt(fh, fileSize, z64Pos, ZIP64_EOCD_SIZE);
    if (z.readUInt32LE(0) !== SIG_ZIP64_EOCD || u64(z, 4) !== ZIP64_EOCD_SIZE - 12) {
      throw new ZipFormatError('ZIP64 end record not found or malformed');
    }
    if (z.readUInt32LE(16) !== 0 || z.readUInt32LE(20) !== 0 || u64(z, 24) !== u64(z, 32)) {
      throw new ZipFormatError('multi-disk ZIPs are not supported');
    }
    const z64 = { count: u64(z, 32), size: u64(z, 40), offset: u64(z, 48) };
    // Each classic field must either defer to ZIP64 or agree with it: no tool may pick another.
    if (
      (count !== U16_MAX && count !== z64.count) ||
      (size !== U32_MAX && size !== z64.size) ||
      (offset !== U32_MAX && offset !== z64.offset)
    ) {
      throw new ZipFormatError('the end record and the ZIP64 end record disagree');
    }
    ({ count, size, offset } = z64);
    directoryEnd = z64Pos;
  } else if (count === U16_MAX || size === U32_MAX || offset === U32_MAX) {
    throw new ZipFormatError('ZIP64 values used but the ZIP64 locator is missing');
  }
  if (offset + size !== directoryEnd) {
    throw new ZipFormatError(
      `the central directory (offset ${offset}, ${size} bytes) does not end exactly at the end record ` +
        `(offset ${directoryEnd}): a second directory or hidden bytes`,
    );
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
    const nameBytes = buf.subarray(p + 46, p + 46 + nameLen);
    const flags = buf.readUInt16LE(p + 8);
    const path = decodeName(nameBytes, flags);
    const rec: CentralRecord = {
      path,
      nameBytes,
      versionNeeded: buf.readUInt16LE(p + 6),
      flags,
      method: buf.readUInt16LE(p + 10),
      crc32: buf.readUInt32LE(p + 16),
      compressedSize: buf.readUInt32LE(p + 20),
      size: buf.readUInt32LE(p + 24),
      localHeaderOffset: buf.readUInt32LE(p + 42),
    };
    const refuse = (why: string): never => {
      throw new ZipFormatError(why, path);
    };
    if (commentLen !== 0) refuse('entry has a comment');
    if (buf.readUInt16LE(p + 34) !== 0) refuse('entry is on another disk');
    checkEntryHeader(rec, refuse);
    checkMode(buf.readUInt16LE(p + 4) >> 8, buf.readUInt32LE(p + 38), refuse);
    const extras = parseExtra(buf.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen), refuse);
    const z64 = extras.get(EXTRA_ZIP64);
    if (z64) {
      let q = 0;
      const next = (): number => {
        if (q + 8 > z64.length) refuse('ZIP64 extra field too short');
        const v = u64(z64, q);
        q += 8;
        return v;
      };
      if (rec.size === U32_MAX) rec.size = next();
      if (rec.compressedSize === U32_MAX) rec.compressedSize = next();
      if (rec.localHeaderOffset === U32_MAX) rec.localHeaderOffset = next();
    } else if (rec.size === U32_MAX || rec.compressedSize === U32_MAX || rec.localHeaderOffset === U32_MAX) {
      refuse('ZIP64 placeholder without a ZIP64 extra field');
    }
    if (rec.method === 0 && rec.size !== rec.compressedSize) refuse('stored entry with differing sizes');
    records.push(rec);
    p = end;
  }
  if (records.length !== expected) {
    throw new ZipFormatError(`central directory has ${records.length} entries, end record says ${expected}`);
  }
  return records;
}

function decodeName(bytes: Buffer, flags: number): string {
  let name: string;
  try {
    name = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ZipFormatError(`entry name is not UTF-8 (${JSON.stringify(bytes.toString('latin1'))})`);
  }
  // Without the UTF-8 flag, tools read non-ASCII bytes as CP437: a different name.
  if (!(flags & FLAG_UTF8) && bytes.some((b) => b >= 0x80)) {
    throw new ZipFormatError('non-ASCII entry name without the UTF-8 flag', name);
  }
  return name;
}

function checkEntryHeader(rec: CentralRecord, refuse: (why: string) => never): void {
  if (rec.flags & 0x1) refuse('entry is encrypted');
  if (rec.flags & ~ALLOWED_FLAGS) refuse(`entry has unsupported flags 0x${rec.flags.toString(16)}`);
  if (rec.method !== 0 && rec.method !== 8) refuse(`unsupported compression method ${rec.method}`);
  if (rec.versionNeeded > MAX_VERSION_NEEDED) refuse(`needs ZIP version ${rec.versionNeeded / 10}`);
}

/**
 * Only regular files made on Unix: no directory, symlink, device or FIFO. Other hosts are
 * refused because extractors translate their names (Info-ZIP reads an MS-DOS entry's name as an
 * OEM code page even when it is flagged UTF-8).
 */
function checkMode(host: number, external: number, refuse: (why: string) => never): void {
  if (host !== HOST_UNIX) refuse(`entry made on host system ${host}, not Unix`);
  if (external & DOS_DIRECTORY) refuse('entry is a directory');
  const mode = external >>> 16;
  if ((mode & S_IFMT) !== S_IFREG) {
    const kind =
      (mode & S_IFMT) === 0o120000
        ? 'a symbolic link'
        : (mode & S_IFMT) === 0o040000
          ? 'a directory'
          : 'not a regular file';
    refuse(`entry is ${kind} (mode ${mode.toString(8)})`);
  }
}

function parseExtra(extra: Buffer, refuse: (why: string) => never): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  let p = 0;
  while (p < extra.length) {
    if (p + 4 > extra.length) refuse('malformed extra field');
    const id = extra.readUInt16LE(p);
    const len = extra.readUInt16LE(p + 2);
    if (p + 4 + len > extra.length) refuse('malformed extra field');
    if (!ALLOWED_EXTRA.has(id)) refuse(`unsupported extra field 0x${id.toString(16).padStart(4, '0')}`);
    if (out.has(id)) refuse('repeated extra field');
    out.set(id, extra.subarray(p + 4, p + 4 + len));
    p += 4 + len;
  }
  return out;
}

function checkNames(records: CentralRecord[]): void {
  const seen = new Map<string, string>();
  for (const rec of records) {
    const problem = entryNameProblem(rec.path);
    if (problem) throw new ZipFormatError(problem, rec.path);
    const key = foldedName(rec.path);
    const twin = seen.get(key);
    if (twin !== undefined) {
      throw new ZipFormatError(
        twin === rec.path
          ? 'appears more than once in the ZIP'
          : `is the same name as "${twin}" once case and Unicode form are ignored`,
        rec.path,
      );
    }
    seen.set(key, rec.path);
  }
  // A file may not also be a folder of another entry ("a" and "a/b"): extraction would differ.
  for (const rec of records) {
    const segs = foldedName(rec.path).split('/');
    for (let i = 1; i < segs.length; i++) {
      const parent = seen.get(segs.slice(0, i).join('/'));
      if (parent !== undefined) throw new ZipFormatError(`"${parent}" is both a file and a folder`, rec.path);
    }
  }
}

/**
 * Checks that the entries tile the file from byte 0 to the central directory, each local header
 * (and data descriptor) agreeing with the central directory. Returns where each entry's data starts.
 */
async function checkLayout(
  fh: FileHandle,
  fileSize: number,
  records: CentralRecord[],
  directoryOffset: number,
): Promise<Map<CentralRecord, number>> {
  const starts = new Map<CentralRecord, number>();
  const ordered = [...records].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
  let expected = 0;
  for (const rec of ordered) {
    const refuse = (why: string): never => {
      throw new ZipFormatError(why, rec.path);
    };
    if (rec.localHeaderOffset !== expected) {
      refuse(
        rec.localHeaderOffset > expected
          ? `${rec.localHeaderOffset - expected} unaccounted bytes before this entry (${expected === 0 ? 'prepended data' : 'a gap'})`
          : 'entry overlaps the previous one',
      );
    }
    if (rec.localHeaderOffset + 30 > directoryOffset) refuse('local header lies outside the entries area');
    const header = await readAt(fh, fileSize, rec.localHeaderOffset, 30);
    if (header.readUInt32LE(0) !== SIG_LOCAL) refuse('local file header not found');
    const nameLen = header.readUInt16LE(26);
    const extraLen = header.readUInt16LE(28);
    const vars = await readAt(fh, fileSize, rec.localHeaderOffset + 30, nameLen + extraLen);
    const localName = vars.subarray(0, nameLen);
    if (!localName.equals(rec.nameBytes)) {
      refuse(`local header names "${localName.toString('utf8')}", the central directory "${rec.path}"`);
    }
    if (header.readUInt16LE(4) !== rec.versionNeeded || header.readUInt16LE(6) !== rec.flags) {
      refuse('local header version or flags differ from the central directory');
    }
    if (header.readUInt16LE(8) !== rec.method) refuse('local header compression method differs');
    const extras = parseExtra(vars.subarray(nameLen), refuse);
    const lCrc = header.readUInt32LE(14);
    let lCsize = header.readUInt32LE(18);
    let lSize = header.readUInt32LE(22);
    const z64 = extras.get(EXTRA_ZIP64);
    if (z64) {
      if (lSize === U32_MAX || lCsize === U32_MAX) {
        if (z64.length < 16) refuse('local ZIP64 extra field too short');
        lSize = u64(z64, 0);
        lCsize = u64(z64, 8);
      }
    } else if (lSize === U32_MAX || lCsize === U32_MAX) {
      refuse('local ZIP64 placeholder without a ZIP64 extra field');
    }
    const dataStart = rec.localHeaderOffset + 30 + nameLen + extraLen;
    const dataEnd = dataStart + rec.compressedSize;
    if (dataEnd > directoryOffset) refuse('entry data runs into the central directory');
    let end = dataEnd;
    if (rec.flags & FLAG_DESCRIPTOR) {
      if (
        ![0, rec.crc32].includes(lCrc) ||
        ![0, rec.size].includes(lSize) ||
        ![0, rec.compressedSize].includes(lCsize)
      ) {
        refuse('local header sizes or CRC differ from the central directory');
      }
      end = await checkDescriptor(fh, fileSize, rec, dataEnd, directoryOffset, z64 !== undefined, refuse);
    } else if (lCrc !== rec.crc32 || lSize !== rec.size || lCsize !== rec.compressedSize) {
      refuse('local header sizes or CRC differ from the central directory');
    }
    starts.set(rec, dataStart);
    expected = end;
  }
  if (expected !== directoryOffset) {
    throw new ZipFormatError(`${directoryOffset - expected} unaccounted bytes before the central directory`);
  }
  return starts;
}

/** The data descriptor after an entry must repeat the central directory's CRC and sizes. */
async function checkDescriptor(
  fh: FileHandle,
  fileSize: number,
  rec: CentralRecord,
  at: number,
  limit: number,
  zip64: boolean,
  refuse: (why: string) => never,
): Promise<number> {
  const width = zip64 ? 8 : 4;
  const room = Math.min(limit - at, 4 + 4 + 2 * width);
  const buf = await readAt(fh, fileSize, at, Math.max(0, room));
  const matches = (p: number): boolean => {
    if (p + 4 + 2 * width > buf.length) return false;
    const size = (q: number) => (width === 8 ? u64(buf, q) : buf.readUInt32LE(q));
    return (
      buf.readUInt32LE(p) === rec.crc32 &&
      size(p + 4) === rec.compressedSize &&
      size(p + 4 + width) === rec.size
    );
  };
  if (buf.length >= 4 && buf.readUInt32LE(0) === SIG_DESCRIPTOR && matches(4)) return at + 4 + 4 + 2 * width;
  if (matches(0)) return at + 4 + 2 * width;
  return refuse('data descriptor missing or disagreeing with the central directory');
}

class InflatedTooFar extends Error {}

async function* readRange(fh: FileHandle, start: number, length: number): AsyncGenerator<Buffer> {
  let done = 0;
  while (done < length) {
    const n = Math.min(CHUNK, length - done);
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, start + done);
    if (bytesRead === 0) throw new ZipFormatError('unexpected end of file');
    done += bytesRead;
    yield bytesRead === n ? buf : buf.subarray(0, bytesRead);
  }
}

async function readEntryData(
  fh: FileHandle,
  rec: CentralRecord,
  dataStart: number,
  keep: boolean,
): Promise<EntryRead> {
  const hash = createHash('sha256');
  const kept: Buffer[] = [];
  let crc = 0;
  let produced = 0;
  const take = (chunk: Buffer): void => {
    hash.update(chunk);
    crc = crc32(chunk, crc);
    produced += chunk.length;
    if (keep) kept.push(chunk);
  };
  if (rec.method === 0) {
    for await (const chunk of readRange(fh, dataStart, rec.compressedSize)) take(chunk);
  } else {
    const inflate = createInflateRaw({ chunkSize: CHUNK });
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        // Stop at the recorded size: a bomb is never inflated further than it claims.
        if (produced + chunk.length > rec.size) done(new InflatedTooFar());
        else {
          take(chunk);
          done();
        }
      },
    });
    try {
      await pipeline(Readable.from(readRange(fh, dataStart, rec.compressedSize)), inflate, sink);
    } catch (err) {
      if (err instanceof InflatedTooFar)
        return { kind: 'corrupt', detail: `inflates past its recorded size of ${rec.size} bytes` };
      return { kind: 'corrupt', detail: `deflate data cannot be decoded (${(err as Error).message})` };
    }
    if (inflate.bytesWritten !== rec.compressedSize) {
      return {
        kind: 'corrupt',
        detail: `deflate stream ends after ${inflate.bytesWritten} of its ${rec.compressedSize} bytes`,
      };
    }
  }
  if (produced !== rec.size) {
    return { kind: 'corrupt', detail: `size ${produced} differs from the recorded ${rec.size}` };
  }
  if (crc >>> 0 !== rec.crc32) {
    return {
      kind: 'corrupt',
      detail: `CRC-32 ${hex8(crc >>> 0)} differs from the recorded ${hex8(rec.crc32)}`,
    };
  }
  return { kind: 'ok', sha256: hash.digest('hex'), ...(keep ? { data: Buffer.concat(kept) } : {}) };
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}
