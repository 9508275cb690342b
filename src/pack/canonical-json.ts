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
  const body = serialize(value, '', '$');
  if (body === undefined) throw new TypeError('canonicalJson: the top-level value is not serializable');
  return `${body}\n`;
}

/** {@link canonicalJson} as UTF-8 bytes, ready to be hashed or written. */
export function canonicalJsonBytes(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}

const INDENT = '  ';

function serialize(raw: unknown, indent: string, where: string): string | undefined {
  const value = withToJson(raw);
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: non-finite number at ${where}`);
      return JSON.stringify(value);
    case 'bigint':
      throw new TypeError(`canonicalJson: bigint at ${where}`);
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    case 'object':
      break;
  }
  if (value === null) return 'null';
  if (value instanceof Map || value instanceof Set) {
    throw new TypeError(
      `canonicalJson: ${value.constructor.name} at ${where} (convert it to an array or object)`,
    );
  }
  const inner = indent + INDENT;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const items = value.map((v, i) => serialize(v, inner, `${where}[${i}]`) ?? 'null');
    return `[\n${items.map((s) => inner + s).join(',\n')}\n${indent}]`;
  }
  const record = value as Record<string, unknown>;
  const members: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const s = serialize(record[key], inner, `${where}.${key}`);
    if (s !== undefined) members.push(`${inner}${JSON.stringify(key)}: ${s}`);
  }
  if (members.length === 0) return '{}';
  return `{\n${members.join(',\n')}\n${indent}}`;
}

function withToJson(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && 'toJSON' in value) {
    const toJson = (value as { toJSON: unknown }).toJSON;
    if (typeof toJson === 'function') return (toJson as () => unknown).call(value);
  }
  return value;
}
