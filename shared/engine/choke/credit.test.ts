import { describe, expect, it } from 'vitest';
import { titForTat, type BetweenRoundsInput, type ChokerPeer } from './choker';
import { inDebt, RECIPROCATION_LEAD_PIECES, withCredit } from './credit';
import { chokerPeer as peer, chokerRound } from '../testing/choker-peers';
import { mulberry32 } from '../testing/random';

const input = chokerRound;
/** The credit when the policy is not told the piece length: one 16 KiB piece. */
const DEFAULT_CREDIT_BYTES = 16 * 1024;

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

  it('gives a debtor no spare slot while another peer can take it (tit-for-tat alone might)', () => {
    const peers = [
      owing('freeloader', { amInterested: false }),
      peer('newcomer', { amInterested: false }),
      peer('g', { downloadRate: 5 }),
    ];
    const taken = (result: { unchoke: Set<string> }) => result.unchoke.has('freeloader');
    const seeds = Array.from({ length: 20 }, (_, seed) =>
      input(peers, { slots: 2, random: mulberry32(seed) }),
    );
    expect(seeds.some((round) => taken(titForTat.round(round)))).toBe(true);
    for (const round of seeds) {
      const result = policy.round(round);
      expect(taken(result)).toBe(false);
      expect([...result.unchoke].sort()).toEqual(['g', 'newcomer']);
    }
  });

  it('gives regular slots nobody else wants to the debtors owing least', () => {
    const peers = [
      owing('more', { uploaded: 10 * DEFAULT_CREDIT_BYTES }),
      owing('less'),
      peer('g', { downloadRate: 5 }),
    ];
    expect([...policy.round(input(peers, { slots: 2 })).unchoke].sort()).toEqual(['g', 'less']);
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
    expect(policy.overdrawn!(owing('freeloader'), undefined)).toBe(true);
    expect(policy.overdrawn!(giver, undefined)).toBe(false);
    expect(withCredit(titForTat, { strict: true }).overdrawn!(giver, undefined)).toBe(true);
    expect(policy.overdrawn!(peer('fresh', { uploaded: DEFAULT_CREDIT_BYTES }), undefined)).toBe(false);
  });

  it('counts the credit in pieces: a bigger piece, a bigger credit', () => {
    const freeloader = owing('freeloader', { uploaded: 2 * DEFAULT_CREDIT_BYTES });
    expect(policy.overdrawn!(freeloader, DEFAULT_CREDIT_BYTES)).toBe(true);
    expect(policy.overdrawn!(freeloader, 4 * DEFAULT_CREDIT_BYTES)).toBe(false);
    const round = policy.round(
      input([freeloader, peer('g', { downloadRate: 5 })], { pieceLength: 4 * DEFAULT_CREDIT_BYTES }),
    );
    expect(round.optimistic).toBe('freeloader');
  });

  it('gives a peer that has nothing we want its own credit', () => {
    const unwanted = owing('u', { amInterested: false });
    const generous = withCredit(titForTat, { unwantedCreditPieces: 2 });
    expect(generous.overdrawn!(unwanted, undefined)).toBe(false);
    expect(generous.overdrawn!(owing('w', { amInterested: true }), undefined)).toBe(true);
    expect(
      generous.overdrawn!(owing('x', { amInterested: false, uploaded: 3 * DEFAULT_CREDIT_BYTES }), undefined),
    ).toBe(true);
  });

  it('an overdrawn peer gives its slot to a waiting peer, and keeps it only if it takes nobody’s share', () => {
    const between = (peers: ChokerPeer[]): BetweenRoundsInput => ({
      peers,
      seeding: false,
      slots: 2,
      trigger: { kind: 'overdrawn', peer: 'freeloader' },
    });
    const freeloader = owing('freeloader', { unchoked: true });
    const waiting = peer('giver', { downloadRate: 10 });
    expect(policy.betweenRounds(between([freeloader, waiting]))).toEqual({
      choke: ['freeloader'],
      unchoke: ['giver'],
    });
    const served = peer('served', { unchoked: true, downloadRate: 10 });
    expect(policy.betweenRounds(between([freeloader, served]))).toEqual({
      choke: ['freeloader'],
      unchoke: [],
    });
    const alsoOwing = owing('also', { unchoked: true });
    expect(policy.betweenRounds(between([freeloader, alsoOwing]))).toEqual({ choke: [], unchoke: [] });
    expect(titForTat.betweenRounds(between([freeloader, waiting]))).toEqual({ choke: [], unchoke: [] });
  });

  it('with a reciprocation share, holds a trickle against a peer over its credit, not a fair return', () => {
    const recip = withCredit(titForTat, { reciprocation: 0.75 });
    const trickle = owing('trickle', { downloadRate: 50, uploadRate: 100 });
    const fair = owing('fair', { downloadRate: 80, uploadRate: 100 });
    expect(policy.overdrawn!(trickle, undefined)).toBe(false);
    expect(recip.overdrawn!(trickle, undefined)).toBe(true);
    expect(recip.overdrawn!(fair, undefined)).toBe(false);
    // Within its credit, a trickle is no debt.
    expect(recip.overdrawn!(peer('new', { downloadRate: 1, uploadRate: 100 }), undefined)).toBe(false);
    expect(inDebt(trickle, DEFAULT_CREDIT_BYTES, false, 0.75)).toBe(true);
  });

  it('holds no trickle against a peer well behind us: a slow uplink gives what it can, and a swarm spreads forward', () => {
    const recip = withCredit(titForTat, { reciprocation: 0.75 });
    const behind = RECIPROCATION_LEAD_PIECES + 1;
    const slow = owing('slow', { downloadRate: 10, uploadRate: 100, piecesBehind: behind });
    expect(recip.overdrawn!(slow, undefined)).toBe(false);
    expect(inDebt(slow, DEFAULT_CREDIT_BYTES, false, 0.75)).toBe(false);
    // Giving nothing at all is debt however far behind.
    expect(recip.overdrawn!({ ...slow, downloadRate: 0 }, undefined)).toBe(true);
    // The same trickle from a peer within the lead, level, or ahead is held against it.
    for (const piecesBehind of [RECIPROCATION_LEAD_PIECES, 0, -behind])
      expect(recip.overdrawn!({ ...slow, piecesBehind }, undefined)).toBe(true);
  });

  it('refuses a negative credit', () => {
    expect(() => withCredit(titForTat, { creditPieces: -1 })).toThrow(RangeError);
    expect(() => withCredit(titForTat, { unwantedCreditPieces: -1 })).toThrow(RangeError);
    expect(() => withCredit(titForTat, { reciprocation: -1 })).toThrow(RangeError);
  });
});
