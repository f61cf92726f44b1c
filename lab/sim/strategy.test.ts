import { describe, expect, it } from 'vitest';
import type { BetweenRoundsInput, ChokerPeer } from '../../shared/engine/choke/choker';
import { chooseUnchoked } from '../../shared/engine/choke/choker';
import { fixedUploadCap, freeRider, noChoking, strategicChoker } from './strategy';
import { chokerPeer, chokerRound } from '../../shared/engine/testing/choker-peers';

function peer(name: string, fields: Partial<ChokerPeer> = {}): ChokerPeer {
  return chokerPeer(name, { amInterested: true, ...fields });
}

const round = chokerRound;

const between = (peers: ChokerPeer[], trigger: BetweenRoundsInput['trigger']): BetweenRoundsInput => ({
  peers,
  seeding: false,
  slots: 4,
  trigger,
});

const peers = [
  peer('giver', { downloadRate: 50_000 }),
  peer('taker'),
  peer('bored', { interested: false }),
  peer('waiting', { interested: true }),
];

describe('choke policies for the lab', () => {
  it('a free rider unchokes nobody, at rounds or between them', () => {
    expect([...freeRider.round(round(peers)).unchoke]).toEqual([]);
    expect(freeRider.betweenRounds(between(peers, { kind: 'interested', peer: 'taker' }))).toEqual({
      choke: [],
      unchoke: [],
    });
    expect(freeRider.uploadCap).toBeUndefined();
  });

  it('no choking unchokes every interested peer, and a newly interested one at once', () => {
    const random = () => {
      throw new Error('no choking draws no random numbers');
    };
    expect(noChoking.round(round(peers, { random })).unchoke).toEqual(new Set(['giver', 'taker', 'waiting']));
    expect(noChoking.betweenRounds(between(peers, { kind: 'interested', peer: 'waiting' })).unchoke).toEqual([
      'waiting',
    ]);
    // An already unchoked peer, a peer losing interest, a peer leaving: nothing changes (no slots to fill).
    const unchoked = [peer('a', { unchoked: true }), peer('b', { unchoked: true, interested: false })];
    for (const trigger of [
      { kind: 'interested', peer: 'a' },
      { kind: 'not-interested', peer: 'b' },
      { kind: 'slot-freed' },
    ] as const) {
      expect(noChoking.betweenRounds(between(unchoked, trigger))).toEqual({ choke: [], unchoke: [] });
    }
  });

  it('a fixed upload cap keeps tit-for-tat and caps every peer; a cap must be positive', () => {
    const capped = fixedUploadCap(32_000);
    expect(capped.uploadCap).toBe(32_000);
    expect(capped.round(round(peers))).toEqual(chooseUnchoked(round(peers)));
    expect(() => fixedUploadCap(0)).toThrow(RangeError);
    expect(() => fixedUploadCap(Number.NaN)).toThrow(RangeError);
  });

  it('the strategic choker unchokes only reciprocating peers plus the optimistic one, capped just above their rate', () => {
    const strategic = strategicChoker({ probeRate: 1000, margin: 1.5 });
    const result = strategic.round(round(peers));
    expect(result.unchoke.has('giver')).toBe(true);
    expect(result.uploadCaps?.get('giver')).toBe(75_000);
    const others = [...result.unchoke].filter((p) => p !== 'giver');
    expect(others).toEqual(result.optimistic === undefined ? [] : [result.optimistic]);
    if (result.optimistic !== undefined) expect(result.uploadCaps?.get(result.optimistic)).toBe(1000);
    expect(strategic.betweenRounds(between(peers, { kind: 'interested', peer: 'taker' })).unchoke).toEqual(
      [],
    );
    // A seed has nothing to gain: it chooses like tit-for-tat without spare slots and caps nobody.
    expect(strategic.round(round(peers, { seeding: true })).uploadCaps).toBeUndefined();
    expect(() => strategicChoker({ probeRate: 0 })).toThrow(RangeError);
  });
});
