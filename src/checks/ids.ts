import { CHECKS } from './registry.ts';

/**
 * Every check id in the catalogue, in catalogue order: derived from the registry, where each check
 * declares its own id. The config validator uses it to reject an unknown id.
 */
export const CHECK_IDS: readonly string[] = CHECKS.map((c) => c.id);

/** True when `id` is a known check id. */
export function isCheckId(id: string): boolean {
  return CHECK_IDS.includes(id);
}
