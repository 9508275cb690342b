import { describe, expect, it } from 'vitest';
import { createLimiter, createPacer } from '../../src/aws/limiter.ts';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('createLimiter', () => {
  it('never runs more tasks at once than the limit and runs them all', async () => {
    const limiter = createLimiter({ max: 3 });
    let running = 0;
    let peak = 0;
    const gates = Array.from({ length: 10 }, deferred);
    const tasks = gates.map((g, i) =>
      limiter.run(async () => {
        running++;
        peak = Math.max(peak, running);
        await g.promise;
        running--;
        return i;
      }),
    );
    await Promise.resolve();
    expect(limiter.active).toBe(3);
    for (const g of gates) g.resolve();
    expect(await Promise.all(tasks)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(peak).toBe(3);
  });

  it('halves under sustained throttling down to the minimum, and climbs back on success', () => {
    const limiter = createLimiter({ max: 16, min: 2 });
    const limits: number[] = [];
    for (let i = 0; i < 20; i++) {
      limiter.onThrottle();
      limits.push(limiter.limit);
    }
    // The first throttles could be sporadic; from the fifteenth in a row the limit halves each time.
    expect(limits).toEqual([...Array<number>(14).fill(16), 8, 4, 2, 2, 2, 2]);
    limiter.onSuccess();
    expect(limiter.limit).toBe(2);
    limiter.onSuccess();
    expect(limiter.limit).toBe(3);
    for (let i = 0; i < 1000; i++) limiter.onSuccess();
    expect(limiter.limit).toBe(16);
  });

  it('leaves random throttling of one answer in ten to the retries', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const limiter = createLimiter({ max: 12 });
    for (let i = 0; i < 20_000; i++) {
      if (random() < 0.1) limiter.onThrottle();
      else limiter.onSuccess();
    }
    expect(limiter.stats().cuts).toBe(0);
  });

  it('leaves sporadic throttling (one answer in ten) to the retries', () => {
    const limiter = createLimiter({ max: 12 });
    for (let round = 0; round < 200; round++) {
      for (let i = 0; i < 9; i++) limiter.onSuccess();
      limiter.onThrottle();
      expect(limiter.limit).toBe(12);
    }
  });

  it('halves once per round trip: throttles answering requests sent before the cut count once', async () => {
    let clock = 0;
    const limiter = createLimiter({ max: 16, now: () => clock });
    // One round trip is 100 ms: the duration of the tasks run so far.
    await limiter.run(async () => {
      clock += 100;
    });
    for (let i = 0; i < 15; i++) limiter.onThrottle();
    expect(limiter.limit).toBe(8);
    clock += 50;
    limiter.onThrottle();
    limiter.onThrottle();
    expect(limiter.limit).toBe(8);
    clock += 60;
    limiter.onThrottle();
    expect(limiter.limit).toBe(4);
  });

  it('queues a re-acquiring retry ahead of the tasks not yet started', async () => {
    const limiter = createLimiter({ max: 1 });
    const gate = deferred();
    const order: string[] = [];
    const first = limiter.run(async () => {
      await gate.promise;
      order.push('running');
    });
    const queued = ['a', 'b'].map((n) => limiter.run(async () => void order.push(n)));
    const retry = limiter.run(async () => void order.push('retry'), { first: true });
    gate.resolve();
    await Promise.all([first, ...queued, retry]);
    expect(order).toEqual(['running', 'retry', 'a', 'b']);
  });

  it('accounts slot time as busy or idle from the first task on', async () => {
    let clock = 0;
    const limiter = createLimiter({ max: 4, now: () => clock });
    clock = 1000; // before the first task: not counted
    const gate = deferred();
    const task = limiter.run(() => gate.promise);
    clock += 100; // one of four slots busy for 100 ms
    gate.resolve();
    await task;
    clock += 50; // all four idle for 50 ms
    const s = limiter.stats();
    expect(s.tasks).toBe(1);
    expect(s.busySlotMs).toBe(100);
    expect(s.idleSlotMs).toBe(300 + 200);
    expect(s.cuts).toBe(0);
    expect(s.lowestLimit).toBe(4);
  });

  it('lets a failing task free its slot', async () => {
    const limiter = createLimiter({ max: 1 });
    await expect(limiter.run(() => Promise.reject(new Error('x')))).rejects.toThrow('x');
    expect(await limiter.run(() => Promise.resolve('next'))).toBe('next');
    expect(limiter.active).toBe(0);
  });
});

describe('createPacer', () => {
  it('runs tasks one at a time, in order, waiting between starts', async () => {
    const waits: number[] = [];
    const pacer = createPacer(500, (ms) => {
      waits.push(ms);
      return Promise.resolve();
    });
    const order: number[] = [];
    await Promise.all([1, 2, 3].map((n) => pacer.run(async () => order.push(n))));
    expect(order).toEqual([1, 2, 3]);
    expect(waits).toHaveLength(2);
    expect(waits.every((w) => w > 0 && w <= 500)).toBe(true);
  });

  it('with a burst, keeps the task two later a window after the earlier answer, however slow it was', async () => {
    const pacer = createPacer(40, undefined, { burst: 2 });
    const spans: { start: number; end: number }[] = [];
    const task = (ms: number) => () =>
      new Promise<void>((resolve) => {
        const start = Date.now();
        setTimeout(() => {
          spans.push({ start, end: Date.now() });
          resolve();
        }, ms);
      });
    // The first answer comes late: the request may have reached the service just before it.
    await Promise.all([pacer.run(task(150)), pacer.run(task(1)), pacer.run(task(1)), pacer.run(task(1))]);
    const [a, b, c, d] = spans;
    expect(b!.start - a!.start).toBeGreaterThanOrEqual(39);
    expect(c!.start - a!.end).toBeGreaterThanOrEqual(79);
    expect(d!.start - b!.end).toBeGreaterThanOrEqual(79);
  });

  it('keeps going after a failed task', async () => {
    const pacer = createPacer(0);
    await expect(pacer.run(() => Promise.reject(new Error('x')))).rejects.toThrow('x');
    expect(await pacer.run(() => Promise.resolve(2))).toBe(2);
  });
});
