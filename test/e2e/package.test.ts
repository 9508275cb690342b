import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NPM_ENV = { ...process.env, CI: 'true', npm_config_audit: 'false', npm_config_fund: 'false' };

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function sh(cmd: string, args: string[], cwd: string): Promise<Run> {
  try {
    const { stdout, stderr } = await exec(cmd, args, { cwd, env: NPM_ENV, maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/**
 * What a user does: pack the package, install the tarball into an empty folder (offline, from the
 * npm cache), `init`, then `demo` with that config and `verify` the pack — using only what the
 * tarball ships (compiled JavaScript, templates), with the config importing from 'evidence-pack'.
 */
describe('the packed package, installed into an empty folder', () => {
  let app: string;
  let shipped: string[];
  let install: Run;

  beforeAll(async () => {
    const dest = await mkdtemp(join(tmpdir(), 'ep-tarball-'));
    // dist/ is fresh (the test setup builds it); --ignore-scripts keeps `prepare` from rebuilding it
    // under the feet of tests running in parallel.
    const packed = await sh('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dest], ROOT);
    expect(packed.code, packed.stderr).toBe(0);
    const [info] = JSON.parse(packed.stdout) as [{ filename: string; files: { path: string }[] }];
    shipped = info.files.map((f) => f.path);
    app = await mkdtemp(join(tmpdir(), 'ep-app-'));
    install = await sh(
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--no-fund', join(dest, info.filename)],
      app,
    );
    expect(install.code, install.stderr).toBe(0);
  }, 240_000);

  it('ships the compiled program, the templates, README and LICENSE, and no sources or tests', () => {
    for (const f of ['bin/evidence-pack.js', 'dist/cli/main.js', 'dist/index.js', 'dist/index.d.ts']) {
      expect(shipped, f).toContain(f);
    }
    expect(shipped).toContain('templates/report.hbs');
    expect(shipped).toContain('README.md');
    expect(shipped).toContain('LICENSE');
    expect(shipped).toContain('SECURITY.md');
    expect(
      shipped.filter((f) => /^(src|test|examples)\//.test(f) || (f.endsWith('.ts') && !f.endsWith('.d.ts'))),
    ).toEqual([]);
  });

  it('installs without any dependency asking to run an install script, and without a TypeScript loader', async () => {
    expect(install.stderr).not.toMatch(/install-scripts|postinstall/);
    const installed = await readdir(join(app, 'node_modules'));
    for (const absent of ['tsx', 'esbuild', 'playwright', 'yazl'])
      expect(installed, absent).not.toContain(absent);
  });

  it('init, demo with that config, verify: all from the installed bin', async () => {
    const init = await sh(
      'npx',
      ['--no', 'evidence-pack', 'init', '--organization', 'Tarball Test Org'],
      app,
    );
    expect(init.code, init.stderr).toBe(0);
    const config = await readFile(join(app, 'evidence.config.ts'), 'utf8');
    expect(config).toMatch(/^import \{ defineConfig \} from 'evidence-pack';/);
    // "Edit": what a user does next, e.g. scope the regions.
    await writeFile(
      join(app, 'evidence.config.ts'),
      config.replace(
        "// regions: ['us-east-1', 'eu-west-1'],",
        "regions: ['us-east-1', 'eu-west-1', 'us-west-2'],",
      ),
    );
    const policy = JSON.parse(await readFile(join(app, 'evidence-pack-policy.json'), 'utf8')) as {
      Statement: { Action: string | string[] }[];
    };
    expect(policy.Statement[0]?.Action).toContain('s3:GetEncryptionConfiguration');

    const demo = await sh(
      'npx',
      [
        '--no',
        'evidence-pack',
        'demo',
        '--config',
        'evidence.config.ts',
        '--no-screenshots',
        '--out',
        'out',
        '--json',
      ],
      app,
    );
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stderr).not.toMatch(/NodeVersionSupportWarning|ExperimentalWarning/);
    const summary = JSON.parse(demo.stdout) as { pack: string };
    expect(summary.pack).toMatch(/\/out\/evidence-pack_tarball-test-org_\d{8}T\d{6}Z\.zip$/);

    const verify = await sh('npx', ['--no', 'evidence-pack', 'verify', summary.pack], app);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  }, 240_000);

  it('exports the sandbox for tests of your own tooling: evidence-pack/sandbox', async () => {
    const script =
      "const { startSandbox } = await import('evidence-pack/sandbox');" +
      "const s = await startSandbox({ scenario: 'demo' });" +
      "const r = await fetch(new URL('/_sandbox/health', s.url));" +
      'console.log(r.status); await s.close();';
    const run = await sh(process.execPath, ['--input-type=module', '-e', script], app);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe('200');
    expect(shipped).toContain('dist/sandbox/index.d.ts');
  }, 60_000);
});
