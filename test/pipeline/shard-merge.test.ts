import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/schema.ts';
import { readPackEntries } from '../../src/pack/zip-reader.ts';
import { tamperPack } from '../pack/helpers.ts';
import { runEvidencePack } from '../../src/pipeline/run.ts';
import { mergeShards, ShardMergeError } from '../../src/pipeline/shard/merge.ts';
import { planShards } from '../../src/pipeline/shard/plan.ts';
import { runShard } from '../../src/pipeline/shard/run-shard.ts';
import { silentProgress } from '../../src/progress/progress.ts';
import { generateScenario, loadDeclarative } from '../../src/sandbox/scenarios/index.ts';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/server.ts';
import { sandboxLink } from '../../src/sandbox/console/urls.ts';

/**
 * A sandbox estate of several accounts (the caller and five roles, of uneven size) read once as one
 * run and once as 4 shards + merge: the findings and the population CSVs must be the same.
 */
const ROLE_ACCOUNTS = ['210000000001', '210000000002', '210000000003', '210000000004', '210000000005'];
const SIZES = [14, 2, 9, 5, 1];

/** A bucket of shard-sized account 210000000001 whose GetBucketEncryption the sandbox denies. */
const DENIED = 'acct0-000000';

let sandbox: RunningSandbox;
let dir: string;
let config: Config;

function options(outDir: string, cfg: Config = config) {
  return {
    config: cfg,
    outDir,
    endpointUrl: sandbox.url,
    credentials: { accessKeyId: 'AKIASHARDTEST', secretAccessKey: 'x' },
    screenshots: false,
    sandbox: sandboxLink(sandbox.url),
    progress: silentProgress,
  };
}

async function shardPacks(outDir: string, cfg: Config = config, screenshots = false): Promise<string[]> {
  const paths: string[] = [];
  for (let i = 1; i <= 4; i++) {
    const r = await runShard({ ...options(outDir, cfg), screenshots, shard: { index: i, total: 4 } });
    paths.push(r.written.zipPath);
  }
  return paths;
}

/**
 * findings.json results and every CSV, with what differs between any two runs normalised: run ids,
 * times, and the per-call identifiers of the evidence (call ids number calls in the order they
 * happened to complete, request ids are the service's).
 */
async function comparable(zip: string): Promise<Record<string, string>> {
  // key-usage-events.csv lists the estate's CloudTrail KMS events, which include the calls of every
  // earlier run against this same sandbox: it differs between any two runs, sharded or not.
  const files = await readPackEntries(zip, {
    only: (p) =>
      p === 'findings/findings.json' || (p.endsWith('.csv') && p !== 'inventory/key-usage-events.csv'),
  });
  const out: Record<string, string> = {};
  for (const [p, buf] of files) {
    let text = buf.toString('utf8');
    if (p === 'findings/findings.json') {
      const doc = JSON.parse(text) as { results?: unknown; findings?: unknown };
      text = JSON.stringify(doc.results ?? doc.findings);
    }
    out[p] = text
      .replace(/"(callId|requestId)":"[^"]*"/g, '"$1":"<id>"')
      .replace(/#[a-z0-9-]+-\d{6}/g, '#<call>')
      .replace(/\b[0-9A-F]{16}\b/g, '<request>')
      .replace(/(?<!key\/)\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, '<request>')
      .replace(/\d{8}T\d{6}Z-[0-9a-f]{8}/g, '<run>')
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>');
  }
  return out;
}

beforeAll(async () => {
  sandbox = await startSandbox({
    scenario: 'empty',
    faults: [{ service: 's3', operation: 'GetBucketEncryption', resource: DENIED, kind: 'AccessDenied' }],
  });
  loadDeclarative(sandbox.state, generateScenario({ buckets: 10, regions: 2, seed: 7, prefix: 'caller' }));
  ROLE_ACCOUNTS.forEach((accountId, k) =>
    loadDeclarative(
      sandbox.state,
      generateScenario({ buckets: SIZES[k] ?? 1, regions: 2, seed: k + 1, accountId, prefix: `acct${k}` }),
    ),
  );
  const load = validateConfig({
    organization: 'Shard tests',
    accounts: ROLE_ACCOUNTS.map((id) => ({ roleArn: `arn:aws:iam::${id}:role/EvidenceReader` })),
  });
  if (!load.ok) throw new Error(load.errors.join('; '));
  config = load.config;
  dir = await mkdtemp(join(tmpdir(), 'evidence-pack-shards-'));
}, 60_000);

afterAll(async () => {
  await sandbox.close();
  await rm(dir, { recursive: true, force: true });
});

describe('planShards', () => {
  it('puts every account in exactly one shard, balanced by bucket count, the same plan every time', () => {
    const members = [
      { accountId: 'b', buckets: 40 },
      { accountId: 'a', buckets: 5 },
      { accountId: 'c', buckets: 25 },
      { accountId: 'd', buckets: 12 },
      { accountId: 'e', buckets: 30 },
    ];
    const plan = planShards(members, 2, 'sha256:x');
    expect(plan.shards.flat().sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(plan).toEqual(planShards([...members].reverse(), 2, 'sha256:x'));
    const load = plan.shards.map((s) => s.reduce((n, id) => n + (plan.buckets[id] ?? 0), 0));
    expect(Math.abs((load[0] ?? 0) - (load[1] ?? 0))).toBeLessThanOrEqual(12);
    expect(planShards(members, 3, 'sha256:x').planId).not.toBe(plan.planId);
    expect(planShards(members, 2, 'sha256:y').planId).not.toBe(plan.planId);
  });
});

describe('run --shard and merge', () => {
  it('4 shards + merge give the findings and population CSVs of one run', async () => {
    const single = await runEvidencePack(options(join(dir, 'single')));
    const paths = await shardPacks(join(dir, 'shards'));
    const merged = await mergeShards({
      paths,
      outDir: join(dir, 'merged'),
      screenshots: false,
      progress: silentProgress,
    });
    const a = await comparable(single.written.zipPath);
    const b = await comparable(merged.written.zipPath);
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    expect(Object.keys(a).filter((p) => p.endsWith('.csv')).length).toBeGreaterThan(0);
    for (const p of Object.keys(a)) {
      const la = (a[p] ?? '').split('\n');
      const lb = (b[p] ?? '').split('\n');
      const k = la.findIndex((l, i) => l !== lb[i]);
      expect(k === -1 ? '' : `${p}:${k}\n${la[k]}\n${lb[k]}`).toBe('');
    }
    expect(merged.evaluation.summary.byStatus).toEqual(single.evaluation.summary.byStatus);

    // The merged raw files are the ones one run writes: per service and region, each holding every
    // read account's records whole and in account-id order.
    const rawOf = async (zip: string) => {
      const files = await readPackEntries(zip, { only: (p) => p.startsWith('raw/') });
      return new Map(
        [...files].map(([p, buf]) => [
          p,
          buf
            .toString('utf8')
            .split('\n')
            .filter(Boolean)
            .map((l) => (JSON.parse(l) as { accountId: string }).accountId),
        ]),
      );
    };
    const singleRaw = await rawOf(single.written.zipPath);
    const mergedRaw = await rawOf(merged.written.zipPath);
    expect([...mergedRaw.keys()].sort()).toEqual([...singleRaw.keys()].sort());
    for (const [p, accounts] of mergedRaw) {
      expect(accounts, p).toEqual([...accounts].sort());
      expect(new Set(accounts), p).toEqual(new Set(singleRaw.get(p)));
    }

    // The final manifest names every shard pack by digest; each shard holds only its accounts.
    const manifest = JSON.parse(
      (await readPackEntries(merged.written.zipPath, { only: (p) => p === 'manifest.json' }))
        .get('manifest.json')
        ?.toString('utf8') ?? '{}',
    ) as { build: { kind: string; shards: { index: number; sha256: string; accounts: string[] }[] } };
    expect(manifest.build.kind).toBe('merge');
    expect(manifest.build.shards.map((s) => s.index)).toEqual([1, 2, 3, 4]);
    const all = manifest.build.shards.flatMap((s) => s.accounts).sort();
    expect(all).toEqual(['111122223333', ...ROLE_ACCOUNTS].sort());
    for (const [k, p] of paths.entries()) {
      const sidecar = (await readFile(`${p}.sha256`, 'utf8')).split(' ')[0];
      expect(manifest.build.shards[k]?.sha256).toBe(sidecar);
    }
  }, 180_000);

  it('refuses a missing shard, a duplicate shard and an altered shard pack, naming them', async () => {
    const paths = await shardPacks(join(dir, 'shards-2'));
    const merge = (p: string[]) =>
      mergeShards({ paths: p, outDir: join(dir, 'never'), screenshots: false, progress: silentProgress });
    await expect(merge(paths.slice(0, 3))).rejects.toThrow(/missing shard 4\/4/);
    await expect(merge([...paths, paths[1] as string])).rejects.toThrow(/shard 2\/4 is given 2 times/);

    // Alter one raw record of shard 3 after it was written (re-zipped, sidecar refreshed).
    const target = paths[2] as string;
    let altered = '';
    await tamperPack(target, (files) => {
      altered = [...files.keys()].find((p) => p.startsWith('raw/')) ?? '';
      const buf = files.get(altered) ?? Buffer.alloc(0);
      files.set(altered, Buffer.concat([buf, Buffer.from('{"tampered":true}\n')]));
    });
    expect(altered).not.toBe('');
    const err = await merge(paths).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShardMergeError);
    const e = err as ShardMergeError;
    expect(e.message).toMatch(/shard 3\/4/);
    expect(e.details.join('\n')).toContain(altered);
  }, 180_000);

  it('takes the console screenshots in the shards and carries them into the merged pack, as one run takes them', async () => {
    // Caps smaller than the estate, so the sensitive cap, the sample and the failing-bucket cap each
    // choose across shards: the denied bucket and acct2's buckets are sensitive, two of them are key
    // buckets, the rest of the estate is sampled.
    const load = validateConfig({
      organization: 'Shard tests',
      accounts: ROLE_ACCOUNTS.map((id) => ({ roleArn: `arn:aws:iam::${id}:role/EvidenceReader` })),
      classification: {
        default: 'standard',
        rules: [
          { level: 'sensitive', namePattern: DENIED },
          { level: 'sensitive', namePattern: 'acct2-*' },
        ],
      },
      capture: {
        mode: 'console',
        maxKeyBuckets: 2,
        sampleSize: 3,
        maxAttentionBuckets: 2,
        seed: 'shard-test',
      },
    });
    if (!load.ok) throw new Error(load.errors.join('; '));
    const cfg = load.config;
    const single = await runEvidencePack({ ...options(join(dir, 'shot-single'), cfg), screenshots: true });
    const paths = await shardPacks(join(dir, 'shot-shards'), cfg, true);
    const mergeStarted = Date.now();
    const merged = await mergeShards({
      paths,
      outDir: join(dir, 'shot-merged'),
      screenshots: true,
      progress: silentProgress,
    });
    // Names carry account and resource, never a run id or time: equal names are the same pages.
    const consoleShots = (b: typeof merged) =>
      b.screenshots.filter((s) => s.kind === 'console').map((s) => s.path);
    const one = consoleShots(single);
    expect(one.length).toBeGreaterThan(6);
    expect(one.some((p) => p.includes(DENIED))).toBe(true);
    expect(single.captureGaps.filter((g) => g.item.startsWith('console '))).toEqual([]);
    expect(consoleShots(merged)).toEqual(one);
    expect(merged.captureGaps.filter((g) => g.item.startsWith('console '))).toEqual([]);

    // Every carried image is in the final pack under its listed hash, in the evidence index and
    // the manifest, with the console stamp's capture time from its shard.
    const entries = await readPackEntries(merged.written.zipPath);
    const manifest = JSON.parse(entries.get('manifest.json')?.toString('utf8') ?? '{}') as {
      files: { path: string; sha256: string }[];
      screenshots: { path: string; kind: string; sha256: string }[];
    };
    const listed = new Map(manifest.files.map((f) => [f.path, f.sha256]));
    for (const shot of merged.screenshots.filter((s) => s.kind === 'console')) {
      expect(listed.get(shot.path)).toBe(shot.sha256);
      expect(manifest.screenshots.find((m) => m.path === shot.path)?.sha256).toBe(shot.sha256);
      expect(Date.parse(shot.capturedAt)).toBeLessThan(mergeStarted);
    }

    // The console cross-check works on the merged pack as in one run: the denied read against the
    // Properties page that shows the encryption.
    const crossChecks = async (zip: string) => {
      const doc = JSON.parse(
        (await readPackEntries(zip, { only: (p) => p === 'findings/findings.json' }))
          .get('findings/findings.json')
          ?.toString('utf8') ?? '{}',
      ) as { crossChecks?: { kind: string; resource: { name: string }; subject: string }[] };
      return (doc.crossChecks ?? []).map((c) => `${c.kind} ${c.resource.name} ${c.subject}`).sort();
    };
    const expected = await crossChecks(single.written.zipPath);
    expect(expected.some((c) => c.includes(DENIED))).toBe(true);
    expect(await crossChecks(merged.written.zipPath)).toEqual(expected);

    // A screenshot altered in a shard pack after it was written is refused, naming shard and file.
    let shard = 0;
    let altered = '';
    for (const [k, p] of paths.entries()) {
      const names = [...(await readPackEntries(p, { only: (x) => x.startsWith('screenshots/') })).keys()];
      if (names.length > 0 && altered === '') {
        shard = k + 1;
        altered = names[0] ?? '';
        await tamperPack(p, (files) => {
          const png = Buffer.from(files.get(altered) ?? Buffer.alloc(0));
          png.writeUInt8(png.readUInt8(png.length - 20) ^ 0xff, png.length - 20);
          files.set(altered, png);
        });
      }
    }
    expect(altered).not.toBe('');
    const err = await mergeShards({
      paths,
      outDir: join(dir, 'never-shots'),
      screenshots: true,
      progress: silentProgress,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShardMergeError);
    expect((err as ShardMergeError).message).toMatch(new RegExp(`shard ${shard}/4`));
    expect((err as ShardMergeError).details.join('\n')).toContain(altered);
  }, 400_000);
});
