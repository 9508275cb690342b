import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.ts';
import { writePack } from '../../src/pack/write-pack.ts';
import {
  RebuildSourceError,
  pathInside,
  readRebuildSource,
  savedConfigOf,
  type RebuildSource,
} from '../../src/pipeline/rebuild.ts';
import { runCli } from '../e2e/cli.ts';
import { craftZip } from '../pack/hostile/craft.ts';
import { FIXED_TIME, PACK_NAME, manifestInput, sampleFiles, tamperPack, tempDir } from '../pack/helpers.ts';

async function packWith(extra: { path: string; content: string }[]): Promise<string> {
  const dir = await tempDir();
  const written = await writePack({
    outDir: dir,
    name: PACK_NAME,
    files: [...sampleFiles(), ...extra],
    manifest: manifestInput(),
    fixedTime: FIXED_TIME,
  });
  return written.zipPath;
}

const snapshot = (runId: string) =>
  JSON.stringify({ schema: 'evidence-pack/snapshot@1', runId, accounts: [] });

describe('pack --from trusts nothing in its source', () => {
  it('refuses a tampered pack (exit 2) and writes nothing', async () => {
    const zip = await packWith([{ path: 'snapshot.json', content: snapshot('20261126T185200Z-0123abcd') }]);
    await tamperPack(zip, (files) =>
      files.set('snapshot.json', Buffer.from(snapshot('20261126T185200Z-ffffffff'))),
    );
    const out = join(await tempDir(), 'rebuilt');
    const run = await runCli(['pack', '--from', zip, '--out', out]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/does not verify; refusing to rebuild from it/);
    expect(run.stderr).toMatch(/\[changed\] snapshot\.json/);
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it('refuses a ZIP with a raw/../../ entry, naming it, before anything is written', async () => {
    const dir = await tempDir();
    const zip = join(dir, 'evil.zip');
    await writeFile(
      zip,
      craftZip([
        { name: 'snapshot.json', data: Buffer.from(snapshot('20261126T185200Z-0123abcd')) },
        { name: 'raw/../../evidence.config.ts', data: Buffer.from('process.exit(42)') },
      ]),
    );
    await expect(readRebuildSource(zip)).rejects.toThrow(RebuildSourceError);
    const run = await runCli(['pack', '--from', zip, '--out', join(dir, 'out')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/raw\/\.\.\/\.\.\/evidence\.config\.ts: .*unsafe name/);
    expect(existsSync(join(dir, 'evidence.config.ts'))).toBe(false);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  }, 60_000);

  it('refuses a verifying pack whose run id could not be a folder name', async () => {
    const zip = await packWith([{ path: 'snapshot.json', content: snapshot('../../../tmp/x') }]);
    await expect(readRebuildSource(zip)).rejects.toThrow(
      /run id "\.\.\/\.\.\/\.\.\/tmp\/x", not one this tool writes/,
    );
  });

  it('writes only inside the work folder', () => {
    expect(pathInside('/w/.work-1', 'raw/a/b.jsonl')).toBe('/w/.work-1/raw/a/b.jsonl');
    expect(() => pathInside('/w/.work-1', 'raw/../../x')).toThrow(/not a safe path/);
    expect(() => pathInside('/w/.work-1', '/etc/passwd')).toThrow(/not a safe path/);
  });

  it('never takes the signing key, logo, templates or browser from the saved config', () => {
    const saved = {
      organization: 'Example',
      sign: { privateKeyFile: '/home/victim/.ssh/id_ed25519' },
      report: { logo: '/etc/shadow', templatesDir: '/tmp/evil-templates' },
      browser: { executablePath: '/tmp/evil.sh' },
    };
    const source: RebuildSource = { snapshot: {} as never, raw: new Map(), savedConfig: saved, sha256: '' };
    const alone = savedConfigOf(source);
    if (!('config' in alone)) throw new Error('expected a config');
    expect(alone.config.organization).toBe('Example');
    expect(alone.config.sign).toBeUndefined();
    expect(alone.config.report.logo).toBeUndefined();
    expect(alone.config.report.templatesDir).toBeUndefined();
    expect(alone.config.browser.executablePath).toBeUndefined();

    const local = validateConfig({ organization: 'Local', browser: { executablePath: '/usr/bin/chromium' } });
    if (!local.ok) throw new Error('bad local config');
    const merged = savedConfigOf(source, local.config);
    if (!('config' in merged)) throw new Error('expected a config');
    expect(merged.config.organization).toBe('Example');
    expect(merged.config.browser.executablePath).toBe('/usr/bin/chromium');
    expect(merged.config.sign).toBeUndefined();
  });
});

describe('pack --from an unzipped pack', () => {
  it('is held to the manifest.json beside snapshot.json', async () => {
    const { mkdir } = await import('node:fs/promises');
    const { sha256Hex } = await import('../../src/pack/pack-paths.ts');
    const dir = await tempDir();
    const snap = snapshot('20261126T185200Z-0123abcd');
    const raw = '{"operation":"ListBuckets"}\n';
    await mkdir(join(dir, 'raw', '111122223333'), { recursive: true });
    await writeFile(join(dir, 'snapshot.json'), snap);
    await writeFile(join(dir, 'raw', '111122223333', 's3.jsonl'), raw);
    const entry = (path: string, text: string) => ({
      path,
      sha256: sha256Hex(text),
      bytes: Buffer.byteLength(text),
    });
    await writeFile(
      join(dir, 'manifest.json'),
      JSON.stringify({ files: [entry('snapshot.json', snap), entry('raw/111122223333/s3.jsonl', raw)] }),
    );
    await expect(readRebuildSource(join(dir, 'snapshot.json'))).resolves.toMatchObject({
      sha256: sha256Hex(snap),
    });
    await writeFile(join(dir, 'raw', '111122223333', 's3.jsonl'), raw.replace('List', 'Lost'));
    const err = await readRebuildSource(join(dir, 'snapshot.json')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RebuildSourceError);
    expect((err as RebuildSourceError).details).toEqual([
      'raw/111122223333/s3.jsonl: content differs from manifest.json',
    ]);
  });
});
