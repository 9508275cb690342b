/**
 * Defensive reads of service state owned by other sandbox modules (KMS, Config, CloudTrail keep
 * their own shapes under `account.services`). Unknown shapes degrade to "nothing to show", never throw.
 */

/** Items of `field` in `region`: from `{ regions: Map|Record<region, { [field]: Map|array|Record }> }` or a flat `{ [field] }` filtered by `region`. */
export function regionalItems(
  serviceState: unknown,
  region: string,
  field: string,
): Record<string, unknown>[] {
  if (!isObject(serviceState)) return [];
  const regions = serviceState.regions;
  if (regions !== undefined) {
    const regional =
      regions instanceof Map ? regions.get(region) : isObject(regions) ? regions[region] : undefined;
    return isObject(regional) ? itemsOf(regional[field]) : [];
  }
  return itemsOf(serviceState[field]).filter((item) => {
    const r = item.region ?? item.Region ?? item.awsRegion ?? item.HomeRegion ?? item.homeRegion;
    return r === undefined || r === region;
  });
}

/** Values of a Map, array or plain record, keeping only objects. */
export function itemsOf(collection: unknown): Record<string, unknown>[] {
  const values =
    collection instanceof Map
      ? [...collection.values()]
      : Array.isArray(collection)
        ? collection
        : isObject(collection)
          ? Object.values(collection)
          : [];
  return values.filter(isObject);
}

/** The first string field among `names`. */
export function stringField(item: Record<string, unknown>, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = item[n];
    if (typeof v === 'string' && v !== '') return v;
  }
  return undefined;
}

/** A JSON-safe copy for display: Maps become objects, Dates ISO strings, key material is omitted. */
export function toPlain(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[…]';
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return '[binary omitted]';
  if (value instanceof Map) return toPlain(Object.fromEntries(value), depth);
  if (value instanceof Set) return toPlain([...value], depth);
  if (Array.isArray(value)) return value.map((v) => toPlain(v, depth + 1));
  if (isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (/^(material|secret|privateKey|secretAccessKey|sessionToken)$/i.test(k) || typeof v === 'function')
        continue;
      out[k] = toPlain(v, depth + 1);
    }
    return out;
  }
  return typeof value === 'bigint' ? value.toString() : value;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Map);
}
