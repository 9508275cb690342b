import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import {
  CreateBucketCommand,
  DeletePublicAccessBlockCommand,
  PutBucketPolicyCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { validateConfigOrExit } from '../../src/cli/commands/shared.ts';
import { demoConfig } from '../../src/cli/commands/demo-config.ts';
import { readPackEntries } from '../../src/pack/zip-reader.ts';
import { verifyPack } from '../../src/pack/verify.ts';
import { silentProgress } from '../../src/progress/progress.ts';
import { runEvidencePack } from '../../src/pipeline/run.ts';
import { DEMO_CREDENTIALS } from '../../src/sandbox/scenarios/demo.ts';
import { sandboxLink } from '../../src/sandbox/console/urls.ts';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/server.ts';
import type { Timeline } from '../../src/timeline/build-timeline.ts';

/** Created by the test before the first pack, so no history of the demo estate bears on it. */
const PROD = 'acme-timeline-data';
const LOGS = 'acme-app-logs';
const NEW_BUCKET = 'acme-timeline-new';
const BPA = 's3.bucket-public-access-block';

let sandbox: RunningSandbox;
let tmp: string;
/** The four packs, in the order they were made. */
const zips: string[] = [];
let timeline: Timeline;
let timelineZip: string;

async function pack(n: number): Promise<string> {
  const { config } = validateConfigOrExit(demoConfig(new Date()));
  const built = await runEvidencePack({
    config,
    outDir: join(tmp, `run-${n}`),
    endpointUrl: sandbox.url,
    credentials: DEMO_CREDENTIALS,
    screenshots: false,
    sandbox: sandboxLink(sandbox.url),
    progress: silentProgress,
  });
  return built.written.zipPath;
}

/** Run the CLI in-process: exit code, stdout, stderr. */
async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
    out += String(c);
    return true;
  });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => {
    err += String(c);
    return true;
  });
  process.exitCode = 0;
  try {
    await main(['node', 'evidence-pack', ...args]);
    return { code: Number(process.exitCode ?? 0), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
    process.exitCode = 0;
  }
}

const tlsPolicy = (bucket: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ],
  });

const row = (checkId: string, bucket: string) =>
  timeline.rows.find((r) => r.checkId === checkId && r.resource.name === bucket);
const changesOf = (checkId: string, bucket: string) =>
  timeline.changes.filter((c) => c.checkId === checkId && c.resource.name === bucket);

beforeAll(async () => {
  sandbox = await startSandbox({ scenario: 'demo' });
  tmp = await mkdtemp(join(tmpdir(), 'ep-timeline-'));
  const s3 = new S3Client({
    endpoint: sandbox.url,
    region: 'us-east-1',
    credentials: DEMO_CREDENTIALS,
    forcePathStyle: true,
  });
  const allOn = {
    BlockPublicAcls: true,
    IgnorePublicAcls: true,
    BlockPublicPolicy: true,
    RestrictPublicBuckets: true,
  };
  // Start from a known state of the bucket the test changes.
  await s3.send(new CreateBucketCommand({ Bucket: PROD }));
  await s3.send(new PutPublicAccessBlockCommand({ Bucket: PROD, PublicAccessBlockConfiguration: allOn }));
  zips.push(await pack(1));
  // Between #1 and #2: the production bucket loses its Block Public Access.
  await s3.send(new DeletePublicAccessBlockCommand({ Bucket: PROD }));
  zips.push(await pack(2));
  // Between #2 and #3: it is put back, and the app-logs bucket gets a TLS-only policy.
  await s3.send(new PutPublicAccessBlockCommand({ Bucket: PROD, PublicAccessBlockConfiguration: allOn }));
  await s3.send(new PutBucketPolicyCommand({ Bucket: LOGS, Policy: tlsPolicy(LOGS) }));
  zips.push(await pack(3));
  // Between #3 and #4: a new bucket.
  await s3.send(new CreateBucketCommand({ Bucket: NEW_BUCKET }));
  zips.push(await pack(4));
  s3.destroy();

  // Given out of order: the timeline orders them by collection time.
  const res = await cli(
    'timeline',
    zips[2]!,
    zips[0]!,
    zips[3]!,
    zips[1]!,
    '--out',
    join(tmp, 'timeline'),
    '--json',
  );
  expect(res.err).toBe('');
  expect(res.code).toBe(0);
  timelineZip = (JSON.parse(res.out) as { pack: string }).pack;
  const entries = await readPackEntries(timelineZip, { only: (p) => p === 'timeline/timeline.json' });
  timeline = JSON.parse(entries.get('timeline/timeline.json')!.toString('utf8')) as Timeline;
}, 240_000);

afterAll(async () => {
  await sandbox?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('evidence-pack timeline over four demo packs', () => {
  it('orders the packs by collection time', () => {
    expect(timeline.snapshots.map((s) => s.file)).toEqual(zips.map((z) => basename(z)));
    const times = timeline.snapshots.map((s) => Date.parse(s.collectedAt));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('reports each change at the snapshot where it first appears', () => {
    expect(row(BPA, PROD)?.statuses).toEqual(['pass', 'fail', 'pass', 'pass']);
    expect(changesOf(BPA, PROD).map((c) => [c.at, c.from, c.to])).toEqual([
      [1, 'pass', 'fail'],
      [2, 'fail', 'pass'],
    ]);
    const tls = row('s3.tls-only', LOGS)!;
    expect(tls.statuses[0]).toBe(tls.statuses[1]);
    expect(tls.statuses[1]).not.toBe('pass');
    expect(tls.statuses[2]).toBe('pass');
    expect(changesOf('s3.tls-only', LOGS).map((c) => [c.at, c.to])).toEqual([[2, 'pass']]);
    const created = timeline.changes.filter((c) => c.resource.name === NEW_BUCKET);
    expect(created.length).toBeGreaterThan(0);
    expect(created.every((c) => c.at === 3 && c.from === 'absent')).toBe(true);
  });

  it('gives the deviation its first-seen, last-seen and closing snapshot', () => {
    const dev = timeline.deviations.filter((d) => d.checkId === BPA && d.resource.name === PROD);
    expect(dev).toEqual([expect.objectContaining({ firstSeen: 1, lastSeen: 1, notSeenAt: 0, closedAt: 2 })]);
  });

  it('writes a pack that verifies, naming every source pack digest in its manifest and CSVs', async () => {
    const report = await verifyPack(timelineZip);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    const entries = await readPackEntries(timelineZip, {});
    const manifest = JSON.parse(entries.get('manifest.json')!.toString('utf8')) as {
      sourcePacks: { file: string; sha256: string }[];
    };
    const sidecars = await Promise.all(
      zips.map(async (z) => (await readFile(`${z}.sha256`, 'utf8')).split(' ')[0]),
    );
    expect(manifest.sourcePacks.map((s) => s.sha256)).toEqual(sidecars);
    expect(entries.get('report.pdf')!.subarray(0, 5).toString()).toBe('%PDF-');
    const deviations = entries.get('timeline/deviations.csv')!.toString('utf8');
    expect(deviations).toContain(`arn:aws:s3:::${PROD}`);
    const matrix = entries.get('timeline/status-matrix.csv')!.toString('utf8').split('\r\n');
    expect(matrix[0]!.split(',').filter((h) => h.startsWith('status_'))).toHaveLength(4);
  });

  it('reads a folder of CI artifacts (one folder per run, with summary.json beside each pack)', async () => {
    const artifacts = join(tmp, 'artifacts');
    for (const [i, z] of zips.entries()) {
      const dir = join(artifacts, `evidence-pack-${1000 + i}`, 'output');
      await mkdir(dir, { recursive: true });
      await copyFile(z, join(dir, basename(z)));
      await copyFile(`${z}.sha256`, join(dir, `${basename(z)}.sha256`));
      await writeFile(join(artifacts, `evidence-pack-${1000 + i}`, 'summary.json'), '{}');
    }
    const res = await cli('timeline', artifacts, '--out', join(tmp, 'from-folder'), '--schedule', '7d');
    expect(res.code).toBe(0);
    expect(res.out).toContain('4 verified packs');
    // Same packs, same timeline pack bytes.
    const [again] = await readdir(join(tmp, 'from-folder')).then((f) => f.filter((n) => n.endsWith('.zip')));
    expect(again).toBe(basename(timelineZip));
  });

  it('refuses a series with a pack that does not verify, naming it, and writes nothing', async () => {
    const bad = join(tmp, 'tampered.zip');
    const bytes = await readFile(zips[1]!);
    await writeFile(bad, bytes);
    await writeFile(`${bad}.sha256`, `${'0'.repeat(64)}  tampered.zip\n`);
    const out = join(tmp, 'refused');
    const res = await cli('timeline', zips[0]!, bad, '--out', out);
    expect(res.code).toBe(1);
    expect(res.err).toContain('tampered.zip');
    expect(await readdir(out).catch(() => [])).toEqual([]);
  });

  it('is a usage error (2) for a missing file, a single pack or a bad --schedule', async () => {
    expect((await cli('timeline', zips[0]!, join(tmp, 'nope.zip'))).code).toBe(2);
    expect((await cli('timeline', zips[0]!)).code).toBe(2);
    const bad = await cli('timeline', ...zips, '--schedule', 'weekly');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--schedule');
  });

  it('--help teaches the inputs, the schedule and what the pack holds', async () => {
    const res = await cli('timeline', '--help');
    expect(res.code).toBe(0);
    for (const s of ['--schedule', 'verified', 'deviations.csv', 'gaps.csv', 'sourcePacks'])
      expect(res.out).toContain(s);
  });
});
