import { startConfigRecorder } from '../support/config-recorder.ts';
import {
  CreateBucketCommand,
  DeletePublicAccessBlockCommand,
  PutBucketPolicyCommand,
} from '@aws-sdk/client-s3';
import {
  GetComplianceDetailsByConfigRuleCommand,
  GetResourceConfigHistoryCommand,
  PutConfigRuleCommand,
} from '@aws-sdk/client-config-service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateChangedBucket } from '../../src/sandbox/services/config/evaluate.ts';
import { ACCOUNT, startHarness, type Harness } from '../collect/harness.ts';

const publicRead = (bucket: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` },
    ],
  });

let h: Harness;
let evaluated = 0;

/**
 * Two buckets made public after the rule's first evaluation; only one is re-evaluated, as Config's
 * change-triggered rules evaluate the resource whose change they recorded.
 */
beforeAll(async () => {
  h = await startHarness();
  const s3 = h.s3();
  const cfg = h.config();
  for (const Bucket of ['config-logs', 'changed', 'stale'])
    await s3.send(new CreateBucketCommand({ Bucket }));
  await startConfigRecorder(cfg, ACCOUNT);
  await cfg.send(
    new PutConfigRuleCommand({
      ConfigRule: {
        ConfigRuleName: 'public-read',
        Source: { Owner: 'AWS', SourceIdentifier: 'S3_BUCKET_PUBLIC_READ_PROHIBITED' },
      },
    }),
  );
  for (const Bucket of ['changed', 'stale']) {
    await s3.send(new DeletePublicAccessBlockCommand({ Bucket }));
    await s3.send(new PutBucketPolicyCommand({ Bucket, Policy: publicRead(Bucket) }));
  }
  evaluated = evaluateChangedBucket(
    h.sandbox.state,
    h.sandbox.state.account(ACCOUNT),
    'us-east-1',
    'changed',
  );
});

afterAll(async () => {
  await h.close();
});

describe("a change-triggered evaluation of one bucket (the demo's Config rules after a recorded change)", () => {
  it('re-evaluates that bucket under every rule and leaves the other results as they were', async () => {
    expect(evaluated).toBe(1);
    const out = await h
      .config()
      .send(new GetComplianceDetailsByConfigRuleCommand({ ConfigRuleName: 'public-read' }));
    const byBucket = new Map(
      (out.EvaluationResults ?? []).map((r) => [
        r.EvaluationResultIdentifier?.EvaluationResultQualifier?.ResourceId,
        r.ComplianceType,
      ]),
    );
    expect(byBucket.get('changed')).toBe('NON_COMPLIANT');
    // Public too, but not re-evaluated: its COMPLIANT result from before is stale, as on AWS.
    expect(byBucket.get('stale')).toBe('COMPLIANT');
  });

  it("records the changed result in the bucket's compliance history", async () => {
    const out = await h.config().send(
      new GetResourceConfigHistoryCommand({
        resourceType: 'AWS::Config::ResourceCompliance',
        resourceId: 'AWS::S3::Bucket/changed',
        chronologicalOrder: 'Forward',
      }),
    );
    const types = (out.configurationItems ?? []).map(
      (i) => (JSON.parse(i.configuration ?? '{}') as { complianceType?: string }).complianceType,
    );
    expect(types).toEqual(['COMPLIANT', 'NON_COMPLIANT']);
  });

  it('does nothing for a bucket of another region or one that does not exist', () => {
    const account = h.sandbox.state.account(ACCOUNT);
    expect(evaluateChangedBucket(h.sandbox.state, account, 'eu-west-1', 'changed')).toBe(0);
    expect(evaluateChangedBucket(h.sandbox.state, account, 'us-east-1', 'no-such-bucket')).toBe(0);
  });
});
