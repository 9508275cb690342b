import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../src/snapshot/outcome.ts';
import { evaluate } from '../../src/evaluate/evaluate.ts';
import type { PeriodBucketResult, PeriodCheckResult } from '../../src/period/types.ts';
import { periodSegments } from '../../src/period/timeline.ts';
import type { ConfigHistoryItem } from '../../src/snapshot/model.ts';
import {
  ACCOUNT,
  REGION,
  absentOf,
  account,
  bucket,
  config,
  deniedOf,
  okOf,
  snapshot,
} from '../support/snapshot.ts';

const PERIOD = { start: '2026-03-01T00:00:00.000Z', end: '2026-06-01T00:00:00.000Z' };
const OWNER = 'a'.repeat(64);

/** Settings in AWS Config's own spelling (camelCase; group grantees by name, permissions like `Read`). */
interface Settings {
  sse?: string | null;
  pab?: boolean[] | null;
  policy?: string | null;
  allUsersRead?: boolean;
}

function supplementary(s: Settings, encode: (v: unknown) => unknown): Record<string, string> {
  const grants: unknown[] = [{ grantee: { id: OWNER, displayName: null }, permission: 'FullControl' }];
  if (s.allUsersRead) grants.push({ grantee: 'AllUsers', permission: 'Read' });
  const pab = s.pab === undefined ? [true, true, true, true] : s.pab;
  const out: Record<string, unknown> = {
    AccessControlList: encode({ grantSet: null, grantList: grants, owner: { id: OWNER, displayName: null } }),
    BucketPolicy: encode({ policyText: s.policy ?? null }),
    BucketOwnershipControls: encode({ ownershipControls: { rules: [{ objectOwnership: 'ObjectWriter' }] } }),
  };
  const sse = s.sse === undefined ? 'AES256' : s.sse;
  if (sse)
    out['ServerSideEncryptionConfiguration'] = encode({
      rules: [
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: sse, kmsMasterKeyID: null },
          bucketKeyEnabled: false,
        },
      ],
    });
  if (pab) {
    const [blockPublicAcls, ignorePublicAcls, blockPublicPolicy, restrictPublicBuckets] = pab;
    out['PublicAccessBlockConfiguration'] = encode({
      blockPublicAcls,
      ignorePublicAcls,
      blockPublicPolicy,
      restrictPublicBuckets,
    });
  }
  return out as Record<string, string>;
}

const text = (v: unknown): unknown => JSON.stringify(v);

function item(
  at: string,
  s: Settings = {},
  over: Partial<ConfigHistoryItem> = {},
  encode: (v: unknown) => unknown = text,
): ConfigHistoryItem {
  return {
    captureTime: at,
    status: 'OK',
    configurationStateId: at,
    resourceCreationTime: '2025-01-01T00:00:00.000Z',
    supplementaryConfiguration: supplementary(s, encode),
    ...over,
  };
}

/** Evaluate one bucket `b1` with the given history; the account has no account-level Block Public Access. */
async function periodOf(items: Outcome<ConfigHistoryItem[]>): Promise<PeriodBucketResult | undefined> {
  const b = bucket('b1');
  const snap = snapshot([
    account({
      buckets: [b],
      accountPublicAccessBlock: absentOf(
        'NoSuchPublicAccessBlockConfiguration',
        'GetPublicAccessBlock',
        's3control',
      ),
      configHistory: [
        { bucketArn: b.arn, bucket: b.name, accountId: ACCOUNT, region: REGION, period: PERIOD, items },
      ],
    }),
  ]);
  const evaluation = await evaluate(snap, config({ period: PERIOD }));
  return evaluation.period?.buckets[0];
}

function check(r: PeriodBucketResult | undefined, id: string): PeriodCheckResult | undefined {
  return r?.checks.find((c) => c.checkId === id);
}

const windows = (c: PeriodCheckResult | undefined, kind: 'brokenWindows' | 'unknownWindows') =>
  c?.[kind].map((w) => [w.from, w.to]);

describe('period judgement from AWS Config items', () => {
  it.each([
    ['JSON text, as GetResourceConfigHistory returns it', text],
    ['objects, as delivered configuration snapshots hold it', (v: unknown) => v],
  ])('finds a public-ACL window in items encoded as %s', async (_name, encode) => {
    const r = await periodOf(
      okOf(
        [
          item('2026-02-20T00:00:00.000Z', {}, {}, encode),
          item('2026-04-01T00:00:00.000Z', { pab: null, allUsersRead: true }, {}, encode),
          item('2026-04-03T12:00:00.000Z', {}, {}, encode),
        ],
        'GetResourceConfigHistory',
        'config',
      ),
    );
    const broken = [['2026-04-01T00:00:00.000Z', '2026-04-03T12:00:00.000Z']];
    expect(check(r, 's3.not-public')?.status).toBe('broken');
    expect(windows(check(r, 's3.not-public'), 'brokenWindows')).toEqual(broken);
    expect(check(r, 's3.not-public')?.brokenWindows[0]?.reason).toMatch(/AllUsers/);
    expect(windows(check(r, 's3.bucket-public-access-block'), 'brokenWindows')).toEqual(broken);
    expect(check(r, 's3.default-encryption')?.status).toBe('held');
  });

  it('judges encryption removed mid-period as broken until it came back', async () => {
    const r = await periodOf(
      okOf(
        [
          item('2026-01-01T00:00:00.000Z'),
          item('2026-05-01T00:00:00.000Z', { sse: null }),
          item('2026-05-02T00:00:00.000Z'),
        ],
        'GetResourceConfigHistory',
        'config',
      ),
    );
    expect(windows(check(r, 's3.default-encryption'), 'brokenWindows')).toEqual([
      ['2026-05-01T00:00:00.000Z', '2026-05-02T00:00:00.000Z'],
    ]);
  });

  it('is unknown for the stretch before the first item when nothing is recorded at the start', async () => {
    const r = await periodOf(okOf([item('2026-03-15T00:00:00.000Z')], 'GetResourceConfigHistory', 'config'));
    const c = check(r, 's3.bucket-public-access-block');
    expect(c?.status).toBe('unknown');
    expect(windows(c, 'unknownWindows')).toEqual([['2026-03-01T00:00:00.000Z', '2026-03-15T00:00:00.000Z']]);
  });

  it('still reports a failure when part of the period has no history', async () => {
    const r = await periodOf(
      okOf(
        [
          item('2026-03-15T00:00:00.000Z'),
          item('2026-04-01T00:00:00.000Z', { pab: [true, false, true, true] }),
        ],
        'GetResourceConfigHistory',
        'config',
      ),
    );
    const c = check(r, 's3.bucket-public-access-block');
    expect(c?.status).toBe('broken');
    expect(windows(c, 'brokenWindows')).toEqual([['2026-04-01T00:00:00.000Z', '2026-06-01T00:00:00.000Z']]);
    expect(c?.reason).toMatch(
      /missing or unjudgeable for 2026-03-01 00:00:00 UTC to 2026-03-15 00:00:00 UTC/,
    );
  });

  it('says a bucket created inside the period passing since its creation is unknown, naming its creation', async () => {
    const created = { status: 'ResourceDiscovered', resourceCreationTime: '2026-04-01T00:00:00.000Z' };
    const r = await periodOf(
      okOf([item('2026-04-01T00:04:00.000Z', {}, created)], 'GetResourceConfigHistory', 'config'),
    );
    const c = check(r, 's3.bucket-public-access-block');
    expect(c).toMatchObject({ status: 'unknown', cause: 'created-during-period' });
    expect(c?.reason).toContain('created on 2026-04-01 00:00:00 UTC (AWS Config resourceCreationTime)');
    expect(r?.createdAt).toBe('2026-04-01T00:00:00.000Z');
    // A failure after creation is still a failure.
    expect(check(r, 's3.tls-only')?.status).toBe('broken');
  });

  it('does not count the time after the bucket was deleted', async () => {
    const r = await periodOf(
      okOf(
        [
          item('2026-01-01T00:00:00.000Z'),
          item(
            '2026-04-01T00:00:00.000Z',
            { pab: null },
            { status: 'ResourceDeleted', supplementaryConfiguration: {} },
          ),
        ],
        'GetResourceConfigHistory',
        'config',
      ),
    );
    expect(check(r, 's3.bucket-public-access-block')?.status).toBe('held');
  });

  it('is unknown throughout when the history read was denied, naming the call', async () => {
    const r = await periodOf(deniedOf('GetResourceConfigHistory', 'config'));
    for (const c of r?.checks ?? []) {
      expect(c.status).toBe('unknown');
      expect(c.reason).toMatch(/GetResourceConfigHistory was denied/);
    }
    expect(r?.timeline).toEqual([]);
  });

  it('is unknown for a window whose item cannot be parsed', async () => {
    const broken = item('2026-04-01T00:00:00.000Z');
    broken.supplementaryConfiguration['PublicAccessBlockConfiguration'] = '{not json';
    const r = await periodOf(
      okOf(
        [item('2026-01-01T00:00:00.000Z'), broken, item('2026-04-02T00:00:00.000Z')],
        'GetResourceConfigHistory',
        'config',
      ),
    );
    const c = check(r, 's3.bucket-public-access-block');
    expect(c?.status).toBe('unknown');
    expect(windows(c, 'unknownWindows')).toEqual([['2026-04-01T00:00:00.000Z', '2026-04-02T00:00:00.000Z']]);
  });
});

describe('periodSegments', () => {
  it('starts from the latest item at or before the start and ignores items after the end', () => {
    const segs = periodSegments(
      [item('2026-01-01T00:00:00.000Z'), item('2026-02-01T00:00:00.000Z'), item('2026-07-01T00:00:00.000Z')],
      new Date(PERIOD.start),
      new Date(PERIOD.end),
    );
    expect(segs).toHaveLength(1);
    expect(segs[0]).toMatchObject({
      kind: 'state',
      from: Date.parse(PERIOD.start),
      to: Date.parse(PERIOD.end),
    });
    expect(segs[0]?.kind === 'state' && segs[0].item.captureTime).toBe('2026-02-01T00:00:00.000Z');
  });
});
