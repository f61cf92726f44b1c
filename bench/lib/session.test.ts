import { describe, expect, it } from 'vitest';
import { inTurns, medianBy, succeeded } from './session';

describe('inTurns', () => {
  it('runs every client once a round, in turns, and keeps a failure as its error', async () => {
    const order: string[] = [];
    const outcomes = await inTurns(
      2,
      {
        a: async (round) => (order.push(`a${round}`), round),
        b: async (round) => {
          order.push(`b${round}`);
          if (round === 1) throw new Error('lost\nmore');
          return 10 + round;
        },
      },
      () => {},
    );
    expect(order).toEqual(['a0', 'b0', 'a1', 'b1']);
    expect(outcomes.a).toEqual([0, 1]);
    expect(outcomes.b[0]).toBe(10);
    expect((outcomes.b[1] as Error).message).toBe('lost\nmore');
    expect(succeeded(outcomes.b)).toEqual([10]);
  });
});

describe('medianBy', () => {
  it('takes the lower middle of the items that have a value', () => {
    const items = [{ v: 3 }, { v: null }, { v: 1 }, { v: 4 }, { v: 2 }];
    const { median, sorted } = medianBy(items, (item) => item.v);
    expect(median).toBe(items[4]);
    expect(sorted.map((item) => item.v)).toEqual([1, 2, 3, 4]);
    expect(medianBy([{ v: null }], (item) => item.v).median).toBeUndefined();
  });
});
