import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { runCli } from '../e2e/cli.ts';

async function configFile(body: string): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'ep-config-'));
  const file = join(dir, 'evidence.config.ts');
  await writeFile(file, body);
  return { dir, file };
}

const header = `import { defineConfig } from '${join(process.cwd(), 'src/config/define.ts')}';\n`;

describe('loadConfig', () => {
  it('loads the repository example and applies defaults', async () => {
    const load = await loadConfig('evidence.config.ts');
    expect(load.ok).toBe(true);
    if (!load.ok) return;
    expect(load.config.organization).toBe('Example Corp');
    expect(load.config.output.dir).toBe('output');
    expect(load.config.classification.default).toBe('sensitive');
    expect(load.config.awsConfig.requiredRules).toContain('S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED');
    expect(load.digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ['a wrong type', `organization: 42`, /organization: .*string.*\(got 42\)/],
    [
      'an unknown check id in an exception',
      `organization: 'X', exceptions: [{ bucket: 'b', checks: ['s3.nope'], justification: 'j', approvedBy: 'a', expires: '2027-01-01' }]`,
      /exceptions\[0\]\.checks\[0\]: expected a known check id/,
    ],
    [
      'a malformed date',
      `organization: 'X', exceptions: [{ bucket: 'b', checks: ['s3.not-public'], justification: 'j', approvedBy: 'a', expires: '2027-02-30' }]`,
      /exceptions\[0\]\.expires: expected a real calendar date/,
    ],
    ['an unknown field', `organization: 'X', regoins: ['us-east-1']`, /unknown field\(s\) "regoins"/],
    [
      'an organization object without a role',
      `organization: { name: 'X' }`,
      /organization: expected the organization's name \(a string\), or \{ name, roleName/,
    ],
    [
      'an organization role IAM would not accept',
      `organization: { name: 'X', roleName: 'no spaces' }`,
      /organization\.roleName: expected an IAM role name/,
    ],
    [
      'an excluded account that is not an account id',
      `organization: { name: 'X', roleName: 'R', excludeAccounts: ['prod'] }`,
      /organization\.excludeAccounts\[0\]: expected a 12-digit account id/,
    ],
    ['a bad region', `organization: 'X', regions: ['Mars']`, /regions\[0\]: "Mars" is not an AWS region/],
    [
      'a region AWS does not have',
      `organization: 'X', additionalRegions: ['us-east-1', 'eu-wset-1']`,
      /additionalRegions\[1\]: "eu-wset-1" is not an AWS region known to the AWS SDK; did you mean eu-west-1\?/,
    ],
  ])('names the field for %s', async (_what, body, message) => {
    const { file } = await configFile(`${header}export default defineConfig({ ${body} } as never);\n`);
    const load = await loadConfig(file);
    expect(load.ok).toBe(false);
    if (load.ok) return;
    expect(load.errors.join('\n')).toMatch(message);
  });

  it('reports a syntax error with the file', async () => {
    const { file } = await configFile(`export default { organization: 'X', \n`);
    const load = await loadConfig(file);
    expect(load.ok).toBe(false);
    if (!load.ok) expect(load.errors[0]).toContain(file);
  });

  it('reports a missing file', async () => {
    const load = await loadConfig('/nonexistent/evidence.config.ts');
    expect(load.ok).toBe(false);
    if (!load.ok) expect(load.errors[0]).toMatch(/config file not found/);
  });
});

describe('evidence-pack run with a bad config', () => {
  it('exits 2, names the field, and writes nothing', async () => {
    const { dir, file } = await configFile(
      `${header}export default defineConfig({ organization: 'X', exceptions: [{ bucket: 'b', checks: ['s3.nope'], justification: 'j', approvedBy: 'a', expires: 'soon' }] } as never);\n`,
    );
    const out = join(dir, 'out');
    const run = await runCli(['run', '--config', file, '--out', out, '--endpoint-url', 'http://127.0.0.1:9']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/exceptions\[0\]\.checks\[0\]/);
    expect(run.stderr).toMatch(/exceptions\[0\]\.expires/);
    expect(await readdir(dir)).toEqual(['evidence.config.ts']);
  });

  it('exits 2 on --regions naming a region AWS does not have, and writes nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ep-regions-'));
    const out = join(dir, 'out');
    const run = await runCli([
      'run',
      '--regions',
      'us-east-1,eu-wset-1',
      '--out',
      out,
      '--endpoint-url',
      'http://127.0.0.1:9',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /"eu-wset-1" is not an AWS region known to the AWS SDK; did you mean eu-west-1\?/,
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it('exits 2 on a bad flag', async () => {
    const run = await runCli(['run', '--fail-on', 'sometimes']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/fail-on/);
  });
});
