import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/schema.ts';
import { evaluate } from '../../src/evaluate/evaluate.ts';
import { readPackEntries } from '../../src/pack/zip-reader.ts';
import { runEvidencePack } from '../../src/pipeline/run.ts';
import { silentProgress } from '../../src/progress/progress.ts';
import { buildCsvFiles } from '../../src/render/csv.ts';
import { sandboxLink } from '../../src/sandbox/console/urls.ts';
import { startSandbox } from '../../src/sandbox/server.ts';
import type { BucketSnapshot, Snapshot } from '../../src/snapshot/model.ts';
import type { Outcome } from '../../src/snapshot/outcome.ts';

/**
 * The other side of derived reads: every per-bucket read that is still made feeds a verdict or a
 * population column, so none can be dropped without losing a fact. For each outcome a bucket
 * snapshot holds, the answer is replaced on every bucket by the gap a denied read would leave; the
 * findings or the population CSVs must change. A read nothing consumes would leave both the same.
 */

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

type OutcomeField = {
  [K in keyof BucketSnapshot]-?: NonNullable<BucketSnapshot[K]> extends Outcome<unknown> ? K : never;
}[keyof BucketSnapshot];

/** The outcomes of a bucket snapshot: one per per-bucket read (tags: GetResources or GetBucketTagging). */
function outcomeFields(b: BucketSnapshot): OutcomeField[] {
  return (Object.keys(b) as (keyof BucketSnapshot)[]).filter((k): k is OutcomeField => {
    const v = b[k] as { status?: unknown; evidence?: unknown } | undefined;
    return typeof v === 'object' && v !== null && typeof v.status === 'string' && 'evidence' in v;
  });
}

/** The snapshot with `field` of every bucket replaced by an AccessDenied gap on the same call. */
function denied(snapshot: Snapshot, field: OutcomeField): Snapshot {
  return {
    ...snapshot,
    accounts: snapshot.accounts.map((a) => ({
      ...a,
      buckets: a.buckets.map((b) => {
        const o = b[field];
        if (!o) return b;
        return {
          ...b,
          [field]: {
            status: 'denied',
            errorCode: 'AccessDenied',
            message: `${o.evidence.operation}: Access Denied`,
            evidence: o.evidence,
          },
        };
      }),
    })),
  };
}

/** What a pack says: every result (check, resource, status, reason) and every CSV. */
async function output(
  snapshot: Snapshot,
  config: Config,
): Promise<{ findings: Map<string, string>; csvs: Map<string, string[][]> }> {
  const evaluation = await evaluate(snapshot, config);
  const findings = new Map<string, string>();
  for (const f of evaluation.findings) {
    const key = `${f.checkId} ${f.resource.arn}`;
    findings.set(key, `${findings.get(key) ?? ''}${f.status} ${f.reason}\n`);
  }
  const csvs = new Map(
    buildCsvFiles(snapshot, evaluation).map((c) => [c.path, parse(c.content) as string[][]] as const),
  );
  return { findings, csvs };
}

/** The checks with a result that differs, and the CSV columns (`path#column`) whose values differ. */
function consumers(
  base: Awaited<ReturnType<typeof output>>,
  other: Awaited<ReturnType<typeof output>>,
): { checks: string[]; columns: string[] } {
  const checks = new Set<string>();
  for (const key of new Set([...base.findings.keys(), ...other.findings.keys()]))
    if (base.findings.get(key) !== other.findings.get(key)) checks.add(key.split(' ')[0] ?? key);
  const columns = new Set<string>();
  for (const [path, rows] of base.csvs) {
    const [header = [], ...body] = rows;
    const otherBody = (other.csvs.get(path) ?? []).slice(1);
    // Rows may change order (buckets needing attention sort first): compare each column's values.
    header.forEach((name, i) => {
      const values = (b: string[][]) => b.map((r) => r[i] ?? '').sort();
      if (JSON.stringify(values(body)) !== JSON.stringify(values(otherBody))) columns.add(`${path}#${name}`);
    });
  }
  return { checks: [...checks].sort(), columns: [...columns].sort() };
}

describe('every per-bucket read still made feeds a verdict or a population column (demo estate)', () => {
  let snapshot: Snapshot;
  let config: Config;
  beforeAll(async () => {
    // A tag rule, so that tags (and ABAC, which makes a tag an access-control input) take part in
    // classification as they do in a real configuration.
    const load = validateConfig({
      organization: 'Reads needed',
      classification: {
        default: 'sensitive',
        rules: [{ name: 'public assets', level: 'standard', tag: { key: 'data-class', values: ['public'] } }],
      },
    });
    if (!load.ok) throw new Error(load.errors.join('; '));
    config = load.config;
    const sandbox = await startSandbox({ scenario: 'demo' });
    const outDir = await mkdtemp(join(tmpdir(), 'evidence-pack-needed-'));
    dirs.push(outDir);
    try {
      const built = await runEvidencePack({
        config,
        outDir,
        endpointUrl: sandbox.url,
        credentials: { accessKeyId: 'AKIANEEDED', secretAccessKey: 'x' },
        screenshots: false,
        sandbox: sandboxLink(sandbox.url),
        progress: silentProgress,
      });
      const entries = await readPackEntries(built.written.zipPath);
      snapshot = JSON.parse(entries.get('snapshot.json')?.toString('utf8') ?? '') as Snapshot;
    } finally {
      await sandbox.close();
    }
  }, 300_000);

  it('covers every read collectBucketConfig makes', () => {
    const buckets = snapshot.accounts.flatMap((a) => a.buckets);
    expect(buckets.length).toBeGreaterThan(10);
    const fields = new Set(buckets.flatMap(outcomeFields));
    expect([...fields].sort()).toEqual(
      [
        'abac',
        'acl',
        'encryption',
        'inventoryConfigurations',
        'ownershipControls',
        'policy',
        'policyStatus',
        'publicAccessBlock',
        'tags',
        'versioning',
      ].sort(),
    );
  });

  // The consumers each read is known to feed (README "What is collected per bucket"); the run may
  // find more (a gap also changes the findings' evidence columns), never fewer.
  const B = 'inventory/buckets.csv#';
  it.each<[OutcomeField, string[], string[]]>([
    [
      'encryption',
      ['s3.bucket-key', 's3.default-encryption', 's3.sse-c-blocked', 's3.sse-kms-cmk'],
      [`${B}encryption`, `${B}kms_key`, `${B}bucket_key`],
    ],
    [
      'policy',
      ['s3.deny-unencrypted-put', 's3.no-external-access', 's3.not-public', 's3.tls-only'],
      [`${B}policy_present`, `${B}public_status`],
    ],
    ['policyStatus', ['s3.not-public'], [`${B}public_status`]],
    ['publicAccessBlock', ['s3.bucket-public-access-block', 's3.not-public'], [`${B}bpa_bucket`]],
    ['acl', ['s3.not-public'], [`${B}public_status`]],
    ['ownershipControls', ['s3.not-public'], [`${B}object_ownership`]],
    ['tags', ['s3.sse-kms-cmk', 's3.object-encryption-inventory'], [`${B}tags`, `${B}classification`]],
    ['versioning', [], [`${B}versioning`]],
    ['abac', [], [`${B}abac`, `${B}classification_rule`]],
    ['inventoryConfigurations', ['s3.object-encryption-inventory'], [`${B}object_encryption`]],
  ])('%s: without its answer, verdicts %j and columns %j change', async (field, checks, columns) => {
    const base = await output(snapshot, config);
    const found = consumers(base, await output(denied(snapshot, field), config));
    expect(found.checks).toEqual(expect.arrayContaining(checks));
    expect(found.columns).toEqual(expect.arrayContaining(columns));
  });
});
