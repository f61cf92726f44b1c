import { describe, expect, it } from 'vitest';
import { LostLeaves } from './lost-leaves';

const leave = (n: number) => ({ infoHash: 'h', peerId: `p${n}`, connection: String(n) });

describe('LostLeaves', () => {
  it('keeps the newest leaves up to its bound, and hands them over once', () => {
    const lost = new LostLeaves(3);
    for (let n = 0; n < 10; n++) lost.add(leave(n));
    expect(lost.size).toBe(3);
    expect(lost.take().map((l) => l.peerId)).toEqual(['p7', 'p8', 'p9']);
    expect(lost.take()).toEqual([]);
  });
});
