import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  DeleteBucketPolicyCommand,
  PutBucketEncryptionCommand,
  PutBucketPolicyCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { diffCommand } from '../../src/cli/commands/diff.ts';
import { CliError } from '../../src/cli/errors.ts';
import { validateConfigOrExit } from '../../src/cli/commands/shared.ts';
import { silentProgress } from '../../src/progress/progress.ts';
import { diffSnapshots, formatDiff } from '../../src/diff/diff-packs.ts';
import { loadPackForDiff } from '../../src/diff/load-pack.ts';
import type { PackContents, PackDiff } from '../../src/diff/types.ts';
import { runEvidencePack } from '../../src/pipeline/run.ts';
import { DEMO_CREDENTIALS } from '../../src/sandbox/scenarios/demo.ts';
import { demoConfig } from '../../src/cli/commands/demo-config.ts';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/server.ts';
import type { UserConfig } from '../../src/config/schema.ts';
import { sandboxLink } from '../../src/sandbox/console/urls.ts';

const ACCOUNT = '111122223333';
const NEW_BUCKET = 'acme-new-reports';

let sandbox: RunningSandbox;
let tmp: string;
let oldZip: string;
let newZip: string;
let diff: PackDiff;

async function pack(input: UserConfig, outDir: string): Promise<string> {
  const { config } = validateConfigOrExit(input);
  const built = await runEvidencePack({
    config,
    outDir,
    endpointUrl: sandbox.url,
    credentials: DEMO_CREDENTIALS,
    screenshots: false,
    sandbox: sandboxLink(sandbox.url),
    progress: silentProgress,
  });
  return built.written.zipPath;
}

async function load(zip: string): Promise<PackContents> {
  const loaded = await loadPackForDiff(zip);
  if (!loaded.ok) throw new Error(loaded.problem);
  return loaded.pack;
}

/** Capture what diffCommand prints. */
async function runDiff(a: string, b: string, json: boolean): Promise<{ code: number; out: string }> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    return { code: await diffCommand(a, b, { json }), out };
  } finally {
    spy.mockRestore();
  }
}

beforeAll(async () => {
  sandbox = await startSandbox({ scenario: 'demo' });
  tmp = await mkdtemp(join(tmpdir(), 'ep-diff-'));
  const now = new Date();
  oldZip = await pack(demoConfig(now), join(tmp, 'old'));

  // The changes between the two runs, made the way an engineer would: plain S3 calls.
  const s3 = new S3Client({
    endpoint: sandbox.url,
    region: 'us-east-1',
    credentials: DEMO_CREDENTIALS,
    forcePathStyle: true,
  });
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
  await s3.send(new PutBucketPolicyCommand({ Bucket: 'acme-app-logs', Policy: tlsPolicy('acme-app-logs') }));
  await s3.send(new DeleteBucketPolicyCommand({ Bucket: 'acme-analytics-raw' }));
  await s3.send(
    new PutBucketEncryptionCommand({
      Bucket: 'acme-analytics-raw',
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
    }),
  );
  await s3.send(
    new PutPublicAccessBlockCommand({
      Bucket: 'acme-legacy-uploads',
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        IgnorePublicAcls: false,
        BlockPublicPolicy: false,
        RestrictPublicBuckets: false,
      },
    }),
  );
  await s3.send(new CreateBucketCommand({ Bucket: NEW_BUCKET }));
  s3.destroy();

  // ...and in the config: one exception gains its approver, one is added.
  const changed = demoConfig(now);
  const exceptions = [...(changed.exceptions ?? [])];
  const unapproved = exceptions.findIndex((e) => e.bucket === 'acme-eu-marketing-assets');
  exceptions[unapproved] = { ...exceptions[unapproved]!, approvedBy: 'Dana Whitfield (CISO)' };
  exceptions.push({
    bucket: NEW_BUCKET,
    checks: ['s3.bucket-public-access-block'],
    justification: 'New reporting bucket, BPA rollout tracked in SEC-2001.',
    approvedBy: 'Dana Whitfield (CISO)',
    ticket: 'SEC-2001',
    expires: new Date(now.getTime() + 30 * 86_400_000).toISOString().slice(0, 10),
  });
  newZip = await pack({ ...changed, exceptions }, join(tmp, 'new'));
  diff = diffSnapshots(await load(oldZip), await load(newZip));
}, 120_000);

afterAll(async () => {
  await sandbox?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('diff of two packs of the demo estate', () => {
  it('shows exactly the bucket changes that were made', () => {
    expect(diff.accounts).toEqual({ added: [], removed: [], publicAccessBlock: [] });
    expect(diff.buckets.added).toEqual([{ accountId: ACCOUNT, name: NEW_BUCKET, region: 'us-east-1' }]);
    expect(diff.buckets.removed).toEqual([]);
    const byName = Object.fromEntries(
      diff.buckets.changed.map((b) => [b.name, b.changes.map((c) => c.field)]),
    );
    expect(byName).toEqual({
      'acme-analytics-raw': ['encryption.algorithm', 'encryption.key', 'policy'],
      // Its demo policy was public; the TLS-only policy replaced it.
      'acme-app-logs': ['policy', 'policy.public'],
      'acme-legacy-uploads': ['publicAccessBlock.blockPublicAcls'],
    });
    const raw = diff.buckets.changed.find((b) => b.name === 'acme-analytics-raw')!.changes;
    expect(raw.find((c) => c.field === 'encryption.algorithm')).toMatchObject({
      old: 'aws:kms',
      new: 'AES256',
    });
    expect(raw.find((c) => c.field === 'policy')).toMatchObject({ new: 'none' });
    const logs = diff.buckets.changed.find((b) => b.name === 'acme-app-logs')!.changes;
    expect(logs.find((c) => c.field === 'policy.public')).toEqual({
      field: 'policy.public',
      old: 'public',
      new: 'not public',
    });
    const legacy = diff.buckets.changed.find((b) => b.name === 'acme-legacy-uploads')!.changes;
    expect(legacy).toEqual([
      { field: 'publicAccessBlock.blockPublicAcls', old: 'false (not configured)', new: 'true' },
    ]);
  });

  it('reports result changes only for the touched resources', () => {
    const touched = new Set(['acme-analytics-raw', 'acme-app-logs', 'acme-legacy-uploads', NEW_BUCKET]);
    // The approved exception now excepts its bucket's BPA result; exception results are keyed by index.
    touched.add('acme-eu-marketing-assets');
    const exceptionResources = new Set(['evidence-pack:exception/2', 'evidence-pack:exception/3']);
    const all = [...diff.results.flipped, ...diff.results.added, ...diff.results.removed];
    const untouched = all.filter(
      (r) => !touched.has(r.name) && !exceptionResources.has(r.arn) && !r.arn.startsWith('arn:aws:kms:'),
    );
    expect(untouched).toEqual([]);
    // Every result about the new bucket appears; none disappears that still exists.
    expect(diff.results.added.length).toBeGreaterThan(0);
    expect(
      diff.results.added.every((r) => r.name === NEW_BUCKET || r.arn === 'evidence-pack:exception/3'),
    ).toBe(true);
    expect(diff.results.flipped).toContainEqual(
      expect.objectContaining({
        checkId: 's3.bucket-public-access-block',
        name: 'acme-eu-marketing-assets',
        oldStatus: 'fail',
        newStatus: 'excepted',
      }),
    );
  });

  it('flips the TLS result of the bucket that gained a TLS-only policy', () => {
    const flip = diff.results.flipped.find((r) => r.name === 'acme-app-logs');
    expect(flip).toMatchObject({ oldStatus: 'fail', newStatus: 'pass' });
  });

  it('shows the exception that was added and the one that became valid', () => {
    expect(diff.exceptions.removed).toEqual([]);
    expect(diff.exceptions.added).toEqual([
      expect.objectContaining({
        bucket: NEW_BUCKET,
        checks: ['s3.bucket-public-access-block'],
        state: 'valid',
      }),
    ]);
    expect(diff.exceptions.changed).toEqual([
      expect.objectContaining({
        bucket: 'acme-eu-marketing-assets',
        state: 'valid',
        changes: [
          { field: 'state', old: 'invalid', new: 'valid' },
          { field: 'problems', old: 'it has no approver', new: 'none' },
          { field: 'approvedBy', old: 'none', new: 'Dana Whitfield (CISO)' },
        ],
      }),
    ]);
  });

  it('prints the changes as text, grouped by section, and as JSON', async () => {
    const text = await runDiff(oldZip, newZip, false);
    expect(text.code).toBe(0);
    expect(text.out).toBe(formatDiff(diff));
    expect(text.out).toContain(`  + ${ACCOUNT}/${NEW_BUCKET} (us-east-1)`);
    expect(text.out).toContain('      publicAccessBlock.blockPublicAcls: false (not configured) → true');
    expect(text.out).not.toContain('No changes.');
    const json = await runDiff(oldZip, newZip, true);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toEqual(diff);
  });

  it('says "no changes" for a pack against itself', async () => {
    const same = await runDiff(newZip, newZip, false);
    expect(same.code).toBe(0);
    expect(same.out).toContain('No changes.');
    expect(same.out).not.toMatch(/^ {2}[+~-] /m);
    const json = JSON.parse((await runDiff(newZip, newZip, true)).out) as PackDiff;
    expect(json.changed).toBe(false);
  });

  it('refuses a missing file or a file that is not a pack with a usage error (exit 2)', async () => {
    const notAPack = join(tmp, 'not-a-pack.zip');
    await writeFile(notAPack, 'hello');
    for (const [a, b] of [
      [join(tmp, 'missing.zip'), newZip],
      [oldZip, notAPack],
    ] as const) {
      const err = await diffCommand(a, b, {}).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CliError);
      expect((err as CliError).exitCode).toBe(2);
    }
  });
});
