import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PackFile } from '../../src/pack/assemble.ts';
import { digestContent } from '../../src/pack/file-source.ts';
import { sha256Hex } from '../../src/pack/pack-paths.ts';
import { verifyPack } from '../../src/pack/verify.ts';
import { writePack } from '../../src/pack/write-pack.ts';
import { readPackEntries } from '../../src/pack/zip-reader.ts';
import { FIXED_TIME, manifestInput, PACK_NAME, sampleFiles, tempDir } from './helpers.ts';

/** Raw records as a tool run writes them: a large multi-chunk file, a small one and an empty one. */
function rawFiles(): { path: string; content: Buffer }[] {
  const line = (i: number) => `{"id":"s3-eu-west-1-${i}","noise":"${randomBytes(24).toString('hex')}"}\n`;
  return [
    {
      path: 'raw/111122223333/s3/us-east-1.jsonl',
      content: Buffer.from(Array.from({ length: 20_000 }, (_, i) => line(i)).join('')),
    },
    { path: 'raw/111122223333/kms/eu-west-1.jsonl', content: Buffer.from(line(1)) },
    { path: 'raw/111122223333/sts/us-east-1.jsonl', content: Buffer.alloc(0) },
  ];
}

describe('file-backed pack entries', () => {
  it('give the same ZIP bytes, manifest and sums as the same content in memory', async () => {
    const raw = rawFiles();
    expect(raw[0]!.content.length).toBeGreaterThan(1_000_000);
    const staging = await tempDir();
    const onDisk: PackFile[] = [];
    for (const f of raw) {
      const file = join(staging, f.path.replaceAll('/', '_'));
      await writeFile(file, f.content);
      onDisk.push({ path: f.path, content: { file } });
    }
    const write = async (files: PackFile[]) =>
      writePack({
        outDir: await tempDir(),
        name: PACK_NAME,
        files,
        manifest: manifestInput(),
        fixedTime: FIXED_TIME,
      });

    const inMemory = await write([...sampleFiles(), ...raw]);
    const streamed = await write([...sampleFiles(), ...onDisk]);
    expect(streamed.sha256).toBe(inMemory.sha256);
    expect(await readFile(streamed.zipPath)).toEqual(await readFile(inMemory.zipPath));

    const entries = await readPackEntries(streamed.zipPath);
    for (const f of raw) expect(entries.get(f.path)).toEqual(f.content);
    const report = await verifyPack(streamed.zipPath);
    expect(report.ok).toBe(true);
  });

  it('digests a file by streaming exactly as its bytes', async () => {
    const dir = await tempDir();
    const content = randomBytes(300_000);
    await writeFile(join(dir, 'x.bin'), content);
    expect(await digestContent({ file: join(dir, 'x.bin') })).toEqual({
      sha256: sha256Hex(content),
      bytes: content.length,
    });
    expect(await digestContent('héllo')).toEqual({ sha256: sha256Hex(Buffer.from('héllo')), bytes: 6 });
  });
});
