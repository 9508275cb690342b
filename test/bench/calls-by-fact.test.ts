import { describe, expect, it } from 'vitest';
import { callsPerBucketByFact } from '../../src/bench/format.ts';

describe('calls per bucket by fact', () => {
  it('splits the ABAC and S3 Inventory reads from every other call, over the same bucket count', () => {
    const line = callsPerBucketByFact(
      {
        's3:GetBucketEncryption': 200,
        's3:GetBucketAbac': 200,
        's3:ListBucketInventoryConfigurations': 200,
        's3:GetBucketPolicyStatus': 13,
        'kms:ListKeys': 1,
      },
      200,
    );
    expect(line).toBe(
      'calls per bucket by fact: ABAC 1.00, S3 Inventory configurations 1.00, everything else 1.07',
    );
    expect(callsPerBucketByFact({ 's3:GetBucketAbac': 3 }, 0)).toBeUndefined();
  });
});
