import { describe, expect, it } from 'vitest';
import {
  chooseBetweenRounds,
  chooseUnchoked,
  titForTat,
  type BetweenRoundsInput,
  type ChokerInput,
  type ChokerPeer,
} from './choker';
import { mulberry32 } from '../testing/random';
import { chokerPeer } from '../testing/choker-peers';

const peer = chokerPeer;

function input(peers: ChokerPeer[], fields: Partial<ChokerInput> = {}): ChokerInput {
  return {
    peers,
    seeding: false,
    slots: 4,
    optimistic: undefined,
    rotateOptimistic: false,
    now: 0,
    random: mulberry32(1),
    ...fields,
  };
}

describe('chooseUnchoked while leeching', () => {
  it('unchokes the slots fastest uploaders to us, plus one optimistic among the rest', () => {
    const peers = Array.from({ length: 10 }, (_, i) => peer(`p${i}`, { downloadRate: (i + 1) * 1000 }));
    const result = chooseUnchoked(input(peers));
    for (const fast of ['p9', 'p8', 'p7', 'p6']) expect(result.unchoke.has(fast)).toBe(true);
    expect(result.optimistic).toBeDefined();
    expect(['p9', 'p8', 'p7', 'p6']).not.toContain(result.optimistic);
    expect(result.unchoke.has(result.optimistic!)).toBe(true);
    expect(result.unchoke.size).toBe(5);
  });

  it('does not count uninterested peers in the slots, and chokes them', () => {
    const peers = [
      peer('fast-uninterested', { interested: false, downloadRate: 1e6 }),
      ...Array.from({ length: 5 }, (_, i) => peer(`p${i}`, { downloadRate: (i + 1) * 1000 })),
    ];
    const result = chooseUnchoked(input(peers));
    expect(result.unchoke.has('fast-uninterested')).toBe(false);
    for (const p of ['p4', 'p3', 'p2', 'p1']) expect(result.unchoke.has(p)).toBe(true);
    expect(result.optimistic).toBe('p0');
  });

  it('gives snubbed peers only the optimistic slot', () => {
    const peers = [
      peer('snub1', { snubbed: true, downloadRate: 1e6 }),
      peer('snub2', { snubbed: true, downloadRate: 1e6 }),
      peer('a', { downloadRate: 10 }),
    ];
    const result = chooseUnchoked(input(peers));
    expect(result.unchoke.has('a')).toBe(true);
    expect(result.unchoke.size).toBe(2);
    expect(['snub1', 'snub2']).toContain(result.optimistic);
  });

  it('gives a free rider (has what we want, uploads nothing) only optimistic unchokes, even with spare slots', () => {
    const random = mulberry32(7);
    let optimistic: string | undefined;
    let regularRounds = 0;
    let optimisticRounds = 0;
    for (let round = 0; round < 60; round++) {
      const peers = [
        peer('contributor1', { downloadRate: 5000 }),
        peer('contributor2', { downloadRate: 3000 }),
        peer('freerider', { downloadRate: 0, amInterested: true, unchoked: optimistic === 'freerider' }),
        peer('other', { downloadRate: 0, amInterested: true }),
      ];
      const result = chooseUnchoked(
        input(peers, { optimistic, rotateOptimistic: round % 3 === 0, random, now: round * 10_000 }),
      );
      optimistic = result.optimistic;
      expect(result.unchoke.has('contributor1')).toBe(true);
      expect(result.unchoke.has('contributor2')).toBe(true);
      if (result.unchoke.has('freerider')) {
        if (result.optimistic === 'freerider') optimisticRounds++;
        else regularRounds++;
      }
    }
    expect(regularRounds).toBe(0);
    expect(optimisticRounds).toBeGreaterThan(0);
  });

  it('gives spare slots to peers that have nothing we want yet, not to peers that could upload and do not', () => {
    const peers = [
      peer('contributor', { downloadRate: 5000, amInterested: true }),
      peer('newcomer1', { amInterested: false }),
      peer('newcomer2', { amInterested: false }),
      peer('freerider', { amInterested: true }),
      peer('unknown'),
    ];
    const result = chooseUnchoked(input(peers, { slots: 4, random: mulberry32(4) }));
    for (const p of ['contributor', 'newcomer1', 'newcomer2']) expect(result.unchoke.has(p)).toBe(true);
    // The fourth slot stays free; one of the others may only be the optimistic unchoke.
    expect(['freerider', 'unknown']).toContain(result.optimistic);
    expect(result.unchoke.size).toBe(4);
    // A newcomer that uploads nothing does not push out a peer that uploads.
    const full = chooseUnchoked(
      input(
        [
          ...Array.from({ length: 4 }, (_, i) => peer(`up${i}`, { downloadRate: 100 })),
          peer('newcomer', { amInterested: false }),
        ],
        { slots: 4 },
      ),
    );
    expect(full.optimistic).toBe('newcomer');
  });

  it('can be strict tit-for-tat, or fill spare slots with anyone (Cohen)', () => {
    const peers = [
      peer('contributor', { downloadRate: 5000 }),
      peer('x', { amInterested: false }),
      peer('y'),
    ];
    const strict = chooseUnchoked(input(peers, { spareSlots: 'none', random: mulberry32(2) }));
    expect(strict.unchoke.size).toBe(2);
    expect(strict.unchoke.has('contributor')).toBe(true);
    const cohen = chooseUnchoked(input(peers, { spareSlots: 'all' }));
    expect([...cohen.unchoke].sort()).toEqual(['contributor', 'x', 'y']);
    expect(cohen.optimistic).toBeUndefined();
  });

  it('keeps the optimistic unchoke between rounds until it rotates', () => {
    const peers = Array.from({ length: 8 }, (_, i) =>
      peer(`p${i}`, { downloadRate: i < 4 ? 1000 * (i + 1) : 0 }),
    );
    const first = chooseUnchoked(input(peers, { random: mulberry32(3) }));
    const kept = chooseUnchoked(input(peers, { optimistic: first.optimistic, random: mulberry32(99) }));
    expect(kept.optimistic).toBe(first.optimistic);
    const rotated = chooseUnchoked(
      input(peers, { optimistic: first.optimistic, rotateOptimistic: true, random: mulberry32(99) }),
    );
    expect(rotated.optimistic).toBeDefined();
    expect(rotated.optimistic).not.toBe(first.optimistic);
  });

  it('picks a new optimistic when the current one lost interest or left', () => {
    const peers = [peer('a', { downloadRate: 1 }), peer('b'), peer('c', { interested: false })];
    const result = chooseUnchoked(input(peers, { slots: 1, optimistic: 'c' }));
    expect(result.optimistic).toBe('b');
    const gone = chooseUnchoked(input(peers, { slots: 1, optimistic: 'zzz' }));
    expect(gone.optimistic).toBe('b');
  });

  it('makes newly connected peers three times as likely to be the optimistic pick', () => {
    const now = 1_000_000;
    const peers = [
      peer('new', { connectedAt: now - 10_000 }),
      peer('old1', { connectedAt: now - 500_000 }),
      peer('old2', { connectedAt: now - 500_000 }),
      peer('old3', { connectedAt: now - 500_000 }),
    ];
    const counts = new Map<string, number>();
    const rounds = 6000;
    for (let seed = 0; seed < rounds; seed++) {
      const result = chooseUnchoked(input(peers, { now, slots: 0, random: mulberry32(seed) }));
      counts.set(result.optimistic!, (counts.get(result.optimistic!) ?? 0) + 1);
    }
    // Weights 3:1:1:1 → new is picked half the time, each old peer a sixth.
    expect(counts.get('new')! / rounds).toBeGreaterThan(0.45);
    expect(counts.get('new')! / rounds).toBeLessThan(0.55);
    for (const old of ['old1', 'old2', 'old3']) {
      expect(counts.get(old)! / rounds).toBeGreaterThan(0.13);
      expect(counts.get(old)! / rounds).toBeLessThan(0.2);
    }
  });

  it('breaks rate ties at random but keeps the current set', () => {
    const tied = Array.from({ length: 6 }, (_, i) => peer(`p${i}`, { downloadRate: 1000, unchoked: i >= 2 }));
    const result = chooseUnchoked(input(tied));
    for (const p of ['p2', 'p3', 'p4', 'p5']) expect(result.unchoke.has(p)).toBe(true);
    const picks = new Set<string>();
    const fresh = Array.from({ length: 6 }, (_, i) => peer(`p${i}`, { downloadRate: 1000 }));
    for (let seed = 0; seed < 50; seed++) {
      for (const p of chooseUnchoked(input(fresh, { slots: 1, random: mulberry32(seed) })).unchoke)
        picks.add(p);
    }
    expect(picks.size).toBe(6);
  });

  it('rejects bad input', () => {
    expect(() => chooseUnchoked(input([peer('a'), peer('a')]))).toThrow(/twice/);
    expect(() => chooseUnchoked(input([peer('a')], { slots: -1 }))).toThrow(RangeError);
  });
});

describe('chooseUnchoked while seeding', () => {
  it('prefers the peers we upload to fastest when nobody waits', () => {
    const peers = Array.from({ length: 4 }, (_, i) =>
      peer(`p${i}`, { uploadRate: (i + 1) * 1000, unchoked: true, lastUnchokedAt: 0 }),
    );
    const result = chooseUnchoked(
      input([...peers, peer('idle', { interested: false })], { seeding: true, slots: 3, now: 100_000 }),
    );
    for (const p of ['p3', 'p2', 'p1']) expect(result.unchoke.has(p)).toBe(true);
    expect(result.optimistic).toBe('p0');
    expect(result.unchoke.has('idle')).toBe(false);
  });

  it('serves every interested leecher over the rounds', () => {
    const random = mulberry32(11);
    const count = 20;
    const state = Array.from({ length: count }, (_, i) =>
      peer(`p${i}`, { uploadRate: i < 4 ? 100_000 : 0, connectedAt: -1_000_000 }),
    );
    let optimistic: string | undefined;
    const served = new Set<string>();
    const rounds = 30; // 300 s of 10 s rounds
    for (let round = 0; round < rounds; round++) {
      const now = round * 10_000;
      const result = chooseUnchoked({
        peers: state,
        seeding: true,
        slots: 4,
        optimistic,
        rotateOptimistic: round % 3 === 0,
        now,
        random,
      });
      optimistic = result.optimistic;
      for (const p of state) {
        const unchoke = result.unchoke.has(p.peer);
        if (unchoke && !p.unchoked) p.lastUnchokedAt = now;
        p.unchoked = unchoke;
        // Peers we unchoke get fast uploads; the others get nothing.
        p.uploadRate = unchoke ? 50_000 + Number(p.peer.slice(1)) * 1000 : 0;
        if (unchoke) served.add(p.peer);
      }
      expect(result.unchoke.size).toBe(5);
    }
    expect(served.size).toBe(count);
  });

  it('lets an unchoked peer keep its slot for its turn', () => {
    const now = 100_000;
    const peers = [
      peer('recent', { unchoked: true, lastUnchokedAt: now - 10_000, uploadRate: 1 }),
      peer('long', { unchoked: true, lastUnchokedAt: now - 40_000, uploadRate: 1e6 }),
      peer('waiting', { lastUnchokedAt: now - 200_000 }),
      peer('never'),
    ];
    const result = chooseUnchoked(input(peers, { seeding: true, slots: 2, now, random: mulberry32(5) }));
    // 'recent' keeps its turn; the never-served peer comes next; 'long' has had its turn.
    expect(result.unchoke.has('recent')).toBe(true);
    expect(result.unchoke.has('never')).toBe(true);
    expect(['long', 'waiting']).toContain(result.optimistic);
  });
});

describe('chooseBetweenRounds (free slots between choke rounds)', () => {
  const between = (
    peers: ChokerPeer[],
    trigger: BetweenRoundsInput['trigger'],
    fields: Partial<BetweenRoundsInput> = {},
  ) => chooseBetweenRounds({ peers, seeding: false, slots: 2, trigger, ...fields });

  it('gives a free slot to the fastest waiting uploader, and to one that has nothing we want', () => {
    const peers = [
      peer('slow', { downloadRate: 10 }),
      peer('fast', { downloadRate: 100 }),
      peer('rider', { amInterested: true }), // could upload to us and does not
      peer('empty', { amInterested: false }), // has nothing we want yet
    ];
    expect(between(peers, { kind: 'interested', peer: 'slow' })).toEqual({
      choke: [],
      unchoke: ['fast', 'slow'],
    });
    expect(between(peers, { kind: 'interested', peer: 'slow' }, { slots: 4 }).unchoke).toEqual([
      'fast',
      'slow',
      'empty',
    ]);
  });

  it('shares the spare-slot rule with the round', () => {
    const peers = [peer('rider', { amInterested: true }), peer('empty', { amInterested: false })];
    const trigger = { kind: 'slot-freed' } as const;
    expect(between(peers, trigger, { spareSlots: 'none' }).unchoke).toEqual([]);
    expect(between(peers, trigger, { spareSlots: 'uninteresting' }).unchoke).toEqual(['empty']);
    expect(between(peers, trigger, { spareSlots: 'all' }).unchoke).toEqual(['rider', 'empty']);
    // The round with the same peers and no optimistic candidates left over agrees on the regular set.
    for (const spareSlots of ['none', 'uninteresting', 'all'] as const) {
      const round = chooseUnchoked(input(peers, { spareSlots, slots: 2 }));
      const regular = [...round.unchoke].filter((p) => p !== round.optimistic);
      expect(new Set(regular)).toEqual(new Set(between(peers, trigger, { spareSlots }).unchoke));
    }
  });

  it('never exceeds the free slots and leaves unchoked peers alone', () => {
    const peers = [
      peer('a', { unchoked: true }),
      peer('b', { downloadRate: 5 }),
      peer('c', { downloadRate: 9 }),
    ];
    expect(between(peers, { kind: 'slot-freed' })).toEqual({ choke: [], unchoke: ['c'] });
    expect(between(peers, { kind: 'slot-freed' }, { slots: 1 })).toEqual({ choke: [], unchoke: [] });
    // A peer that says it is interested while already unchoked changes nothing.
    expect(between(peers, { kind: 'interested', peer: 'a' })).toEqual({ choke: [], unchoke: [] });
  });

  it('chokes a peer that loses interest and gives its slot to a waiting one', () => {
    const peers = [
      peer('bored', { unchoked: true, interested: false }),
      peer('busy', { unchoked: true }),
      peer('waiting', { downloadRate: 1 }),
    ];
    expect(between(peers, { kind: 'not-interested', peer: 'bored' })).toEqual({
      choke: ['bored'],
      unchoke: ['waiting'],
    });
    // Without slots (a paused session) it is still choked, and nobody is unchoked.
    expect(between(peers, { kind: 'not-interested', peer: 'bored' }, { slots: 0 })).toEqual({
      choke: ['bored'],
      unchoke: [],
    });
    // A choked peer losing interest changes nothing.
    expect(between(peers, { kind: 'not-interested', peer: 'waiting' })).toEqual({ choke: [], unchoke: [] });
  });

  it('seeding: the peer that has waited longest goes first, never-unchoked peers before all', () => {
    const peers = [
      peer('recent', { lastUnchokedAt: 900, downloadRate: 1000 }),
      peer('old', { lastUnchokedAt: 100 }),
      peer('never'),
    ];
    expect(between(peers, { kind: 'slot-freed' }, { seeding: true }).unchoke).toEqual(['never', 'old']);
  });

  it('the default policy is tit-for-tat: the round and the between-rounds rule', () => {
    expect(titForTat.round).toBe(chooseUnchoked);
    expect(titForTat.betweenRounds).toBe(chooseBetweenRounds);
    expect(titForTat.uploadCap).toBeUndefined();
  });
});
