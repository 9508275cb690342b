import { open, stat } from 'node:fs/promises';
import { readPackEntries } from '../pack/zip-reader.ts';
import { FINDINGS_JSON_PATH, FINDINGS_SCHEMA, SNAPSHOT_PATH, SNAPSHOT_SCHEMA } from '../pack/pack-paths.ts';
import type { Snapshot } from '../snapshot/model.ts';
import type { PackContents, PackFindings } from './types.ts';

/** A pack read for diffing, or why it cannot be. */
export type LoadedPack = { ok: true; pack: PackContents } | { ok: false; problem: string };

function parseJson(
  data: Buffer | undefined,
  path: string,
): { ok: true; value: unknown } | { ok: false; problem: string } {
  if (!data) return { ok: false, problem: `it has no ${path}` };
  try {
    return { ok: true, value: JSON.parse(data.toString('utf8')) };
  } catch (err) {
    return { ok: false, problem: `its ${path} is not valid JSON (${(err as Error).message})` };
  }
}

function hasSchema(value: unknown, schema: string): boolean {
  return typeof value === 'object' && value !== null && (value as { schema?: unknown }).schema === schema;
}

/**
 * Read `snapshot.json` and `findings/findings.json` from a pack ZIP. Only the schema ids are
 * checked: a pack with the right schemas was written by this tool and has the documented shape.
 */
export async function loadPackForDiff(zipPath: string): Promise<LoadedPack> {
  const info = await stat(zipPath).catch(() => undefined);
  if (!info?.isFile()) return { ok: false, problem: `${zipPath}: no such file` };
  let entries: Map<string, Buffer>;
  try {
    // Every entry is checked and hashed by the strict reader; only the two documents are kept.
    entries = await readPackEntries(zipPath, {
      only: (p) => p === SNAPSHOT_PATH || p === FINDINGS_JSON_PATH,
    });
  } catch (err) {
    // Also the answer for a non-ZIP file: the reader finds no end record.
    const head = await readHead(zipPath);
    const what = head === 'PK' ? 'a damaged or refused ZIP' : 'not a ZIP';
    return { ok: false, problem: `${zipPath}: ${what} (${(err as Error).message})` };
  }
  const snapshot = parseJson(entries.get(SNAPSHOT_PATH), SNAPSHOT_PATH);
  if (!snapshot.ok) return { ok: false, problem: `${zipPath}: not an evidence pack: ${snapshot.problem}` };
  const findings = parseJson(entries.get(FINDINGS_JSON_PATH), FINDINGS_JSON_PATH);
  if (!findings.ok) return { ok: false, problem: `${zipPath}: not an evidence pack: ${findings.problem}` };
  if (!hasSchema(snapshot.value, SNAPSHOT_SCHEMA)) {
    return { ok: false, problem: `${zipPath}: ${SNAPSHOT_PATH} is not ${SNAPSHOT_SCHEMA}` };
  }
  if (!hasSchema(findings.value, FINDINGS_SCHEMA)) {
    return { ok: false, problem: `${zipPath}: ${FINDINGS_JSON_PATH} is not ${FINDINGS_SCHEMA}` };
  }
  return {
    ok: true,
    pack: { snapshot: snapshot.value as Snapshot, findings: findings.value as PackFindings },
  };
}

async function readHead(path: string): Promise<string> {
  const fh = await open(path, 'r').catch(() => undefined);
  if (!fh) return '';
  try {
    const buf = Buffer.alloc(2);
    const { bytesRead } = await fh.read(buf, 0, 2, 0);
    return buf.subarray(0, bytesRead).toString('latin1');
  } finally {
    await fh.close();
  }
}
