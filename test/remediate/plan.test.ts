import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/remediate/plan.ts';
import type { FindingRef } from '../../src/remediate/types.ts';
import type { BucketSnapshot } from '../../src/snapshot/model.ts';
import { account, bucket, snapshot, withPolicy } from '../support/snapshot.ts';
import { deniedOf, okOf } from '../support/outcomes.ts';

const fail = (checkId: string, b: BucketSnapshot): FindingRef => ({
  checkId,
  resourceArn: b.arn,
  resourceName: b.name,
  reason: 'failing',
});

function planFor(b: BucketSnapshot, checks: string[]) {
  const snap = snapshot([account({ buckets: [b] })]);
  const failing = checks.map((c) => fail(c, b));
  return buildPlan('run', failing, { snapshot: snap, failing, rotationPeriodInDays: 365 });
}

describe('the fix plan', () => {
  it("keeps the bucket's BlockedEncryptionTypes when it rewrites default encryption", () => {
    const b = bucket('blocked-bucket', {
      encryption: okOf(
        {
          rules: [
            { sseAlgorithm: 'AES256', bucketKeyEnabled: false, blockedEncryptionTypes: ['SSE-C'] } as never,
          ],
        },
        'GetBucketEncryption',
      ),
    });
    const [step] = planFor(b, ['s3.bucket-key', 's3.default-encryption']).steps;
    const rules = (step?.call?.input.ServerSideEncryptionConfiguration as { Rules: unknown[] }).Rules;
    expect(rules).toEqual([
      {
        ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' },
        BucketKeyEnabled: false,
        BlockedEncryptionTypes: { EncryptionType: ['SSE-C'] },
      },
    ]);
    expect(step?.fixes.map((f) => f.checkId)).toEqual(['s3.bucket-key', 's3.default-encryption']);
  });

  it('does not script a configuration it could not read (the call would replace it)', () => {
    const b = bucket('denied-bucket', {
      encryption: deniedOf('GetBucketEncryption'),
    });
    const [step] = planFor(b, ['s3.default-encryption']).steps;
    expect(step?.call).toBeUndefined();
    expect(step?.summary).toMatch(/could not be read/);
  });

  it('does not script a policy merge S3 would refuse: a public policy under account-level BlockPublicPolicy', () => {
    const publicRead = {
      Sid: 'PublicRead',
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: '*',
    };
    const b = withPolicy(bucket('public-bucket'), [publicRead], true);
    const planWith = (blockPublicPolicy: boolean) => {
      const acct = account({ buckets: [b] });
      const bpa = acct.accountPublicAccessBlock;
      if (bpa.status !== 'ok') throw new Error('fixture');
      const snap = snapshot([
        { ...acct, accountPublicAccessBlock: { ...bpa, value: { ...bpa.value, blockPublicPolicy } } },
      ]);
      const failing = [fail('s3.tls-only', b)];
      return buildPlan('run', failing, { snapshot: snap, failing, rotationPeriodInDays: 365 }).steps[0];
    };
    const refused = planWith(true);
    expect(refused?.call).toBeUndefined();
    expect(refused?.summary).toMatch(
      /public and account-level BlockPublicPolicy is on.*DenyInsecureTransport/,
    );
    // Without the account-level flag S3 accepts the merged policy (bucket BPA goes on after it).
    expect(planWith(false)?.call?.operation).toBe('PutBucketPolicy');
  });

  it('refuses a bucket name no S3 bucket can have instead of quoting it into a command', () => {
    const b = bucket('x', { name: "evil'; rm -rf ~", arn: 'arn:aws:s3:::evil' });
    const [step] = planFor(b, ['s3.bucket-public-access-block']).steps;
    expect(step?.call).toBeUndefined();
    expect(step?.summary).toMatch(/not a valid S3 bucket name/);
  });
});
