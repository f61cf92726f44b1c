import { describe, expect, it } from 'vitest';
import { BLOCK_SIZE } from '../../codec/wire';
import { seedThroughLooks, type LookPhase } from '../testing/looked-path';
import { CADENCE_COVER } from './look-cadence';
import { DRY_GROWTH, drainRate } from './look-drain';
import { PACE_WINDOW_MS, UploadPacer, paceWindow } from './pacer';

describe('the rate a look saw drain', () => {
  it('is what left over the wait where the transport still held a block; more where it ran dry', () => {
    expect(drainRate(100_000, 1000, false)).toBe(100_000);
    expect(drainRate(100_000, 500, false)).toBe(200_000);
    expect(drainRate(100_000, 1000, true)).toBe(DRY_GROWTH * 100_000);
  });

  it('is 0 where nothing can be told', () => {
    expect(drainRate(0, 1000, true)).toBe(0);
    expect(drainRate(-BLOCK_SIZE, 1000, false)).toBe(0); // control messages held beside the blocks
    expect(drainRate(BLOCK_SIZE, 0, true)).toBe(0);
    expect(drainRate(Number.NaN, 1000, true)).toBe(0);
    expect(drainRate(Infinity, 1000, true)).toBe(0);
  });
});

/** A pacer whose reports came `waitMs` after each block sent, the transport dry at each: `looks` of them. */
function lookedAt(waitMs: number, looks: number): UploadPacer {
  const pacer = new UploadPacer();
  let now = 0;
  pacer.report(0, now);
  for (let i = 0; i < looks; i++) {
    pacer.sent(BLOCK_SIZE, now);
    now += waitMs;
    pacer.report(0, now);
  }
  return pacer;
}

describe("the pacer's window at the rate its looks saw drain", () => {
  it('is left to the measured capacity where reports come often', () => {
    const pacer = lookedAt(10, 5);
    expect(pacer.window(0)).toBe(paceWindow(0));
    expect(pacer.window(100 * BLOCK_SIZE)).toBe(paceWindow(100 * BLOCK_SIZE));
  });

  it('grows past an estimate that lags where reports come once a second, and never below the estimate', () => {
    const pacer = lookedAt(1000, 5);
    const windowMs = CADENCE_COVER * 1000;
    expect(windowMs).toBeGreaterThan(PACE_WINDOW_MS);
    // The last look found the block gone: the path took it within the second, and may take more.
    expect(pacer.window(0)).toBe(paceWindow(DRY_GROWTH * BLOCK_SIZE, windowMs));
    expect(pacer.window(100 * BLOCK_SIZE)).toBe(paceWindow(100 * BLOCK_SIZE, windowMs));
  });

  it('follows the path where the transport still held a block at the look', () => {
    const pacer = lookedAt(1000, 5);
    pacer.sent(40 * BLOCK_SIZE, 5000);
    pacer.report(10 * BLOCK_SIZE, 6000); // 30 blocks left in the second: the path's rate
    expect(pacer.window(0)).toBe(paceWindow(30 * BLOCK_SIZE, CADENCE_COVER * 1000));
  });

  it('counts a look run early over the typical wait: it says little of the path', () => {
    const pacer = lookedAt(1000, 5);
    pacer.sent(BLOCK_SIZE, 5000);
    pacer.report(0, 5050);
    expect(pacer.window(0)).toBe(paceWindow(DRY_GROWTH * BLOCK_SIZE, CADENCE_COVER * 1000));
  });

  it('forgets the drain at a report that was not owed (nothing sent since an empty transport)', () => {
    const pacer = lookedAt(1000, 5);
    pacer.report(0, 6000);
    expect(pacer.window(0)).toBe(BLOCK_SIZE);
  });
});

describe('a seeder clamped from its start (its reports and ticks once a second before its first peer came)', () => {
  const clamped: LookPhase = { ms: 30_000, lookMs: 1000, tickMs: 1000 };
  const visible: LookPhase = { ms: 10_000, lookMs: 10, tickMs: 250 };
  const KiB = 1024;

  /** The first second from which the path carried at least 90 % of its rate every second. */
  const busyFrom = (seconds: number[], rate: number) =>
    seconds.findIndex((_, at) => seconds.slice(at).every((bytes) => bytes >= 0.9 * rate));

  it.each([400 * KiB, 2048 * KiB])(
    'keeps a %d bytes/s path busy within a few looks, as one that started in front does',
    (pathRate) => {
      const cold = seedThroughLooks(pathRate, [clamped], 200);
      const warm = seedThroughLooks(pathRate, [visible, clamped], 200);
      // The estimate's peak grows by some 15 % a second: without the drain seen at each look, busy after 16 s at
      // 400 KiB/s and 28 s at 2 MiB/s.
      expect(busyFrom(cold.seconds, pathRate)).toBeLessThanOrEqual(8);
      const [, afterFront] = warm.phases;
      expect(cold.phases[0]).toBeGreaterThan(0.85 * afterFront);
    },
  );
});
