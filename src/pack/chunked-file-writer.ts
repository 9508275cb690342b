/**
 * Writes a large generated text file (JSON, CSV) to disk piece by piece, so the whole text is
 * never held in memory: pieces are buffered up to a small chunk and appended as UTF-8.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

/** A text sink over one file; `close` flushes and must be called once. */
export interface ChunkedFileWriter {
  write(piece: string): void;
  close(): void;
}

/** Characters buffered before a write: large enough for few syscalls, small next to a pack. */
const CHUNK_CHARS = 64 * 1024;

/** Create (or truncate) `path` and return a writer for it. Writes are synchronous. */
export function createChunkedFileWriter(path: string): ChunkedFileWriter {
  const fd = openSync(path, 'w');
  let parts: string[] = [];
  let pending = 0;
  const flush = () => {
    if (pending === 0) return;
    writeSync(fd, Buffer.from(parts.join(''), 'utf8'));
    parts = [];
    pending = 0;
  };
  return {
    write(piece: string) {
      parts.push(piece);
      pending += piece.length;
      if (pending >= CHUNK_CHARS) flush();
    },
    close() {
      try {
        flush();
      } finally {
        closeSync(fd);
      }
    },
  };
}
