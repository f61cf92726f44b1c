import { describe, expect, it } from 'vitest';
import { EventQueue } from './queue';
import { mulberry32 } from './random';

describe('EventQueue', () => {
  it('pops by time, and in scheduling order at the same time', () => {
    const queue = new EventQueue();
    const random = mulberry32(9);
    const scheduled: Array<[number, number]> = [];
    for (let i = 0; i < 500; i++) {
      const at = Math.floor(random() * 50);
      scheduled.push([at, i]);
      queue.push(at, () => {});
    }
    const popped: number[] = [];
    while (queue.size > 0) popped.push(queue.pop()!.seq);
    const expected = [...scheduled].sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, i]) => i);
    expect(popped).toEqual(expected);
    expect(queue.peekTime()).toBeUndefined();
  });

  it('refuses a time that is not finite', () => {
    expect(() => new EventQueue().push(NaN, () => {})).toThrow(RangeError);
  });
});
