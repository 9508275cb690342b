import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli } from './cli.ts';

/**
 * The first hour's mistakes, as a user meets them: every failure says what happened in words and
 * what to do, with the documented exit code, and nothing is written when nothing could be.
 */

/** An environment with no AWS credentials anywhere the SDK looks (and no metadata service). */
async function bareAwsEnv(extra: NodeJS.ProcessEnv = {}): Promise<NodeJS.ProcessEnv> {
  const home = await mkdtemp(join(tmpdir(), 'ep-home-'));
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_')) env[k] = v;
  return {
    ...env,
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    CI: 'true',
    ...extra,
  };
}

const KEYS = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };

let dir: string;
let config: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ep-errors-'));
  config = join(dir, 'evidence.config.ts');
  await writeFile(config, `export default { organization: 'Errors Test' };\n`);
});

describe('an endpoint that accepts connections and never answers', () => {
  let server: Server;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    server = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  });

  it('shows a waiting line, then a retry line within 25 s', async () => {
    const port = (server.address() as { port: number }).port;
    const env = await bareAwsEnv(KEYS);
    const child = spawn(
      process.execPath,
      [BIN, 'run', '-c', config, '-o', join(dir, 'hung'), '--endpoint-url', `http://127.0.0.1:${port}`],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const started = Date.now();
    const seen: { line: string; at: number }[] = [];
    let buffer = '';
    const retry = await new Promise<{ line: string; at: number } | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), 26_000);
      child.stderr.on('data', (d: Buffer) => {
        buffer += d.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        for (const line of lines) {
          seen.push({ line, at: Date.now() - started });
          if (/GetCallerIdentity .*no answer after 10 s, retrying \(2\/8\)…/.test(line)) {
            clearTimeout(timer);
            resolve({ line, at: Date.now() - started });
          }
        }
      });
    });
    child.kill();
    expect(retry, seen.map((s) => `${s.at} ms: ${s.line}`).join('\n')).toBeDefined();
    expect(retry!.at).toBeLessThan(25_000);
    const waiting = seen.find((s) => /GetCallerIdentity .*no answer yet after 5 s/.test(s.line));
    // Before the attempt times out, the user already sees that it is waiting.
    expect(waiting?.at).toBeLessThan(retry!.at);
  }, 40_000);
});

describe('connection and credential failures get hints that match the cause', () => {
  it('refused: says nothing listens there and how to start the sandbox; exit 3', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as { port: number }).port;
    await new Promise((r) => probe.close(r));
    const run = await runCli(
      ['run', '-c', config, '-o', join(dir, 'refused'), '--endpoint-url', `http://127.0.0.1:${port}`],
      {
        env: await bareAwsEnv(KEYS),
      },
    );
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr).toMatch(/connection refused, retrying \(2\/8\)…/);
    expect(run.stderr).toMatch(/nothing accepts connections at 127\.0\.0\.1:\d+/);
    expect(run.stderr).toMatch(/start `evidence-pack sandbox` first/);
    expect(run.stderr).not.toMatch(/Check the credentials/);
  }, 60_000);

  it('a host name that does not resolve: points at the endpoint, not at credentials', async () => {
    const run = await runCli(
      ['run', '-c', config, '-o', join(dir, 'dns'), '--endpoint-url', 'http://no-such-host.invalid:4566'],
      {
        env: await bareAwsEnv(KEYS),
      },
    );
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr).toMatch(/the host name of no-such-host\.invalid:4566 does not resolve/);
    expect(run.stderr).toMatch(/check the endpoint http:\/\/no-such-host\.invalid:4566/);
  }, 60_000);

  it('--endpoint-url without keys: says any key works against the sandbox', async () => {
    const run = await runCli(
      ['run', '-c', config, '-o', join(dir, 'nokeys'), '--endpoint-url', 'http://127.0.0.1:9'],
      {
        env: await bareAwsEnv(),
      },
    );
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr).toMatch(/no AWS credentials were found/);
    expect(run.stderr).toMatch(/any key works/);
    expect(run.stderr).toMatch(/AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test/);
  }, 60_000);

  it('no credentials against AWS: names the chain, --profile and SSO login', async () => {
    const run = await runCli(['run', '-c', config, '-o', join(dir, 'nocreds')], { env: await bareAwsEnv() });
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr).toMatch(/no AWS credentials were found/);
    expect(run.stderr).toMatch(/--profile <name>/);
    expect(run.stderr).toMatch(/aws sso login/);
  }, 60_000);

  it('an unknown --profile is a usage error (exit 2), found before anything is written', async () => {
    const out = join(dir, 'profile-out');
    const run = await runCli(['run', '-c', config, '-o', out, '--profile', 'doesnotexist'], {
      env: await bareAwsEnv(),
    });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/--profile doesnotexist: no AWS profile "doesnotexist"/);
    expect(run.stderr).toMatch(/aws configure list-profiles/);
    expect(existsSync(out)).toBe(false);
  }, 60_000);
});

describe('usage errors with a plain message, exit 2', () => {
  it('verify on a directory', async () => {
    const run = await runCli(['verify', dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/is a directory: pass the pack's \.zip file/);
    expect(run.stderr).not.toMatch(/EISDIR/);
  });

  it('a config without a default export says so', async () => {
    const file = join(dir, 'named-only.config.ts');
    await writeFile(file, `export const config = { organization: 'X' };\n`);
    const run = await runCli(['demo', '-c', file, '-o', join(dir, 'x')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/has no default export \(it exports "config"\)/);
    expect(run.stderr).not.toMatch(/organization: expected string/);
  });

  it('a browser named in EVIDENCE_PACK_BROWSER that does not exist, before any work', async () => {
    const out = join(dir, 'nobrowser');
    const run = await runCli(['demo', '-o', out], {
      env: { EVIDENCE_PACK_BROWSER: '/nonexistent/chromium' },
    });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/EVIDENCE_PACK_BROWSER points to "\/nonexistent\/chromium"/);
    expect(existsSync(out)).toBe(false);
  });

  it('demo --port on a busy port', async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const port = (busy.address() as { port: number }).port;
    try {
      const run = await runCli(['demo', '--port', String(port), '-o', join(dir, 'busy')]);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toMatch(new RegExp(`port ${port} is already in use`));
    } finally {
      await new Promise((r) => busy.close(r));
    }
  });
});

describe('a demo with an expired exception, then pack --from into the same folder', () => {
  it('warns on stderr at run time; the rebuild refuses the existing pack at once', async () => {
    const file = join(dir, 'expired.config.ts');
    await writeFile(
      file,
      `export default {
  organization: 'Expired Exception Co',
  exceptions: [{ bucket: 'acme-public-website', checks: ['s3.not-public'], justification: 'website',
    approvedBy: 'CISO', expires: '2020-01-31' }],
};\n`,
    );
    const out = join(dir, 'expired');
    await mkdir(out);
    const demo = await runCli(['demo', '-c', file, '-o', out, '--no-screenshots', '--port', '0', '--json']);
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stderr).toMatch(
      /warning: exception 0 \(bucket "acme-public-website", s3\.not-public\) is invalid and excepts nothing: it expired on 2020-01-31/,
    );
    const { pack } = JSON.parse(demo.stdout) as { pack: string };
    expect(pack).toMatch(/evidence-pack_expired-exception-co_\d{8}T\d{6}Z\.zip$/);

    const before = (await readdir(out)).sort();
    const again = await runCli(['pack', '--from', pack, '-o', out]);
    expect(again.code, again.stderr).toBe(2);
    expect(again.stderr).toMatch(/already exists; refusing to overwrite it/);
    // Refused before any work: no stage ran and nothing was written next to the pack.
    expect(again.stderr).not.toMatch(/^(evaluate|render|write pack)/m);
    expect((await readdir(out)).sort()).toEqual(before);
  }, 180_000);
});
