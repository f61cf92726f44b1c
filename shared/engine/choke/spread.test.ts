import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../testing/random';
import { chooseSpread, mayTakeSpreadSlot, SPREAD_SLOTS, type SpreadPeer } from './spread';

const PIECE = 16_384;
const first = () => 0;
const peer = (name: string, over: Partial<SpreadPeer> = {}): SpreadPeer => ({
  peer: name,
  interested: true,
  pieces: 0,
  received: 0,
  spread: false,
  unchoked: false,
  ...over,
});

describe('start-up spreading', () => {
  it('a spread slot is for an interested peer with no piece that took less than one piece from us', () => {
    expect(mayTakeSpreadSlot(peer('a'), PIECE)).toBe(true);
    expect(mayTakeSpreadSlot(peer('a', { interested: false }), PIECE)).toBe(false);
    expect(mayTakeSpreadSlot(peer('a', { pieces: 1 }), PIECE)).toBe(false);
    expect(mayTakeSpreadSlot(peer('a', { received: PIECE }), PIECE)).toBe(false);
  });

  it('gives at most SPREAD_SLOTS, at random among those waiting, none to peers the choker already unchokes', () => {
    const peers = Array.from({ length: 3 * SPREAD_SLOTS }, (_, i) => peer(`p${i}`, { unchoked: i === 0 }));
    const picks = new Map<string, number>();
    const random = mulberry32(7);
    for (let run = 0; run < 200; run++) {
      const chosen = chooseSpread(peers, PIECE, random);
      expect(chosen.size).toBe(SPREAD_SLOTS);
      expect(chosen.has('p0')).toBe(false);
      for (const name of chosen) picks.set(name, (picks.get(name) ?? 0) + 1);
    }
    // Every waiting peer gets picked sometimes: uploaders around the same peers do not all serve the same few.
    expect(picks.size).toBe(peers.length - 1);
  });

  it('a holder keeps its slot while it qualifies and gives it back once it has a piece', () => {
    const holder = peer('holder', { spread: true });
    const older = peer('older');
    expect(chooseSpread([holder, older], PIECE, first, 1)).toEqual(new Set(['holder']));
    const served = { ...holder, received: PIECE };
    expect(chooseSpread([served, older], PIECE, first, 1)).toEqual(new Set(['older']));
    const announced = { ...holder, pieces: 1 };
    expect(chooseSpread([announced, older], PIECE, first, 1)).toEqual(new Set(['older']));
  });

  it('gives nothing once every neighbour has a piece, and refuses nonsense', () => {
    expect(chooseSpread([peer('a', { pieces: 3 }), peer('b', { pieces: 1 })], PIECE, first).size).toBe(0);
    expect(() => chooseSpread([], PIECE, first, -1)).toThrow(RangeError);
    expect(() => chooseSpread([], 0, first)).toThrow(RangeError);
  });
});
