import { describe, expect, it } from 'vitest';
import { Bitfield } from '../../codec/bitfield';
import { MAX_PIECES } from '../../codec/torrent-bounds';
import { MAX_PENDING_BYTES, PendingHas } from './pending-has';

describe('PendingHas (what a peer says it has before we know the torrent)', () => {
  it('keeps its bitfield and haves together, and hands them over once', () => {
    const pending = new PendingHas();
    const bytes = new Uint8Array([0b1010_0000, 0]);
    expect(pending.bitfield(bytes)).toBe(true);
    bytes[0] = 0; // a copy is kept
    expect(pending.have(5)).toBe(true);
    expect(pending.have(5)).toBe(true);
    const taken = pending.take(12);
    expect(taken).toBeInstanceOf(Bitfield);
    expect([...Array(12).keys()].filter((i) => (taken as Bitfield).get(i))).toEqual([0, 2, 5]);
    pending.haveAll();
    expect(pending.take(12)).toBe('all');
    expect((pending.take(12) as Bitfield).count()).toBe(0);
  });

  it('names a have beyond the torrent, and refuses a bitfield of the wrong size or with spare bits set', () => {
    const pending = new PendingHas();
    pending.have(3);
    pending.have(40);
    expect(pending.take(12)).toEqual({ beyond: 40 });
    pending.bitfield(new Uint8Array(3));
    expect(() => pending.take(12)).toThrow(RangeError);
    pending.bitfield(new Uint8Array([0, 0b0000_1000]));
    expect(() => pending.take(12)).toThrow('spare bits');
  });

  it('holds at most MAX_PENDING_BYTES (under 64 KiB) however many haves it is sent (the 2^20 haves attack)', () => {
    expect(MAX_PIECES).toBe(419_430);
    expect(MAX_PENDING_BYTES).toBeLessThanOrEqual(64 * 1024);
    const pending = new PendingHas();
    let refused = 0;
    for (let i = 0; i < 1 << 20; i++) if (!pending.have((i * 7919) % MAX_PIECES)) refused++;
    expect(refused).toBe(0);
    expect(pending.bitfield(new Uint8Array(MAX_PENDING_BYTES).fill(0xff))).toBe(true);
    expect(pending.heldBytes).toBeLessThanOrEqual(MAX_PENDING_BYTES);
    // A piece or a bitfield no torrent we accept can have is refused (the session closes the peer).
    expect(pending.have(MAX_PIECES)).toBe(false);
    expect(pending.bitfield(new Uint8Array(MAX_PENDING_BYTES + 1))).toBe(false);
    expect(pending.heldBytes).toBeLessThanOrEqual(MAX_PENDING_BYTES);
    // A small torrent's haves take a few bytes.
    const small = new PendingHas();
    small.have(9);
    expect(small.heldBytes).toBe(2);
  });
});
