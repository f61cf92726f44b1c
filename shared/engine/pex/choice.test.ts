import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../testing/random';
import { chooseToMeet } from './choice';

const peers = [
  { id: 'empty', progress: 0 },
  { id: 'half', progress: 500 },
  { id: 'seed', progress: 1000 },
];

describe('chooseToMeet', () => {
  it('while downloading meets peers with pieces first', () => {
    const chosen = chooseToMeet(peers, 2, false, mulberry32(1));
    expect(chosen.sort()).toEqual(['half', 'seed']);
  });

  it('while seeding meets peers that lack pieces first', () => {
    const chosen = chooseToMeet(peers, 2, true, mulberry32(2));
    expect(chosen.sort()).toEqual(['empty', 'half']);
  });

  it('takes no more than its slots, and none without', () => {
    expect(chooseToMeet(peers, 5, false, mulberry32(3))).toHaveLength(3);
    expect(chooseToMeet(peers, 0, false, mulberry32(3))).toEqual([]);
  });

  it('spreads its choice at random among equals', () => {
    const many = Array.from({ length: 20 }, (_, i) => ({ id: String(i), progress: 100 }));
    const first = new Set(
      Array.from({ length: 30 }, (_, seed) => chooseToMeet(many, 1, false, mulberry32(seed))[0]),
    );
    expect(first.size).toBeGreaterThan(5);
  });
});
