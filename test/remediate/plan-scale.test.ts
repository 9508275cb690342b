import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/remediate/plan.ts';
import type { FindingRef } from '../../src/remediate/types.ts';
import type { AccountSnapshot } from '../../src/snapshot/model.ts';
import { account, bucket, keyMeta, kmsKey, snapshot } from '../support/snapshot.ts';
import { okOf } from '../support/outcomes.ts';

/** An array whose element reads are counted (iteration, `find`, `map` all read elements). */
function counted<T>(items: T[], reads: { n: number }): T[] {
  return new Proxy(items, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && /^\d+$/.test(prop)) reads.n++;
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
}

/** An organization-sized snapshot in miniature: `accounts` accounts of `perAccount` buckets and one key. */
function organization(accounts: number, perAccount: number, reads: { buckets: { n: number } }) {
  const list: AccountSnapshot[] = [];
  for (let a = 0; a < accounts; a++) {
    const accountId = String(100000000000 + a);
    const names = Array.from({ length: perAccount }, (_, i) => `bucket-${a}-${i}`);
    const keyArn = `arn:aws:kms:us-east-1:${accountId}:key/1234abcd-0000-0000-0000-${String(a).padStart(12, '0')}`;
    list.push(
      account({
        accountId,
        buckets: counted(
          names.map((n) => bucket(n, { accountId })),
          reads.buckets,
        ),
        kmsKeys: [
          kmsKey(names, {
            accountId,
            metadata: okOf(keyMeta({ arn: keyArn, keyAccountId: accountId }), 'DescribeKey', 'kms'),
          }),
        ],
      }),
    );
  }
  return snapshot(list);
}

const fail = (checkId: string, arn: string, name: string): FindingRef => ({
  checkId,
  resourceArn: arn,
  resourceName: name,
  reason: 'failing',
});

describe('the fix plan of a large organization', () => {
  it('reads each bucket record and each failing finding a bounded number of times, however many there are', () => {
    const reads = { buckets: { n: 0 }, failing: { n: 0 } };
    const snap = organization(8, 25, reads);
    const refs: FindingRef[] = [];
    for (const a of snap.accounts) {
      refs.push(fail('s3.account-public-access-block', `arn:aws:s3::${a.accountId}:account`, a.accountId));
      for (const b of a.buckets)
        for (const c of ['s3.sse-kms-cmk', 's3.tls-only', 's3.bucket-public-access-block'])
          refs.push(fail(c, b.arn, b.name));
    }
    reads.buckets.n = 0;
    const failing = counted(refs, reads.failing);
    const plan = buildPlan('run', failing, { snapshot: snap, failing, rotationPeriodInDays: 365 });

    const buckets = 8 * 25;
    // Each bucket gets its encryption, policy and Block Public Access step; each account one step.
    expect(plan.steps).toHaveLength(buckets * 3 + 8);
    const encryption = plan.steps.filter((s) => s.call?.operation === 'PutBucketEncryption');
    expect(encryption).toHaveLength(buckets);
    // The suggested key is the bucket's own account's key, found without scanning other accounts.
    expect(
      encryption.every((s) => {
        const rules = (s.call?.input.ServerSideEncryptionConfiguration as { Rules: unknown[] }).Rules;
        return JSON.stringify(rules).includes(`:${s.call?.accountId}:key/`);
      }),
    ).toBe(true);
    // Linear: a plan that looked each finding's bucket up by scanning every account, or rebuilt
    // the set of failing ARNs per finding, reads them (findings × buckets) or (findings²) times.
    expect(reads.buckets.n).toBeLessThanOrEqual(2 * buckets);
    expect(reads.failing.n).toBeLessThanOrEqual(3 * refs.length);
  });
});
