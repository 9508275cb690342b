import { describe, expect, it } from 'vitest';
import type { ClientFactory } from '../../src/aws/client-factory.ts';
import { createLimiter } from '../../src/aws/limiter.ts';
import { eachWithProgress } from '../../src/collect/registry.ts';

function ctx(limit: number, events: number[], capShare?: number) {
  return {
    factory: { limiter: createLimiter({ max: limit }) } as unknown as ClientFactory,
    progress: (_stage: string, done: number) => events.push(done),
    capShare,
  };
}

async function mostInFlight(c: ReturnType<typeof ctx>, n: number): Promise<number> {
  let inFlight = 0;
  let most = 0;
  await eachWithProgress(
    c,
    'bucket-config',
    Array.from({ length: n }, (_, i) => i),
    async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 1));
      inFlight--;
    },
  );
  return most;
}

describe('eachWithProgress', () => {
  it('keeps a bounded number of items in flight, returns results in item order and counts every item', async () => {
    const events: number[] = [];
    let inFlight = 0;
    let most = 0;
    const items = Array.from({ length: 500 }, (_, i) => i);
    const results = await eachWithProgress(ctx(4, events), 'bucket-config', items, async (i) => {
      inFlight++;
      most = Math.max(most, inFlight);
      // Finish out of order.
      await new Promise((r) => setTimeout(r, (i * 7) % 5));
      inFlight--;
      return `item-${i}`;
    });
    expect(results).toEqual(items.map((i) => `item-${i}`));
    expect(most).toBe(16); // 4 slots × 4 items per slot
    expect(events).toEqual(Array.from({ length: 501 }, (_, i) => i));
  });

  it("sizes the window to the account's share of the run-wide cap when that is below its own limit", async () => {
    // An organization run: 8 accounts at once under a cap of 24 leave each 3 slots, not its 12.
    expect(await mostInFlight(ctx(12, [], 3), 200)).toBe(12);
    // One account alone: its share is the whole cap, its own limit binds.
    expect(await mostInFlight(ctx(12, [], 24), 200)).toBe(48);
    expect(await mostInFlight(ctx(12, []), 200)).toBe(48);
    // Never fewer than 8 items in flight.
    expect(await mostInFlight(ctx(12, [], 1), 200)).toBe(8);
  });

  it('handles fewer items than the window, and none', async () => {
    expect(await eachWithProgress(ctx(32, []), 'kms', [1, 2], async (n) => n * 2)).toEqual([2, 4]);
    expect(await eachWithProgress(ctx(32, []), 'kms', [], async (n: number) => n)).toEqual([]);
  });
});
