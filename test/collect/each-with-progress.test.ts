import { describe, expect, it } from 'vitest';
import type { ClientFactory } from '../../src/aws/client-factory.ts';
import { createLimiter } from '../../src/aws/limiter.ts';
import { eachWithProgress } from '../../src/collect/registry.ts';

function ctx(limit: number, events: number[]) {
  return {
    factory: { limiter: createLimiter({ max: limit }) } as unknown as ClientFactory,
    progress: (_stage: string, done: number) => events.push(done),
  };
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

  it('handles fewer items than the window, and none', async () => {
    expect(await eachWithProgress(ctx(32, []), 'kms', [1, 2], async (n) => n * 2)).toEqual([2, 4]);
    expect(await eachWithProgress(ctx(32, []), 'kms', [], async (n: number) => n)).toEqual([]);
  });
});
