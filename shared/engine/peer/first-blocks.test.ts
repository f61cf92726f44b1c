import { describe, expect, it } from 'vitest';
import { FirstBlocks } from './first-blocks';

describe('FirstBlocks (how often a piece went to one peer)', () => {
  it('counts the sends of each first block and the ones taken back', () => {
    const blocks = new FirstBlocks(4);
    expect(blocks.count(1_000)).toBe(0);
    expect(blocks.sent(1_000)).toBe(1);
    expect(blocks.sent(1_000)).toBe(2);
    expect(blocks.sent(7)).toBe(1);
    expect(blocks.dropped(1_000)).toBe(1);
    expect(blocks.count(1_000)).toBe(1);
    expect(blocks.dropped(1_000)).toBe(0);
    expect(blocks.dropped(1_000)).toBe(0);
    expect(blocks.count(7)).toBe(1);
    // A piece never sent, dropped (a stranger's retract answer): nothing grows.
    expect(blocks.dropped(1_000_000)).toBe(0);
    expect(blocks.count(1_000_000)).toBe(0);
  });

  it('counts repeats for at most its bound of pieces; a forgotten one reads as sent once', () => {
    const blocks = new FirstBlocks(2);
    for (const index of [1, 2, 3]) {
      blocks.sent(index);
      blocks.sent(index);
    }
    expect(blocks.count(1)).toBe(1);
    expect(blocks.count(2)).toBe(2);
    expect(blocks.count(3)).toBe(2);
  });
});
