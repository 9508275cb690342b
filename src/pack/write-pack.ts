import { createWriteStream } from 'node:fs';
import { link, lstat, mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { assemblePack } from './assemble.ts';
import type { PackFile } from './assemble.ts';
import type { ManifestInput } from './manifest.ts';
import { isProcessAlive } from './process-alive.ts';
import type { Signer } from './sign.ts';
import { writeDeterministicZip } from './zip-writer.ts';

/** Marker file of an output folder the tool created (see `prepareOutputDir`). */
export const OUTPUT_MARKER = '.evidence-pack-output';

/** Input of {@link writePack}. */
export interface WritePackInput {
  outDir: string;
  /** Pack name without `.zip`, e.g. `evidence-pack_111122223333_20261126T185200Z`. */
  name: string;
  /** The caller's files, README.txt included; manifest.json, SHA256SUMS and signatures are added. */
  files: PackFile[];
  manifest: ManifestInput;
  /** Entry time of every ZIP entry and the default `generatedAt`: the collection time. */
  fixedTime: Date;
  signer?: Signer;
  /** Deflate level (default 6). Tests use 0 to make large packs quickly. */
  compressionLevel?: number;
}

/** Where the pack went and what it is. */
export interface WrittenPack {
  zipPath: string;
  sidecarPath: string;
  /** SHA-256 of the ZIP, as in the sidecar. */
  sha256: string;
  bytes: number;
  /** Entries in the ZIP, generated files included. */
  fileCount: number;
}

/** A pack with this name already exists in the output directory; nothing was written. */
export class PackExistsError extends Error {
  override name = 'PackExistsError';
}

const PARTIAL = /^\..+\.partial-(\d+)$/;

/** `evidence-pack_<subject>_<YYYYMMDDTHHMMSSZ>` for an account id (or org label) and a time. */
export function packName(subject: string, time: Date): string {
  const stamp = time
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
  return `evidence-pack_${subject}_${stamp}`;
}

/**
 * Writes `<outDir>/<name>.zip` and its sidecar `<name>.zip.sha256` atomically.
 *
 * Both are first written and fsynced under hidden temp names (`.<file>.partial-<pid>`); then the
 * sidecar is moved into place and the ZIP last, with a hard link that refuses to replace an
 * existing file. So a `<name>.zip` only ever exists complete, with its sidecar already beside it;
 * a run killed at any point leaves only `.partial-<pid>` files (removed by the next run once that
 * pid is gone) or, at worst, a sidecar without its ZIP (replaced by the next write of that name).
 *
 * @throws PackExistsError when `<name>.zip` already exists.
 */
export async function writePack(input: WritePackInput): Promise<WrittenPack> {
  const name = validName(input.name);
  const zipPath = join(input.outDir, `${name}.zip`);
  const sidecarPath = `${zipPath}.sha256`;
  await mkdir(input.outDir, { recursive: true });
  await removeStalePartials(input.outDir);
  if (await exists(zipPath)) throw new PackExistsError(`${zipPath} already exists; refusing to overwrite it`);

  const pack = await assemblePack(input.files, input.manifest, input.fixedTime, input.signer);
  const zipTemp = partialName(zipPath);
  const sidecarTemp = partialName(sidecarPath);
  try {
    const out = createWriteStream(zipTemp, { flags: 'wx' });
    const zip = await writeDeterministicZip(pack.entries, out, {
      fixedTime: input.fixedTime,
      ...(input.compressionLevel === undefined ? {} : { level: input.compressionLevel }),
    });
    await fsyncFile(zipTemp);
    await writeSynced(sidecarTemp, `${zip.sha256}  ${basename(zipPath)}\n`);

    if (await exists(zipPath))
      throw new PackExistsError(`${zipPath} appeared while writing; refusing to overwrite it`);
    await rename(sidecarTemp, sidecarPath);
    await placeWithoutOverwrite(zipTemp, zipPath);
    await fsyncDir(input.outDir);
    return { zipPath, sidecarPath, sha256: zip.sha256, bytes: zip.bytes, fileCount: pack.entries.length };
  } finally {
    await Promise.all([zipTemp, sidecarTemp].map((p) => unlink(p).catch(() => undefined)));
  }
}

/**
 * Deletes `.…partial-<pid>` files in `dir` left by runs that are no longer alive, only when `dir`
 * is an output folder the tool created (it holds {@link OUTPUT_MARKER}): elsewhere such names
 * may be someone else's. Files of live processes (including this one) are left alone.
 */
export async function removeStalePartials(dir: string): Promise<string[]> {
  const removed: string[] = [];
  const marked = await lstat(join(dir, OUTPUT_MARKER)).then(
    (s) => s.isFile(),
    () => false,
  );
  if (!marked) return removed;
  for (const entry of await readdir(dir)) {
    const pid = Number(PARTIAL.exec(entry)?.[1]);
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || isProcessAlive(pid)) continue;
    await unlink(join(dir, entry)).then(
      () => removed.push(entry),
      () => undefined,
    );
  }
  return removed;
}

function validName(raw: string): string {
  const name = raw.endsWith('.zip') ? raw.slice(0, -4) : raw;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
    throw new Error(
      `invalid pack name "${raw}": use letters, digits, ".", "_" and "-", not starting with "."`,
    );
  }
  return name;
}

function partialName(finalPath: string): string {
  return join(finalPath, '..', `.${basename(finalPath)}.partial-${process.pid}`);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return false;
      throw err;
    },
  );
}

async function fsyncFile(path: string): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function writeSynced(path: string, text: string): Promise<void> {
  const fh = await open(path, 'wx');
  try {
    await fh.writeFile(text, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Moves `from` to `to` unless `to` exists: a hard link fails with EEXIST, unlike rename. */
async function placeWithoutOverwrite(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST')
      throw new PackExistsError(`${to} appeared while writing; refusing to overwrite it`);
    // Filesystems without hard links: fall back to rename after a last check.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EOPNOTSUPP') throw err;
    if (await exists(to)) throw new PackExistsError(`${to} appeared while writing; refusing to overwrite it`);
    await rename(from, to);
    return;
  }
  await unlink(from);
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } catch {
    // Some platforms cannot fsync a directory; the files themselves are already synced.
  } finally {
    await fh.close();
  }
}
