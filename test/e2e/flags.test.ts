import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  GetBucketPolicyCommand,
  ListBucketsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPackEntries } from '../../src/pack/zip-reader.ts';
import type { Snapshot } from '../../src/snapshot/model.ts';
import { BIN, runCli } from './cli.ts';

/**
 * Flags of `run` and `sandbox` driven through the binary against a standalone sandbox (demo
 * estate): `--regions`, `--profile` (from a temporary AWS config and credentials file), the
 * User-Agent on the wire (seen by a loopback proxy in front of the sandbox), `sandbox --faults` and
 * `--latency`.
 */

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

function startSandbox(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'sandbox', '--port', '0', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CI: 'true' },
    });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /sandbox listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1]) resolve({ child, url: m[1] });
    });
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`sandbox exited early (${code}): ${out}`)));
  });
}

/** A loopback HTTP proxy to `target` that records the headers of every request it forwards. */
async function recordingProxy(
  target: string,
): Promise<{ server: Server; url: string; seen: IncomingHttpHeaders[] }> {
  const to = new URL(target);
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    const upstream = request(
      {
        host: to.hostname,
        port: to.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: to.host },
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, seen };
}

const envKeys = { accessKeyId: 'AKIAFLAGSTESTENV0001', secretAccessKey: 'env-secret' };
const profileKeys = { accessKeyId: 'AKIAFLAGSTESTPROF001', secretAccessKey: 'profile-secret' };

let sandbox: { child: ChildProcess; url: string };
let dir: string;
let config: string;

beforeAll(async () => {
  sandbox = await startSandbox(['--scenario', 'demo']);
  dir = await mkdtemp(join(tmpdir(), 'ep-flags-'));
  config = join(dir, 'evidence.config.ts');
  await writeFile(config, `export default { organization: 'Flags Test', capture: { mode: 'none' } };\n`);
}, 60_000);

afterAll(() => {
  sandbox?.child.kill('SIGTERM');
});

/** `run` against the sandbox with env credentials (override with `env`), `--fail-on none`. */
async function run(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ pack: string; snapshot: Snapshot; entries: Map<string, Buffer> }> {
  const out = await mkdtemp(join(dir, 'out-'));
  const r = await runCli(
    ['run', '-c', config, '-o', out, '--json', '--fail-on', 'none', '--no-screenshots', ...args],
    {
      cwd: dir,
      env: {
        AWS_ACCESS_KEY_ID: envKeys.accessKeyId,
        AWS_SECRET_ACCESS_KEY: envKeys.secretAccessKey,
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL: sandbox.url,
        ...env,
      },
    },
  );
  expect(r.code, r.stderr).toBe(0);
  const { pack } = JSON.parse(r.stdout) as { pack: string };
  const entries = await readPackEntries(pack);
  const snapshot = JSON.parse(entries.get('snapshot.json')?.toString() ?? '{}') as Snapshot;
  return { pack, snapshot, entries };
}

describe('run --regions', () => {
  it('assesses only the regions named and lists the buckets elsewhere as out of scope', async () => {
    const all = await run([]);
    const allRegions = new Set(all.snapshot.accounts.flatMap((a) => a.buckets.map((b) => b.region)));
    // The demo estate has buckets outside us-east-1, or this test would prove nothing.
    expect([...allRegions].filter((r) => r !== 'us-east-1').length).toBeGreaterThan(0);

    const { snapshot, entries } = await run(['--regions', 'us-east-1']);
    for (const a of snapshot.accounts) expect(a.regions).toEqual(['us-east-1']);
    const assessed = snapshot.accounts.flatMap((a) => a.buckets);
    expect(assessed.length).toBeGreaterThan(0);
    expect(assessed.every((b) => b.region === 'us-east-1')).toBe(true);
    const elsewhere = all.snapshot.accounts.flatMap((a) => a.buckets).filter((b) => b.region !== 'us-east-1');
    const outOfScope = [...entries].find(([p]) => /out-of-scope/.test(p))?.[1].toString() ?? '';
    for (const b of elsewhere) expect(outOfScope, b.name).toContain(b.name);
  }, 120_000);
});

describe('run --profile', () => {
  it('calls AWS as the profile from AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE, not as the environment', async () => {
    // The profile assumes a role in the demo's second account: only the profile can make the caller
    // that role, so the snapshot's caller shows whether --profile was used.
    const awsConfig = join(dir, 'aws-config');
    const awsCredentials = join(dir, 'aws-credentials');
    await writeFile(
      awsConfig,
      `[profile audit]\nregion = us-east-1\nrole_arn = arn:aws:iam::444455556666:role/EvidencePackReader\nsource_profile = base\n`,
    );
    await writeFile(
      awsCredentials,
      `[base]\naws_access_key_id = ${profileKeys.accessKeyId}\naws_secret_access_key = ${profileKeys.secretAccessKey}\n`,
    );
    const { snapshot } = await run(['--profile', 'audit'], {
      AWS_CONFIG_FILE: awsConfig,
      AWS_SHARED_CREDENTIALS_FILE: awsCredentials,
    });
    expect(snapshot.caller.accountId).toBe('444455556666');
    expect(snapshot.caller.arn).toMatch(/^arn:aws:sts::444455556666:assumed-role\/EvidencePackReader\//);

    const { snapshot: plain } = await run([]);
    expect(plain.caller.accountId).toBe('111122223333');
  }, 120_000);
});

describe('the User-Agent on the wire', () => {
  it('identifies every AWS call as evidence-pack/<version>', async () => {
    const proxy = await recordingProxy(sandbox.url);
    try {
      await run([], { AWS_ENDPOINT_URL: proxy.url });
      const calls = proxy.seen.filter((h) => typeof h.authorization === 'string');
      expect(calls.length).toBeGreaterThan(20);
      for (const h of calls) {
        const ua = `${String(h['user-agent'] ?? '')} ${String(h['x-amz-user-agent'] ?? '')}`;
        expect(ua).toContain(`evidence-pack/${version}`);
      }
    } finally {
      await new Promise((r) => proxy.server.close(r));
    }
  }, 120_000);
});

describe('sandbox --faults and --latency', () => {
  it('answers the faulted operation with the fault and delays every answer', async () => {
    const faults = join(dir, 'faults.json');
    await writeFile(
      faults,
      JSON.stringify([{ service: 's3', operation: 'GetBucketPolicy', kind: 'AccessDenied' }]),
    );
    // An empty estate: the demo scenario is seeded through the sandbox's own request path, so every
    // seeding request would pay the latency too.
    const slow = await startSandbox(['--scenario', 'empty', '--latency', '400', '--faults', faults]);
    try {
      const s3 = new S3Client({
        region: 'us-east-1',
        endpoint: slow.url,
        credentials: envKeys,
        forcePathStyle: true,
        maxAttempts: 1,
      });
      const name = 'faulted-bucket';
      await s3.send(new CreateBucketCommand({ Bucket: name }));
      const t0 = performance.now();
      const list = await s3.send(new ListBucketsCommand({}));
      expect(performance.now() - t0).toBeGreaterThanOrEqual(400);
      expect(list.Buckets?.map((b) => b.Name)).toEqual([name]);
      await expect(s3.send(new GetBucketPolicyCommand({ Bucket: name }))).rejects.toMatchObject({
        name: 'AccessDenied',
      });
      // Without the flags the same sandbox answers at once.
      const fast = new S3Client({
        region: 'us-east-1',
        endpoint: sandbox.url,
        credentials: envKeys,
        forcePathStyle: true,
      });
      const t1 = performance.now();
      await fast.send(new ListBucketsCommand({}));
      expect(performance.now() - t1).toBeLessThan(400);
    } finally {
      slow.child.kill('SIGTERM');
    }
  }, 60_000);
});
