import { describe, expect, it } from 'vitest';
import { titForTat, type BetweenRoundsInput, type ChokerPeer } from './choker';
import { DEFAULT_CREDIT_BYTES, inDebt, withCredit } from './credit';
import { chokerPeer as peer, chokerRound } from './testing/choker-peers';
import { mulberry32 } from './testing/random';

const input = chokerRound;

const owing = (name: string, fields: Partial<ChokerPeer> = {}) =>
  peer(name, { uploaded: DEFAULT_CREDIT_BYTES + 1, downloaded: 0, ...fields });

describe('inDebt', () => {
  it('is a peer that took more than the credit beyond what it gave, and gives nothing now', () => {
    expect(inDebt(owing('a'), DEFAULT_CREDIT_BYTES)).toBe(true);
    expect(inDebt(peer('b', { uploaded: DEFAULT_CREDIT_BYTES }), DEFAULT_CREDIT_BYTES)).toBe(false);
    expect(inDebt(owing('c', { downloaded: 10 }), DEFAULT_CREDIT_BYTES)).toBe(false);
    expect(inDebt(owing('d', { downloadRate: 100 }), DEFAULT_CREDIT_BYTES)).toBe(false);
  });
});

describe('withCredit', () => {
  const policy = withCredit(titForTat);

  it('never gives a debtor the optimistic slot, however often it rotates', () => {
    const peers = [
      owing('freeloader'),
      peer('newcomer'),
      ...[1, 2, 3, 4].map((i) => peer(`g${i}`, { downloadRate: i })),
    ];
    for (let seed = 0; seed < 50; seed++) {
      const result = policy.round(input(peers, { random: mulberry32(seed) }));
      expect(result.optimistic).toBe('newcomer');
      expect(result.unchoke.has('freeloader')).toBe(false);
    }
  });

  it('gives a debtor that has nothing we want no spare slot (tit-for-tat alone would)', () => {
    const peers = [owing('freeloader', { amInterested: false }), peer('g', { downloadRate: 5 })];
    expect(titForTat.round(input(peers)).unchoke.has('freeloader')).toBe(true);
    const result = policy.round(input(peers));
    expect(result.unchoke.has('freeloader')).toBe(false);
    expect(result.unchoke.has('g')).toBe(true);
  });

  it('unchokes the debtor owing least when nobody else wants our upload', () => {
    const peers = [owing('more', { uploaded: 10 * DEFAULT_CREDIT_BYTES }), owing('less')];
    expect([...policy.round(input(peers)).unchoke]).toEqual(['less']);
  });

  it('leaves seeding to the inner policy', () => {
    const peers = [owing('a'), owing('b')];
    const result = policy.round(input(peers, { seeding: true }));
    expect(result.unchoke.size).toBe(2);
  });

  it('does not fill a free slot with a debtor between rounds', () => {
    const between = (peers: ChokerPeer[]): BetweenRoundsInput => ({
      peers,
      seeding: false,
      slots: 4,
      trigger: { kind: 'interested', peer: 'freeloader' },
    });
    const peers = [owing('freeloader', { amInterested: false })];
    expect(titForTat.betweenRounds(between(peers)).unchoke).toEqual(['freeloader']);
    expect(policy.betweenRounds(between(peers)).unchoke).toEqual([]);
  });

  it('finds a debtor overdrawn at once (the session then chokes it), a giver only when strict', () => {
    const giver = owing('giver', { downloadRate: 100 });
    expect(policy.overdrawn!(owing('freeloader'))).toBe(true);
    expect(policy.overdrawn!(giver)).toBe(false);
    expect(withCredit(titForTat, { strict: true }).overdrawn!(giver)).toBe(true);
    expect(policy.overdrawn!(peer('fresh', { uploaded: DEFAULT_CREDIT_BYTES }))).toBe(false);
  });

  it('gives a peer that has nothing we want its own credit', () => {
    const unwanted = owing('u', { amInterested: false });
    const generous = withCredit(titForTat, { unwantedCreditBytes: 2 * DEFAULT_CREDIT_BYTES });
    expect(generous.overdrawn!(unwanted)).toBe(false);
    expect(generous.overdrawn!(owing('w', { amInterested: true }))).toBe(true);
    expect(generous.overdrawn!(owing('x', { amInterested: false, uploaded: 3 * DEFAULT_CREDIT_BYTES }))).toBe(
      true,
    );
  });

  it('refuses a negative credit', () => {
    expect(() => withCredit(titForTat, { creditBytes: -1 })).toThrow(RangeError);
    expect(() => withCredit(titForTat, { unwantedCreditBytes: -1 })).toThrow(RangeError);
  });
});
