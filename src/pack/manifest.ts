import { canonicalJsonBytes } from './canonical-json.ts';
import { comparePackPaths, sha256Hex } from './pack-paths.ts';

/** Schema id of `manifest.json`; bump it on any incompatible change. */
export const MANIFEST_SCHEMA = 'evidence-pack/manifest@1';

/** What the caller knows about the run; the pack adds `schema` and `files`. */
export interface ManifestInput {
  tool: { name: string; version: string };
  runId: string;
  /** ISO-8601; defaults to the pack's fixed time so two packs of one snapshot are identical. */
  generatedAt?: string;
  collection: { startedAt: string; finishedAt: string };
  /** ARN of the identity that collected the data; `null` when it could not be read. */
  callerIdentityArn: string | null;
  accounts: string[];
  regions: string[];
  /** SOC 2 criteria covered, e.g. `["CC6.6", "CC7.2"]`. */
  criteria: string[];
  /** `sha256:<hex>` (or any stable digest string) of the effective configuration. */
  configDigest: string;
  /** True when the data came from the bundled sandbox rather than AWS. */
  sandbox: boolean;
  /**
   * Anything else the run wants on record (renderer used and why, screenshot list…), merged
   * verbatim at the top level of the manifest. Keys may not collide with the fields above.
   */
  extra?: Record<string, unknown>;
}

/** One file as listed in `manifest.json` and SHA256SUMS. */
export interface FileDigest {
  path: string;
  sha256: string;
  bytes: number;
}

/** The parsed shape of `manifest.json` as written by {@link buildManifest}. */
export interface Manifest extends Omit<ManifestInput, 'extra' | 'generatedAt'> {
  schema: typeof MANIFEST_SCHEMA;
  generatedAt: string;
  files: FileDigest[];
  [extra: string]: unknown;
}

const RESERVED_KEYS: ReadonlySet<string> = new Set([
  'schema',
  'tool',
  'runId',
  'generatedAt',
  'collection',
  'callerIdentityArn',
  'accounts',
  'regions',
  'criteria',
  'configDigest',
  'sandbox',
  'files',
]);

/** Digest of one file's bytes. */
export function digestFile(path: string, content: Buffer): FileDigest {
  return { path, sha256: sha256Hex(content), bytes: content.length };
}

/**
 * Builds the manifest object. `files` must already exclude manifest.json, SHA256SUMS and the
 * signature files; they are listed in pack path order whatever order they come in.
 *
 * @throws Error when `extra` uses a key reserved for the manifest's own fields.
 */
export function buildManifest(input: ManifestInput, files: readonly FileDigest[], fixedTime: Date): Manifest {
  const { extra = {}, generatedAt, ...known } = input;
  const clashes = Object.keys(extra).filter((k) => RESERVED_KEYS.has(k));
  if (clashes.length > 0) {
    throw new Error(`manifest extra uses reserved key(s): ${clashes.join(', ')}`);
  }
  return {
    ...extra,
    ...known,
    schema: MANIFEST_SCHEMA,
    generatedAt: generatedAt ?? fixedTime.toISOString(),
    files: [...files].sort((a, b) => comparePackPaths(a.path, b.path)),
  };
}

/** `manifest.json` bytes (canonical JSON). */
export function manifestBytes(manifest: Manifest): Buffer {
  return canonicalJsonBytes(manifest);
}

/** Renders SHA256SUMS in coreutils format (`<hex>  <path>\n`), sorted by path. */
export function renderSha256Sums(files: readonly Pick<FileDigest, 'path' | 'sha256'>[]): string {
  return [...files]
    .sort((a, b) => comparePackPaths(a.path, b.path))
    .map((f) => `${f.sha256}  ${f.path}\n`)
    .join('');
}

/** A SHA256SUMS parse: entries by path, plus lines that could not be understood. */
export interface ParsedSums {
  entries: Map<string, string>;
  badLines: { line: number; text: string }[];
  duplicates: string[];
}

const SUMS_LINE = /^([0-9a-f]{64}) [ *](.+)$/;

/** Parses coreutils SHA256SUMS text (text or binary mode marker). */
export function parseSha256Sums(text: string): ParsedSums {
  const entries = new Map<string, string>();
  const badLines: ParsedSums['badLines'] = [];
  const duplicates: string[] = [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  lines.forEach((line, i) => {
    const m = SUMS_LINE.exec(line);
    if (!m || m[1] === undefined || m[2] === undefined) {
      badLines.push({ line: i + 1, text: line });
      return;
    }
    if (entries.has(m[2])) duplicates.push(m[2]);
    entries.set(m[2], m[1]);
  });
  return { entries, badLines, duplicates };
}
