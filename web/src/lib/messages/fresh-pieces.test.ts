import { describe, expect, it } from 'vitest';
import { FreshPieces, freshPieceMessage } from './fresh-pieces';

const HASH = 'ab'.repeat(20);
const piece = (index: number, bytes: number, fill = index) => ({
  type: 'piece-verified',
  infoHashHex: HASH,
  index,
  data: new Uint8Array(bytes).fill(fill).buffer,
});

describe('fresh pieces in the service worker', () => {
  it('keeps a verified piece for the streams to read', () => {
    const fresh = new FreshPieces(1024);
    expect(fresh.add(piece(3, 100))).toBe(true);
    expect(new Uint8Array(fresh.get(HASH, 3)!)[0]).toBe(3);
    expect(fresh.get(HASH, 4)).toBeUndefined();
    expect(fresh.get('cd'.repeat(20), 3)).toBeUndefined();
  });

  it('is bounded by bytes: the oldest go first, a piece larger than the bound is not kept', () => {
    const fresh = new FreshPieces(1000);
    for (let index = 0; index < 25; index++) fresh.add(piece(index, 100));
    expect(fresh.size).toEqual({ pieces: 10, bytes: 1000 });
    expect(fresh.get(HASH, 14)).toBeUndefined();
    expect(fresh.get(HASH, 15)).toBeDefined();
    expect(fresh.add(piece(99, 1001))).toBe(false);
    expect(fresh.size.bytes).toBe(1000);
    // The same piece again replaces itself, counted once.
    fresh.add(piece(24, 100, 7));
    expect(fresh.size).toEqual({ pieces: 10, bytes: 1000 });
    expect(new Uint8Array(fresh.get(HASH, 24)!)[0]).toBe(7);
  });

  it('refuses what is not a verified piece', () => {
    for (const bad of [
      null,
      'piece',
      { ...piece(1, 10), type: 'other' },
      { ...piece(1, 10), infoHashHex: 'AB'.repeat(20) },
      { ...piece(1, 10), infoHashHex: '../x' },
      { ...piece(1, 10), index: -1 },
      { ...piece(1, 10), index: 1.5 },
      { ...piece(1, 10), data: new Uint8Array(10) },
    ])
      expect(freshPieceMessage(bad)).toBeUndefined();
    const fresh = new FreshPieces(1000);
    expect(fresh.add({ ...piece(1, 10), index: '1' })).toBe(false);
    expect(fresh.size.pieces).toBe(0);
  });

  it('wakes a waiting stream when a piece comes, without waiting out its pause', async () => {
    const fresh = new FreshPieces(1000);
    let woken = false;
    const pause = fresh.pause(600_000).then(() => (woken = true));
    await Promise.resolve();
    expect(woken).toBe(false);
    fresh.add(piece(0, 10));
    await pause; // (without the wake, the test would time out here)
    expect(woken).toBe(true);
    // Without a piece, the pause ends on its own.
    await fresh.pause(5);
  });
});
