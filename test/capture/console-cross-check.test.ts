/**
 * A denied API read against the console page that shows the value, over the wire: the sandbox
 * denies GetBucketEncryption for one bucket while its console Properties page (rendered from the
 * sandbox state, as the AWS console renders the account's) shows the encryption. The whole pipeline
 * runs with console capture; the pack must carry the contradiction in findings.json and the report,
 * citing both the raw call (with its request id) and the screenshot, counted on the cover.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.ts';
import type { BuiltPack } from '../../src/pipeline/build-pack.ts';
import { runEvidencePack } from '../../src/pipeline/run.ts';
import { readPackEntries } from '../../src/pack/zip-reader.ts';
import { silentProgress } from '../../src/progress/progress.ts';
import { loadDeclarative } from '../../src/sandbox/scenarios/index.ts';
import { sandboxLink } from '../../src/sandbox/console/urls.ts';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/server.ts';
import { keyArnOf } from '../../src/sandbox/services/kms/store.ts';
import { pdfText, squash } from '../render/pdf-text.ts';

const ACCOUNT = '111122223333';
const REGION = 'us-east-1';
const KEY_ID = '0c0ffee0-1234-4abc-8def-0123456789ab';
const KEY_ARN = keyArnOf(ACCOUNT, REGION, KEY_ID);
const HIDDEN = 'enc-read-denied';
const OPEN = 'enc-read-ok';

let sandbox: RunningSandbox;
let outDir: string;
let built: BuiltPack;
let entries: Map<string, Buffer>;

interface FindingsJson {
  summary: { crossChecks: number };
  results: { checkId: string; resource: { name: string }; status: string }[];
  crossChecks: {
    kind: string;
    resource: { name: string; accountId: string };
    subject: string;
    summary: string;
    checks: string[];
    sources: {
      source: string;
      says: string;
      evidence: { record: string; operation: string; requestId: string | null }[];
      screenshots?: string[];
    }[];
  }[];
}

beforeAll(async () => {
  sandbox = await startSandbox({
    scenario: 'empty',
    faults: [{ service: 's3', operation: 'GetBucketEncryption', resource: HIDDEN, kind: 'AccessDenied' }],
  });
  loadDeclarative(sandbox.state, {
    kmsKeys: [{ keyId: KEY_ID, region: REGION, rotation: true }],
    buckets: [HIDDEN, OPEN].map((name) => ({
      name,
      region: REGION,
      encryption: [{ SSEAlgorithm: 'aws:kms', KMSMasterKeyID: KEY_ARN, BucketKeyEnabled: true }],
    })),
  });
  const loaded = validateConfig({
    organization: 'Console cross-check',
    regions: [REGION],
    collection: { maxAttempts: 1 },
    capture: { mode: 'console', keyBuckets: [HIDDEN, OPEN], sampleSize: 0, maxAttentionBuckets: 0 },
  });
  if (!loaded.ok) throw new Error(loaded.errors.join('; '));
  outDir = await mkdtemp(join(tmpdir(), 'ep-console-xcheck-'));
  built = await runEvidencePack({
    config: loaded.config,
    outDir,
    endpointUrl: sandbox.url,
    credentials: { accessKeyId: 'AKIACONSOLEXCHECK01', secretAccessKey: 'console-cross-check-secret' },
    screenshots: true,
    sandbox: sandboxLink(sandbox.url),
    progress: silentProgress,
  });
  entries = await readPackEntries(built.written.zipPath);
}, 240_000);

afterAll(async () => {
  await sandbox?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

function findings(): FindingsJson {
  return JSON.parse(entries.get('findings/findings.json')!.toString('utf8')) as FindingsJson;
}

describe('a denied read against the console page that shows the value', () => {
  it('is a cross-check in findings.json citing the raw call with its request id and the screenshot', () => {
    const doc = findings();
    const mine = doc.crossChecks.filter((x) => x.kind === 'denied-read-vs-console-page');
    expect(mine.map((x) => x.resource.name)).toEqual([HIDDEN]);
    const x = mine[0]!;
    expect(x.subject).toBe('default encryption');
    expect(x.summary).toContain('GetBucketEncryption read was denied');
    expect(x.summary).toContain(`SSE-KMS (aws:kms) with key ${KEY_ARN}`);
    expect(x.checks).toContain('s3.default-encryption');

    const [read, page] = x.sources;
    expect(read!.says).toMatch(/^GetBucketEncryption was denied \(AccessDenied, request id .+\)$/);
    const cited = read!.evidence[0]!;
    expect(cited.operation).toBe('GetBucketEncryption');
    expect(cited.requestId).toBeTruthy();
    // The cited record is in the pack: the denied call, with that request id.
    const [file, callId] = cited.record.split('#') as [string, string];
    const record = entries
      .get(file)!
      .toString('utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map(
        (l) =>
          JSON.parse(l) as { id: string; outcome: string; requestId?: string; input: { Bucket?: string } },
      )
      .find((r) => r.id === callId)!;
    expect(record).toMatchObject({
      outcome: 'denied',
      requestId: cited.requestId,
      input: { Bucket: HIDDEN },
    });

    expect(page!.says).toBe(`SSE-KMS (aws:kms) with key ${KEY_ARN}, Bucket Key enabled`);
    expect(page!.screenshots).toEqual([`screenshots/console_bucket-properties_${ACCOUNT}_${HIDDEN}.png`]);
    expect(entries.has(page!.screenshots![0]!)).toBe(true);
  });

  it('is counted in the summary and never scored as a pass', () => {
    const doc = findings();
    expect(doc.summary.crossChecks).toBe(doc.crossChecks.length);
    expect(built.evaluation.summary.crossChecks).toBe(doc.crossChecks.length);
    const enc = doc.results.find((r) => r.checkId === 's3.default-encryption' && r.resource.name === HIDDEN)!;
    expect(enc.status).toBe('insufficient-evidence');
    // The bucket whose read succeeded shows the same on its page: no contradiction, a pass.
    const open = doc.results.find((r) => r.checkId === 's3.default-encryption' && r.resource.name === OPEN)!;
    expect(open.status).toBe('pass');
  });

  it('is listed in the report and counted on its cover', () => {
    const text = squash(pdfText(entries.get('report.pdf')!));
    const count = findings().crossChecks.length;
    expect(text).toContain(squash('Denied read vs console page'));
    expect(text).toContain(
      squash(`screenshots/console_bucket-properties_${ACCOUNT}_${HIDDEN}.png (screenshot)`),
    );
    expect(text).toContain(squash('GetBucketEncryption was denied (AccessDenied'));
    expect(text).toContain(squash(`${count} contradictions between sources are listed in section`));
  });
});
