import { describe, expect, it } from 'vitest';
import { evaluate, failLevelExitCode } from '../../src/evaluate/evaluate.ts';
import { CHECKS } from '../../src/checks/registry.ts';
import type { CheckDefinition } from '../../src/checks/types.ts';
import type { Evaluation } from '../../src/evaluate/types.ts';
import { account, bucket, config, deniedOf, kmsEncryption, kmsKey, snapshot } from '../support/snapshot.ts';

const kmsBucket = bucket('b-kms', { encryption: kmsEncryption() });
const snap = snapshot([
  account({
    buckets: [bucket('a-plain'), kmsBucket, bucket('c-gap', { policy: deniedOf('GetBucketPolicy') })],
    kmsKeys: [kmsKey([kmsBucket.arn])],
  }),
]);

describe('evaluate', () => {
  it('runs the whole catalogue, attaching title, severity and criteria', async () => {
    const ev = await evaluate(snap, config());
    const ran = new Set(ev.findings.map((f) => f.checkId));
    expect([...ran].sort()).toEqual(
      CHECKS.map((c) => c.id)
        .filter((id) => id !== 'exceptions.valid')
        .sort(),
    );
    const enc = ev.findings.find((f) => f.checkId === 's3.default-encryption');
    expect(enc).toMatchObject({
      title: 'S3 default encryption is enabled',
      severity: 'high',
      criteria: ['CC6.6', 'CC6.1'],
    });
    expect(ev.findings.find((f) => f.checkId === 's3.bucket-key')?.criteria).toEqual([]);
    expect(ev.findings.find((f) => f.checkId === 'cloudtrail.log-file-validation')?.criteria).toEqual([
      'CC7.2',
    ]);
    expect(ev.classifications.map((c) => [c.bucket, c.classification.level])).toEqual([
      ['a-plain', 'sensitive'],
      ['b-kms', 'sensitive'],
      ['c-gap', 'sensitive'],
    ]);
  });

  it('defaults now to the collection end and is reproducible', async () => {
    const a = await evaluate(snap, config());
    const b = await evaluate(snap, config());
    expect(a.evaluatedAt).toBe('2026-03-01T10:05:00.000Z');
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    const later = await evaluate(snap, config(), { now: new Date('2027-01-01T00:00:00Z') });
    expect(later.evaluatedAt).toBe('2027-01-01T00:00:00.000Z');
  });

  it('counts checks mapped to no criterion apart: criterion rows plus other checks count each result once per criterion', async () => {
    const ev = await evaluate(snap, config());
    const { summary } = ev;
    expect(summary.otherChecks.checks).toEqual(['s3.bucket-key']);
    expect(Object.values(summary.otherChecks.byStatus).reduce((a, n) => a + n, 0)).toBe(
      ev.findings.filter((f) => f.checkId === 's3.bucket-key').length,
    );
    for (const status of Object.keys(summary.byStatus) as (keyof typeof summary.byStatus)[]) {
      const rows = Object.values(summary.byCriterion).reduce((a, row) => a + row[status], 0);
      expect(summary.controlTotals[status], status).toBe(rows);
      // byStatus counts each result once; the rows count it once per criterion its check supports.
      const once = ev.findings.filter((f) => f.status === status);
      expect(summary.byStatus[status], status).toBe(once.length);
      expect(rows, status).toBe(once.reduce((a, f) => a + f.criteria.length, 0));
    }
    // s3.bucket-key's results are in no criterion row; a CC6.6 + CC6.1 check's results are in both.
    const memberships = ev.findings.reduce((a, f) => a + f.criteria.length, 0);
    expect(Object.values(summary.controlTotals).reduce((a, n) => a + n, 0)).toBe(memberships);
    expect(memberships).toBeGreaterThan(ev.findings.filter((f) => f.criteria.length > 0).length);
  });

  it('sorts findings by catalogue order then resource', async () => {
    const ev = await evaluate(snap, config());
    const order = CHECKS.map((c) => c.id);
    const idx = ev.findings.map((f) => order.indexOf(f.checkId));
    expect(idx).toEqual([...idx].sort((x, y) => x - y));
    const enc = ev.findings.filter((f) => f.checkId === 's3.default-encryption').map((f) => f.resource.name);
    expect(enc).toEqual(['a-plain', 'b-kms', 'c-gap']);
  });

  it('turns a throwing check into an error result without crashing', async () => {
    const boom: CheckDefinition = {
      id: 's3.tls-only',
      title: 't',
      severity: 'low',
      criteria: [],
      description: 'd',
      reads: [],
      method: 'm',
      evaluate: () => {
        throw new Error('kaput');
      },
    };
    const ev = await evaluate(snap, config(), { checks: [CHECKS[0] as CheckDefinition, boom] });
    const err = ev.findings.find((f) => f.status === 'error');
    expect(err?.reason).toMatch(/kaput/);
    expect(ev.summary.byStatus.error).toBe(1);
    expect(ev.summary.byCheck['s3.tls-only']?.error).toBe(1);
  });

  it('summarizes per status, criterion and check consistently', async () => {
    const ev = await evaluate(snap, config());
    const total = Object.values(ev.summary.byStatus).reduce((s, n) => s + n, 0);
    expect(total).toBe(ev.findings.length);
    const cc66 = ev.findings.filter((f) => f.criteria.includes('CC6.6')).length;
    expect(Object.values(ev.summary.byCriterion['CC6.6'] ?? {}).reduce((s, n) => s + n, 0)).toBe(cc66);
    expect(ev.summary.byCheck['s3.not-public']?.['insufficient-evidence']).toBe(1);
  });
});

describe('failLevelExitCode', () => {
  const withCounts = (counts: Partial<Evaluation['summary']['byStatus']>): Evaluation => ({
    evaluatedAt: '',
    findings: [],
    criteria: [],
    classifications: [],
    exceptions: [],
    summary: {
      results: Object.values(counts).reduce((a, n) => a + n, 0),
      byStatus: {
        fail: 0,
        'insufficient-evidence': 0,
        error: 0,
        excepted: 0,
        pass: 0,
        'not-applicable': 0,
        ...counts,
      },
      periodDeviations: {
        results: 0,
        byStatus: {
          fail: 0,
          'insufficient-evidence': 0,
          error: 0,
          excepted: 0,
          pass: 0,
          'not-applicable': 0,
        },
        byCheck: {},
      },
      byCriterion: {},
      byCheck: {},
      controlTotals: {
        fail: 0,
        'insufficient-evidence': 0,
        error: 0,
        excepted: 0,
        pass: 0,
        'not-applicable': 0,
      },
      otherChecks: {
        checks: [],
        byStatus: {
          fail: 0,
          'insufficient-evidence': 0,
          error: 0,
          excepted: 0,
          pass: 0,
          'not-applicable': 0,
        },
      },
      crossChecks: 0,
    },
    crossChecks: [],
  });
  it.each([
    ['fail', { fail: 1 }, 1],
    ['fail', { error: 1 }, 1],
    ['fail', { 'insufficient-evidence': 3, excepted: 2 }, 0],
    ['gap', { 'insufficient-evidence': 1 }, 1],
    ['gap', { excepted: 1, pass: 4 }, 0],
    ['none', { fail: 5 }, 0],
  ] as const)('level %s with %o → %i', (level, counts, code) => {
    expect(failLevelExitCode(withCounts(counts), level)).toBe(code);
  });
});
