import { describe, expect, it } from 'vitest';
import { createStageTimer, stageOf } from '../../src/bench/stage-timer.ts';

describe('stageOf', () => {
  it('maps pipeline progress to the benchmark stages', () => {
    expect(stageOf({ stage: 'collect bucket-config' })).toBe('collect');
    expect(stageOf({ stage: 'evaluate' })).toBe('evaluate');
    expect(stageOf({ stage: 'render report' })).toBe('render');
    expect(stageOf({ stage: 'write pack' })).toBe('pack');
    expect(stageOf({ line: 'collected 1 account(s), 3 bucket(s) in 1s' })).toBe('browser wait');
    expect(stageOf({ line: 'evaluated 10 results' })).toBe('assemble');
    expect(stageOf({ stage: 'something else' })).toBeUndefined();
  });
});

describe('createStageTimer', () => {
  it('adds wall and CPU time to the stage in progress and keeps the peak RSS seen in each', () => {
    let clock = 0;
    let cpu = 0;
    let rss = 100;
    const timer = createStageTimer(
      undefined,
      () => clock,
      () => cpu,
      () => rss,
    );
    clock = 1000;
    cpu = 900;
    rss = 300;
    timer.update({ stage: 'evaluate', done: 0, total: 1 }); // collect ends at rss 300
    rss = 250;
    clock = 1500;
    cpu = 1400;
    timer.update({ stage: 'render report', done: 0, total: 1 }); // evaluate peaked at 250
    rss = 400;
    clock = 1600;
    cpu = 1450;
    const times = timer.finish();
    expect(times).toEqual({ collect: 1000, evaluate: 500, render: 100 });
    expect(timer.cpu()).toEqual({ collect: 900, evaluate: 500, render: 50 });
    expect(timer.peakRss()).toEqual({ collect: 300, evaluate: 250, render: 400 });
  });
});
