import { describe, expect, it } from 'vitest';
import { until, untilValue, UntilTimeout } from './until';

describe('until', () => {
  it('returns once the condition holds, driving it between checks', async () => {
    let ticks = 0;
    await until(() => ticks >= 3, { beforeWait: () => ticks++, intervalMs: 0, polls: 10 });
    expect(ticks).toBe(3);
  });

  it('checks before the first wait, so a condition that already holds costs no wait', async () => {
    let waits = 0;
    await until(() => true, { beforeWait: () => waits++ });
    expect(waits).toBe(0);
  });

  it('accepts an asynchronous condition', async () => {
    let reads = 0;
    await until(async () => ++reads === 2, { intervalMs: 0, polls: 5 });
    expect(reads).toBe(2);
  });

  it('gives up after the given number of polls, naming what it awaited', async () => {
    let waits = 0;
    const failure = until(() => false, {
      what: 'the leecher seeding',
      polls: 4,
      intervalMs: 0,
      beforeWait: () => waits++,
    });
    await expect(failure).rejects.toThrow(new UntilTimeout('waited 4 polls for the leecher seeding'));
    expect(waits).toBe(4);
  });

  it('names the condition by its code when no words are given', async () => {
    const seeding = false;
    await expect(until(() => seeding, { polls: 1, intervalMs: 0 })).rejects.toThrow(/for \(\) => seeding$/);
  });

  it('adds what explains the failure, read when it gives up', async () => {
    let state = 'starting';
    const failure = until(() => false, {
      what: 'the ban',
      polls: 2,
      intervalMs: 0,
      beforeWait: () => (state = 'held'),
      explain: () => `the saboteur ${state}`,
    });
    await expect(failure).rejects.toThrow(new UntilTimeout('waited 2 polls for the ban\nthe saboteur held'));
  });

  it('gives up after its time limit', async () => {
    await expect(until(() => false, { what: 'nothing', timeoutMs: 20 })).rejects.toThrow(
      'waited 20 ms for nothing',
    );
  });
});

describe('untilValue', () => {
  it('returns the first value accepted', async () => {
    let n = 0;
    const value = await untilValue(
      () => ({ time: n++ }),
      (p) => p.time > 2,
      { intervalMs: 0, polls: 10 },
    );
    expect(value).toEqual({ time: 3 });
  });

  it('tells the last value read when it gives up', async () => {
    const failure = untilValue(
      () => ({ readyState: 1 }),
      (p) => p.readyState >= 2,
      {
        what: 'the first frame',
        polls: 2,
        intervalMs: 0,
      },
    );
    await expect(failure).rejects.toThrow('waited 2 polls for the first frame; last read {"readyState":1}');
  });
});
