import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Readable, Writable } from 'node:stream';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { ZipArchive } from 'archiver';
import { isFileSource, type FileSource } from './file-source.ts';
import { comparePackPaths, packPathProblem } from './pack-paths.ts';

/** One file to store in the ZIP: bytes in memory, or a file streamed in when its turn comes. */
export interface ZipInputEntry {
  path: string;
  content: Buffer | FileSource;
}

/** Options of {@link writeDeterministicZip}. */
export interface ZipWriteOptions {
  /** Every entry's modification time (stored as UTC DOS time, 2-second resolution). */
  fixedTime: Date;
  /** zlib deflate level, 0–9 (default 6). Fixed per pack so the same inputs give the same bytes. */
  level?: number;
  /** Write ZIP64 end records even when not needed (normally ZIP64 is used only when required). */
  forceZip64?: boolean;
}

/** Size and SHA-256 of the ZIP bytes that were written. */
export interface ZipWriteResult {
  bytes: number;
  sha256: string;
}

/** Unix mode recorded for every entry: a regular file, rw-r--r--. */
const ENTRY_MODE = 0o644;
const DEFAULT_LEVEL = 6;

/**
 * Streams a deterministic ZIP of `entries` into `destination` (which is ended when done).
 *
 * Determinism comes from: entries sorted by UTF-8 path bytes; every entry dated `fixedTime` in
 * UTC; an explicit mode so external attributes and "version made by" never come from the
 * platform or umask; no extra fields (archiver writes none except the ZIP64 one when sizes
 * require it); no comment; a fixed deflate level. Deflate output is a function of the input,
 * the level and the zlib build, so identical inputs on the same Node release give identical bytes.
 * A file-backed entry gives the same bytes as the same content in memory: both are deflated as one
 * stream with a data descriptor, and an empty file is stored like an empty buffer.
 *
 * @throws Error on an invalid or duplicate path.
 */
export async function writeDeterministicZip(
  entries: readonly ZipInputEntry[],
  destination: Writable,
  options: ZipWriteOptions,
): Promise<ZipWriteResult> {
  const sorted = [...entries].sort((a, b) => comparePackPaths(a.path, b.path));
  sorted.forEach((e, i) => {
    const problem = packPathProblem(e.path);
    if (problem) throw new Error(`cannot store "${e.path}" in the pack: ${problem}`);
    if (i > 0 && sorted[i - 1]?.path === e.path) throw new Error(`duplicate pack path "${e.path}"`);
  });

  const archive = new ZipArchive({
    zlib: { level: options.level ?? DEFAULT_LEVEL },
    forceZip64: options.forceZip64 ?? false,
    comment: '',
  });
  const hash = createHash('sha256');
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  const done = pipeline(archive, tap, destination);
  for (const e of sorted) {
    archive.append(await entryData(e.content), { name: e.path, date: options.fixedTime, mode: ENTRY_MODE });
  }
  await Promise.all([archive.finalize(), done]);
  return { bytes, sha256: hash.digest('hex') };
}

/**
 * What archiver is given for an entry. Empty content must be a buffer: archiver stores an empty
 * buffer uncompressed but would deflate an empty stream, which would change the bytes.
 */
async function entryData(content: Buffer | FileSource): Promise<Buffer | Readable> {
  if (!isFileSource(content)) return content;
  if ((await stat(content.file)).size === 0) return Buffer.alloc(0);
  return createReadStream(content.file);
}
