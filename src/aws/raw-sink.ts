import { createReadStream, createWriteStream, mkdirSync, mkdtempSync, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import type { EvidenceRef } from '../snapshot/outcome.ts';
import type { RecordedCall } from './recorded-call.ts';

/** A recorded call before the sink gives it its id. */
export type UnnumberedCall = Omit<RecordedCall, 'id'>;

/**
 * Streams recorded calls as JSON Lines, one file per (service, region) in the pack:
 * `raw/<service>/<region>.jsonl`, whatever the number of accounts. Each record names its account.
 *
 * During collection every account writes a file of its own in the work directory
 * (`.raw-by-account-<random>/<accountId>/<service>/<region>.jsonl`), so accounts read at the same
 * time never interleave and nothing is kept in memory; {@link RawRecordSink.close} then
 * concatenates them into the pack layout in a fixed order — account id, then the order the
 * account's calls were written.
 */
export interface RawRecordSink {
  /**
   * Number the call (`<service>-<region>-<accountId>-<seq>`), append it to its account's file and
   * return the reference outcomes carry (its file in the pack layout). Resolves once the line is
   * handed to the file stream (waits on back-pressure).
   */
  write(call: UnnumberedCall): Promise<EvidenceRef>;
  /** Pack-relative paths (`raw/...`) of every file written so far, sorted. */
  files(): string[];
  /**
   * Flush every file and assemble `raw/` in the pack layout (idempotent). Writing after close is
   * an error.
   */
  close(): Promise<void>;
}

/** What a request recorder needs of a sink: numbering and filing one call. */
export type RecordWriter = Pick<RawRecordSink, 'write'>;

/** Pack-relative path of the JSON Lines file for one (service, region): every account's records. */
export function rawFilePath(service: string, region: string): string {
  return `raw/${safeSegment(service)}/${safeSegment(region)}.jsonl`;
}

/** Prefix of the work-directory folder of a sink's per-account files, removed when it closes. */
const BY_ACCOUNT_PREFIX = '.raw-by-account-';

function safeSegment(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, '_') || '_';
}

interface AccountFile {
  accountId: string;
  /** Pack-relative path of the file the records end up in. */
  target: string;
  stream: WriteStream;
  abs: string;
  /** Lines not yet handed to the stream (see {@link FLUSH_CHARS}). */
  pending: string[];
  pendingChars: number;
}

/**
 * Lines are handed to a file's stream in batches of about this many characters rather than one by
 * one: a write per record cost a file-system request per call (~6% of a large collection's CPU).
 */
const FLUSH_CHARS = 64 * 1024;
/** Batches held over all files before every file's batch is handed over (bounds the memory). */
const MAX_PENDING_CHARS = 4 * 1024 * 1024;

/** Create a sink writing under `workDir` (the pack's staging directory). */
export function createRawRecordSink(workDir: string): RawRecordSink {
  const byAccount = new Map<string, AccountFile>();
  const sequences = new Map<string, number>();
  // One pending 'drain' wait per stream, shared by every writer that hit back-pressure (a listener
  // per writer would pile up under high concurrency).
  const draining = new Map<WriteStream, Promise<unknown>>();
  let closing: Promise<void> | undefined;
  let partsDir: string | undefined;

  function drained(stream: WriteStream): Promise<unknown> {
    let wait = draining.get(stream);
    if (!wait) {
      wait = once(stream, 'drain').finally(() => draining.delete(stream));
      draining.set(stream, wait);
    }
    return wait;
  }

  function fileFor(accountId: string, service: string, region: string): AccountFile {
    const account = safeSegment(accountId);
    const key = `${account}/${safeSegment(service)}/${safeSegment(region)}`;
    let file = byAccount.get(key);
    if (!file) {
      if (!partsDir) {
        mkdirSync(workDir, { recursive: true });
        partsDir = mkdtempSync(path.join(workDir, BY_ACCOUNT_PREFIX));
      }
      const abs = path.join(partsDir, `${key}.jsonl`);
      mkdirSync(path.dirname(abs), { recursive: true });
      file = {
        accountId: account,
        target: rawFilePath(service, region),
        stream: createWriteStream(abs, { flags: 'a' }),
        abs,
        pending: [],
        pendingChars: 0,
      };
      byAccount.set(key, file);
    }
    return file;
  }

  function nextId(service: string, region: string, accountId: string): string {
    const key = `${service}-${region}-${safeSegment(accountId)}`;
    const seq = (sequences.get(key) ?? 0) + 1;
    sequences.set(key, seq);
    return `${key}-${String(seq).padStart(6, '0')}`;
  }

  let pendingChars = 0;

  /** Hand a file's batch to its stream; true when the stream asks the writer to wait. */
  function flush(file: AccountFile): boolean {
    if (file.pending.length === 0) return false;
    const chunk = file.pending.join('');
    pendingChars -= file.pendingChars;
    file.pending = [];
    file.pendingChars = 0;
    return !file.stream.write(chunk);
  }

  async function seal(): Promise<void> {
    const files = [...byAccount.values()];
    for (const f of files) flush(f);
    await Promise.all(
      files.map(
        (f) =>
          new Promise<void>((resolve, reject) => {
            f.stream.end((err?: Error | null) => (err ? reject(err) : resolve()));
          }),
      ),
    );
    const byTarget = new Map<string, AccountFile[]>();
    for (const f of files) byTarget.set(f.target, [...(byTarget.get(f.target) ?? []), f]);
    for (const [target, parts] of [...byTarget].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const abs = path.join(workDir, target);
      mkdirSync(path.dirname(abs), { recursive: true });
      const out = createWriteStream(abs, { flags: 'a' });
      parts.sort((a, b) => (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0));
      for (const part of parts) {
        for await (const chunk of createReadStream(part.abs)) {
          if (!out.write(chunk)) await once(out, 'drain');
        }
      }
      await new Promise<void>((resolve, reject) => {
        out.end((err?: Error | null) => (err ? reject(err) : resolve()));
      });
    }
    if (partsDir) await rm(partsDir, { recursive: true, force: true });
  }

  return {
    async write(call) {
      if (closing) throw new Error('raw record sink is closed');
      const id = nextId(call.service, call.region, call.accountId);
      const file = fileFor(call.accountId, call.service, call.region);
      const record: RecordedCall = { id, ...call };
      const line = `${JSON.stringify(record)}\n`;
      file.pending.push(line);
      file.pendingChars += line.length;
      pendingChars += line.length;
      if (file.pendingChars >= FLUSH_CHARS) {
        if (flush(file)) await drained(file.stream);
      } else if (pendingChars >= MAX_PENDING_CHARS) {
        const waits = [...byAccount.values()].filter(flush).map((f) => drained(f.stream));
        await Promise.all(waits);
      }
      return {
        file: file.target,
        callId: id,
        service: call.service,
        operation: call.operation,
        requestId: call.requestId,
      };
    },
    files() {
      return [...new Set([...byAccount.values()].map((f) => f.target))].sort();
    },
    close() {
      closing ??= seal();
      return closing;
    },
  };
}
