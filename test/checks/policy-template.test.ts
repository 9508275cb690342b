import { describe, expect, it } from 'vitest';
import { BUCKET_PROBES } from '../../src/checks/policy/probes.ts';
import { analyzePolicyText, createBucketPolicyAnalyzer } from '../../src/checks/policy/analyze-policies.ts';
import { bucketPolicyTemplate, TEMPLATE_BUCKET } from '../../src/checks/policy/policy-template.ts';

const ACCOUNT = '111122223333';
const arnOf = (name: string) => `arn:aws:s3:::${name}`;

/** Deny plain HTTP (Sid names the bucket) and allow anonymous reads of the bucket's objects. */
function policyFor(name: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: `DenyHttp-arn:aws:s3:::${name}`,
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [arnOf(name), `${arnOf(name)}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
      { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `${arnOf(name)}/*` },
    ],
  });
}

describe('bucket policy templates', () => {
  it('share one simulation between buckets whose policies differ only in their own name', async () => {
    const analyzer = createBucketPolicyAnalyzer();
    const names = ['alpha-logs', 'beta.data', 'gamma-1'];
    for (const name of names) {
      const shared = await analyzer.analyze(policyFor(name), arnOf(name), ACCOUNT);
      const direct = await analyzePolicyText(policyFor(name), BUCKET_PROBES, {
        bucketArn: arnOf(name),
        accountId: ACCOUNT,
      });
      expect(shared).toEqual(direct);
      // The statement labels name this bucket, not the placeholder or another bucket.
      expect(JSON.stringify(shared)).toContain(`DenyHttp-arn:aws:s3:::${name}`);
      expect(JSON.stringify(shared)).not.toContain(TEMPLATE_BUCKET);
    }
    expect(analyzer.simulations).toBe(1);
  });

  it('does not share a policy whose wildcard resource matches some names and not others', async () => {
    const text = (name: string) =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::gen-*/*' },
          { Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: `${arnOf(name)}/*` },
        ],
      });
    expect(bucketPolicyTemplate(text('gen-1'), 'gen-1').ok).toBe(false);
    const analyzer = createBucketPolicyAnalyzer();
    const inside = await analyzer.analyze(text('gen-1'), arnOf('gen-1'), ACCOUNT);
    const outside = await analyzer.analyze(text('other'), arnOf('other'), ACCOUNT);
    const anonGet = (r: typeof inside) =>
      r.kind === 'analyzed' ? r.probes['anonymous-s3:GetObject'] : undefined;
    expect(anonGet(inside)?.decision).toBe('allowed');
    expect(anonGet(outside)?.decision).toBe('implicit-deny');
  });

  it('keeps a literal ARN of another bucket out of the template', () => {
    const text = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: `${arnOf('other')}/*` }],
    });
    const template = bucketPolicyTemplate(text, 'mine');
    expect(template).toEqual({ ok: true, text });
    // The same text on the bucket it names mentions that bucket in a non-template way.
    expect(bucketPolicyTemplate(text, 'other').ok).toBe(true);
    expect(bucketPolicyTemplate(text, 'other')).not.toEqual(template);
  });

  it('gives an invalid policy its own message', async () => {
    const analyzer = createBucketPolicyAnalyzer();
    const bad = (name: string) =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Resource: `${arnOf(name)}/*` }],
      });
    const a = await analyzer.analyze(bad('one'), arnOf('one'), ACCOUNT);
    const direct = await analyzePolicyText(bad('one'), BUCKET_PROBES, {
      bucketArn: arnOf('one'),
      accountId: ACCOUNT,
    });
    expect(a).toEqual(direct);
  });
});
