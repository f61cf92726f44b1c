import { describe, expect, it } from 'vitest';
import { TIME_LEFT_SETTLE_MS, TimeLeftWatch } from './time-left';

describe('TimeLeftWatch', () => {
  it('holds back a fresh session’s estimate until its bytes have come for a whole rate window', () => {
    const watch = new TimeLeftWatch();
    expect(watch.shown({ downloaded: 0, timeLeft: undefined }, 0)).toBeUndefined();
    // The first block over a fraction of the window: an estimate of minutes for seconds of work.
    expect(watch.shown({ downloaded: 16_384, timeLeft: 358 }, 1_000)).toBeUndefined();
    expect(
      watch.shown({ downloaded: 4_000_000, timeLeft: 60 }, 1_000 + TIME_LEFT_SETTLE_MS - 1),
    ).toBeUndefined();
    expect(watch.shown({ downloaded: 5_000_000, timeLeft: 41 }, 1_000 + TIME_LEFT_SETTLE_MS)).toBe(41);
  });

  it('measures afresh when a new session starts (a relaunch, a resume after an error)', () => {
    const watch = new TimeLeftWatch();
    watch.shown({ downloaded: 10, timeLeft: 50 }, 0);
    expect(watch.shown({ downloaded: 9_000, timeLeft: 50 }, TIME_LEFT_SETTLE_MS)).toBe(50);
    expect(watch.shown(undefined, TIME_LEFT_SETTLE_MS + 1)).toBeUndefined();
    expect(watch.shown({ downloaded: 16_384, timeLeft: 400 }, TIME_LEFT_SETTLE_MS + 2)).toBeUndefined();
    expect(watch.shown({ downloaded: 0, timeLeft: undefined }, 20_000)).toBeUndefined();
    expect(watch.shown({ downloaded: 16_384, timeLeft: 400 }, 20_001)).toBeUndefined();
    expect(watch.shown({ downloaded: 900_000, timeLeft: 30 }, 20_001 + TIME_LEFT_SETTLE_MS)).toBe(30);
  });

  it('says nothing left at once', () => {
    expect(new TimeLeftWatch().shown({ downloaded: 0, timeLeft: 0 }, 0)).toBe(0);
  });
});
