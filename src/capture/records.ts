/**
 * Reading one recorded API call back from `raw/<acct>/<service>/<region>.jsonl`, with the sha256 of
 * its exact line bytes, so a rendered view can name the record an auditor can re-hash.
 */
import { readFile } from 'node:fs/promises';
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

/** Parsed lines of one file keyed by call id; cached per reader. */
type FileIndex = Map<string, { record: RecordedCall; line: string }>;

/** Reads records, parsing each JSON Lines file once. */
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
    const hit = index.get(ref.callId);
    if (!hit) return { ok: false, reason: `no record ${ref.callId} in ${ref.file}` };
    return { ok: true, record: hit.record, line: hit.line, sha256: sha256Hex(hit.line) };
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

async function indexFile(path: string): Promise<FileIndex | string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : 'file unreadable';
  }
  const index: FileIndex = new Map();
  // Records are LF-terminated; the hashed line is exactly the bytes between newlines.
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const record = JSON.parse(line) as RecordedCall;
      if (record && typeof record.id === 'string') index.set(record.id, { record, line });
    } catch {
      // An unparseable line cannot be the target of a ref; skip it.
    }
  }
  return index;
}
