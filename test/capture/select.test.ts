import { describe, expect, it } from 'vitest';
import { defaultSeed, rankedSample, selectCaptureTargets, targetId } from '../../src/capture/select.ts';
import type { BucketSnapshot, Snapshot } from '../../src/snapshot/model.ts';
import { writeCaptureEstate } from '../support/capture-estate.ts';
import { apiViewSpecs } from '../../src/capture/api-views.ts';
import { configSchema } from '../../src/config/schema.ts';
import { evaluate } from '../../src/evaluate/evaluate.ts';

/** The fixture snapshot with `n` extra standard buckets `std-00..`. */
async function manyBuckets(n: number): Promise<Snapshot> {
  const { snapshot } = await writeCaptureEstate();
  const account = snapshot.accounts[0]!;
  const template = account.buckets[1]!;
  for (let i = 0; i < n; i++) {
    const name = `std-${String(i).padStart(2, '0')}`;
    account.buckets.push({ ...template, name, arn: `arn:aws:s3:::${name}` });
  }
  return snapshot;
}

const sensitive = (b: BucketSnapshot): boolean => !b.name.startsWith('std-');
const bucketsOf = (plan: ReturnType<typeof selectCaptureTargets>): string[] =>
  plan.targets.flatMap((t) => (t.kind === 'bucket' ? [`${t.bucket}:${t.reason}`] : []));

describe('selectCaptureTargets', () => {
  it('draws the same sample for the same seed, and records the seed', async () => {
    const snapshot = await manyBuckets(30);
    const settings = { maxKeyBuckets: 10, sampleSize: 4, seed: 'quarter-2026Q1' };
    const a = selectCaptureTargets({ snapshot, settings, isSensitive: sensitive });
    const b = selectCaptureTargets({ snapshot, settings, isSensitive: sensitive });
    expect(a).toEqual(b);
    expect(a.seed).toBe('quarter-2026Q1');
    const samples = bucketsOf(a).filter((x) => x.endsWith(':sample'));
    expect(samples).toHaveLength(4);
    // Different seeds draw different samples from 30 buckets (checked over several seeds, not one).
    const draws = new Set(
      ['s1', 's2', 's3', 's4'].map((seed) =>
        bucketsOf(
          selectCaptureTargets({ snapshot, settings: { ...settings, seed }, isSensitive: sensitive }),
        ).join(),
      ),
    );
    expect(draws.size).toBeGreaterThan(1);
  });

  it('derives the default seed from the run id', async () => {
    const snapshot = await manyBuckets(5);
    const plan = selectCaptureTargets({
      snapshot,
      settings: { maxKeyBuckets: 1, sampleSize: 2 },
      isSensitive: sensitive,
    });
    expect(plan.seed).toBe(defaultSeed(snapshot.runId));
    expect(defaultSeed('other-run')).not.toBe(plan.seed);
  });

  it('takes sensitive buckets up to the cap, then samples the others', async () => {
    const snapshot = await manyBuckets(6);
    const plan = selectCaptureTargets({
      snapshot,
      settings: { maxKeyBuckets: 1, sampleSize: 2, seed: 'x' },
      isSensitive: sensitive,
    });
    const chosen = bucketsOf(plan);
    expect(chosen[0]).toBe('data-prod:sensitive');
    expect(chosen.filter((c) => c.endsWith(':sensitive'))).toHaveLength(1);
    // legacy-logs is sensitive but over the cap, so it joins the pool of others
    expect(chosen.filter((c) => c.endsWith(':sample'))).toHaveLength(2);
  });

  it('uses configured key buckets only and reports unknown names', async () => {
    const snapshot = await manyBuckets(6);
    const plan = selectCaptureTargets({
      snapshot,
      settings: { keyBuckets: ['std-03', 'ghost'], maxKeyBuckets: 10, sampleSize: 3 },
      isSensitive: sensitive,
    });
    expect(bucketsOf(plan)).toEqual(['std-03:configured']);
    expect(plan.unknownKeyBuckets).toEqual(['ghost']);
  });

  it('plans account BPA, customer managed keys only, Config regions and trails', async () => {
    const snapshot = await manyBuckets(0);
    const account = snapshot.accounts[0]!;
    const cmk = account.kmsKeys[0]!;
    if (cmk.metadata.status !== 'ok') throw new Error('fixture');
    account.kmsKeys.push({
      ...cmk,
      metadata: {
        ...cmk.metadata,
        value: {
          ...cmk.metadata.value,
          keyManager: 'AWS',
          keyId: 'aws-s3',
          arn: 'arn:aws:kms:us-east-1:111122223333:key/aws-s3',
        },
      },
    });
    const kinds = selectCaptureTargets({
      snapshot,
      settings: { maxKeyBuckets: 0, sampleSize: 0 },
      isSensitive: sensitive,
    }).targets.map((t) => (t.kind === 'kms-key' ? `kms-key:${t.keyId}` : t.kind));
    expect(kinds).toEqual(['account-bpa', `kms-key:${cmk.metadata.value.keyId}`, 'config-rules', 'trail']);
  });
});

describe('selectCaptureTargets: what an auditor samples', () => {
  /** Six standard buckets (no bucket-level Block Public Access); std-02's ACL grants AllUsers read and nothing neutralizes it. */
  async function withPublicAcl(): Promise<Snapshot> {
    const snapshot = await manyBuckets(6);
    const account = snapshot.accounts[0]!;
    const pab = account.accountPublicAccessBlock;
    if (pab.status !== 'ok') throw new Error('fixture');
    pab.value = { ...pab.value, ignorePublicAcls: false };
    const b = account.buckets.find((x) => x.name === 'std-02')!;
    if (b.acl.status !== 'ok' || b.ownershipControls.status !== 'ok') throw new Error('fixture');
    b.acl = {
      ...b.acl,
      value: {
        ...b.acl.value,
        grants: [
          {
            granteeType: 'Group',
            grantee: 'http://acs.amazonaws.com/groups/global/AllUsers',
            permission: 'READ',
          },
        ],
      },
    };
    b.ownershipControls = { ...b.ownershipControls, value: { objectOwnership: 'ObjectWriter' } };
    return snapshot;
  }
  const none = { maxKeyBuckets: 0, sampleSize: 0 };

  it('adds every bucket with a failing result, with the ACL view when the ACL decided it', async () => {
    const snapshot = await withPublicAcl();
    const { findings } = await evaluate(snapshot, configSchema.parse({ organization: 'Test' }));
    const failing = new Set(
      findings
        .filter((f) => f.status === 'fail' && f.resource.type === 'AWS::S3::Bucket')
        .map((f) => f.resource.name),
    );
    expect(failing.has('std-02')).toBe(true);
    const plan = selectCaptureTargets({ snapshot, settings: none, isSensitive: sensitive, findings });
    const buckets = plan.targets.filter((t) => t.kind === 'bucket');
    expect(new Set(buckets.map((t) => t.bucket))).toEqual(failing);
    const std02 = buckets.find((t) => t.bucket === 'std-02')!;
    expect(std02).toMatchObject({ reason: 'failing', aclDecides: true });
    expect(apiViewSpecs(std02, snapshot).map((v) => v.name)).toContain('bucket-acl_111122223333_std-02');
    // A bucket that fails for another reason than its ACL gets no ACL view.
    for (const t of buckets.filter((x) => x.bucket !== 'std-02')) {
      expect(apiViewSpecs(t, snapshot).some((v) => v.name.startsWith('bucket-acl_'))).toBe(false);
    }
    // Bounded: over the cap, the rest are named as omitted (capture turns them into gaps).
    const capped = selectCaptureTargets({
      snapshot,
      settings: { ...none, maxAttentionBuckets: 0 },
      isSensitive: sensitive,
      findings,
    });
    expect(capped.targets.some((t) => t.kind === 'bucket')).toBe(false);
    expect(capped.omittedAttentionBuckets).toContain('111122223333/std-02');
  });

  it('adds a bucket whose results are excepted', async () => {
    const snapshot = await withPublicAcl();
    const first = await evaluate(snapshot, configSchema.parse({ organization: 'Test' }));
    const checks = [
      ...new Set(
        first.findings
          .filter((f) => f.status === 'fail' && f.resource.name === 'std-02')
          .map((f) => f.checkId),
      ),
    ];
    const config = configSchema.parse({
      organization: 'Test',
      // Public access of a sensitive bucket is never excepted: the std- buckets are standard.
      classification: { default: 'sensitive', rules: [{ level: 'standard', namePattern: 'std-*' }] },
      exceptions: [
        {
          bucket: 'std-02',
          checks,
          justification: 'public mirror',
          approvedBy: 'CISO',
          expires: '2099-12-31',
        },
      ],
    });
    const { findings } = await evaluate(snapshot, config);
    expect(
      findings.filter((f) => f.resource.name === 'std-02' && f.status === 'excepted').length,
    ).toBeGreaterThan(0);
    const plan = selectCaptureTargets({ snapshot, settings: none, isSensitive: sensitive, findings });
    expect(plan.targets.find((t) => t.kind === 'bucket' && t.bucket === 'std-02')).toMatchObject({
      reason: 'excepted',
      aclDecides: true,
    });
  });
});

describe('rankedSample', () => {
  it('draws without replacement, and a part draws every bucket of it the whole draws', async () => {
    const snapshot = await manyBuckets(50);
    const all = snapshot.accounts[0]!.buckets;
    const drawn = rankedSample(all, 20, 'seed');
    expect(new Set(drawn).size).toBe(20);
    expect(rankedSample(all, 80, 'seed')).toHaveLength(all.length);
    expect(rankedSample(all, 20, 'other seed').map((b) => b.name)).not.toEqual(drawn.map((b) => b.name));
    const part = all.filter((_, i) => i % 3 === 0);
    const fromPart = new Set(rankedSample(part, 20, 'seed'));
    for (const b of drawn.filter((x) => part.includes(x))) expect(fromPart.has(b)).toBe(true);
  });
});

describe('selectCaptureTargets over part of the estate (a shard)', () => {
  it("plans every target the whole estate's plan picks in the part's accounts", async () => {
    // Four accounts of 20 buckets each (copies of the fixture account), some failing.
    const base = await manyBuckets(18);
    const template = base.accounts[0]!;
    const ids = ['111122223333', '222200000001', '222200000002', '222200000003'];
    const snapshot: Snapshot = {
      ...base,
      accounts: ids.map((accountId) => ({
        ...template,
        accountId,
        buckets: template.buckets.map((b) => ({ ...b, accountId })),
      })),
    };
    const { findings } = await evaluate(snapshot, configSchema.parse({ organization: 'Test' }));
    const settings = { maxKeyBuckets: 3, sampleSize: 4, maxAttentionBuckets: 5, seed: 'shards' };
    const isSensitive = (b: BucketSnapshot) => b.name.endsWith('1') || !b.name.startsWith('std-');
    const whole = selectCaptureTargets({ snapshot, settings, isSensitive, findings });
    expect(whole.targets.filter((t) => t.kind === 'bucket').length).toBeGreaterThan(7);
    for (const part of [[ids[0]!], [ids[1]!, ids[3]!], [ids[2]!]]) {
      const partSnapshot = {
        ...snapshot,
        accounts: snapshot.accounts.filter((a) => part.includes(a.accountId)),
      };
      const planned = new Set(
        selectCaptureTargets({ snapshot: partSnapshot, settings, isSensitive, findings }).targets.map(
          targetId,
        ),
      );
      const wanted = whole.targets.filter((t) => part.includes(t.accountId)).map(targetId);
      expect(wanted.length).toBeGreaterThan(0);
      expect(wanted.filter((id) => !planned.has(id))).toEqual([]);
    }
  });
});

describe('selectCaptureTargets: account-level views in a large organization', () => {
  /** The fixture snapshot copied into `n` accounts (ids 100000000000 + i). */
  async function organization(n: number): Promise<Snapshot> {
    const { snapshot } = await writeCaptureEstate();
    const template = snapshot.accounts[0]!;
    snapshot.accounts = Array.from({ length: n }, (_, i) => {
      const accountId = String(100_000_000_000 + i);
      return {
        ...template,
        accountId,
        buckets: template.buckets.map((b) => ({ ...b, accountId })),
        kmsKeys: [],
      };
    });
    return snapshot;
  }
  const settings = { maxKeyBuckets: 0, sampleSize: 0, maxAttentionBuckets: 0, seed: 'org' };
  const accountsOf = (plan: ReturnType<typeof selectCaptureTargets>, kind: string): string[] =>
    plan.targets.filter((t) => t.kind === kind).map((t) => t.accountId);

  it('captures every account up to the cap, and no more beyond it, naming the rest', async () => {
    const small = selectCaptureTargets({
      snapshot: await organization(10),
      settings,
      isSensitive: sensitive,
    });
    expect(accountsOf(small, 'account-bpa')).toHaveLength(10);
    expect(small.omittedAccounts).toEqual([]);

    const sizes = [60, 120].map(async (n) => {
      const snapshot = await organization(n);
      return selectCaptureTargets({ snapshot, settings, isSensitive: sensitive });
    });
    const [at60, at120] = await Promise.all(sizes);
    // The plan's size does not grow with the organization once over the cap.
    expect(at60!.targets).toHaveLength(at120!.targets.length);
    expect(accountsOf(at120!, 'account-bpa')).toHaveLength(25);
    expect(new Set(accountsOf(at120!, 'config-rules'))).toEqual(new Set(accountsOf(at120!, 'account-bpa')));
    expect(at120!.omittedAccounts).toHaveLength(95);
  });

  it('takes accounts with a failing account-level result before the sample', async () => {
    const snapshot = await organization(40);
    const { findings } = await evaluate(snapshot, configSchema.parse({ organization: 'Test' }));
    const accountLevel = findings.find(
      (f) => f.status === 'fail' && f.resource.type === 'AWS::S3::AccountPublicAccessBlock',
    );
    expect(accountLevel).toBeDefined();
    // Only three accounts fail at account level; their buckets' failures do not count.
    const failing = ['100000000003', '100000000021', '100000000039'];
    const onlyThree = findings.filter(
      (f) =>
        f.resource.type === 'AWS::S3::Bucket' ||
        failing.includes(f.resource.accountId) ||
        f.status !== 'fail',
    );
    const plan = selectCaptureTargets({
      snapshot,
      settings: { ...settings, maxAccounts: 5 },
      isSensitive: sensitive,
      findings: onlyThree,
    });
    const chosen = accountsOf(plan, 'account-bpa');
    expect(chosen).toHaveLength(5);
    for (const id of failing) expect(chosen).toContain(id);
    expect(plan.omittedAccounts).toHaveLength(35);
  });

  it("keeps a shard's plan a superset of the whole plan within the shard's accounts", async () => {
    const whole = await organization(80);
    const wholePlan = selectCaptureTargets({
      snapshot: whole,
      settings: { ...settings, maxAccounts: 10 },
      isSensitive: sensitive,
    });
    const picked = new Set(accountsOf(wholePlan, 'account-bpa'));
    for (const part of [0, 1, 2, 3]) {
      const shard = await organization(80);
      shard.accounts = shard.accounts.filter((_, i) => i % 4 === part);
      const shardPlan = selectCaptureTargets({
        snapshot: shard,
        settings: { ...settings, maxAccounts: 10 },
        isSensitive: sensitive,
      });
      const shardPicked = new Set(accountsOf(shardPlan, 'account-bpa'));
      for (const a of shard.accounts) if (picked.has(a.accountId)) expect(shardPicked).toContain(a.accountId);
    }
  });
});
