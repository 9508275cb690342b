/**
 * Reading one recorded API call back from `raw/<service>/<region>.jsonl`, with the sha256 of
 * its exact line bytes, so a rendered view can name the record an auditor can re-hash.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join, normalize, isAbsolute } from 'node:path';
import type { EvidenceRef } from '../snapshot/outcome.ts';
import type { RecordedCall } from '../aws/recorded-call.ts';

/** One recorded call found in its JSON Lines file. */
export interface RecordRead {
  ok: true;
  record: RecordedCall;
  /** The exact line (UTF-8, without the trailing newline). */
  line: string;
  /** Lowercase hex sha256 of the line's bytes. */
  sha256: string;
}

/** Why a record could not be read. */
export interface RecordMissing {
  ok: false;
  reason: string;
}

/**
 * Where each record of one file is: call id → byte range of its line. A raw file holds one service
 * and region for every account, so only offsets are kept, and a record is read when it is asked for.
 */
interface FileIndex {
  path: string;
  lines: Map<string, { start: number; length: number }>;
}

/** Reads records, indexing each JSON Lines file once. */
export class RecordReader {
  private readonly files = new Map<string, Promise<FileIndex | string>>();

  constructor(private readonly workDir: string) {}

  /** The record `ref` points at, or why it cannot be read. */
  async read(ref: Pick<EvidenceRef, 'file' | 'callId'>): Promise<RecordRead | RecordMissing> {
    const rel = normalize(ref.file);
    if (isAbsolute(rel) || rel.startsWith('..'))
      return { ok: false, reason: `unsafe record path ${ref.file}` };
    let pending = this.files.get(rel);
    if (!pending) {
      pending = indexFile(join(this.workDir, rel));
      this.files.set(rel, pending);
    }
    const index = await pending;
    if (typeof index === 'string') return { ok: false, reason: `${ref.file}: ${index}` };
    const at = index.lines.get(ref.callId);
    if (!at) return { ok: false, reason: `no record ${ref.callId} in ${ref.file}` };
    const line = await readRange(index.path, at.start, at.length);
    if (line === undefined) return { ok: false, reason: `${ref.file}: file unreadable` };
    return { ok: true, record: JSON.parse(line) as RecordedCall, line, sha256: sha256Hex(line) };
  }
}

/** Read the record `ref` points at (one-shot; use {@link RecordReader} for many). */
export function readRecord(
  workDir: string,
  ref: Pick<EvidenceRef, 'file' | 'callId'>,
): Promise<RecordRead | RecordMissing> {
  return new RecordReader(workDir).read(ref);
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(Buffer.from(text, 'utf8')).digest('hex');
}

async function readRange(path: string, start: number, length: number): Promise<string | undefined> {
  const fh = await open(path, 'r').catch(() => undefined);
  if (!fh) return undefined;
  try {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await fh.read(buf, 0, length, start);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await fh.close();
  }
}

/** The head the sink writes every record with: the id first. */
const HEAD = /^\{"id":"([^"\\]*)"/;

/** The call id of one line, or undefined when the line is no record. */
function idOf(line: Buffer): string | undefined {
  const fast = HEAD.exec(line.subarray(0, 256).toString('utf8'))?.[1];
  if (fast !== undefined) {
    // The head alone does not prove the line is a record: it must parse as one.
    try {
      JSON.parse(line.toString('utf8'));
      return fast;
    } catch {
      return undefined;
    }
  }
  try {
    const record = JSON.parse(line.toString('utf8')) as RecordedCall | null;
    return record && typeof record.id === 'string' ? record.id : undefined;
  } catch {
    // An unparseable line cannot be the target of a ref; skip it.
    return undefined;
  }
}

async function indexFile(path: string): Promise<FileIndex | string> {
  const lines: FileIndex['lines'] = new Map();
  let offset = 0;
  let carry: Buffer = Buffer.alloc(0);
  const add = (line: Buffer, start: number) => {
    if (line.toString('utf8').trim() === '') return;
    const id = idOf(line);
    if (id !== undefined) lines.set(id, { start, length: line.length });
  };
  try {
    // Records are LF-terminated; the hashed line is exactly the bytes between newlines.
    for await (const chunk of createReadStream(path)) {
      const buf: Buffer = carry.length > 0 ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
      let start = 0;
      for (let nl = buf.indexOf(0x0a); nl !== -1; nl = buf.indexOf(0x0a, start)) {
        add(buf.subarray(start, nl), offset + start);
        start = nl + 1;
      }
      carry = Buffer.from(buf.subarray(start));
      offset += start;
    }
    if (carry.length > 0) add(carry, offset);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : 'file unreadable';
  }
  return { path, lines };
}
