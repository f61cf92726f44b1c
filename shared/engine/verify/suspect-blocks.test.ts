import { describe, expect, it } from 'vitest';
import { SuspectBlocks } from './suspect-blocks';

const block = (begin: number, fill: number, sender: string) => ({
  begin,
  data: new Uint8Array(4).fill(fill),
  sender: [sender],
});

describe('SuspectBlocks', () => {
  it('names the senders whose blocks differ from the good piece, then forgets the piece', () => {
    const suspects = new SuspectBlocks();
    suspects.remember(7, [block(0, 1, 'honest'), block(4, 9, 'saboteur')]);
    expect(suspects.bytes).toBe(8);
    const good = new Uint8Array(8).fill(1);
    expect(suspects.saboteurs(7, good)).toEqual([['saboteur']]);
    expect(suspects.bytes).toBe(0);
    expect(suspects.saboteurs(7, good)).toEqual([]);
  });

  it('stays within its bound by forgetting the oldest pieces whole', () => {
    const suspects = new SuspectBlocks(12);
    suspects.remember(1, [block(0, 1, 'a'), block(4, 1, 'a')]);
    suspects.remember(2, [block(0, 2, 'b')]);
    suspects.remember(1, []); // piece 1 is now the newest
    suspects.remember(3, [block(0, 3, 'c')]);
    expect(suspects.bytes).toBeLessThanOrEqual(12);
    expect(suspects.saboteurs(2, new Uint8Array(4))).toEqual([]); // piece 2 was the oldest: forgotten
    expect(suspects.saboteurs(1, new Uint8Array(8))).toEqual([['a'], ['a']]);
  });
});
