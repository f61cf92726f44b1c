import { describe, expect, it } from 'vitest';
import { titForTat, type BetweenRoundsInput, type ChokerPeer } from './choker';
import { withCredit } from './credit';
import { keepsSlotNobodyWants } from './slot-nobody-wants';
import { chokerPeer as peer } from '../testing/choker-peers';

describe('keepsSlotNobodyWants', () => {
  it('keeps the slot when every peer we serve is in debt, whatever the uplink', () => {
    expect(keepsSlotNobodyWants({ forwardAllowance: 0 }, true)).toBe(true);
    expect(keepsSlotNobodyWants(undefined, true)).toBe(true);
  });

  it('leaves a slow uplink’s share to the peers we serve, and keeps a fast one’s busy', () => {
    expect(keepsSlotNobodyWants({ forwardAllowance: 0 }, false)).toBe(false);
    expect(keepsSlotNobodyWants({}, false)).toBe(false);
    expect(keepsSlotNobodyWants(undefined, false)).toBe(false);
    expect(keepsSlotNobodyWants({ forwardAllowance: 1 }, false)).toBe(true);
    expect(keepsSlotNobodyWants({ forwardAllowance: 30 }, false)).toBe(true);
  });
});

describe('an overdrawn peer under the credit', () => {
  const policy = withCredit(titForTat);
  /** Two pieces of 16 KiB over its credit of one, giving nothing back. */
  const debtor = (fields: Partial<ChokerPeer> = {}) =>
    peer('debtor', { unchoked: true, uploaded: 2 * 16 * 1024, downloaded: 0, ...fields });
  const overdrawn = (peers: ChokerPeer[]): BetweenRoundsInput => ({
    peers,
    seeding: false,
    slots: 2,
    trigger: { kind: 'overdrawn', peer: 'debtor' },
  });
  const served = peer('served', { unchoked: true, downloadRate: 10 });

  it('keeps its slot on a fast uplink while nobody waits for it, beside a peer we serve', () => {
    expect(policy.betweenRounds(overdrawn([debtor({ forwardAllowance: 4 }), served]))).toEqual({
      choke: [],
      unchoke: [],
    });
    expect(policy.betweenRounds(overdrawn([debtor({ forwardAllowance: 0 }), served]))).toEqual({
      choke: ['debtor'],
      unchoke: [],
    });
  });

  it('gives its slot to a waiting peer however fast the uplink', () => {
    const waiting = peer('giver', { downloadRate: 10 });
    expect(policy.betweenRounds(overdrawn([debtor({ forwardAllowance: 4 }), waiting]))).toEqual({
      choke: ['debtor'],
      unchoke: ['giver'],
    });
  });
});
