import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseSha256Sums } from './manifest.ts';
import type { FileDigest } from './manifest.ts';
import {
  MANIFEST_PATH,
  NOT_IN_MANIFEST,
  SIGNATURE_JSON_PATH,
  SIGNATURE_RAW_PATH,
  SUMS_PATH,
  comparePackPaths,
  sha256Hex,
} from './pack-paths.ts';
import {
  isSignatureAlgorithm,
  normalizePublicKeyPem,
  publicKeyFingerprint,
  verifySignature,
} from './sign.ts';
import { ZipFormatError, scanZip } from './zip-reader.ts';

/** manifest.json, SHA256SUMS and the signature files are read whole; none is near this size. */
const MAX_KEPT = 64 * 1024 * 1024;

/** Kinds of problem {@link verifyPack} reports. */
export type VerifyProblemKind =
  | 'changed'
  | 'missing'
  | 'extra'
  | 'manifest-sums-mismatch'
  | 'bad-signature'
  | 'missing-signature'
  | 'untrusted-key'
  | 'sidecar-mismatch'
  | 'sidecar-missing'
  | 'unreadable';

/** One thing wrong with a pack. Warnings are reported but do not make the pack fail. */
export interface VerifyProblem {
  kind: VerifyProblemKind;
  severity: 'error' | 'warning';
  path?: string;
  detail: string;
}

/** What was found about the signature. */
export interface SignatureFinding {
  algorithm: string;
  /** The key id `signature.json` claims: a label only, never evidence of who signed. */
  keyId: string;
  /**
   * SHA-256 (hex) of the SPKI DER of the public key embedded in the pack, computed here, or `null`
   * when that key cannot be parsed.
   */
  embeddedKeyFingerprint: string | null;
  /** SHA-256 (hex) of the trusted key's SPKI DER when one was given. */
  trustedKeyFingerprint?: string;
  /**
   * `verified`: valid under the trusted key (or KMS); `bad`: does not verify;
   * `unverified`: consistent with the key carried in the pack, but no trusted key was given.
   */
  status: 'verified' | 'bad' | 'unverified';
  trustedBy: 'public-key' | 'kms' | null;
}

/** Outcome of {@link verifyPack}. `ok` is true when there is no error-level problem. */
export interface VerifyReport {
  ok: boolean;
  zipPath: string;
  /** SHA-256 of the ZIP file itself. */
  zipSha256: string;
  problems: VerifyProblem[];
  /** Files in the ZIP. */
  files: number;
  /** SHA-256 of manifest.json as found, or '' when it is absent. */
  manifestSha256: string;
  signature?: SignatureFinding;
}

/** Options of {@link verifyPack}. */
export interface VerifyOptions {
  /** The trusted signer key (SPKI PEM). Giving one makes a signature required. */
  publicKeyPem?: string;
  /** Fail when the pack is not signed (or no trusted key/KMS verifier is given to check it). */
  requireSignature?: boolean;
  /** Fail when `<zip>.sha256` is missing (otherwise a missing sidecar is a warning). */
  requireSidecar?: boolean;
  /**
   * Verify through KMS (e.g. a `Verify` call with `MessageType: 'DIGEST'`) instead of a local key;
   * receives the SHA-256 of manifest.json. Giving one makes a signature required.
   */
  kmsVerify?: (digest: Buffer, signature: Buffer, algorithm: string) => Promise<boolean>;
}

/**
 * Re-checks a pack and reports every problem found, not just the first: each file against
 * manifest.json and SHA256SUMS (naming the file), files missing or not listed, the two lists
 * disagreeing, the signature over manifest.json (trusting only the key or KMS verifier given,
 * never the key carried inside the pack), and the `<zip>.sha256` sidecar.
 */
export async function verifyPack(zipPath: string, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const problems: VerifyProblem[] = [];
  const add = (
    kind: VerifyProblemKind,
    detail: string,
    path?: string,
    severity: 'error' | 'warning' = 'error',
  ): void => {
    problems.push({ kind, severity, detail, ...(path === undefined ? {} : { path }) });
  };
  const report = (extra: Partial<VerifyReport>): VerifyReport => ({
    ok: !problems.some((p) => p.severity === 'error'),
    zipPath,
    zipSha256,
    problems,
    files: 0,
    manifestSha256: '',
    ...extra,
  });

  let zipSha256 = '';
  try {
    zipSha256 = await hashFile(zipPath);
  } catch (err) {
    add('unreadable', `cannot read the ZIP: ${(err as Error).message}`);
    return report({});
  }
  await checkSidecar(zipPath, zipSha256, opts.requireSidecar === true, add);

  let entries;
  try {
    // Only the small generated files are kept; every other entry is hashed as it streams by.
    entries = await scanZip(zipPath, { keep: (p) => NOT_IN_MANIFEST.has(p), maxKeptEntryBytes: MAX_KEPT });
  } catch (err) {
    if (!(err instanceof ZipFormatError)) throw err;
    add('unreadable', `the ZIP is refused: ${err.reason}`, err.entry);
    return report({});
  }

  // Digest per path; damaged entries are named as changed (their bytes are not what was packed).
  const files = new Map<string, { sha256: string; bytes: number }>();
  const kept = new Map<string, Buffer>();
  const damaged = new Set<string>();
  for (const e of entries) {
    if (e.read.kind === 'corrupt') {
      damaged.add(e.path);
      add('changed', `entry is damaged inside the ZIP: ${e.read.detail}`, e.path);
    } else {
      files.set(e.path, { sha256: e.read.sha256, bytes: e.size });
      if (e.read.data) kept.set(e.path, e.read.data);
    }
  }
  const present = (p: string): boolean => files.has(p) || damaged.has(p);
  const fileCount = files.size + damaged.size;

  const manifestBuf = kept.get(MANIFEST_PATH);
  const manifestSha256 = manifestBuf ? sha256Hex(manifestBuf) : '';
  const listed = readManifestFiles(manifestBuf, damaged.has(MANIFEST_PATH), add);
  const sums = readSums(kept.get(SUMS_PATH), damaged.has(SUMS_PATH), add);

  // Every file against each list that names it.
  const allPaths = new Set<string>([
    ...files.keys(),
    ...damaged,
    ...(listed?.keys() ?? []),
    ...(sums?.keys() ?? []),
  ]);
  for (const path of [...allPaths].sort(comparePackPaths)) {
    const inManifest = listed?.get(path);
    const inSums = sums?.get(path);
    const data = files.get(path);
    if (!present(path)) {
      if (inManifest || inSums) {
        add(
          'missing',
          `listed in ${[inManifest && 'manifest.json', inSums && 'SHA256SUMS'].filter(Boolean).join(' and ')} but not in the ZIP`,
          path,
        );
      }
    } else if (data) {
      const actual = data.sha256;
      const differs: string[] = [];
      if (inManifest && (inManifest.sha256 !== actual || inManifest.bytes !== data.bytes)) {
        differs.push(`manifest.json (${inManifest.sha256.slice(0, 12)}…, ${inManifest.bytes} bytes)`);
      }
      if (inSums && inSums !== actual) differs.push(`SHA256SUMS (${inSums.slice(0, 12)}…)`);
      if (differs.length > 0) {
        add(
          'changed',
          `content (${actual.slice(0, 12)}…, ${data.bytes} bytes) differs from ${differs.join(' and ')}`,
          path,
        );
      }
    }
    if (present(path) && listed && !inManifest && !NOT_IN_MANIFEST.has(path)) {
      add('extra', 'in the ZIP but not listed in manifest.json', path);
    } else if (present(path) && !listed && sums && !inSums && path !== SUMS_PATH) {
      add('extra', 'in the ZIP but not listed in SHA256SUMS', path);
    }
    if (listed && sums) {
      if (inManifest && !inSums)
        add('manifest-sums-mismatch', 'listed in manifest.json but not in SHA256SUMS', path);
      if (inSums && !inManifest && !NOT_IN_MANIFEST.has(path)) {
        add('manifest-sums-mismatch', 'listed in SHA256SUMS but not in manifest.json', path);
      }
      if (inManifest && inSums && inManifest.sha256 !== inSums) {
        add('manifest-sums-mismatch', 'manifest.json and SHA256SUMS record different SHA-256 values', path);
      }
    }
    if (sums && !inSums && present(path) && path !== SUMS_PATH && NOT_IN_MANIFEST.has(path)) {
      add('manifest-sums-mismatch', 'generated file not listed in SHA256SUMS', path);
    }
  }

  const signature = await checkSignature(kept, manifestBuf, opts, add);
  return report({ files: fileCount, manifestSha256, ...(signature ? { signature } : {}) });
}

type AddProblem = (
  kind: VerifyProblemKind,
  detail: string,
  path?: string,
  severity?: 'error' | 'warning',
) => void;

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function checkSidecar(
  zipPath: string,
  zipSha256: string,
  required: boolean,
  add: AddProblem,
): Promise<void> {
  const sidecarPath = `${zipPath}.sha256`;
  let text: string;
  try {
    text = await readFile(sidecarPath, 'utf8');
  } catch {
    add(
      'sidecar-missing',
      `${basename(sidecarPath)} not found next to the ZIP`,
      undefined,
      required ? 'error' : 'warning',
    );
    return;
  }
  const parsed = parseSha256Sums(text);
  const [first] = [...parsed.entries];
  if (!first || parsed.entries.size !== 1 || parsed.badLines.length > 0) {
    add('sidecar-mismatch', `${basename(sidecarPath)} is not one "<sha256>  <file>" line`);
    return;
  }
  const [name, digest] = first;
  if (digest !== zipSha256) {
    add('sidecar-mismatch', `ZIP SHA-256 is ${zipSha256}, ${basename(sidecarPath)} says ${digest}`);
  }
  if (name !== basename(zipPath)) {
    add('sidecar-mismatch', `${basename(sidecarPath)} names "${name}", not "${basename(zipPath)}"`);
  }
}

function readManifestFiles(
  buf: Buffer | undefined,
  damaged: boolean,
  add: AddProblem,
): Map<string, FileDigest> | null {
  if (!buf) {
    if (!damaged) add('missing', 'the pack has no manifest.json', MANIFEST_PATH);
    return null;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(buf.toString('utf8'));
  } catch (err) {
    add('unreadable', `manifest.json is not JSON: ${(err as Error).message}`, MANIFEST_PATH);
    return null;
  }
  const files = (parsed as { files?: unknown }).files;
  if (!Array.isArray(files) || !files.every(isFileDigest)) {
    add('unreadable', 'manifest.json has no valid "files" list of {path, sha256, bytes}', MANIFEST_PATH);
    return null;
  }
  const out = new Map<string, FileDigest>();
  for (const f of files) {
    if (out.has(f.path)) add('unreadable', 'listed more than once in manifest.json', f.path);
    out.set(f.path, f);
  }
  return out;
}

function isFileDigest(v: unknown): v is FileDigest {
  const f = v as Partial<FileDigest> | null;
  return (
    typeof f === 'object' &&
    f !== null &&
    typeof f.path === 'string' &&
    typeof f.sha256 === 'string' &&
    /^[0-9a-f]{64}$/.test(f.sha256) &&
    typeof f.bytes === 'number'
  );
}

function readSums(buf: Buffer | undefined, damaged: boolean, add: AddProblem): Map<string, string> | null {
  if (!buf) {
    if (!damaged) add('missing', 'the pack has no SHA256SUMS', SUMS_PATH);
    return null;
  }
  const parsed = parseSha256Sums(buf.toString('utf8'));
  for (const bad of parsed.badLines) {
    add(
      'unreadable',
      `SHA256SUMS line ${bad.line} is not "<sha256>  <path>": ${JSON.stringify(bad.text)}`,
      SUMS_PATH,
    );
  }
  for (const dup of parsed.duplicates) add('unreadable', 'listed more than once in SHA256SUMS', dup);
  return parsed.entries;
}

interface SignatureJson {
  algorithm: string;
  keyId: string;
  publicKeyPem: string;
  signedSha256: string;
  signatureBase64: string;
}

async function checkSignature(
  files: Map<string, Buffer>,
  manifestBuf: Buffer | undefined,
  opts: VerifyOptions,
  add: AddProblem,
): Promise<SignatureFinding | undefined> {
  const required =
    opts.requireSignature === true || opts.publicKeyPem !== undefined || opts.kmsVerify !== undefined;
  const jsonBuf = files.get(SIGNATURE_JSON_PATH);
  const raw = files.get(SIGNATURE_RAW_PATH);
  if (!jsonBuf && !raw) {
    if (required)
      add('missing-signature', 'a signature is required but the pack has none', SIGNATURE_JSON_PATH);
    return undefined;
  }
  if (!jsonBuf || !raw) {
    const missing = jsonBuf ? SIGNATURE_RAW_PATH : SIGNATURE_JSON_PATH;
    add(
      required ? 'missing-signature' : 'bad-signature',
      `${missing} is missing while the other signature file is present`,
      missing,
    );
    return undefined;
  }
  const sig = parseSignatureJson(jsonBuf);
  if (!sig) {
    add('bad-signature', 'signature.json is not a valid signature description', SIGNATURE_JSON_PATH);
    return undefined;
  }
  const finding: SignatureFinding = {
    algorithm: sig.algorithm,
    keyId: sig.keyId,
    embeddedKeyFingerprint: fingerprintOrNull(sig.publicKeyPem),
    status: 'bad',
    trustedBy: null,
  };
  if (!manifestBuf) return finding; // the missing manifest is already reported

  const digest = createHash('sha256').update(manifestBuf).digest();
  if (sig.signedSha256 !== digest.toString('hex')) {
    add(
      'bad-signature',
      'signature.json was made over a different manifest.json than the one in the pack',
      MANIFEST_PATH,
    );
  }
  if (Buffer.from(sig.signatureBase64, 'base64').compare(raw) !== 0) {
    add(
      'bad-signature',
      'signature.json and manifest.json.sig hold different signatures',
      SIGNATURE_RAW_PATH,
    );
  }
  if (!isSignatureAlgorithm(sig.algorithm)) {
    add('bad-signature', `unknown signature algorithm "${sig.algorithm}"`, SIGNATURE_JSON_PATH);
    return finding;
  }

  if (opts.publicKeyPem !== undefined) {
    finding.trustedBy = opts.kmsVerify ? 'kms' : 'public-key';
    const trusted = fingerprintOrNull(opts.publicKeyPem);
    if (trusted) finding.trustedKeyFingerprint = trusted;
    if (!sameKey(opts.publicKeyPem, sig.publicKeyPem)) {
      add(
        'untrusted-key',
        `the key embedded in the pack (sha256:${finding.embeddedKeyFingerprint ?? 'unparseable'}) is not ` +
          `the trusted key (sha256:${trusted ?? 'unparseable'})`,
        SIGNATURE_JSON_PATH,
      );
    }
    if (verifySignature(sig.algorithm, opts.publicKeyPem, manifestBuf, raw)) finding.status = 'verified';
    else
      add(
        'bad-signature',
        'the signature over manifest.json does not verify under the trusted key',
        SIGNATURE_RAW_PATH,
      );
  } else if (opts.kmsVerify) {
    finding.trustedBy = 'kms';
    if (await opts.kmsVerify(digest, raw, sig.algorithm)) finding.status = 'verified';
    else
      add(
        'bad-signature',
        `KMS does not accept the signature over manifest.json for ${sig.keyId}`,
        SIGNATURE_RAW_PATH,
      );
  } else {
    // No trust anchor: a signature that fails even under its own key still proves tampering.
    if (verifySignature(sig.algorithm, sig.publicKeyPem, manifestBuf, raw)) finding.status = 'unverified';
    else
      add(
        'bad-signature',
        'the signature over manifest.json does not verify (even under the key in the pack)',
        SIGNATURE_RAW_PATH,
      );
    if (required) {
      add(
        'untrusted-key',
        'a signature is required but no trusted public key or KMS verifier was given',
        SIGNATURE_JSON_PATH,
      );
    }
  }
  return finding;
}

function parseSignatureJson(buf: Buffer): SignatureJson | null {
  try {
    const v = JSON.parse(buf.toString('utf8')) as Partial<Record<keyof SignatureJson, unknown>>;
    const keys: (keyof SignatureJson)[] = [
      'algorithm',
      'keyId',
      'publicKeyPem',
      'signedSha256',
      'signatureBase64',
    ];
    return keys.every((k) => typeof v[k] === 'string') ? (v as SignatureJson) : null;
  } catch {
    return null;
  }
}

function fingerprintOrNull(pem: string): string | null {
  try {
    return publicKeyFingerprint(pem);
  } catch {
    return null;
  }
}

function sameKey(a: string, b: string): boolean {
  try {
    return normalizePublicKeyPem(a) === normalizePublicKeyPem(b);
  } catch {
    return false;
  }
}

/** A human-readable account of a {@link VerifyReport}, one problem per line. */
export function formatVerifyReport(report: VerifyReport): string {
  const lines: string[] = [];
  lines.push(`${report.ok ? 'OK' : 'FAILED'}: ${report.zipPath}`);
  lines.push(`  ZIP sha256:       ${report.zipSha256 || '(unreadable)'}`);
  lines.push(`  files:            ${report.files}`);
  lines.push(`  manifest sha256:  ${report.manifestSha256 || '(none)'}`);
  if (report.signature) {
    const s = report.signature;
    const embedded = `embedded key sha256:${s.embeddedKeyFingerprint ?? '(unparseable)'}`;
    if (s.status === 'verified') {
      const by = s.trustedBy === 'kms' ? 'by KMS' : 'with the trusted public key';
      lines.push(
        `  signature:        ${s.algorithm}, verified (${by}, sha256:${s.trustedKeyFingerprint ?? '?'})`,
      );
    } else if (s.status === 'unverified') {
      lines.push('  signature:        present, NOT verified (no trusted key given)');
      lines.push(
        `                    ${s.algorithm}, ${embedded}; pass --public-key or --kms-key-id to check it`,
      );
    } else {
      lines.push(`  signature:        INVALID (${s.algorithm}, ${embedded})`);
    }
    lines.push(`  claimed key id:   ${s.keyId} (a label in signature.json, not proof of the signer)`);
  } else {
    lines.push('  signature:        none');
  }
  const errors = report.problems.filter((p) => p.severity === 'error');
  const warnings = report.problems.filter((p) => p.severity === 'warning');
  if (errors.length > 0) lines.push(`${errors.length} problem${errors.length === 1 ? '' : 's'}:`);
  for (const p of errors) lines.push(`  [${p.kind}] ${p.path ? `${p.path}: ` : ''}${p.detail}`);
  if (warnings.length > 0) lines.push(`${warnings.length} warning${warnings.length === 1 ? '' : 's'}:`);
  for (const p of warnings) lines.push(`  [${p.kind}] ${p.path ? `${p.path}: ` : ''}${p.detail}`);
  return `${lines.join('\n')}\n`;
}
