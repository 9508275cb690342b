import { createWriteStream } from 'node:fs';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readPackEntries } from '../../src/pack/zip-reader.ts';
import { writeDeterministicZip } from '../../src/pack/zip-writer.ts';
import { DEMO_CREDENTIALS } from '../../src/sandbox/scenarios/demo.ts';
import { runCli } from './cli.ts';

/**
 * The README's first command, end to end: `evidence-pack demo` writes a real pack from the
 * in-process sandbox; `verify` accepts it and names any file changed afterwards.
 */
describe('evidence-pack demo → verify', () => {
  let out: string;
  let zip: string;
  let entries: Map<string, Buffer>;

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'ep-demo-'));
    const run = await runCli(['demo', '--out', out, '--json']);
    expect(run.stderr).not.toMatch(/NodeVersionSupportWarning/);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as { pack: string; sha256: string };
    zip = summary.pack;
    entries = await readPackEntries(zip);
  }, 240_000);

  it('writes the pack and its sidecar, and nothing that looks unfinished', async () => {
    const names = await readdir(out);
    const packs = names.filter((n) => n.endsWith('.zip'));
    expect(packs).toHaveLength(1);
    expect(packs[0]).toMatch(/^evidence-pack_acme-corp-demo_\d{8}T\d{6}Z\.zip$/);
    expect(names).toContain(`${packs[0]}.sha256`);
    expect(names.filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('holds the contract files, raw records for every service, region and account', () => {
    for (const f of ['manifest.json', 'SHA256SUMS', 'README.txt', 'report.pdf', 'snapshot.json']) {
      expect(entries.has(f), f).toBe(true);
    }
    for (const f of [
      'findings/findings.json',
      'findings/findings.csv',
      'inventory/buckets.csv',
      'inventory/kms-keys.csv',
    ]) {
      expect(entries.has(f), f).toBe(true);
    }
    const raw = [...entries.keys()].filter((p) => p.startsWith('raw/'));
    for (const expected of [
      'raw/111122223333/s3/us-east-1.jsonl',
      'raw/111122223333/s3/eu-west-1.jsonl',
      'raw/111122223333/s3control/us-east-1.jsonl',
      'raw/111122223333/kms/us-east-1.jsonl',
      'raw/111122223333/config/eu-west-1.jsonl',
      'raw/111122223333/cloudtrail/us-east-1.jsonl',
      'raw/444455556666/s3/us-west-2.jsonl',
    ]) {
      expect(raw, expected).toContain(expected);
    }
    const line = entries.get('raw/111122223333/s3/us-east-1.jsonl')?.toString().split('\n')[0] ?? '';
    const record = JSON.parse(line) as { requestId?: string; operation: string };
    expect(record.requestId).toMatch(/\S+/);
  });

  it('gives every catalogue check in the findings, with the outcomes the demo was built to show', () => {
    const doc = JSON.parse(entries.get('findings/findings.json')?.toString() ?? '{}') as {
      schema: string;
      results: { checkId: string; status: string; resource: { name: string }; reason: string }[];
    };
    expect(doc.schema).toBe('evidence-pack/findings@1');
    const status = (check: string, name: string) =>
      doc.results.filter((r) => r.checkId === check && r.resource.name === name).map((r) => r.status);
    expect(status('s3.not-public', 'acme-public-website')).toEqual(['excepted']);
    expect(status('s3.not-public', 'acme-legacy-uploads')).toEqual(['fail']);
    expect(status('s3.not-public', 'acme-ml-training-data')).toEqual(['insufficient-evidence']);
    expect(status('s3.default-encryption', 'acme-legacy-uploads')).toEqual(['fail']);
    expect(status('s3.default-encryption', 'acme-customer-data-prod')).toEqual(['pass']);
    expect(status('s3.sse-kms-cmk', 'acme-app-logs')).toEqual(['not-applicable']);
    expect(status('s3.sse-kms-cmk', 'acme-analytics-raw')).toEqual(['fail']);
    expect(status('s3.tls-only', 'acme-analytics-raw')).toEqual(['fail']);
    expect(status('s3.tls-only', 'acme-payments-archive')).toEqual(['pass']);
    expect(status('s3.deny-unencrypted-put', 'acme-payments-archive')).toEqual(['fail']);
    expect(status('s3.deny-unencrypted-put', 'acme-customer-data-prod')).toEqual(['pass']);
    const notPublicLogs = doc.results.find(
      (r) => r.checkId === 's3.not-public' && r.resource.name === 'acme-app-logs',
    );
    expect(notPublicLogs?.status).toBe('fail');
    const ids = new Set(doc.results.map((r) => r.checkId));
    expect(ids.size).toBe(19);
  });

  it('verify exits 0 on the intact pack', async () => {
    const run = await runCli(['verify', zip]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^OK/);
  });

  it('verify exits 1 and names the file when one byte of a file inside is flipped', async () => {
    const target = 'inventory/buckets.csv';
    const tampered = new Map(entries);
    const buf = Buffer.from(tampered.get(target) ?? Buffer.alloc(0));
    buf[10] = (buf[10] ?? 0) ^ 0x01;
    tampered.set(target, buf);
    const dir = await mkdtemp(join(tmpdir(), 'ep-tamper-'));
    const tamperedZip = join(dir, 'tampered.zip');
    await writeDeterministicZip(
      [...tampered].map(([path, content]) => ({ path, content })),
      createWriteStream(tamperedZip),
      { fixedTime: new Date('2026-01-01T00:00:00Z') },
    );
    const run = await runCli(['verify', tamperedZip, '--json']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { ok: boolean; problems: { kind: string; path?: string }[] };
    expect(report.ok).toBe(false);
    expect(report.problems).toContainEqual(expect.objectContaining({ kind: 'changed', path: target }));
  });

  it('rebuilds from the saved snapshot without AWS, byte-identically twice, and the rebuild verifies', async () => {
    const sums: string[] = [];
    for (const dir of ['rebuild-a', 'rebuild-b']) {
      const run = await runCli([
        'pack',
        '--from',
        zip,
        '--out',
        join(out, dir),
        '--json',
        '--fail-on',
        'none',
      ]);
      expect(run.code, run.stderr).toBe(0);
      const summary = JSON.parse(run.stdout) as { pack: string; sha256: string };
      expect((await runCli(['verify', summary.pack])).code).toBe(0);
      sums.push(summary.sha256);
    }
    expect(sums[0]).toBe(sums[1]);
  }, 300_000);

  it('never writes the sandbox credentials or session tokens into the pack', () => {
    // The caller's access key id is in every CloudTrail record the sandbox served (userIdentity).
    const secrets = ['demo-secret-access-key-not-a-real-secret', DEMO_CREDENTIALS.accessKeyId];
    const lookups = entries.get('raw/111122223333/cloudtrail/us-east-1.jsonl')?.toString() ?? '';
    expect(lookups).toContain('"CloudTrailEvent"');
    for (const [path, buf] of entries) {
      const text = buf.toString('latin1');
      for (const s of secrets) expect(text.includes(s), `${s} in ${path}`).toBe(false);
      expect(/SigninToken=|X-Amz-Security-Token=|"SessionToken":"[^[]/.test(text), path).toBe(false);
      // Temporary keys of the assumed role and the console session, wherever they would be embedded.
      if (!path.endsWith('.png')) expect(/\b(?:AKIA|ASIA)[A-Z0-9]{12,}\b/.test(text), path).toBe(false);
    }
  });
});
