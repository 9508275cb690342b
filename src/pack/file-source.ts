/**
 * Pack entries backed by a file on disk: hashed and zipped by streaming, so large evidence (raw
 * call records) is never held in memory whole.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** A pack file whose content is read from `file` (an absolute path) when needed. */
export interface FileSource {
  file: string;
}

/** SHA-256 (hex) and size of a piece of pack content. */
export interface ContentDigest {
  sha256: string;
  bytes: number;
}

/** True for a {@link FileSource} (as opposed to in-memory content). */
export function isFileSource(content: unknown): content is FileSource {
  return (
    typeof content === 'object' &&
    content !== null &&
    !Buffer.isBuffer(content) &&
    typeof (content as { file?: unknown }).file === 'string'
  );
}

/** SHA-256 and size of a file, read as a stream. */
export async function digestFileSource(source: FileSource): Promise<ContentDigest> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(source.file)) {
    const buf = chunk as Buffer;
    hash.update(buf);
    bytes += buf.length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** SHA-256 and size of in-memory or file-backed content (strings count as UTF-8). */
export async function digestContent(content: Buffer | string | FileSource): Promise<ContentDigest> {
  if (isFileSource(content)) return digestFileSource(content);
  const buf = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return { sha256: createHash('sha256').update(buf).digest('hex'), bytes: buf.length };
}
