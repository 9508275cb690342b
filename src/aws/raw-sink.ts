import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import type { EvidenceRef } from '../snapshot/outcome.ts';
import type { RecordedCall } from './recorded-call.ts';

/** A recorded call before the sink gives it its id. */
export type UnnumberedCall = Omit<RecordedCall, 'id'>;

/**
 * Streams recorded calls as JSON Lines to `<workDir>/raw/<accountId>/<service>/<region>.jsonl`.
 * Records are written as they come and never kept in memory, so a 100k-call run stays small.
 */
export interface RawRecordSink {
  /**
   * Number the call (`<service>-<region>-<seq>`), append it to its file and return the reference
   * that outcomes carry. Resolves once the line is handed to the file stream (waits on back-pressure).
   */
  write(call: UnnumberedCall): Promise<EvidenceRef>;
  /** Pack-relative paths (`raw/...`) of every file written so far, sorted. */
  files(): string[];
  /** Flush and close every file. Writing after close is an error. */
  close(): Promise<void>;
}

/** What a request recorder needs of a sink: numbering and filing one call. */
export type RecordWriter = Pick<RawRecordSink, 'write'>;

/** Pack-relative path of the JSON Lines file for one (account, service, region). */
export function rawFilePath(accountId: string, service: string, region: string): string {
  return `raw/${safeSegment(accountId)}/${safeSegment(service)}/${safeSegment(region)}.jsonl`;
}

function safeSegment(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, '_') || '_';
}

/** Create a sink writing under `workDir` (the pack's staging directory). */
export function createRawRecordSink(workDir: string): RawRecordSink {
  const streams = new Map<string, WriteStream>();
  const sequences = new Map<string, number>();
  // One pending 'drain' wait per stream, shared by every writer that hit back-pressure (a listener
  // per writer would pile up under high concurrency).
  const draining = new Map<WriteStream, Promise<unknown>>();
  let closed = false;

  function drained(stream: WriteStream): Promise<unknown> {
    let wait = draining.get(stream);
    if (!wait) {
      wait = once(stream, 'drain').finally(() => draining.delete(stream));
      draining.set(stream, wait);
    }
    return wait;
  }

  function streamFor(file: string): WriteStream {
    let stream = streams.get(file);
    if (!stream) {
      const abs = path.join(workDir, file);
      mkdirSync(path.dirname(abs), { recursive: true });
      stream = createWriteStream(abs, { flags: 'a' });
      streams.set(file, stream);
    }
    return stream;
  }

  function nextId(service: string, region: string): string {
    const key = `${service}-${region}`;
    const seq = (sequences.get(key) ?? 0) + 1;
    sequences.set(key, seq);
    return `${key}-${String(seq).padStart(6, '0')}`;
  }

  return {
    async write(call) {
      if (closed) throw new Error('raw record sink is closed');
      const id = nextId(call.service, call.region);
      const file = rawFilePath(call.accountId, call.service, call.region);
      const record: RecordedCall = { id, ...call };
      const stream = streamFor(file);
      if (!stream.write(`${JSON.stringify(record)}\n`)) await drained(stream);
      return {
        file,
        callId: id,
        service: call.service,
        operation: call.operation,
        requestId: call.requestId,
      };
    },
    files() {
      return [...streams.keys()].sort();
    },
    async close() {
      closed = true;
      await Promise.all(
        [...streams.values()].map(
          (s) =>
            new Promise<void>((resolve, reject) => {
              s.end((err?: Error | null) => (err ? reject(err) : resolve()));
            }),
        ),
      );
    },
  };
}
