import { describe, expect, it } from 'vitest';
import { analyzePolicyText, createBucketPolicyAnalyzer } from '../../src/checks/policy/analyze-policies.ts';
import { BUCKET_PROBES } from '../../src/checks/policy/probes.ts';
import { analyzeHistoryPolicies } from '../../src/period/evaluate-period.ts';
import type { ConfigHistoryItem } from '../../src/snapshot/model.ts';
import { ACCOUNT, REGION, account, bucket, okOf, snapshot } from '../support/snapshot.ts';

const PERIOD = { start: '2026-03-01T00:00:00.000Z', end: '2026-06-01T00:00:00.000Z' };

/** The policy versions a bucket goes through: TLS-only, then public reads added, then TLS-only again. */
function versions(name: string): string[] {
  const arn = `arn:aws:s3:::${name}`;
  const tls = {
    Sid: 'DenyInsecureTransport',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: [arn, `${arn}/*`],
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  };
  const read = {
    Sid: 'PublicRead',
    Effect: 'Allow',
    Principal: '*',
    Action: 's3:GetObject',
    Resource: `${arn}/*`,
  };
  const doc = (statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
  return [doc([tls]), doc([tls, read]), doc([tls])];
}

function item(at: string, policy: string): ConfigHistoryItem {
  return {
    captureTime: at,
    status: 'OK',
    configurationStateId: at,
    resourceCreationTime: '2025-01-01T00:00:00.000Z',
    supplementaryConfiguration: { BucketPolicy: JSON.stringify({ policyText: policy }) },
  };
}

/** `n` buckets whose histories record the same three policy versions, each naming its own bucket. */
function estate(n: number) {
  const buckets = Array.from({ length: n }, (_, i) => bucket(`logs-${i}`));
  return snapshot([
    account({
      buckets,
      configHistory: buckets.map((b) => ({
        bucketArn: b.arn,
        bucket: b.name,
        accountId: ACCOUNT,
        region: REGION,
        period: PERIOD,
        items: okOf(
          versions(b.name).map((text, i) => item(`2026-0${3 + i}-10T00:00:00.000Z`, text)),
          'GetResourceConfigHistory',
          'config',
        ),
      })),
    }),
  ]);
}

describe('the historical bucket policies of a period', () => {
  it('are simulated once per policy shape, however many buckets record them', async () => {
    const runs: number[] = [];
    for (const n of [10, 40]) {
      const analyzer = createBucketPolicyAnalyzer(BUCKET_PROBES);
      const lookup = await analyzeHistoryPolicies(estate(n), analyzer);
      expect(lookup(`arn:aws:s3:::logs-${n - 1}`, versions(`logs-${n - 1}`)[1] ?? '')?.kind).toBe('analyzed');
      runs.push(analyzer.simulations);
    }
    // Two distinct shapes (TLS-only, TLS-only plus public read) whatever the number of buckets.
    expect(runs).toEqual([2, 2]);
  });

  it("give each bucket's versions the results of simulating that bucket's own text", async () => {
    const snap = estate(3);
    const lookup = await analyzeHistoryPolicies(snap);
    for (const b of snap.accounts[0]?.buckets ?? [])
      for (const text of versions(b.name))
        expect(lookup(b.arn, text)).toEqual(
          await analyzePolicyText(text, BUCKET_PROBES, { bucketArn: b.arn, accountId: ACCOUNT }),
        );
  });
});
