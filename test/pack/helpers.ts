import type { PackReadmeInfo } from '../../src/render/readme-txt.ts';
import { createWriteStream } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import type { ManifestInput } from '../../src/pack/manifest.ts';
import type { PackFile } from '../../src/pack/assemble.ts';
import { sha256Hex } from '../../src/pack/pack-paths.ts';
import { readPackEntries } from '../../src/pack/zip-reader.ts';
import { writeDeterministicZip } from '../../src/pack/zip-writer.ts';

export const FIXED_TIME = new Date('2026-11-26T18:52:00Z');
export const PACK_NAME = 'evidence-pack_111122223333_20261126T185200Z';

export function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'evidence-pack-test-'));
}

export function manifestInput(overrides: Partial<ManifestInput> = {}): ManifestInput {
  return {
    tool: { name: 'evidence-pack', version: '0.1.0' },
    runId: 'run-0001',
    collection: { startedAt: '2026-11-26T18:50:00Z', finishedAt: '2026-11-26T18:52:00Z' },
    callerIdentityArn: 'arn:aws:sts::111122223333:assumed-role/Auditor/session',
    accounts: ['111122223333'],
    regions: ['eu-west-1', 'us-east-1'],
    criteria: ['CC6.6', 'CC7.2'],
    configDigest: 'sha256:' + '0'.repeat(64),
    sandbox: false,
    extra: { report: { renderer: 'chromium' } },
    ...overrides,
  };
}

/** The run facts README.txt adds to the manifest's: operator, command line, digests, time window. */
export function readmeRunFacts(): Pick<PackReadmeInfo, 'provenance' | 'evidenceDigest'> {
  return {
    provenance: {
      operator: { kind: 'local', user: 'auditor', host: 'build-01' },
      operatorLabel: 'auditor@build-01',
      commandLine: 'evidence-pack run --profile audit',
      codeDigest: 'sha256:' + '1'.repeat(64),
      codeFiles: 250,
      times: {
        collection: { startedAt: '2026-11-26T18:50:00Z', finishedAt: '2026-11-26T18:52:00Z' },
        capture: { startedAt: '2026-11-26T18:52:01Z', finishedAt: '2026-11-26T18:52:30Z' },
        render: { startedAt: '2026-11-26T18:52:31Z', finishedAt: '2026-11-26T18:52:40Z' },
      },
    },
    evidenceDigest: '2'.repeat(64),
  };
}

export function sampleFiles(): (PackFile & { content: Buffer | string })[] {
  return [
    { path: 'README.txt', content: 'read me\n' },
    { path: 'report.pdf', content: Buffer.from('%PDF-1.7 fake report bytes\n') },
    { path: 'findings/findings.json', content: '{\n  "results": []\n}\n' },
    { path: 'findings/findings.csv', content: 'checkId,status\n' },
    { path: 'inventory/buckets.csv', content: 'bucket,region\nlogs,eu-west-1\n' },
    { path: 'raw/111122223333/s3/eu-west-1.jsonl', content: '{"operation":"ListBuckets"}\n'.repeat(50) },
  ];
}

/** Whether a command-line tool is on PATH. */
export function hasTool(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
}

/**
 * Rewrites a pack the way a tamperer would (unzip, edit, re-zip), then refreshes the sidecar
 * so that only the intended change is visible to verify.
 */
export async function tamperPack(zipPath: string, edit: (files: Map<string, Buffer>) => void): Promise<void> {
  const files = await readPackEntries(zipPath);
  edit(files);
  const entries = [...files].map(([path, content]) => ({ path, content }));
  await writeDeterministicZip(entries, createWriteStream(zipPath), { fixedTime: FIXED_TIME });
  await refreshSidecar(zipPath);
}

export async function refreshSidecar(zipPath: string): Promise<void> {
  const { readFile } = await import('node:fs/promises');
  const name = zipPath.split('/').pop() ?? '';
  await writeFile(`${zipPath}.sha256`, `${sha256Hex(await readFile(zipPath))}  ${name}\n`);
}

/** Recomputes SHA256SUMS from the files as they are, like a careful tamperer would. */
export function recomputeSums(files: Map<string, Buffer>): void {
  const lines = [...files.keys()]
    .filter((p) => p !== 'SHA256SUMS')
    .sort()
    .map((p) => `${sha256Hex(files.get(p) ?? Buffer.alloc(0))}  ${p}\n`);
  files.set('SHA256SUMS', Buffer.from(lines.join('')));
}

/** XORs one byte of a buffer in place (throws when `at` is out of range). */
export function flipByte(buf: Buffer, at: number, mask = 0xff): void {
  buf.writeUInt8(buf.readUInt8(at) ^ mask, at);
}
