/**
 * The pack's layout and hashing rules: the paths of the files every pack has, the schema ids of its
 * JSON documents, which paths the writer generates itself, and how paths are checked, ordered and
 * hashed. Readers (verify, diff, rebuild) and the writer take these from here, never from literals.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** Pack path of the snapshot every other file is derived from. */
export const SNAPSHOT_PATH = 'snapshot.json';
/** Pack path of the machine-readable findings. */
export const FINDINGS_JSON_PATH = 'findings/findings.json';
/** Pack path of the plain-text guide to the pack. */
export const README_TXT_PATH = 'README.txt';

/** Schema id of `snapshot.json` (the literal type `Snapshot['schema']` pins the same string). */
export const SNAPSHOT_SCHEMA = 'evidence-pack/snapshot@1';
/** Schema id of `findings/findings.json` (a contract: bump on incompatible change). */
export const FINDINGS_SCHEMA = 'evidence-pack/findings@1';

/** Name of the manifest inside the pack. */
export const MANIFEST_PATH = 'manifest.json';
/** Name of the coreutils checksum list inside the pack. */
export const SUMS_PATH = 'SHA256SUMS';
/** JSON description of the signature (algorithm, key, digest, signature). */
export const SIGNATURE_JSON_PATH = 'signature.json';
/** Raw signature bytes over `manifest.json`, for `openssl`. */
export const SIGNATURE_RAW_PATH = 'manifest.json.sig';

/** Files the pack writer generates itself; callers may not supply them. */
export const GENERATED_PATHS: readonly string[] = [
  MANIFEST_PATH,
  SUMS_PATH,
  SIGNATURE_JSON_PATH,
  SIGNATURE_RAW_PATH,
];

/** Files that `manifest.json`'s `files[]` does not list (itself, the sums and the signature over it). */
export const NOT_IN_MANIFEST: ReadonlySet<string> = new Set(GENERATED_PATHS);

/** Lowercase hex SHA-256 of some bytes. */
export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Why a path cannot be stored in a pack, or `null` when it can. Paths are relative, use `/`,
 * have no empty, `.` or `..` segments and no characters that coreutils would escape in a
 * SHA256SUMS line (backslash, CR, LF), so `sha256sum -c` works on every line as written.
 */
export function packPathProblem(path: string): string | null {
  if (path.length === 0) return 'empty path';
  if (path.startsWith('/')) return 'absolute path';
  if (/[\\\r\n\0]/.test(path)) return 'path contains a backslash, newline or NUL';
  // ZIP writers strip a leading "c:"-like prefix; refuse rather than store a different name.
  if (/^\w+:/.test(path)) return 'path starts with a drive-like prefix';
  if (path.split('/').some((seg) => seg === '' || seg === '.' || seg === '..')) {
    return 'path has an empty, "." or ".." segment';
  }
  return null;
}

/** Orders pack paths by their UTF-8 bytes, the order used for ZIP entries, `files[]` and SHA256SUMS. */
export function comparePackPaths(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Lowercase hex SHA-256 of a file, read as a stream (memory stays flat whatever its size). */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
