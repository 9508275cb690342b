import { createHash } from 'node:crypto';

/**
 * A deterministic, filesystem-safe file stem: runs of characters outside `[A-Za-z0-9._-]` become `-`,
 * long names are cut, and a short hash of the original is appended whenever the name was changed,
 * so two different resources never share a file.
 */
export function safeFileStem(name: string, maxLength = 120): string {
  let stem = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '');
  const changed = stem !== name || stem.length > maxLength;
  if (changed) {
    const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
    stem = `${stem.slice(0, maxLength - 9)}-${hash}`;
  }
  return stem || 'unnamed';
}
