import { describe, expect, it } from 'vitest';
import { MAX_PENDING_HAVES, PendingHas } from './pending-has';

describe('PendingHas (what a peer says it has before we know the torrent)', () => {
  it('keeps haves, a copy of the bitfield and have-all, and hands them over once', () => {
    const pending = new PendingHas();
    const bytes = new Uint8Array([0b1010_0000]);
    expect(pending.bitfield(bytes)).toBe(true);
    bytes[0] = 0;
    expect(pending.have(5)).toBe(true);
    expect(pending.have(5)).toBe(true);
    const taken = pending.take();
    expect(taken.bitfield).toEqual(new Uint8Array([0b1010_0000]));
    expect([...taken.haves]).toEqual([5]);
    expect(taken.all).toBe(false);
    pending.haveAll();
    expect(pending.take()).toEqual({ all: true, haves: new Set() });
    expect(pending.take()).toEqual({ all: false, haves: new Set() });
  });

  it('refuses a bitfield larger than any torrent we accept', () => {
    const pending = new PendingHas();
    expect(pending.bitfield(new Uint8Array(MAX_PENDING_HAVES / 8 + 1))).toBe(false);
    expect(pending.take().bitfield).toBeUndefined();
  });
});
