import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CreateBucketCommand, S3Client, type BucketLocationConstraint } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.ts';
import { diffSnapshots } from '../../src/diff/diff-packs.ts';
import { loadPackForDiff } from '../../src/diff/load-pack.ts';
import { verifyPack } from '../../src/pack/verify.ts';
import { readPackEntries } from '../../src/pack/zip-reader.ts';
import { readRebuildSource, rebuildPack, savedConfigOf } from '../../src/pipeline/rebuild.ts';
import { runEvidencePack } from '../../src/pipeline/run.ts';
import { silentProgress } from '../../src/progress/progress.ts';
import { sandboxLink } from '../../src/sandbox/console/urls.ts';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/server.ts';
import { credentials } from '../sandbox-json/helpers.ts';
import { clientsAs, MEMBER_ROLE, setUpOrganization } from '../sandbox-json/org-helpers.ts';

/**
 * The same estate — 12 buckets over two regions — held by an organization of 2 accounts and by one
 * of 6, each set up through Organizations and S3 SDK calls and read by discovery: the packs must
 * hold the same number of files, the raw records of every account in one file per service and region.
 */
const REGIONS = ['us-east-1', 'eu-west-1'];
const BUCKETS = 12;

interface Built {
  entries: Map<string, Buffer>;
  ids: string[];
  zip: string;
}

let dir: string;
let two: Built;
let six: Built;
const sandboxes: RunningSandbox[] = [];
afterAll(async () => {
  for (const s of sandboxes) await s.close();
  await rm(dir, { recursive: true, force: true });
});
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ep-raw-layout-'));
  two = await packOf(2);
  six = await packOf(6);
}, 300_000);

async function s3Of(sandbox: RunningSandbox, accountId: string, management: string, region: string) {
  if (accountId === management)
    return new S3Client({ endpoint: sandbox.url, region, credentials, forcePathStyle: true, maxAttempts: 1 });
  return (await clientsAs(sandbox, accountId, region)).s3;
}

/** An organization of `accounts` accounts holding the estate's buckets round-robin; its pack's entries. */
async function packOf(accounts: number): Promise<Built> {
  const sandbox = await startSandbox({ scenario: 'empty' });
  sandboxes.push(sandbox);
  const members = Array.from({ length: accounts - 1 }, (_, k) => `workload-${k + 1}`);
  const org = await setUpOrganization(sandbox, members);
  const ids = [org.management, ...members.map((m) => org.ids[m] ?? '')];
  for (let b = 0; b < BUCKETS; b++) {
    const accountId = ids[b % ids.length] ?? '';
    const region = REGIONS[Math.floor(b / ids.length) % REGIONS.length] ?? 'us-east-1';
    const s3 = await s3Of(sandbox, accountId, org.management, region);
    await s3.send(
      new CreateBucketCommand({
        Bucket: `estate-bucket-${String(b).padStart(2, '0')}`,
        ...(region === 'us-east-1'
          ? {}
          : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
      }),
    );
    s3.destroy();
  }
  const load = validateConfig({ organization: { name: 'Layout', roleName: MEMBER_ROLE }, regions: REGIONS });
  if (!load.ok) throw new Error(load.errors.join('; '));
  const built = await runEvidencePack({
    config: load.config,
    outDir: join(dir, `accounts-${accounts}`),
    endpointUrl: sandbox.url,
    credentials,
    screenshots: false,
    sandbox: sandboxLink(sandbox.url),
    progress: silentProgress,
  });
  return { entries: await readPackEntries(built.written.zipPath), ids, zip: built.written.zipPath };
}

function accountsOf(entries: Map<string, Buffer>): Set<string> {
  const seen = new Set<string>();
  for (const [path, buf] of entries) {
    if (!path.startsWith('raw/')) continue;
    for (const line of buf.toString('utf8').split('\n').filter(Boolean))
      seen.add((JSON.parse(line) as { accountId: string }).accountId);
  }
  return seen;
}

describe('the raw layout over the wire', () => {
  it('gives the same file count for the same estate in 2 accounts and in 6', async () => {
    const raw = (e: Map<string, Buffer>) => [...e.keys()].filter((p) => p.startsWith('raw/')).sort();

    // Every account was read and its records are in the pack, each naming it.
    expect([...accountsOf(two.entries)].sort()).toEqual([...two.ids].sort());
    expect([...accountsOf(six.entries)].sort()).toEqual([...six.ids].sort());
    // raw/<service>/<region>.jsonl: the same files, however many accounts.
    expect(raw(two.entries).every((p) => /^raw\/[a-z0-9]+\/[a-z0-9-]+\.jsonl$/.test(p))).toBe(true);
    expect(raw(six.entries)).toEqual(raw(two.entries));
    expect(six.entries.size).toBe(two.entries.size);
    // Citations point into that layout.
    const findings = six.entries.get('findings/findings.csv')?.toString('utf8') ?? '';
    expect(findings).toMatch(/raw\/s3\/eu-west-1\.jsonl/);
    expect(findings).not.toMatch(/raw\/\d{12}\//);
  });

  it('rebuilds (pack --from), verifies and diffs a pack of the earlier per-account layout', async () => {
    // The 2-account pack as earlier versions wrote it: raw/<account>/<service>/<region>.jsonl, the
    // snapshot's references pointing there.
    const old = join(dir, 'old-layout');
    const moved = new Map<string, string>();
    const files = new Map<string, string[]>();
    for (const [path, buf] of two.entries) {
      if (!path.startsWith('raw/')) continue;
      const [, service, region] = path.replace(/\.jsonl$/, '').split('/');
      for (const line of buf.toString('utf8').split('\n').filter(Boolean)) {
        const r = JSON.parse(line) as { id: string; accountId: string };
        const to = `raw/${r.accountId}/${service}/${region}.jsonl`;
        moved.set(r.id, to);
        files.set(to, [...(files.get(to) ?? []), line]);
      }
    }
    const repoint = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(repoint);
      if (v && typeof v === 'object') {
        const o = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, repoint(x)]));
        if (typeof o['file'] === 'string' && typeof o['callId'] === 'string' && o['file'].startsWith('raw/'))
          o['file'] = moved.get(o['callId']) ?? o['file'];
        return o;
      }
      return v;
    };
    const snapshot = repoint(JSON.parse(two.entries.get('snapshot.json')?.toString('utf8') ?? '{}'));
    const write = async (rel: string, text: string) => {
      await mkdir(dirname(join(old, rel)), { recursive: true });
      await writeFile(join(old, rel), text);
    };
    await write('snapshot.json', JSON.stringify(snapshot));
    await write(
      'config/effective-config.json',
      two.entries.get('config/effective-config.json')?.toString() ?? '',
    );
    for (const [rel, lines] of files) await write(rel, `${lines.join('\n')}\n`);
    expect([...files.keys()].some((p) => p.startsWith(`raw/${two.ids[1]}/`))).toBe(true);

    const source = await readRebuildSource(join(old, 'snapshot.json'));
    const saved = savedConfigOf(source);
    if ('errors' in saved) throw new Error(saved.errors.join('; '));
    const rebuilt = await rebuildPack({
      source,
      config: saved.config,
      outDir: join(dir, 'rebuilt'),
      screenshots: false,
      progress: silentProgress,
    });
    const entries = await readPackEntries(rebuilt.written.zipPath);
    // Its records keep their place, and its citations still find them.
    expect([...entries.keys()].filter((p) => p.startsWith('raw/')).sort()).toEqual([...files.keys()].sort());
    expect(entries.get('findings/findings.csv')?.toString('utf8')).toMatch(
      new RegExp(`raw/${two.ids[1]}/s3/(us-east-1|eu-west-1)\\.jsonl#`),
    );
    expect((await verifyPack(rebuilt.written.zipPath)).ok).toBe(true);

    // diff reads both layouts: the same estate, nothing changed.
    const a = await loadPackForDiff(rebuilt.written.zipPath);
    const b = await loadPackForDiff(two.zip);
    if (!a.ok || !b.ok) throw new Error('unreadable pack');
    const d = diffSnapshots(a.pack, b.pack);
    expect(d.results).toEqual({ flipped: [], added: [], removed: [] });
    expect(d.buckets).toEqual({ added: [], removed: [], changed: [] });
  }, 180_000);
});
