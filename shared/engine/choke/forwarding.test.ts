import { describe, expect, it } from 'vitest';
import { titForTat } from './choker';
import {
  DEFAULT_PENDING_PIECES,
  FORWARD_WINDOW_MS,
  forwardAllowance,
  ForwardingLedger,
  MAX_TRACKED_PIECES_PER_PEER,
  withForwarding,
} from './forwarding';
import { chokerPeer as peer, chokerRound } from '../testing/choker-peers';
import { mulberry32 } from '../testing/random';

const seedRound = (peers: Parameters<typeof chokerRound>[0], seed = 7) =>
  chokerRound(peers, { seeding: true, random: mulberry32(seed) });
/** A peer that holds more of our pieces than it may without passing any on. */
const hoarder = (name: string, forwarded = 0) =>
  peer(name, { forwardPending: DEFAULT_PENDING_PIECES + 1, forwarded });

describe('ForwardingLedger', () => {
  it('credits the peer we sent a piece to when another peer, which we did not send it to, announces it', () => {
    const ledger = new ForwardingLedger();
    ledger.sent('a', 3, 0);
    ledger.sent('a', 4, 0);
    expect(ledger.pending('a')).toBe(2);
    ledger.have('a', 3); // a's own copy arrived: nothing passed on
    expect(ledger.forwarded('a')).toBe(0);
    ledger.have('b', 3);
    expect(ledger.forwarded('a')).toBe(1);
    expect(ledger.pending('a')).toBe(1);
    ledger.have('c', 3); // the piece is no longer pending: credited once
    expect(ledger.forwarded('a')).toBe(1);
  });

  it('does not credit a peer for a piece we also sent the announcing peer', () => {
    const ledger = new ForwardingLedger();
    ledger.sent('a', 1, 0);
    ledger.sent('b', 1, 0);
    ledger.have('b', 1);
    expect(ledger.forwarded('a')).toBe(0);
  });

  it('splits a reappeared piece among the peers we sent it to', () => {
    const ledger = new ForwardingLedger();
    ledger.sent('a', 1, 0);
    ledger.sent('b', 1, 0);
    ledger.have('c', 1);
    expect(ledger.forwarded('a')).toBe(0.5);
    expect(ledger.forwarded('b')).toBe(0.5);
  });

  it('tracks only pieces no connected peer had announced (their haves could come from elsewhere)', () => {
    const ledger = new ForwardingLedger();
    ledger.sent('a', 1, 2);
    ledger.have('c', 1);
    expect(ledger.pending('a')).toBe(0);
    expect(ledger.forwarded('a')).toBe(0);
  });

  it(`remembers at most ${MAX_TRACKED_PIECES_PER_PEER} pieces per peer, forgetting the oldest`, () => {
    const ledger = new ForwardingLedger();
    for (let i = 0; i < MAX_TRACKED_PIECES_PER_PEER * 4; i++) ledger.sent('a', i, 0);
    expect(ledger.pending('a')).toBe(MAX_TRACKED_PIECES_PER_PEER);
    ledger.have('b', 0); // forgotten
    expect(ledger.forwarded('a')).toBe(0);
    ledger.have('b', MAX_TRACKED_PIECES_PER_PEER * 4 - 1);
    expect(ledger.forwarded('a')).toBe(1);
  });

  it('drops a peer’s account when it leaves', () => {
    const ledger = new ForwardingLedger();
    ledger.sent('a', 1, 0);
    ledger.forget('a');
    expect(ledger.size).toBe(0);
    ledger.have('b', 1);
    expect(ledger.forwarded('a')).toBe(0);
  });
});

describe('withForwarding', () => {
  const policy = withForwarding(titForTat);

  it('seeding, gives no slot, regular or optimistic, to a peer over the pending limit while others wait', () => {
    const peers = [hoarder('rider'), ...[1, 2, 3, 4, 5].map((i) => peer(`p${i}`, { forwarded: i }))];
    const takes = (r: { unchoke: Set<string> }) => r.unchoke.has('rider');
    const rounds = Array.from({ length: 30 }, (_, s) => seedRound(peers, s));
    expect(rounds.some((r) => takes(titForTat.round(r)))).toBe(true);
    for (const r of rounds) expect(takes(policy.round(r))).toBe(false);
  });

  it('serves newcomers (nothing pending), so a fresh swarm starts', () => {
    const peers = [1, 2, 3].map((i) => peer(`new${i}`));
    const result = policy.round(seedRound(peers));
    expect([...result.unchoke].sort()).toEqual(['new1', 'new2', 'new3']);
  });

  it('fills slots nobody else wants with held peers, those that forwarded most first', () => {
    const peers = [hoarder('none'), hoarder('most', 3), hoarder('some', 1), peer('ok')];
    const result = policy.round({ ...seedRound(peers), slots: 2 });
    expect(result.unchoke.has('ok')).toBe(true);
    expect(result.unchoke.has('most')).toBe(true);
    expect(result.unchoke.has('none')).toBe(false);
  });

  it('leaves leeching to the inner policy', () => {
    const peers = [hoarder('rider', 0), peer('a', { downloadRate: 5 })];
    const round = chokerRound(peers);
    expect(policy.round(round)).toEqual(titForTat.round(chokerRound(peers)));
    expect(policy.overdrawn?.(hoarder('rider'), 16384, false)).toBe(false);
  });

  it('between rounds, chokes a peer gone over the limit when another waits, keeps it when none does', () => {
    expect(policy.overdrawn?.(hoarder('rider'), 16384, true)).toBe(true);
    expect(policy.overdrawn?.(peer('fine', { forwardPending: 1 }), 16384, true)).toBe(false);
    const trigger = { kind: 'overdrawn', peer: 'rider' } as const;
    const base = { seeding: true, slots: 1, trigger };
    const waiting = policy.betweenRounds({
      ...base,
      peers: [{ ...hoarder('rider'), unchoked: true }, peer('waiting')],
    });
    expect(waiting).toEqual({ choke: ['rider'], unchoke: ['waiting'] });
    const alone = policy.betweenRounds({ ...base, peers: [{ ...hoarder('rider'), unchoked: true }] });
    expect(alone.choke).toEqual([]);
    // A crowd (more peers want our upload than there are slots): choked even when nobody within the limit waits.
    const served = [1, 2, 3, 4].map((i) => peer(`s${i}`, { unchoked: true }));
    const crowd = [{ ...hoarder('rider'), unchoked: true }, ...served, hoarder('other')];
    expect(policy.betweenRounds({ ...base, slots: 4, peers: crowd })).toEqual({
      choke: ['rider'],
      unchoke: [],
    });
    const few = [{ ...hoarder('rider'), unchoked: true }, ...served.slice(0, 2)];
    expect(policy.betweenRounds({ ...base, slots: 4, peers: few }).choke).toEqual([]);
  });

  it('keeps a peer over the limit in its slot while the slot is held (slot-hold.ts), and not after', () => {
    // Its slot took 1.5 s to bring its first request (a queued path): held 4.5 s.
    const held = (unchokedForMs: number) => ({
      ...hoarder('rider'),
      unchoked: true,
      unchokedForMs,
      slotCostMs: 1500,
    });
    expect(policy.overdrawn?.(held(2000), 16384, true)).toBe(false);
    expect(policy.overdrawn?.(held(5000), 16384, true)).toBe(true);
    const round = policy.round({ ...seedRound([held(2000), peer('waiting')]), slots: 1 });
    expect(round.unchoke.has('rider')).toBe(true);
  });

  it('counting every piece sent, holds a peer whose sent pieces outrun twice what it passed on', () => {
    const counted = withForwarding(titForTat, { piecesPerForward: 2 });
    const piece = 16 * 1024;
    const took = (pieces: number, forwarded: number) =>
      counted.overdrawn?.(peer('p', { uploaded: pieces * piece, forwarded }), piece, true);
    expect(took(DEFAULT_PENDING_PIECES, 0)).toBe(false); // a newcomer's start
    expect(took(DEFAULT_PENDING_PIECES + 1, 0)).toBe(true); // a free rider: nothing traced back
    expect(took(DEFAULT_PENDING_PIECES + 4, 2)).toBe(false); // two passed on pay for four more
    expect(took(DEFAULT_PENDING_PIECES + 5, 2)).toBe(true);
  });
});

describe('forwardAllowance', () => {
  const piece = 16 * 1024;

  it('is what a slot of the measured upload carries in FORWARD_WINDOW_MS, in whole pieces', () => {
    // 625 kB/s (5 Mbit/s) over 4 slots and the optimistic one: 125 kB/s a slot, 500 kB in 4 s, 30 pieces.
    expect(FORWARD_WINDOW_MS).toBe(4000);
    expect(forwardAllowance(625_000, 4, piece)).toBe(30);
  });

  it('leaves a slow seed at the fixed limit: the lab’s 32 KiB/s seed with 16 KiB pieces', () => {
    expect(forwardAllowance(32 * 1024, 4, piece)).toBeLessThanOrEqual(DEFAULT_PENDING_PIECES);
  });

  it('is none while the upload is unmeasured or the pieces unknown', () => {
    expect(forwardAllowance(0, 4, piece)).toBe(0);
    expect(forwardAllowance(Number.NaN, 4, piece)).toBe(0);
    expect(forwardAllowance(Infinity, 4, piece)).toBe(0);
    expect(forwardAllowance(625_000, 4, 0)).toBe(0);
  });
});

describe('withForwarding with an allowance', () => {
  const policy = withForwarding(titForTat);

  it('holds a peer only beyond the larger of the fixed limit and its allowance', () => {
    const pending = (forwardPending: number, forwardAllowance: number) =>
      policy.overdrawn?.(peer('p', { forwardPending, forwardAllowance }), 16384, true);
    expect(pending(DEFAULT_PENDING_PIECES + 1, 0)).toBe(true);
    expect(pending(30, 30)).toBe(false);
    expect(pending(31, 30)).toBe(true);
    // An allowance under the fixed limit does not lower it.
    expect(pending(DEFAULT_PENDING_PIECES, 1)).toBe(false);
  });

  it('gives a peer within its allowance a slot while others wait', () => {
    const peers = [
      peer('fast seed’s peer', { forwardPending: 20, forwardAllowance: 30 }),
      ...[1, 2, 3, 4, 5].map((i) => peer(`p${i}`)),
    ];
    const rounds = Array.from({ length: 30 }, (_, s) => seedRound(peers, s));
    expect(rounds.some((r) => policy.round(r).unchoke.has('fast seed’s peer'))).toBe(true);
  });
});
