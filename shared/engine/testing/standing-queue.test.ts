import { describe, expect, it } from 'vitest';
import { StandingQueue } from './standing-queue';

describe('the standing queue in front of an uplink', () => {
  it('adds nothing while the uplink never has a backlog', () => {
    const queue = new StandingQueue(500);
    expect(queue.depart(0, 100, false)).toBe(0);
    expect(queue.depart(300, 400, false)).toBe(0);
  });

  it('is full while a backlog waits, and drains at the idle time', () => {
    const queue = new StandingQueue(500);
    expect(queue.depart(0, 100, true)).toBe(500);
    expect(queue.depart(100, 200, true)).toBe(500);
    // The last of the backlog leaves: the queue is still full behind it.
    expect(queue.depart(200, 300, false)).toBe(500);
    // 200 ms idle before the next message: 300 ms of queue left.
    expect(queue.depart(500, 510, false)).toBe(300);
    expect(queue.depart(2000, 2010, false)).toBe(0);
  });

  it('never lets a later message arrive before an earlier one', () => {
    const queue = new StandingQueue(500);
    const arrivals: number[] = [];
    let at = 0;
    for (let i = 0; i < 200; i++) {
      const start = at + ((i * 37) % 5 === 0 ? (i % 7) * 90 : 0);
      const done = start + 10 + (i % 3) * 20;
      arrivals.push(done + queue.depart(start, done, i % 4 !== 0));
      at = done;
    }
    for (let i = 1; i < arrivals.length; i++) expect(arrivals[i]).toBeGreaterThanOrEqual(arrivals[i - 1]);
  });

  it('refuses a nonsensical depth', () => {
    expect(() => new StandingQueue(-1)).toThrow(RangeError);
    expect(() => new StandingQueue(Number.NaN)).toThrow(RangeError);
  });
});
