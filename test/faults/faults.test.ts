import { createServer } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { snapshotGaps, snapshotOutcomes } from '../../src/bench/pack-contents.ts';
import type { Finding } from '../../src/evaluate/types.ts';
import type { FaultRule } from '../../src/sandbox/faults.ts';
import type { BucketSnapshot } from '../../src/snapshot/model.ts';
import { MAX_ATTEMPTS, REQUEST_TIMEOUT_MS, runAgainst, runScenario } from './harness.ts';

/** Buckets whose reads always fail, so the fault run certainly has gaps to name. */
/** Tags come from one GetResources listing per region; ownership controls are read per bucket. */
const BROKEN_OWNERSHIP = 'gen-000003';
const RESET_VERSIONING = 'gen-000011';
const HUNG_ENCRYPTION = 'gen-000019';

const FAULTS: FaultRule[] = [
  {
    service: 's3',
    operation: 'GetBucketOwnershipControls',
    resource: BROKEN_OWNERSHIP,
    kind: 'InternalError',
  },
  { service: 's3', operation: 'GetBucketVersioning', resource: RESET_VERSIONING, kind: 'Reset' },
  // The sandbox holds this call open forever: each attempt must give up after the request timeout.
  { service: 's3', operation: 'GetBucketEncryption', resource: HUNG_ENCRYPTION, kind: 'Timeout' },
  // The bench mix: 10% throttling, then 2% 5xx and 1% connection resets overall.
  { kind: 'Throttle', probability: 0.1 },
  { kind: 'InternalError', probability: 0.02 / 0.9 },
  { kind: 'Reset', probability: 0.01 / 0.88 },
];

type Run = Awaited<ReturnType<typeof runScenario>>;
let clean: Run;
let faulty: Run;

beforeAll(async () => {
  clean = await runScenario([]);
  faulty = await runScenario(FAULTS, 11);
}, 240_000);

// Every per-bucket read: a bucket is intact only when none of them was lost to a fault.
const bucketOutcomes = (b: BucketSnapshot) => [
  b.encryption,
  b.policy,
  b.policyStatus,
  b.publicAccessBlock,
  b.acl,
  b.ownershipControls,
  b.tags,
  b.versioning,
  ...(b.abac ? [b.abac] : []),
  ...(b.inventoryConfigurations ? [b.inventoryConfigurations] : []),
];

const key = (f: Finding) => `${f.checkId} ${f.resource.arn}`;

function bucketFindings(findings: readonly Finding[], arns: ReadonlySet<string>): Map<string, string> {
  return new Map(findings.filter((f) => arns.has(f.resource.arn)).map((f) => [key(f), f.status]));
}

describe('a run under throttling, 5xx and connection resets', () => {
  it('actually met faults, and the fault-free run met none', () => {
    expect(faulty.faultsInjected).toBeGreaterThan(50);
    expect(clean.faultsInjected).toBe(0);
    expect(
      snapshotGaps(clean.contents.snapshot).filter((g) => g.gap.errorCode !== 'NotFoundException'),
    ).toEqual([]);
  });

  it('keeps every bucket in the inventory', () => {
    const names = (r: Run) =>
      r.contents.snapshot.accounts.flatMap((a) => a.buckets.map((b) => b.name)).sort();
    expect(names(clean)).toHaveLength(120);
    expect(names(faulty)).toEqual(names(clean));
    for (const account of faulty.contents.snapshot.accounts) expect(account.bucketListing.status).toBe('ok');
  });

  it('states every fact as ok/absent or as a gap naming its error code and the recorded call', () => {
    const callIds = new Set(faulty.contents.calls.map((c) => c.id));
    const outcomes = snapshotOutcomes(faulty.contents.snapshot);
    expect(outcomes.length).toBeGreaterThan(120 * 8);
    for (const { path, outcome } of outcomes) {
      expect(['ok', 'absent', 'denied', 'error'], path).toContain(outcome.status);
    }
    const gaps = snapshotGaps(faulty.contents.snapshot);
    for (const { path, gap } of gaps) {
      expect(gap.errorCode, path).toMatch(/\S/);
      expect(gap.message, path).toEqual(expect.any(String));
      expect(callIds.has(gap.evidence.callId), `${path}: call ${gap.evidence.callId} is in raw/`).toBe(true);
      expect(gap.evidence.file, path).toMatch(/^raw\/.+\.jsonl$/);
    }
  });

  it('reports the always-failing reads as gaps with the failure named', () => {
    const buckets = faulty.contents.snapshot.accounts.flatMap((a) => a.buckets);
    const ownership = buckets.find((b) => b.name === BROKEN_OWNERSHIP)?.ownershipControls;
    expect(ownership).toMatchObject({
      status: 'error',
      errorCode: 'InternalError',
      evidence: { operation: 'GetBucketOwnershipControls' },
    });
    // A 5xx answer carries the request id the sandbox sent.
    expect(ownership?.status === 'error' && ownership.evidence.requestId).toMatch(/\S/);
    const versioning = buckets.find((b) => b.name === RESET_VERSIONING)?.versioning;
    expect(versioning).toMatchObject({ status: 'error', evidence: { operation: 'GetBucketVersioning' } });
    // The SDK calls a reset connection TimeoutError; the gap names what happened.
    expect(versioning?.status === 'error' && versioning.errorCode).toBe('ECONNRESET');
  });

  it('turns a call that never answers into a timeout gap after the bounded attempts', () => {
    const buckets = faulty.contents.snapshot.accounts.flatMap((a) => a.buckets);
    const encryption = buckets.find((b) => b.name === HUNG_ENCRYPTION)?.encryption;
    expect(encryption).toMatchObject({
      status: 'error',
      errorCode: 'TimeoutError',
      evidence: { operation: 'GetBucketEncryption' },
    });
    const record = faulty.contents.calls.find(
      (c) => encryption?.status === 'error' && c.id === encryption.evidence.callId,
    );
    expect(record).toMatchObject({ outcome: 'error', attempts: MAX_ATTEMPTS });
    // Every attempt waited the request timeout, and no longer.
    expect(record?.durationMs).toBeGreaterThanOrEqual(MAX_ATTEMPTS * REQUEST_TIMEOUT_MS);
    expect(record?.durationMs).toBeLessThan(MAX_ATTEMPTS * REQUEST_TIMEOUT_MS + 15_000);
  });

  it('gives the same findings as a fault-free run for every bucket whose reads succeeded', () => {
    const faultyBuckets = faulty.contents.snapshot.accounts.flatMap((a) => a.buckets);
    const intact = new Set(
      faultyBuckets
        .filter((b) => bucketOutcomes(b).every((o) => o.status === 'ok' || o.status === 'absent'))
        .map((b) => b.arn),
    );
    const broken = faultyBuckets.length - intact.size;
    expect(broken).toBeGreaterThanOrEqual(2);
    expect(intact.size).toBeGreaterThan(60);
    const expected = bucketFindings(clean.built.evaluation.findings, intact);
    expect(expected.size).toBeGreaterThan(intact.size);
    expect(bucketFindings(faulty.built.evaluation.findings, intact)).toEqual(expected);
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

describe('a dead endpoint', () => {
  it('makes the run fail with an error instead of hanging or writing a pack', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'evidence-pack-dead-'));
    try {
      const port = await closedPort();
      await expect(runAgainst(`http://127.0.0.1:${port}`, outDir)).rejects.toThrow(/\S/);
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  }, 120_000);
});
