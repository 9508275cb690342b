import { describe, expect, it } from 'vitest';
import { mergeRaw, type ShardRaw } from '../../src/pipeline/shard/merge-raw.ts';

/** One record line as the sink writes it (id first, then service, operation, region, account). */
function line(service: string, region: string, accountId: string, seq: number, operation = 'Op'): string {
  const id = `${service}-${region}-${accountId}-${String(seq).padStart(6, '0')}`;
  return `${JSON.stringify({ id, service, operation, region, accountId, input: {}, attempts: 1, outcome: 'ok' })}\n`;
}

function shard(label: string, files: Record<string, string>, owned: string[], known: string[]): ShardRaw {
  return {
    label,
    files: new Map(Object.entries(files).map(([p, t]) => [p, Buffer.from(t)])),
    owned: new Set(owned),
    known: new Set(known),
  };
}

const PLAN = ['111122223333', '222233334444', '333344445555'];

function merged(shards: ShardRaw[]): Map<string, string> {
  const out = mergeRaw(shards);
  if ('foreign' in out) throw new Error(JSON.stringify(out.foreign));
  return new Map([...out.raw].map(([p, b]) => [p, b.toString('utf8')]));
}

describe('mergeRaw', () => {
  it("takes each account's records from the shard that read it, in account-id order", () => {
    const [a, b, c] = PLAN as [string, string, string];
    // Shard 1 read a and c, shard 2 read b; both hold their calls in the caller's account a.
    const s1 = shard(
      'shard 1/2',
      {
        'raw/s3/us-east-1.jsonl':
          line('s3', 'us-east-1', a, 1) +
          line('s3', 'us-east-1', c, 1) +
          line('s3', 'us-east-1', c, 2, 'Second'),
      },
      [a, c],
      [...PLAN],
    );
    const s2 = shard(
      'shard 2/2',
      {
        'raw/s3/us-east-1.jsonl': line('s3', 'us-east-1', b, 1),
        'raw/sts/us-east-1.jsonl': line('sts', 'us-east-1', a, 1, 'GetCallerIdentity'),
      },
      [b],
      [...PLAN],
    );
    const out = merged([s1, s2]);
    // The caller's identity call of shard 2 stays in shard 2's pack: account a is shard 1's.
    expect([...out.keys()]).toEqual(['raw/s3/us-east-1.jsonl']);
    expect(out.get('raw/s3/us-east-1.jsonl')).toBe(
      line('s3', 'us-east-1', a, 1) +
        line('s3', 'us-east-1', b, 1) +
        line('s3', 'us-east-1', c, 1) +
        line('s3', 'us-east-1', c, 2, 'Second'),
    );
  });

  it('reads shard packs of the earlier per-account layout (raw/<account>/<service>/<region>.jsonl) alike', () => {
    const [a, b] = PLAN as [string, string];
    const s1 = shard(
      'shard 1/2',
      { [`raw/${a}/s3/us-east-1.jsonl`]: line('s3', 'us-east-1', a, 1) },
      [a],
      [...PLAN],
    );
    const s2 = shard(
      'shard 2/2',
      {
        [`raw/${b}/s3/us-east-1.jsonl`]: line('s3', 'us-east-1', b, 1),
        [`raw/${a}/sts/us-east-1.jsonl`]: line('sts', 'us-east-1', a, 1),
      },
      [b],
      [...PLAN],
    );
    expect(merged([s1, s2])).toEqual(
      new Map([
        [`raw/${a}/s3/us-east-1.jsonl`, line('s3', 'us-east-1', a, 1)],
        [`raw/${b}/s3/us-east-1.jsonl`, line('s3', 'us-east-1', b, 1)],
      ]),
    );
  });

  it('refuses a record of an account outside the plan, naming the shard, the file and the account', () => {
    const [a] = PLAN as [string];
    const text = line('s3', 'us-east-1', a, 1) + line('s3', 'us-east-1', '999988887777', 1);
    const out = mergeRaw([shard('shard 2/3 (p2.zip)', { 'raw/s3/us-east-1.jsonl': text }, [a], [...PLAN])]);
    expect(out).toEqual({
      foreign: {
        label: 'shard 2/3 (p2.zip)',
        file: 'raw/s3/us-east-1.jsonl',
        line: 2,
        account: '999988887777',
      },
    });
  });

  it('refuses a line that names no account', () => {
    const out = mergeRaw([shard('shard 1/1', { 'raw/s3/us-east-1.jsonl': '{"id":"x"}\n' }, [], [...PLAN])]);
    expect('foreign' in out && out.foreign.account).toBe('(none)');
  });
});
