import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from '../../src/evaluate/evaluate.ts';
import { verifyPack } from '../../src/pack/verify.ts';
import { readPackEntries } from '../../src/pack/zip-reader.ts';
import { account, bucket, config, deniedOf, okOf, snapshot } from '../support/snapshot.ts';
import { pdfText } from '../render/pdf-text.ts';
import { BIN, runCli } from './cli.ts';

/**
 * The exit-code contract through the binary (0 nothing at --fail-on, 1 findings at --fail-on,
 * 2 usage error, 3 no pack) and the flags that work on a finished pack: `--previous`,
 * `pack --from snapshot.json`, `verify --public-key`, and how progress is shown on a terminal vs CI.
 * (Exit 2 for a pack that exists and exit 3 for a collection failure are in errors.test.ts.)
 */

let dir: string;
let demoPack: string;
let demoEntries: Map<string, Buffer>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ep-exit-'));
  const r = await runCli([
    'demo',
    '-o',
    join(dir, 'demo'),
    '--no-screenshots',
    '--json',
    '--fail-on',
    'fail',
  ]);
  // The demo estate fails on purpose: at --fail-on fail the pack is written and the exit code is 1.
  expect(r.code, r.stderr).toBe(1);
  demoPack = (JSON.parse(r.stdout) as { pack: string }).pack;
  demoEntries = await readPackEntries(demoPack);
}, 180_000);

interface Results {
  results: { status: string }[];
}

describe('exit 1: findings at --fail-on', () => {
  it('demo --fail-on fail writes a pack that verifies, with failing results in it', async () => {
    expect((await verifyPack(demoPack, { requireSidecar: true })).ok).toBe(true);
    const { results } = JSON.parse(demoEntries.get('findings/findings.json')?.toString() ?? '{}') as Results;
    expect(results.some((r) => r.status === 'fail')).toBe(true);
  });

  it('--fail-on gap: exit 1 for insufficient evidence alone, while --fail-on fail exits 0', async () => {
    // One bucket whose policy reads were denied: gaps, and nothing that fails.
    const snap = snapshot([
      account({
        bucketListing: okOf({ count: 1 }, 'ListBuckets'),
        buckets: [
          bucket('gap-bucket', {
            policy: deniedOf('GetBucketPolicy'),
            policyStatus: deniedOf('GetBucketPolicyStatus'),
          }),
        ],
      }),
    ]);
    // Standard classification: the KMS-key and data-event checks apply to sensitive buckets only.
    const cfg = config({ organization: 'Gap Co', classification: { default: 'standard' } });
    const statuses = new Set((await evaluate(snap, cfg)).findings.map((f) => f.status));
    expect(statuses.has('insufficient-evidence')).toBe(true);
    expect(statuses.has('fail') || statuses.has('error')).toBe(false);

    const file = join(dir, 'gap-snapshot.json');
    await writeFile(file, JSON.stringify(snap));
    const cfgFile = join(dir, 'gap.config.ts');
    await writeFile(
      cfgFile,
      `export default { organization: 'Gap Co', classification: { default: 'standard' } };\n`,
    );
    const pack = (failOn: string, out: string) =>
      runCli([
        'pack',
        '--from',
        file,
        '-c',
        cfgFile,
        '-o',
        join(dir, out),
        '--no-screenshots',
        '--fail-on',
        failOn,
      ]);
    const atGap = await pack('gap', 'gap-1');
    expect(atGap.code, atGap.stderr).toBe(1);
    const atFail = await pack('fail', 'gap-2');
    expect(atFail.code, atFail.stderr).toBe(0);
  }, 120_000);
});

describe('pack --from snapshot.json', () => {
  it('rebuilds the same findings from the snapshot alone, and the rebuild verifies', async () => {
    // The snapshot as an auditor extracts it from the pack, beside the effective config it was run with.
    const extracted = join(dir, 'extracted');
    await mkdir(join(extracted, 'config'), { recursive: true });
    const file = join(extracted, 'snapshot.json');
    await writeFile(file, demoEntries.get('snapshot.json') ?? Buffer.alloc(0));
    await writeFile(
      join(extracted, 'config', 'effective-config.json'),
      demoEntries.get('config/effective-config.json') ?? Buffer.alloc(0),
    );
    const r = await runCli([
      'pack',
      '--from',
      file,
      '-o',
      join(dir, 'from-snapshot'),
      '--no-screenshots',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(1);
    const { pack } = JSON.parse(r.stdout) as { pack: string };
    expect((await verifyPack(pack, { requireSidecar: true })).ok).toBe(true);
    const rebuilt = await readPackEntries(pack);
    const results = (e: Map<string, Buffer>) =>
      (JSON.parse(e.get('findings/findings.json')?.toString() ?? '{}') as Results).results;
    expect(results(rebuilt)).toEqual(results(demoEntries));
  }, 120_000);
});

describe('--previous end to end', () => {
  it('adds the "changes since the previous pack" section naming the previous pack', async () => {
    const r = await runCli([
      'demo',
      '-o',
      join(dir, 'second'),
      '--no-screenshots',
      '--json',
      '--previous',
      demoPack,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const { pack } = JSON.parse(r.stdout) as { pack: string };
    const text = pdfText((await readPackEntries(pack)).get('report.pdf') ?? Buffer.alloc(0));
    expect(text).toMatch(/Changes since the previous pack/);
    expect(text).toContain(demoPack.split('/').at(-1) ?? '?');
    const first = pdfText(demoEntries.get('report.pdf') ?? Buffer.alloc(0));
    expect(first).not.toMatch(/Changes since the previous pack/);
  }, 180_000);
});

describe('verify --public-key', () => {
  it('exits 0 with the key that signed the pack and 1 with any other key', async () => {
    const sig = JSON.parse(demoEntries.get('signature.json')?.toString() ?? '{}') as { publicKeyPem: string };
    const right = join(dir, 'right.pem');
    await writeFile(right, sig.publicKeyPem);
    const wrong = join(dir, 'wrong.pem');
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({
      type: 'spki',
      format: 'pem',
    });
    await writeFile(wrong, other);

    const ok = await runCli(['verify', demoPack, '--public-key', right]);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    const bad = await runCli(['verify', demoPack, '--public-key', wrong]);
    expect(bad.code, bad.stdout + bad.stderr).toBe(1);
    expect(bad.stdout + bad.stderr).toMatch(/signature|trusted|key/i);
  }, 60_000);
});

describe('progress: plain lines in CI or when piped, one updating line on a terminal', () => {
  const ESC = '\x1b[2K';
  const demoArgs = (out: string) => ['demo', '-o', join(dir, out), '--no-screenshots'];

  it('CI set: plain lines, no cursor control', async () => {
    const r = await runCli(demoArgs('ci'), { env: { CI: 'true' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain(ESC);
    expect(r.stderr).toMatch(/^evaluate$/m);
    expect(r.stderr).toMatch(/^render report$/m);
  }, 120_000);

  it('not a TTY (CI unset): plain lines too', async () => {
    const r = await runCli(demoArgs('pipe'), { env: { CI: undefined } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain(ESC);
    expect(r.stderr).toMatch(/^collect buckets/m);
  }, 120_000);

  it('a terminal (pseudo-TTY via script): the status line is redrawn in place', async () => {
    const env = { ...process.env };
    delete env.CI;
    const cmd = [process.execPath, BIN, ...demoArgs('tty')].map((a) => `'${a}'`).join(' ');
    const { stdout } = await promisify(execFile)('script', ['-qec', cmd, '/dev/null'], {
      env,
      maxBuffer: 16 * 1024 * 1024,
    });
    expect(stdout).toContain(`\r${ESC}`);
    // The final summary line still stays.
    expect(stdout).toMatch(/findings: \d+ pass/);
  }, 120_000);
});
