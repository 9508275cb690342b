/**
 * Small helpers shared by the collectors' output parsers. A field a verdict depends on is read
 * with {@link required} / {@link requiredBoolean} / {@link oneOf} / {@link requiredList}: when the
 * response lacks it or carries something AWS never sends, the parser throws a
 * {@link ResponseFieldError} and the outcome becomes an `error` gap naming the field — never a
 * default value standing in for what AWS did not say.
 */

import { ResponseFieldError } from '../aws/response-field-error.ts';

export { ResponseFieldError };

/** The value, or a throw naming the missing field. */
export function required<T>(value: T | undefined | null, field: string): T {
  if (value === undefined || value === null) throw new ResponseFieldError('MissingField', field);
  return value;
}

/** A boolean the verdict depends on: missing or not a boolean is a throw naming the field. */
export function requiredBoolean(value: unknown, field: string): boolean {
  if (value === undefined || value === null) throw new ResponseFieldError('MissingField', field);
  if (typeof value !== 'boolean') throw new ResponseFieldError('MalformedField', field, `got ${show(value)}`);
  return value;
}

/** A string that must be one of AWS's documented values. */
export function oneOf<const V extends string>(
  value: string | undefined | null,
  allowed: readonly V[],
  field: string,
): V {
  const v = required(value, field);
  if (!(allowed as readonly string[]).includes(v))
    throw new ResponseFieldError('MalformedField', field, `got ${show(v)}, expected ${allowed.join(' | ')}`);
  return v as V;
}

/**
 * A list member the verdict depends on. The SDK gives `[]` for a list AWS sent empty and
 * `undefined` only when the member is not in the response at all.
 */
export function requiredList<T>(value: readonly T[] | undefined | null, field: string): readonly T[] {
  if (value === undefined || value === null) throw new ResponseFieldError('MissingField', field);
  if (!Array.isArray(value)) throw new ResponseFieldError('MalformedField', field, 'not a list');
  return value;
}

/** A policy document: the verbatim text, which must parse as a JSON object. */
export function policyText(value: string | undefined | null, field: string): string {
  const text = required(value, field);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new ResponseFieldError('MalformedField', field, 'not JSON');
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    throw new ResponseFieldError('MalformedField', field, 'not a JSON object');
  return text;
}

/** ISO-8601 string of an SDK date, or undefined. */
export function iso(date: Date | string | undefined | null): string | undefined {
  if (date === undefined || date === null) return undefined;
  const d = date instanceof Date ? date : new Date(date);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** ISO-8601 string of a date the verdict depends on: missing or invalid is a throw naming the field. */
export function requiredIso(date: Date | string | undefined | null, field: string): string {
  const value = iso(required(date, field));
  if (value === undefined) throw new ResponseFieldError('MalformedField', field, 'not a date');
  return value;
}

/** The partition of an ARN (`aws`, `aws-cn`, `aws-us-gov`), default `aws`. */
export function partitionOf(arn: string | undefined): string {
  const p = arn?.split(':')[1];
  return p ? p : 'aws';
}

/** Unique values, sorted. */
export function uniqueSorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

function show(value: unknown): string {
  const s = typeof value === 'string' ? `"${value}"` : (JSON.stringify(value) ?? String(value));
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
