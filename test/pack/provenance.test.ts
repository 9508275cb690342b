import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CODE_DIGEST_COMMAND, computeCodeDigest } from '../../src/provenance/code-digest.ts';
import { recordedCommandLine } from '../../src/provenance/command-line.ts';
import { detectOperator, operatorLabel } from '../../src/provenance/operator.ts';
import { buildClock } from '../../src/provenance/provenance.ts';
import { hasTool, tempDir } from './helpers.ts';

const local = { user: 'alice', host: 'laptop' };

describe('operator', () => {
  it.each([
    [
      'GitHub Actions',
      {
        GITHUB_ACTIONS: 'true',
        GITHUB_RUN_ID: '42',
        GITHUB_RUN_ATTEMPT: '2',
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_REPOSITORY: 'acme/audit',
        GITHUB_ACTOR: 'octocat',
      },
      'GitHub Actions run 42.2 (https://github.com/acme/audit/actions/runs/42) by octocat',
    ],
    [
      'GitLab CI',
      { GITLAB_CI: 'true', CI_JOB_ID: '77', CI_JOB_URL: 'https://gitlab.example/acme/-/jobs/77' },
      'GitLab CI run 77 (https://gitlab.example/acme/-/jobs/77)',
    ],
    [
      'CircleCI',
      { CIRCLECI: 'true', CIRCLE_BUILD_NUM: '9', CIRCLE_BUILD_URL: 'https://circleci.com/gh/acme/audit/9' },
      'CircleCI run 9 (https://circleci.com/gh/acme/audit/9)',
    ],
    [
      'Jenkins',
      {
        JENKINS_URL: 'https://ci.example/',
        BUILD_TAG: 'jenkins-audit-5',
        BUILD_URL: 'https://ci.example/job/audit/5/',
      },
      'Jenkins run jenkins-audit-5 (https://ci.example/job/audit/5/)',
    ],
    [
      'Buildkite',
      {
        BUILDKITE: 'true',
        BUILDKITE_JOB_ID: 'job-1',
        BUILDKITE_BUILD_URL: 'https://buildkite.com/acme/audit/builds/3',
        BUILDKITE_BUILD_CREATOR: 'Bob',
      },
      'Buildkite run job-1 (https://buildkite.com/acme/audit/builds/3) by Bob',
    ],
  ])('names the %s run from its standard variables', (system, env, label) => {
    const op = detectOperator(env, local);
    expect(op).toMatchObject({ kind: 'ci', system });
    expect(operatorLabel(op)).toBe(label);
  });

  it('is user@host outside CI (a bare CI=true names no run)', () => {
    expect(operatorLabel(detectOperator({ CI: 'true' }, local))).toBe('alice@laptop');
    expect(operatorLabel(detectOperator({ GITHUB_ACTIONS: 'false' }, local))).toBe('alice@laptop');
  });
});

describe('command line', () => {
  it('records the arguments, quoted where a shell needs it', () => {
    expect(recordedCommandLine(['run', '--profile', 'audit', '--regions', 'us-east-1,eu-west-1'])).toBe(
      'evidence-pack run --profile audit --regions us-east-1,eu-west-1',
    );
    expect(recordedCommandLine(['run', '-c', 'my config.ts'])).toBe("evidence-pack run -c 'my config.ts'");
  });

  it('redacts secret-looking option values, URL passwords, signed URL parameters and access key ids', () => {
    const line = recordedCommandLine([
      'run',
      '--session-token',
      'FQoGZXIvYXdzE',
      '--client-secret=s3cr3t',
      '--endpoint-url',
      'https://user:hunter2@proxy.example:8443',
      '--previous',
      'https://b.s3.amazonaws.com/p.zip?X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F&X-Amz-Signature=abc123',
      'AKIAIOSFODNN7EXAMPLE',
    ]);
    for (const secret of ['FQoGZXIvYXdzE', 's3cr3t', 'hunter2', 'abc123', 'AKIAIOSFODNN7EXAMPLE'])
      expect(line).not.toContain(secret);
    expect(line).toContain('--session-token [REDACTED]');
    expect(line).toContain('--client-secret=[REDACTED]');
    expect(line).toContain('https://user:[REDACTED]@proxy.example:8443');
  });
});

describe('tool code digest', () => {
  it.runIf(hasTool('sha256sum'))('is what the README command computes in the package directory', async () => {
    const root = await tempDir();
    await writeFile(join(root, 'package.json'), '{"name":"x"}\n');
    await mkdir(join(root, 'bin'), { recursive: true });
    await writeFile(join(root, 'bin', 'x.js'), 'run()\n');
    await mkdir(join(root, 'dist', 'a', 'B'), { recursive: true });
    await writeFile(join(root, 'dist', 'a', 'z.js'), 'z\n');
    await writeFile(join(root, 'dist', 'a', 'B', 'y.js'), 'y\n');
    await writeFile(join(root, 'dist', 'a_b.js'), 'ab\n');
    // A clone's incremental-build state is not code and is not in the package.
    await writeFile(join(root, 'dist', '.tsbuildinfo'), '{}\n');
    await mkdir(join(root, 'src'), { recursive: true });
    await writeFile(join(root, 'src', 'not-shipped.ts'), 'x\n');
    await mkdir(join(root, 'templates'), { recursive: true });
    await writeFile(join(root, 'templates', 'r.hbs'), '<p>\n');
    await writeFile(join(root, 'not-covered.txt'), 'ignored\n');
    const ours = computeCodeDigest(root);
    const shell = execFileSync('sh', ['-c', CODE_DIGEST_COMMAND], { cwd: root, encoding: 'utf8' }).split(
      ' ',
    )[0];
    expect(ours).toEqual({ digest: `sha256:${shell}`, files: 6 });
    await writeFile(join(root, 'dist', 'a', 'z.js'), 'changed\n');
    expect(computeCodeDigest(root).digest).not.toBe(ours.digest);
  });
});

describe('build clock', () => {
  it('pins a rebuild to SOURCE_DATE_EPOCH and leaves a live run on the real clock', () => {
    const env = { SOURCE_DATE_EPOCH: '1767225600' };
    expect(buildClock('rebuild', env)().toISOString()).toBe('2026-01-01T00:00:00.000Z');
    const live = buildClock('run', env)().getTime();
    expect(Math.abs(live - Date.now())).toBeLessThan(5_000);
    expect(Math.abs(buildClock('rebuild', {})().getTime() - Date.now())).toBeLessThan(5_000);
  });
});
