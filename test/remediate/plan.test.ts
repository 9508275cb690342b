import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/remediate/plan.ts';
import type { FindingRef } from '../../src/remediate/types.ts';
import type { BucketSnapshot } from '../../src/snapshot/model.ts';
import { account, bucket, snapshot } from '../checks/builders.ts';
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

  it('refuses a bucket name no S3 bucket can have instead of quoting it into a command', () => {
    const b = bucket('x', { name: "evil'; rm -rf ~", arn: 'arn:aws:s3:::evil' });
    const [step] = planFor(b, ['s3.bucket-public-access-block']).steps;
    expect(step?.call).toBeUndefined();
    expect(step?.summary).toMatch(/not a valid S3 bucket name/);
  });
});
