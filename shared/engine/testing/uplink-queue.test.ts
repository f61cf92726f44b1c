import { describe, expect, it } from 'vitest';
import { UplinkQueue } from './uplink-queue';

describe('the queue in front of an uplink', () => {
  it('holds its depth in bytes at the link rate, first in, first out', () => {
    const queue = new UplinkQueue<string>(500, 10_000);
    expect(queue.capacity).toBe(5_000);
    expect(queue.takes(3_000, true)).toBe(true);
    queue.push('a', 3_000);
    queue.push('b', 2_000);
    expect(queue.bytes).toBe(5_000);
    expect(queue.takes(1, true)).toBe(false);
    expect(queue.shift()).toBe('a');
    expect(queue.takes(3_000, true)).toBe(true);
    expect(queue.shift()).toBe('b');
    expect(queue.shift()).toBeUndefined();
    expect(queue.bytes).toBe(0);
  });

  it('without depth takes one message, and only while the link is idle', () => {
    const queue = new UplinkQueue<number>(0, 10_000);
    expect(queue.takes(100, true)).toBe(false);
    expect(queue.takes(100, false)).toBe(true);
    queue.push(1, 100);
    expect(queue.takes(100, false)).toBe(false);
  });

  it('lets a message larger than the whole queue leave alone', () => {
    const queue = new UplinkQueue<number>(10, 10_000);
    expect(queue.takes(16_384, true)).toBe(false);
    expect(queue.takes(16_384, false)).toBe(true);
  });

  it('keeps the order over many messages and forgets everything when cleared', () => {
    const queue = new UplinkQueue<number>(1_000, 1_000_000);
    let next = 0;
    for (let i = 0; i < 5_000; i++) {
      queue.push(i, 100);
      if (i % 3 !== 0) expect(queue.shift()).toBe(next++);
    }
    expect(queue.bytes).toBe((5_000 - next) * 100);
    while (!queue.empty) expect(queue.shift()).toBe(next++);
    queue.push(1, 100);
    queue.clear();
    expect(queue.empty).toBe(true);
    expect(queue.bytes).toBe(0);
  });

  it('refuses a nonsensical depth', () => {
    expect(() => new UplinkQueue(-1, 1_000)).toThrow(RangeError);
    expect(() => new UplinkQueue(Number.NaN, 1_000)).toThrow(RangeError);
  });
});
