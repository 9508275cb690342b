/** Small helpers shared by the collectors' output parsers. A throw here makes the outcome `error`. */

/** The value, or a throw naming the missing field. */
export function required<T>(value: T | undefined | null, field: string): T {
  if (value === undefined || value === null) throw new Error(`response has no ${field}`);
  return value;
}

/** ISO-8601 string of an SDK date, or undefined. */
export function iso(date: Date | string | undefined | null): string | undefined {
  if (date === undefined || date === null) return undefined;
  const d = date instanceof Date ? date : new Date(date);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
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
