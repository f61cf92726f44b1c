import { describe, expect, it } from 'vitest';
import { titForTat, type BetweenRoundsInput } from './choker';
import { withCredit } from './credit';
import { spareWithinCredit, withSpareWithinCredit } from './spare-within-credit';
import { chokerPeer as peer, chokerRound as input } from '../testing/choker-peers';

/** One 16 KiB piece: the credit when the policy is not told the piece length. */
const CREDIT_BYTES = 16 * 1024;
const policy = withCredit(withSpareWithinCredit(titForTat), { unwantedCreditPieces: Infinity });

describe('spareWithinCredit', () => {
  it('widens the default spare slots to every peer and leaves none as none', () => {
    expect(spareWithinCredit(undefined)).toBe('all');
    expect(spareWithinCredit('uninteresting')).toBe('all');
    expect(spareWithinCredit('all')).toBe('all');
    expect(spareWithinCredit('none')).toBe('none');
  });
});

describe('withSpareWithinCredit inside the credit', () => {
  // Two peers that upload to us, and two that have what we want but have not traded with us yet (they choke us as
  // we choke them): tit-for-tat leaves two of four slots empty until its optimistic slot comes round.
  const peers = [
    peer('giver 1', { downloadRate: 10 }),
    peer('giver 2', { downloadRate: 5 }),
    peer('stranger 1', { connectedAt: -500_000 }),
    peer('stranger 2'),
  ];

  // The optimistic slot stays with the second stranger.
  const kept = { rotateOptimistic: false, optimistic: 'stranger 2' };

  it('fills a round’s spare slots with peers that have not traded with us yet', () => {
    const round = input(peers, kept);
    expect([...titForTat.round(round).unchoke].sort()).toEqual(['giver 1', 'giver 2', 'stranger 2']);
    expect([...policy.round(round).unchoke].sort()).toEqual([
      'giver 1',
      'giver 2',
      'stranger 1',
      'stranger 2',
    ]);
  });

  it('gives a free slot to such a peer between rounds', () => {
    const between: BetweenRoundsInput = {
      peers: peers.map((p) => (p.peer.startsWith('giver') ? { ...p, unchoked: true } : p)),
      seeding: false,
      slots: 4,
      trigger: { kind: 'slot-freed' },
    };
    expect(titForTat.betweenRounds(between).unchoke).toEqual([]);
    expect(policy.betweenRounds(between).unchoke).toHaveLength(2);
  });

  it('gives a peer past its credit that gives us nothing no spare slot while another peer wants it', () => {
    const debtor = peer('free rider', { uploaded: CREDIT_BYTES + 1, downloaded: 0 });
    const result = policy.round(
      input([peer('giver', { downloadRate: 10 }), debtor, peer('stranger')], { slots: 2 }),
    );
    expect(result.unchoke.has('free rider')).toBe(false);
    expect([...result.unchoke].sort()).toEqual(['giver', 'stranger']);
  });

  it('keeps no spare slots when told none', () => {
    const round = input(peers, { ...kept, spareSlots: 'none' });
    expect([...policy.round(round).unchoke].sort()).toEqual(['giver 1', 'giver 2', 'stranger 2']);
  });

  it('leaves seeding to the inner policy', () => {
    const round = input(peers, { ...kept, seeding: true });
    expect(policy.round(round)).toEqual(titForTat.round(round));
  });
});
