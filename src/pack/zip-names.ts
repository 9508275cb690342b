import { packPathProblem } from './pack-paths.ts';

/** C0 and C1 controls and DEL. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** Bidirectional embeddings, overrides and isolates: they make a name display as another. */
const BIDI = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/;

const MAX_SEGMENT_BYTES = 255;
const MAX_PATH_BYTES = 1024;

/**
 * Why an entry name read from a ZIP is not one a pack may hold, or `null`. On top of
 * {@link packPathProblem} (absolute, `..`, empty segments, backslashes, drive prefixes): no
 * directory entries, control characters or bidi controls.
 */
export function entryNameProblem(name: string): string | null {
  if (name.endsWith('/')) return 'directory entries are not allowed in a pack';
  if (name.includes('\0')) return 'name contains NUL';
  if (CONTROL.test(name)) return 'name contains a control character';
  if (BIDI.test(name)) return 'name contains a bidirectional-text control';
  const problem = packPathProblem(name);
  if (problem) return `unsafe name: ${problem}`;
  // What no file system can create would be extracted differently (or not at all) by every tool.
  if (Buffer.byteLength(name) > MAX_PATH_BYTES) return `name is longer than ${MAX_PATH_BYTES} bytes`;
  if (name.split('/').some((seg) => Buffer.byteLength(seg) > MAX_SEGMENT_BYTES)) {
    return `a name segment is longer than ${MAX_SEGMENT_BYTES} bytes`;
  }
  return null;
}

/**
 * The key under which two names collide on some file system: Unicode NFC, then full case
 * folding (approximated by upper- then lower-casing, so "ß" and "SS" meet).
 */
export function foldedName(name: string): string {
  return name.normalize('NFC').toUpperCase().toLowerCase().normalize('NFC');
}
