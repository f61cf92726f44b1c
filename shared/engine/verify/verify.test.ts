import { describe, expect, it } from 'vitest';
import { BanList, digestMatches, MAX_BANNED } from './verify';

describe('BanList', () => {
  it('bans a peer that alone sent a bad piece at once', () => {
    const bans = new BanList();
    expect(bans.badPiece(['x'])).toEqual(['x']);
    expect(bans.isBanned('x')).toBe(true);
  });

  it('only counts strikes for bad pieces with several senders (the smart ban names the guilty one)', () => {
    const bans = new BanList();
    for (let i = 0; i < 10; i++) expect(bans.badPiece(['a', 'b'])).toEqual([]);
    expect(bans.strikesOf('a')).toBe(10);
    expect(bans.isBanned('a', 'b')).toBe(false);
    // A piece a banned peer had a share in is its doing: the other one only gets a strike, and is banned when alone.
    bans.ban(['a']);
    expect(bans.badPiece(['a', 'b'])).toEqual([]);
    expect(bans.strikesOf('b')).toBe(11);
    expect(bans.badPiece(['b'])).toEqual(['b']);
    expect(bans.size).toBe(2);
  });

  it('bans every key of a peer, and any of them is enough to recognise it', () => {
    const bans = new BanList();
    bans.ban(['peer-id', 'dtls:AA:BB', 'ip:203.0.113.9']);
    expect(bans.isBanned('another-peer-id', 'dtls:AA:BB')).toBe(true);
    expect(bans.isBanned('another-peer-id', 'ip:203.0.113.9')).toBe(true);
    expect(bans.isBanned('another-peer-id', 'dtls:CC')).toBe(false);
  });

  it('remembers at most its limit of banned keys, forgetting the oldest', () => {
    const bans = new BanList(3);
    bans.ban(['a', 'b', 'c', 'd']);
    expect(bans.size).toBe(3);
    expect(bans.isBanned('a')).toBe(false);
    expect(bans.isBanned('d')).toBe(true);
    expect(MAX_BANNED).toBeGreaterThan(1000);
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
