import { describe, expect, it } from 'vitest';
import type { ChokerInput, ChokerPeer } from './choker';
import { propShare } from './propshare';
import { chokerPeer as peer, chokerRound } from '../testing/choker-peers';
import { mulberry32 } from '../testing/random';

const input = (peers: ChokerPeer[], fields: Partial<ChokerInput> = {}) =>
  chokerRound(peers, { slots: 2, random: mulberry32(3), ...fields });

describe('propShare', () => {
  it('splits the upload among the givers in proportion to what each gave, the rest to the others', () => {
    const peers = [
      peer('a', { downloadRate: 3000 }),
      peer('b', { downloadRate: 1000 }),
      peer('c', { downloadRate: 4000 }),
      peer('idle'),
    ];
    const result = propShare({ exploreShare: 0.2 }).round(input(peers));
    // Every giver is unchoked, beyond the two regular slots.
    for (const name of ['a', 'b', 'c', 'idle']) expect(result.unchoke.has(name)).toBe(true);
    const shares = result.uploadShares!;
    expect(shares.get('c')).toBeCloseTo(0.8 * 0.5);
    expect(shares.get('a')).toBeCloseTo(0.8 * 0.375);
    expect(shares.get('b')).toBeCloseTo(0.8 * 0.125);
    expect(shares.get('idle')).toBeCloseTo(0.2);
    expect(result.optimistic).toBe('idle');
  });

  it('gives the givers everything when nobody else is unchoked, and has no split without givers', () => {
    const both = propShare().round(input([peer('a', { downloadRate: 1 }), peer('b', { downloadRate: 3 })]));
    expect(both.uploadShares!.get('a')! + both.uploadShares!.get('b')!).toBeCloseTo(1);
    expect(propShare().round(input([peer('x'), peer('y')])).uploadShares).toBeUndefined();
  });

  it('keeps at most maxGivers givers, the fastest', () => {
    const peers = [1, 2, 3, 4, 5].map((i) => peer(`g${i}`, { downloadRate: i * 100 }));
    const result = propShare({ maxGivers: 3 }).round(input(peers, { slots: 1 }));
    for (const name of ['g5', 'g4', 'g3']) expect(result.uploadShares!.has(name)).toBe(true);
    expect(result.uploadShares!.get('g1') ?? result.uploadShares!.get('g2')).toBeCloseTo(0.2); // the optimistic
  });

  it('has no split while seeding', () => {
    const result = propShare().round(input([peer('a', { downloadRate: 5 })], { seeding: true }));
    expect(result.uploadShares).toBeUndefined();
    expect(result.unchoke.has('a')).toBe(true);
  });

  it('refuses an explore share outside (0, 1)', () => {
    expect(() => propShare({ exploreShare: 0 })).toThrow(RangeError);
    expect(() => propShare({ exploreShare: 1 })).toThrow(RangeError);
  });
});
