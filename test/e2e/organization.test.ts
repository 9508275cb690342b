import { existsSync } from 'node:fs';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/server.ts';
import { runCli } from './cli.ts';

let sandbox: RunningSandbox;
let dir: string;

beforeAll(async () => {
  sandbox = await startSandbox();
  dir = await mkdtemp(join(tmpdir(), 'ep-org-'));
  await writeFile(join(dir, 'evidence.config.ts'), `export default { organization: 'Not An Org' };\n`);
});
afterAll(async () => {
  await sandbox.close();
});

describe('run --organization-role', () => {
  it('against an account that is in no organization: exit 2 naming AWSOrganizationsNotInUseException, nothing written', async () => {
    const out = join(dir, 'out');
    const run = await runCli(
      [
        'run',
        '-c',
        join(dir, 'evidence.config.ts'),
        '-o',
        out,
        '--organization-role',
        'EvidencePackReader',
        '--endpoint-url',
        sandbox.url,
        '--no-screenshots',
      ],
      { env: { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1' } },
    );
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/AWSOrganizationsNotInUseException/);
    expect(run.stderr).toMatch(/management account or a delegated administrator/);
    // No pack, no sidecar: at most the marker of an output folder the tool made.
    const written = existsSync(out) ? await readdir(out) : [];
    expect(written.filter((f) => f !== '.evidence-pack-output')).toEqual([]);
  }, 120_000);

  it('refuses a role name IAM would not accept, before any work', async () => {
    const run = await runCli(
      [
        'run',
        '-c',
        join(dir, 'evidence.config.ts'),
        '-o',
        join(dir, 'bad'),
        '--organization-role',
        'no spaces/allowed',
        '--endpoint-url',
        sandbox.url,
      ],
      { env: { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' } },
    );
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/--organization-role/);
  }, 60_000);
});
