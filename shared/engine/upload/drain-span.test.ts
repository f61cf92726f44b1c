import { describe, expect, it } from 'vitest';
import { BLOCK_SIZE } from '../../codec/wire';
import { DRAIN_SPAN_MS, DrainSpan } from './drain-span';
import { PACE_WINDOW_MS, UploadPacer, paceWindow } from './pacer';

/** Looks every `everyMs` from `from` to `to`, each seeing `drained` bytes leave with a block or more held. */
function heldLooks(span: DrainSpan, from: number, to: number, everyMs: number, drained: number): void {
  for (let now = from; now <= to; now += everyMs) span.look(drained, true, now);
}

describe('what left the transport over the last second', () => {
  it('is no bound until the transport has been held for a whole span', () => {
    const span = new DrainSpan();
    heldLooks(span, 0, DRAIN_SPAN_MS - 10, 10, 1_000);
    expect(span.pathRate(DRAIN_SPAN_MS - 10)).toBeUndefined();
    span.look(1_000, true, DRAIN_SPAN_MS);
    expect(span.pathRate(DRAIN_SPAN_MS)).toBeCloseTo(100_000, -4);
  });

  it('is the rate of the last span only: an earlier faster second is forgotten', () => {
    const span = new DrainSpan();
    heldLooks(span, 0, 2_000, 10, 10_000); // 1 MB/s
    heldLooks(span, 2_010, 5_000, 10, 1_000); // then 100 kB/s
    expect(span.pathRate(5_000)).toBeCloseTo(100_000, -4);
  });

  it('is no bound again after a look that finds the transport (nearly) dry, until a whole span is held', () => {
    const span = new DrainSpan();
    heldLooks(span, 0, 2_000, 10, 1_000);
    span.look(5_000, false, 2_010);
    expect(span.pathRate(2_010)).toBeUndefined();
    heldLooks(span, 2_020, 2_020 + DRAIN_SPAN_MS - 10, 10, 1_000);
    expect(span.pathRate(2_020 + DRAIN_SPAN_MS - 10)).toBeUndefined();
    span.look(1_000, true, 2_020 + DRAIN_SPAN_MS);
    expect(span.pathRate(2_020 + DRAIN_SPAN_MS)).toBeGreaterThan(0);
  });

  it('counts nothing from a look that saw the transport grow or a nonsensical figure', () => {
    const span = new DrainSpan();
    heldLooks(span, 0, DRAIN_SPAN_MS, 100, 0);
    span.look(-BLOCK_SIZE, true, DRAIN_SPAN_MS + 10);
    span.look(Number.NaN, true, DRAIN_SPAN_MS + 20);
    span.look(Infinity, true, DRAIN_SPAN_MS + 30);
    expect(span.pathRate(DRAIN_SPAN_MS + 30)).toBe(0);
  });
});

/** A pacer that sends `rate` bytes/s for `seconds`, its transport never empty, looked at every 10 ms. */
function pacedAt(pacer: UploadPacer, rate: number, from: number, seconds: number): number {
  const held = 8 * BLOCK_SIZE;
  const step = 10;
  let now = from;
  for (let i = 0; i < (seconds * 1000) / step; i++) {
    now += step;
    pacer.sent((rate * step) / 1000, now);
    pacer.report(held, now);
  }
  return now;
}

describe("the pacer's window where reports come often", () => {
  it('follows the path where it drains well below the measured capacity, never above the capacity', () => {
    const pacer = new UploadPacer();
    pacer.report(0, 0);
    const capacity = 1_000_000; // an early peak
    const now = pacedAt(pacer, capacity, 0, 2);
    expect(pacer.window(capacity)).toBeCloseTo(paceWindow(capacity), -3);
    pacedAt(pacer, 100_000, now, 2); // the association slows to a tenth (loss)
    expect(pacer.window(capacity)).toBeCloseTo(paceWindow(100_000), -3);
    expect(pacer.window(50_000)).toBe(paceWindow(50_000));
    expect(pacer.window(capacity)).toBeLessThan((capacity * PACE_WINDOW_MS) / 1000 / 5);
  });

  it('is the capacity window again once a look finds the transport dry', () => {
    const pacer = new UploadPacer();
    pacer.report(0, 0);
    const now = pacedAt(pacer, 100_000, 0, 2);
    pacer.report(0, now + 10);
    expect(pacer.window(1_000_000)).toBe(paceWindow(1_000_000));
  });
});
