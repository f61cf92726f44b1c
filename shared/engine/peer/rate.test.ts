import { describe, expect, it } from 'vitest';
import { RateMeter } from './rate';

describe('RateMeter', () => {
  it('is zero before any byte', () => {
    const meter = new RateMeter(5000);
    expect(meter.rate(1000)).toBe(0);
    expect(meter.total).toBe(0);
  });

  it('measures a steady rate over the window', () => {
    const meter = new RateMeter(5000);
    // 10 KiB every 100 ms for 20 s: 100 KiB/s.
    for (let t = 0; t < 20_000; t += 100) meter.add(10 * 1024, t);
    expect(meter.rate(20_000)).toBeCloseTo(100 * 1024, -2);
    // Between two adds the window holds 49 or 50 of them.
    expect(Math.abs(meter.rate(20_050) / (100 * 1024) - 1)).toBeLessThan(0.02);
    expect(meter.total).toBe(200 * 10 * 1024);
  });

  it('forgets bytes older than the window', () => {
    const meter = new RateMeter(5000);
    for (let t = 0; t < 10_000; t += 100) meter.add(1000, t);
    expect(meter.rate(10_000)).toBeGreaterThan(9000);
    // Silence after 10 s: half the window still holds traffic at 12.5 s, none at 15.1 s.
    expect(meter.rate(12_500)).toBeCloseTo(5000, -2);
    expect(meter.rate(15_100)).toBe(0);
    expect(meter.total).toBe(100 * 1000);
  });

  it('follows a change of rate within one window', () => {
    const meter = new RateMeter(2000);
    for (let t = 0; t < 5000; t += 50) meter.add(500, t);
    expect(meter.rate(5000)).toBeCloseTo(10_000, -2);
    for (let t = 5000; t < 6000; t += 50) meter.add(5000, t);
    // Half the window at the old rate, half at the new one.
    expect(meter.rate(6000)).toBeCloseTo(55_000, -3);
    for (let t = 6000; t < 10_000; t += 50) meter.add(5000, t);
    expect(meter.rate(10_000)).toBeCloseTo(100_000, -3);
  });

  it('reuses its ring slots correctly after a long idle time', () => {
    const meter = new RateMeter(1000);
    meter.add(1000, 0);
    meter.add(1000, 1_000_000); // exactly SLOTS*k slots later would alias a stale slot if keys were not checked
    expect(meter.rate(1_000_000)).toBe(1000);
    meter.add(500, 1_000_010);
    expect(meter.rate(1_000_010)).toBe(1500);
  });

  it('does not report a flood for the first bytes of a new meter', () => {
    const meter = new RateMeter(5000);
    meter.add(16384, 1000);
    // Divided by at least a tenth of the window, not by 0 ms.
    expect(meter.rate(1000)).toBe(16384 * 2);
    // A young meter divides by its age, not by the full window.
    meter.add(16384, 2000);
    expect(meter.rate(3000)).toBeCloseTo((2 * 16384) / 2, 5);
  });

  it('rejects bad input and stays unchanged', () => {
    const meter = new RateMeter(1000);
    meter.add(100, 0);
    expect(() => meter.add(-1, 10)).toThrow(RangeError);
    expect(() => meter.add(Number.NaN, 10)).toThrow(RangeError);
    expect(() => meter.add(10, Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => new RateMeter(0)).toThrow(RangeError);
    expect(meter.total).toBe(100);
  });
});
