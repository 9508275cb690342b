import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { leastPrivilegePolicy } from '../../src/collect/iam-policy.ts';
import { loadConfig } from '../../src/config/load.ts';
import { runCli } from './cli.ts';

// Inside the repository (in the ignored .tmp/), so the written config's `from 'evidence-pack'`
// resolves to this package, as it does in a user's folder with the package installed.
const TMP = fileURLToPath(new URL('../../.tmp/', import.meta.url));

describe('evidence-pack init', () => {
  it('writes a config that loads and validates, and the generated policy, asking nothing off a terminal', async () => {
    await mkdir(TMP, { recursive: true });
    const dir = await mkdtemp(join(TMP, 'init-'));
    const run = await runCli(['init', '--dir', dir]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(''); // no prompt: stdin is not a terminal
    expect(run.stderr).toMatch(/set "organization" in evidence\.config\.ts/);

    const config = await readFile(join(dir, 'evidence.config.ts'), 'utf8');
    expect(config).toMatch(/^import \{ defineConfig \} from 'evidence-pack';/);
    const load = await loadConfig(join(dir, 'evidence.config.ts'));
    expect(load.ok, load.ok ? '' : load.errors.join('\n')).toBe(true);

    const policy = JSON.parse(await readFile(join(dir, 'evidence-pack-policy.json'), 'utf8')) as unknown;
    expect(policy).toEqual(leastPrivilegePolicy());
  });

  it('refuses to overwrite either file, and writes nothing then', async () => {
    await mkdir(TMP, { recursive: true });
    const dir = await mkdtemp(join(TMP, 'init-'));
    await writeFile(join(dir, 'evidence-pack-policy.json'), 'mine\n');
    const run = await runCli(['init', '--dir', dir, '--organization', 'Acme']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/not overwriting .*evidence-pack-policy\.json/);
    expect(await readFile(join(dir, 'evidence-pack-policy.json'), 'utf8')).toBe('mine\n');
    await expect(readFile(join(dir, 'evidence.config.ts'))).rejects.toThrow(/ENOENT/);
  });
});
