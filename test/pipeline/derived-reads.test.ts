import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPackEntries } from '../../src/pack/zip-reader.ts';
import { validateConfig } from '../../src/config/load.ts';
import type { FindingsDocument } from '../../src/evaluate/findings-json.ts';
import { runEvidencePack } from '../../src/pipeline/run.ts';
import { silentProgress } from '../../src/progress/progress.ts';
import { sandboxLink } from '../../src/sandbox/console/urls.ts';
import { startSandbox } from '../../src/sandbox/server.ts';
import { denyOnly } from '../../src/collect/bucket-config.ts';
import type { Snapshot } from '../../src/snapshot/model.ts';

interface Pack {
  findings: FindingsDocument;
  snapshot: Snapshot;
  csvs: Map<string, string>;
  calls: Record<string, number>;
}

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** Times (the sandbox creates its estate at start) and request ids differ from run to run. */
function normalize(csv: string): string {
  return csv
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>')
    .replace(/\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)? UTC/g, '<time>')
    .replace(/request id [\w-]+/g, 'request id <id>')
    .replace(/,[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/gm, ',<event id>');
}

/** One whole run against a fresh sandbox of `scenario`, with or without derived reads. */
async function run(scenario: string, deriveImpliedReads: boolean): Promise<Pack> {
  const load = validateConfig({ organization: 'Derived reads', collection: { deriveImpliedReads } });
  if (!load.ok) throw new Error(load.errors.join('; '));
  const sandbox = await startSandbox({ scenario });
  // Count the run's calls only, not the ones the scenario's setup made.
  sandbox.faults.resetStats();
  const outDir = await mkdtemp(join(tmpdir(), 'evidence-pack-derived-'));
  dirs.push(outDir);
  try {
    const built = await runEvidencePack({
      config: load.config,
      outDir,
      endpointUrl: sandbox.url,
      credentials: { accessKeyId: 'AKIADERIVED', secretAccessKey: 'x' },
      screenshots: false,
      sandbox: sandboxLink(sandbox.url),
      progress: silentProgress,
    });
    const entries = await readPackEntries(built.written.zipPath);
    const text = (p: string) => entries.get(p)?.toString('utf8') ?? '';
    const snapshot = JSON.parse(text('snapshot.json')) as Snapshot;
    const runId = snapshot.runId;
    const csvs = new Map(
      [...entries.keys()]
        .filter((p) => p.startsWith('inventory/') && p.endsWith('.csv'))
        .map((p) => [p, normalize(text(p).replaceAll(runId, '<run>'))]),
    );
    const calls: Record<string, number> = {};
    for (const [op, n] of Object.entries(sandbox.faults.stats().requests)) calls[op] = n;
    return {
      findings: JSON.parse(text('findings/findings.json')) as FindingsDocument,
      snapshot,
      csvs,
      calls,
    };
  } finally {
    await sandbox.close();
  }
}

/** Everything a result says apart from its reason's wording and the records it cites. */
const verdicts = (p: Pack) =>
  p.findings.results
    .map((r) => ({
      checkId: r.checkId,
      arn: r.resource.arn,
      accountId: r.resource.accountId,
      status: r.status,
      severity: r.severity,
      criteria: r.criteria,
    }))
    .sort((a, b) => `${a.checkId} ${a.arn}`.localeCompare(`${b.checkId} ${b.arn}`));

const crossChecks = (p: Pack) =>
  p.findings.crossChecks.map((x) => `${x.kind} ${x.resource.arn} ${x.subject}`).sort();

describe.each(['generated:120:2:7', 'demo'])('derived reads on the %s estate', (scenario) => {
  let full: Pack;
  let derived: Pack;
  beforeAll(async () => {
    full = await run(scenario, false);
    derived = await run(scenario, true);
  }, 300_000);

  it('makes fewer calls: no GetBucketAcl with ACLs disabled, no PolicyStatus for Deny-only policies, tags per region', () => {
    expect(derived.calls['s3:GetBucketTagging'] ?? 0).toBe(0);
    expect(full.calls['s3:GetBucketTagging']).toBe(full.snapshot.accounts.flatMap((a) => a.buckets).length);
    expect(derived.calls['tagging:GetResources']).toBeGreaterThan(0);
    expect(full.calls['tagging:GetResources'] ?? 0).toBe(0);
    expect(derived.calls['s3:GetBucketAcl'] ?? 0).toBeLessThan(full.calls['s3:GetBucketAcl'] ?? 0);
    expect(derived.calls['s3:GetBucketPolicyStatus'] ?? 0).toBeLessThan(
      full.calls['s3:GetBucketPolicyStatus'] ?? 0,
    );
  });

  it('makes each remaining read once per bucket, and the implied ones only where no answer implies them', () => {
    const buckets = derived.snapshot.accounts.flatMap((a) => a.buckets);
    // The reads whose answers feed a verdict or a column (test/pipeline/derived-reads-needed.test.ts).
    for (const op of [
      'GetBucketPolicy',
      'GetBucketOwnershipControls',
      'GetBucketEncryption',
      'GetPublicAccessBlock',
      'GetBucketVersioning',
      'GetBucketAbac',
      'ListBucketInventoryConfigurations',
    ])
      expect(derived.calls[`s3:${op}`], op).toBe(buckets.length);
    const aclsAsked = buckets.filter(
      (b) =>
        !(
          b.ownershipControls.status === 'ok' &&
          b.ownershipControls.value.objectOwnership === 'BucketOwnerEnforced'
        ),
    ).length;
    expect(derived.calls['s3:GetBucketAcl'] ?? 0).toBe(aclsAsked);
    const statusesAsked = buckets.filter(
      (b) => b.policy.status !== 'absent' && !(b.policy.status === 'ok' && denyOnly(b.policy.value.text)),
    ).length;
    expect(derived.calls['s3:GetBucketPolicyStatus'] ?? 0).toBe(statusesAsked);
  });

  it('gives the same verdicts, cross-checks and summary', () => {
    expect(verdicts(derived)).toEqual(verdicts(full));
    expect(crossChecks(derived)).toEqual(crossChecks(full));
    expect(derived.findings.summary).toEqual(full.findings.summary);
  });

  it('gives identical population CSVs', () => {
    expect([...derived.csvs.keys()].sort()).toEqual([...full.csvs.keys()].sort());
    expect(derived.csvs.size).toBeGreaterThan(2);
    for (const [path, csv] of full.csvs) expect(derived.csvs.get(path), path).toBe(csv);
  });

  it('derives only what the read would have said, and says so', () => {
    const fullBuckets = new Map(full.snapshot.accounts.flatMap((a) => a.buckets).map((b) => [b.arn, b]));
    let acls = 0;
    let statuses = 0;
    let tagged = 0;
    let untagged = 0;
    for (const b of derived.snapshot.accounts.flatMap((a) => a.buckets)) {
      const read = fullBuckets.get(b.arn);
      expect(read, b.name).toBeDefined();
      if (!read) continue;
      // Every other fact is the same.
      for (const field of [
        'encryption',
        'policy',
        'publicAccessBlock',
        'ownershipControls',
        'versioning',
        'abac',
        'inventoryConfigurations',
      ] as const)
        expect({ ...b[field], evidence: undefined }, `${b.name} ${field}`).toEqual({
          ...read[field],
          evidence: undefined,
        });
      // Tags from the Tagging API listing: the same tags; a bucket it does not list has none.
      if (b.tags.status === 'absent' && b.tags.errorCode === 'derived:NoTagsInGetResources') {
        untagged++;
        expect(read.tags).toMatchObject({ status: 'absent', errorCode: 'NoSuchTagSet' });
        expect(b.tags.evidence.operation).toBe('GetResources');
      } else if (read.tags.status === 'ok') {
        tagged++;
        expect(b.tags).toMatchObject({
          status: 'ok',
          value: read.tags.value,
          evidence: { operation: 'GetResources' },
        });
      } else {
        // A bucket whose tags S3 would not give is read itself and keeps its gap.
        expect({ ...b.tags, evidence: undefined }, `${b.name} tags`).toEqual({
          ...read.tags,
          evidence: undefined,
        });
      }
      if (b.acl.status === 'absent' && b.acl.errorCode === 'derived:BucketOwnerEnforced') {
        acls++;
        expect(b.ownershipControls).toMatchObject({
          status: 'ok',
          value: { objectOwnership: 'BucketOwnerEnforced' },
        });
        expect(b.acl.evidence).toEqual(b.ownershipControls.evidence);
      } else {
        expect({ ...b.acl, evidence: undefined }, `${b.name} acl`).toEqual({
          ...read.acl,
          evidence: undefined,
        });
      }
      if (
        b.policyStatus.status === 'absent' &&
        b.policyStatus.errorCode === 'derived:PolicyHasNoAllowStatement'
      ) {
        statuses++;
        // S3 says the same: the policy is not public.
        expect(read.policyStatus).toMatchObject({ status: 'ok', value: { isPublic: false } });
        expect(b.policyStatus.evidence).toEqual(b.policy.evidence);
      } else {
        expect({ ...b.policyStatus, evidence: undefined }, `${b.name} policyStatus`).toEqual({
          ...read.policyStatus,
          evidence: undefined,
        });
      }
    }
    expect(acls).toBeGreaterThan(0);
    expect(statuses).toBeGreaterThan(0);
    expect(tagged).toBeGreaterThan(0);
    expect(untagged).toBeGreaterThan(0);
  });
});
