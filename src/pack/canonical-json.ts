import { createChunkedFileWriter } from './chunked-file-writer.ts';

/**
 * Deterministic JSON for every JSON file in the pack: object keys sorted by UTF-16 code unit
 * order at every depth (including integer-like keys, which `JSON.stringify` would reorder
 * numerically), 2-space indent, and one trailing newline.
 *
 * Values follow `JSON.stringify` semantics (`toJSON` is honoured, `undefined`/functions are
 * dropped from objects and become `null` in arrays) except that values JSON cannot represent
 * faithfully (non-finite numbers, bigint, Map, Set) throw instead of silently turning into
 * `null` or `{}`: a pack must never contain a lossy rendering of what was recorded.
 */
export function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  writeTop(value, (piece) => parts.push(piece));
  return parts.join('');
}

/**
 * {@link canonicalJson} as UTF-8 bytes, ready to be hashed or written. Built in 64 KiB chunks, so
 * a large document (a 10,000-bucket snapshot) never exists as one JS string next to its bytes.
 */
export function canonicalJsonBytes(value: unknown): Buffer {
  const chunks: Buffer[] = [];
  let parts: string[] = [];
  let pending = 0;
  const flush = () => {
    chunks.push(Buffer.from(parts.join(''), 'utf8'));
    parts = [];
    pending = 0;
  };
  writeTop(value, (piece) => {
    parts.push(piece);
    pending += piece.length;
    if (pending >= CHUNK_CHARS) flush();
  });
  flush();
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
}

/**
 * Writes the canonical JSON of `value` to `path` (created or truncated) in chunks: byte-identical to
 * {@link canonicalJsonBytes}, without holding the text of a large document in memory.
 */
export function writeCanonicalJsonFile(value: unknown, path: string): void {
  const writer = createChunkedFileWriter(path);
  try {
    writeTop(value, (piece) => writer.write(piece));
  } finally {
    writer.close();
  }
}

const INDENT = '  ';
const CHUNK_CHARS = 64 * 1024;

type Out = (piece: string) => void;

function writeTop(raw: unknown, out: Out): void {
  const value = withToJson(raw);
  if (omitted(value)) throw new TypeError('canonicalJson: the top-level value is not serializable');
  write(value, '', () => '$', out);
  out('\n');
}

/** Values JSON.stringify drops from objects (and turns into `null` in arrays). */
function omitted(value: unknown): boolean {
  const t = typeof value;
  return t === 'undefined' || t === 'function' || t === 'symbol';
}

/** Write one value whose `toJSON` has already been applied and which is not {@link omitted}. */
function write(value: unknown, indent: string, where: () => string, out: Out): void {
  switch (typeof value) {
    case 'string':
      out(JSON.stringify(value));
      return;
    case 'boolean':
      out(value ? 'true' : 'false');
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: non-finite number at ${where()}`);
      out(JSON.stringify(value));
      return;
    case 'bigint':
      throw new TypeError(`canonicalJson: bigint at ${where()}`);
    default:
      break;
  }
  if (value === null) {
    out('null');
    return;
  }
  if (value instanceof Map || value instanceof Set) {
    throw new TypeError(
      `canonicalJson: ${value.constructor.name} at ${where()} (convert it to an array or object)`,
    );
  }
  const inner = indent + INDENT;
  if (Array.isArray(value)) {
    if (value.length === 0) {
      out('[]');
      return;
    }
    out('[\n');
    value.forEach((raw: unknown, i) => {
      if (i > 0) out(',\n');
      out(inner);
      const v = withToJson(raw);
      if (omitted(v)) out('null');
      else write(v, inner, () => `${where()}[${i}]`, out);
    });
    out(`\n${indent}]`);
    return;
  }
  const record = value as Record<string, unknown>;
  let first = true;
  for (const key of Object.keys(record).sort()) {
    const v = withToJson(record[key]);
    if (omitted(v)) continue;
    out(first ? '{\n' : ',\n');
    first = false;
    out(`${inner}${JSON.stringify(key)}: `);
    write(v, inner, () => `${where()}.${key}`, out);
  }
  out(first ? '{}' : `\n${indent}}`);
}

function withToJson(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && 'toJSON' in value) {
    const toJson = (value as { toJSON: unknown }).toJSON;
    if (typeof toJson === 'function') return (toJson as () => unknown).call(value);
  }
  return value;
}
