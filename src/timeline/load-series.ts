import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { loadPackForDiff } from '../diff/load-pack.ts';
import { verifyPack } from '../pack/verify.ts';
import type { TimelineSource } from './build-timeline.ts';

/** Why a series could not be read: `usage` (missing, not a pack) or `verify` (a pack fails verify). */
export type SeriesProblem = { kind: 'usage' | 'verify'; message: string; details: string[] };

/** The packs of a series, verified and read, or the first kind of problem with every instance. */
export type LoadedSeries = { ok: true; sources: TimelineSource[] } | { ok: false; problem: SeriesProblem };

/** Every `*.zip` under a folder, recursively (CI artifact downloads nest each pack in a folder). */
async function zipsUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await zipsUnder(path)));
    else if (entry.isFile() && entry.name.endsWith('.zip') && !entry.name.startsWith('.')) out.push(path);
  }
  return out.sort();
}

/** The pack files named by the arguments: files as given, folders expanded to the ZIPs inside. */
export async function expandInputs(
  inputs: readonly string[],
): Promise<{ files: string[]; missing: string[] }> {
  const files: string[] = [];
  const missing: string[] = [];
  for (const input of inputs) {
    const info = await stat(input).catch(() => undefined);
    if (!info) missing.push(`${input}: no such file or folder`);
    else if (info.isDirectory()) files.push(...(await zipsUnder(input)));
    else files.push(input);
  }
  return { files, missing };
}

/**
 * Verifies every pack (each file against manifest.json and SHA256SUMS, the sidecar, the signature
 * when present) and reads its snapshot and findings. Nothing is used from a pack that does not
 * verify: one failing pack refuses the whole series, naming it and what is wrong.
 */
export async function loadSeries(inputs: readonly string[]): Promise<LoadedSeries> {
  const { files, missing } = await expandInputs(inputs);
  if (missing.length > 0)
    return { ok: false, problem: { kind: 'usage', message: 'cannot build a timeline', details: missing } };
  if (files.length < 2)
    return {
      ok: false,
      problem: {
        kind: 'usage',
        message: `a timeline needs at least two packs; found ${files.length}`,
        details: inputs.map((i) => `looked in ${i}`),
      },
    };
  const loaded = await Promise.all(
    files.map(async (file) => ({ file, pack: await loadPackForDiff(file), report: await verifyPack(file) })),
  );
  const unreadable = loaded.flatMap((l) => (l.pack.ok ? [] : [l.pack.problem]));
  if (unreadable.length > 0)
    return {
      ok: false,
      problem: { kind: 'usage', message: 'not every input is a readable evidence pack', details: unreadable },
    };
  const failing = loaded.filter((l) => !l.report.ok);
  if (failing.length > 0)
    return {
      ok: false,
      problem: {
        kind: 'verify',
        message: `refused: ${failing.length} pack(s) do not verify, nothing was written`,
        details: failing.flatMap((l) =>
          l.report.problems
            .filter((p) => p.severity === 'error')
            .map((p) => `${l.file}: ${p.path ? `${p.path}: ` : ''}${p.detail}`),
        ),
      },
    };
  const bySha = new Map<string, string>();
  const duplicates: string[] = [];
  for (const l of loaded) {
    const seen = bySha.get(l.report.zipSha256);
    if (seen) duplicates.push(`${l.file} is the same pack as ${seen}`);
    else bySha.set(l.report.zipSha256, l.file);
  }
  if (duplicates.length > 0)
    return { ok: false, problem: { kind: 'usage', message: 'a pack is given twice', details: duplicates } };

  const sources = loaded.map(({ file, pack, report }): TimelineSource => {
    if (!pack.ok) throw new Error('unreachable: unreadable packs were refused above');
    const { snapshot, findings } = pack.pack;
    return {
      file: basename(file),
      sha256: report.zipSha256,
      manifestSha256: report.manifestSha256,
      runId: snapshot.runId,
      collectedAt: snapshot.collection.startedAt,
      accounts: snapshot.accounts.map((a) => a.accountId),
      regions: [...new Set(snapshot.accounts.flatMap((a) => a.regions))].sort(),
      criteria: [
        ...new Set(findings.results.flatMap((r) => (r as { criteria?: string[] }).criteria ?? [])),
      ].sort(),
      sandbox: snapshot.sandbox,
      signature: !report.signature
        ? 'unsigned'
        : report.signature.status === 'verified'
          ? 'verified'
          : 'unverified',
      results: findings.results,
    };
  });
  return { ok: true, sources };
}
