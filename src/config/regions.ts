import { partition } from '@aws-sdk/core/client';

/**
 * Region names checked against the AWS SDK's partition data (the regions of every partition the
 * installed SDK knows), so a typo such as `eu-wset-1` is refused instead of silently scoping a
 * region that has no buckets. The SDK ships this data with each release; no list is kept here.
 */

/** True when the installed AWS SDK's partition data lists `name` as a region. */
export function isKnownRegion(name: string): boolean {
  // The SDK answers any name; only a listed region comes back with its description.
  const info = partition(name) as { description?: unknown };
  return !name.endsWith('-global') && info.description !== undefined;
}

/** Known regions one edit away from `name` (a swapped, changed, missing or extra character). */
export function nearRegions(name: string): string[] {
  const letters = 'abcdefghijklmnopqrstuvwxyz0123456789-';
  const candidates = new Set<string>();
  for (let i = 0; i < name.length; i++) {
    if (i + 1 < name.length) candidates.add(name.slice(0, i) + name[i + 1] + name[i] + name.slice(i + 2));
    candidates.add(name.slice(0, i) + name.slice(i + 1));
    for (const c of letters) candidates.add(name.slice(0, i) + c + name.slice(i + 1));
  }
  for (let i = 0; i <= name.length; i++)
    for (const c of letters) candidates.add(name.slice(0, i) + c + name.slice(i));
  candidates.delete(name);
  return [...candidates].filter(isKnownRegion).sort();
}

/** Why `name` is not accepted as a region, or undefined when it is a known one. */
export function regionProblem(name: string): string | undefined {
  if (isKnownRegion(name)) return undefined;
  const near = nearRegions(name);
  const hint = near.length > 0 ? `; did you mean ${near.join(' or ')}?` : ' (e.g. us-east-1)';
  return `"${name}" is not an AWS region known to the AWS SDK${hint}`;
}
