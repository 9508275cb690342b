import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/evaluate/evaluate.ts';
import { CHECKS } from '../../src/checks/registry.ts';
import { analyzePolicyText } from '../../src/checks/policy/analyze-policies.ts';
import { ANONYMOUS_PROBES, BUCKET_PROBES } from '../../src/checks/policy/probes.ts';
import { account, bucket, config, okOf, snapshot } from '../support/snapshot.ts';

interface Fixture {
  description: string;
  why: string;
  policy: unknown;
  expected: { denyUnencryptedPut: 'pass' | 'fail'; tlsOnly: 'pass' | 'fail'; anonymousPublic: boolean };
}

const dir = join(import.meta.dirname, '../fixtures/policies');
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => ({ file: f, ...(JSON.parse(readFileSync(join(dir, f), 'utf8')) as Fixture) }));

const checks = CHECKS.filter((c) => c.id === 's3.deny-unencrypted-put' || c.id === 's3.tls-only');

describe('bucket policy corpus', () => {
  it('holds at least 40 variants', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(40);
  });

  it.each(fixtures)('$file: $description', async (fx) => {
    const text = JSON.stringify(fx.policy);
    const b = bucket('corpus-bucket', {
      policy: okOf({ text }, 'GetBucketPolicy'),
      policyStatus: okOf({ isPublic: fx.expected.anonymousPublic }, 'GetBucketPolicyStatus'),
    });
    const evaluation = await evaluate(snapshot([account({ buckets: [b] })]), config(), { checks });
    const status = (id: string) => evaluation.findings.find((f) => f.checkId === id)?.status;
    expect({ put: status('s3.deny-unencrypted-put'), tls: status('s3.tls-only') }, fx.why).toEqual({
      put: fx.expected.denyUnencryptedPut,
      tls: fx.expected.tlsOnly,
    });

    const analysis = await analyzePolicyText(text, BUCKET_PROBES, {
      bucketArn: b.arn,
      accountId: b.accountId,
    });
    expect(analysis.kind).toBe('analyzed');
    const anonymousAllowed =
      analysis.kind === 'analyzed' &&
      ANONYMOUS_PROBES.some((p) => analysis.probes[p.name]?.decision === 'allowed');
    expect(anonymousAllowed, fx.why).toBe(fx.expected.anonymousPublic);
  });
});
