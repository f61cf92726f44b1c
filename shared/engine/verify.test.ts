import { describe, expect, it } from 'vitest';
import { BAD_PIECES_TO_BAN, BanList, digestMatches } from './verify';

describe('BanList', () => {
  it('bans a peer that alone sent a bad piece at once', () => {
    const bans = new BanList();
    expect(bans.badPiece(['x'])).toEqual(['x']);
    expect(bans.isBanned('x')).toBe(true);
  });

  it('bans contributors to shared bad pieces on their third strike, not before', () => {
    const bans = new BanList();
    expect(BAD_PIECES_TO_BAN).toBe(3);
    expect(bans.badPiece(['a', 'b'])).toEqual([]);
    expect(bans.badPiece(['a', 'c'])).toEqual([]);
    expect(bans.strikesOf('a')).toBe(2);
    expect(bans.badPiece(['a', 'b'])).toEqual(['a']);
    expect(bans.isBanned('a')).toBe(true);
    expect(bans.isBanned('b')).toBe(false);
    expect(bans.isBanned('c')).toBe(false);
    // A banned peer is not reported again.
    expect(bans.badPiece(['a', 'c'])).toEqual([]);
    expect(bans.size).toBe(1);
  });

  it('counts one strike per piece even if the peer is listed twice', () => {
    const bans = new BanList();
    expect(bans.badPiece(['a', 'a', 'b'])).toEqual([]);
    expect(bans.strikesOf('a')).toBe(1);
  });
});

describe('digestMatches', () => {
  const pieces = new Uint8Array(60).map((_, i) => i);
  it('compares against the right 20 bytes', () => {
    expect(digestMatches(pieces, 1, pieces.slice(20, 40))).toBe(true);
    expect(digestMatches(pieces, 0, pieces.slice(20, 40))).toBe(false);
  });
  it('rejects a digest of the wrong length or an index beyond the pieces', () => {
    expect(digestMatches(pieces, 1, pieces.slice(20, 39))).toBe(false);
    expect(digestMatches(pieces, 3, pieces.slice(0, 20))).toBe(false);
  });
});
