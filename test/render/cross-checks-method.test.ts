import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../src/checks/registry.ts';
import { evaluate } from '../../src/evaluate/evaluate.ts';
import { loadTemplates, renderHtml } from '../../src/render/html.ts';
import { buildReportModel } from '../../src/render/view-model.ts';
import type { ConfigRegionSnapshot } from '../../src/snapshot/model.ts';
import { absentOf, account, bucket, config, configRegion, okOf, snapshot } from '../support/snapshot.ts';

/** A bucket without default encryption that AWS Config nevertheless reports COMPLIANT. */
async function contradictedInput() {
  const results: ConfigRegionSnapshot['results'] = [
    {
      ruleName: 's3-sse',
      sourceIdentifier: 'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED',
      evaluations: okOf(
        [
          {
            resourceType: 'AWS::S3::Bucket',
            resourceId: 'data',
            complianceType: 'COMPLIANT',
            resultRecordedTime: '2026-02-28T09:00:00.000Z',
          },
        ],
        'GetComplianceDetailsByConfigRule',
        'config',
      ),
    },
  ];
  const snap = snapshot([
    account({
      buckets: [
        bucket('data', {
          encryption: absentOf('ServerSideEncryptionConfigurationNotFoundError', 'GetBucketEncryption'),
        }),
      ],
      config: [configRegion({ results })],
    }),
  ]);
  const cfg = config();
  const evaluation = await evaluate(snap, cfg);
  return {
    snapshot: snap,
    evaluation,
    config: cfg,
    evidenceIndex: [],
    evidenceDigest: 'f'.repeat(64),
    screenshots: [],
    renderer: 'chromium' as const,
    toolVersion: '0.0.0-test',
    configDigest: `sha256:${'c'.repeat(64)}`,
    provenance: {
      operator: { kind: 'local' as const, user: 'alice', host: 'laptop' },
      operatorLabel: 'alice@laptop',
      commandLine: 'evidence-pack run --profile audit',
      codeDigest: `sha256:${'d'.repeat(64)}`,
      codeFiles: 3,
      times: {
        collection: snap.collection,
        capture: { startedAt: '2026-03-01T10:05:01.000Z', finishedAt: '2026-03-01T10:06:00.000Z' },
        renderStartedAt: '2026-03-01T10:06:01.000Z',
      },
    },
  };
}

describe('cross-checks, totals and method in the report', () => {
  it('lists the contradiction with both recorded calls and counts it on the cover', async () => {
    const input = await contradictedInput();
    const model = buildReportModel(input);
    expect(model.scope.crossChecks).toBe(1);
    const row = model.crossChecks.items[0]!;
    expect(row.kindLabel).toBe("AWS Config rule vs this tool's check");
    expect(row.sources.map((s) => s.source)).toEqual([
      'AWS Config rule "s3-sse" (S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED)',
      's3.default-encryption (default encryption)',
    ]);
    const refs = input.evaluation.crossChecks[0]!.sources.flatMap((s) => s.evidence);
    const html = renderHtml(model, loadTemplates()).replace(/<wbr>|<span class="nobr">|<\/span>/g, '');
    const section = html.slice(html.indexOf('id="cross-checks"'));
    for (const r of refs) expect(section).toContain(r.requestId!);
    expect(html).toMatch(/id="cover-cross-checks"><span class="value">1</);
  });

  it('makes the cover total the sum of the criterion rows plus other checks', async () => {
    const model = buildReportModel(await contradictedInput());
    const total = (c: { count: number }[]) => c.reduce((n, x) => n + x.count, 0);
    const rows = model.criteria.reduce((n, c) => n + c.total, 0);
    expect(model.otherChecks.checks).toBe('s3.bucket-key');
    expect(model.scope.totalResults).toBe(rows + model.otherChecks.total);
    expect(total(model.totals)).toBe(model.scope.totalResults);
    for (const [i, t] of model.totals.entries()) {
      const sum = model.criteria.reduce((n, c) => n + (c.counts[i]?.count ?? 0), 0);
      expect(t.count, t.status).toBe(sum + (model.otherChecks.counts[i]?.count ?? 0));
    }
    const html = renderHtml(model, loadTemplates()).replace(/<wbr>|<span class="nobr">|<\/span>/g, '');
    expect(html).toContain('Other checks, not part of any criterion');
  });

  it('states for each check what it reads and how it decides, from the definitions', async () => {
    const model = buildReportModel(await contradictedInput());
    const ran = CHECKS;
    expect(model.method.map((m) => m.checkId)).toEqual(ran.map((c) => c.id));
    for (const c of ran) {
      const row = model.method.find((m) => m.checkId === c.id)!;
      expect(row.method).toBe(c.method);
      for (const op of c.reads) expect(row.reads).toContain(op);
    }
    const html = renderHtml(model, loadTemplates()).replace(/<wbr>|<span class="nobr">|<\/span>/g, '');
    const method = html.slice(html.indexOf('id="method"'));
    expect(method).toContain(CHECKS.find((c) => c.id === 's3.tls-only')!.method.slice(0, 60));
  });

  it('puts the operator, command line, code and config digests and the time window on the cover', async () => {
    const html = renderHtml(buildReportModel(await contradictedInput()), loadTemplates()).replace(
      /<wbr>|<span class="nobr">|<\/span>/g,
      '',
    );
    const cover = html.slice(0, html.indexOf('id="summary"'));
    expect(cover).toContain('alice@laptop');
    expect(cover).toContain('evidence-pack run --profile audit');
    expect(cover).toContain('d'.repeat(16));
    expect(cover).toContain('c'.repeat(16));
    expect(cover).toMatch(/2026-03-01 10:05:01 UTC to 2026-03-01 10:06:00 UTC/);
  });
});

describe('every check definition', () => {
  it('says what it reads and how it decides', () => {
    for (const c of CHECKS) {
      expect(c.method.length, c.id).toBeGreaterThan(40);
      for (const op of c.reads) expect(op, c.id).toMatch(/^[a-z0-9]+:[A-Z][A-Za-z0-9]+$/);
    }
  });
});
