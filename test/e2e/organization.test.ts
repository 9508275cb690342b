import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
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
  const notInOrg = (out: string) =>
    runCli(
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

  it('against an account that is in no organization: exit 2 naming AWSOrganizationsNotInUseException, nothing written', async () => {
    const run = await notInOrg(join(dir, 'out', 'q4'));
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/AWSOrganizationsNotInUseException/);
    expect(run.stderr).toMatch(/management account or a delegated administrator/);
    expect(run.stderr).toMatch(/nothing was written/);
    // Not even the output folders (nor the marker) the run made before the error.
    expect(existsSync(join(dir, 'out'))).toBe(false);
  }, 120_000);

  it('leaves an empty output folder it was given empty after that error', async () => {
    const out = join(dir, 'empty');
    await mkdir(out);
    const run = await notInOrg(out);
    expect(run.code, run.stderr).toBe(2);
    expect(await readdir(out)).toEqual([]);
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
