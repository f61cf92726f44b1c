import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../testing/random';
import { chooseToMeet, holdsWhatWeLack } from './choice';

const peers = [
  { id: 'empty', progress: 0, relays: 1 },
  { id: 'behind', progress: 200, relays: 1 },
  { id: 'half', progress: 500, relays: 1 },
  { id: 'seed', progress: 1000, relays: 1 },
];
const downloading = (progress: number) => ({ progress, seeding: false });
const seeding = { progress: 1000, seeding: true };

describe('chooseToMeet', () => {
  it('while downloading meets peers with more pieces than ours first (they hold one we lack)', () => {
    for (let seed = 0; seed < 10; seed++) {
      const chosen = chooseToMeet(peers, 2, downloading(300), mulberry32(seed));
      expect(chosen.sort()).toEqual(['half', 'seed']);
    }
  });

  it('then peers with any piece, and empty peers last', () => {
    expect(chooseToMeet(peers, 4, downloading(300), mulberry32(1))[2]).toBe('behind');
    expect(chooseToMeet(peers, 4, downloading(300), mulberry32(1))[3]).toBe('empty');
    expect(chooseToMeet(peers, 3, downloading(0), mulberry32(2)).sort()).toEqual(['behind', 'half', 'seed']);
  });

  it('while seeding meets peers that lack pieces first', () => {
    const chosen = chooseToMeet(peers, 3, seeding, mulberry32(2));
    expect(chosen.sort()).toEqual(['behind', 'empty', 'half']);
  });

  it('among equals, meets first the peers fewest of our neighbours name', () => {
    const bridged = [
      { id: 'near-1', progress: 500, relays: 3 },
      { id: 'near-2', progress: 500, relays: 2 },
      { id: 'far', progress: 500, relays: 1 },
    ];
    for (let seed = 0; seed < 10; seed++)
      expect(chooseToMeet(bridged, 1, downloading(100), mulberry32(seed))).toEqual(['far']);
  });

  it('takes no more than its slots, and none without', () => {
    expect(chooseToMeet(peers, 5, downloading(0), mulberry32(3))).toHaveLength(4);
    expect(chooseToMeet(peers, 0, downloading(0), mulberry32(3))).toEqual([]);
  });

  it('spreads its choice at random among equals', () => {
    const many = Array.from({ length: 20 }, (_, i) => ({ id: String(i), progress: 100, relays: 1 }));
    const first = new Set(
      Array.from({ length: 30 }, (_, seed) => chooseToMeet(many, 1, downloading(0), mulberry32(seed))[0]),
    );
    expect(first.size).toBeGreaterThan(5);
  });
});

describe('holdsWhatWeLack', () => {
  it('holds for a peer with more pieces than ours while we download, never while we seed', () => {
    expect(holdsWhatWeLack(peers[2], downloading(300))).toBe(true);
    expect(holdsWhatWeLack(peers[1], downloading(300))).toBe(false);
    expect(holdsWhatWeLack(peers[0], seeding)).toBe(false);
  });
});
