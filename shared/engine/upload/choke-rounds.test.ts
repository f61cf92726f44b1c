// The choke rounds alone: a scripted policy, fake ports that record what is sent.
import { describe, expect, it } from 'vitest';
import { reservedBytes } from '../../codec/wire';
import type { BetweenRoundsInput, ChokePolicy, ChokerInput } from '../choke/choker';
import { NO_CHOKE_CHANGES } from '../choke/choker';
import { SLOT_REQUEST_DEADLINE_MS, UNUSED_SLOT_RETRY_MS } from '../choke/slot-use';
import { ChokeRounds } from './choke-rounds';
import { DEFAULT_CONFIG } from '../contract/config';
import { ForwardingLedger } from '../choke/forwarding';
import { PeerState } from '../peer/peer';
import { acceptHandshake } from '../peer/peer-wire';
import type { SessionState } from '../contract/engine-types';
import { UploadQueue } from '../peer/upload-queue';

function setup(policy: Partial<ChokePolicy> = {}) {
  const peers = new Map<string, PeerState>();
  const sent: string[] = [];
  const rounds: ChokerInput[] = [];
  const between: BetweenRoundsInput[] = [];
  const session = {
    state: 'downloading' as SessionState,
    unchoke: new Set<string>(),
    ourPieces: 0,
    uploadCapacity: 0,
    uplinkIdle: false,
    paced: false,
  };
  const pieces = new Map<string, number>();
  const full: ChokePolicy = {
    round: (input) => {
      rounds.push(input);
      return { unchoke: new Set(session.unchoke), optimistic: undefined };
    },
    betweenRounds: (input) => {
      between.push(input);
      return NO_CHOKE_CHANGES;
    },
    ...policy,
  };
  const chokes = new ChokeRounds(DEFAULT_CONFIG, full, new ForwardingLedger(), () => 0.5, {
    peers: () => peers.values(),
    peer: (key) => peers.get(key),
    send: (peer, message) => void sent.push(`${message.type} ${peer.key}`),
    state: () => session.state,
    pieceLength: () => 16384,
    paced: () => session.paced,
    peerPieces: (key) => pieces.get(key) ?? 0,
    ourPieces: () => session.ourPieces,
    uploadCapacity: () => session.uploadCapacity,
    uplinkIdle: () => session.uplinkIdle,
  });
  const connect = (key: string, fast = false) => {
    const peer = new PeerState(key, peers.size, 0, new UploadQueue(undefined, 0));
    const reserved = reservedBytes({ fast });
    acceptHandshake(peer, { infoHash: new Uint8Array(20), peerId: new Uint8Array(20), reserved }, key);
    peers.set(key, peer);
    return peer;
  };
  return { chokes, sent, rounds, between, session, connect, peers, pieces };
}

describe('ChokeRounds', () => {
  it('runs a round every chokeIntervalMs, rotating the optimistic slot every optimisticIntervalMs', () => {
    const t = setup();
    const a = t.connect('a');
    t.connect('b');
    t.session.unchoke = new Set(['a']);
    t.chokes.tick(0);
    expect(t.sent).toEqual(['unchoke a']);
    expect(a.amChoking).toBe(false);
    expect(a.lastUnchokedAt).toBe(0);
    t.chokes.tick(DEFAULT_CONFIG.chokeIntervalMs - 1);
    t.chokes.tick(DEFAULT_CONFIG.chokeIntervalMs);
    t.chokes.tick(DEFAULT_CONFIG.optimisticIntervalMs);
    expect(t.rounds.map((r) => [r.now, r.rotateOptimistic])).toEqual([
      [0, true],
      [DEFAULT_CONFIG.chokeIntervalMs, false],
      [DEFAULT_CONFIG.optimisticIntervalMs, true],
    ]);
    t.chokes.roundSoon();
    t.chokes.tick(DEFAULT_CONFIG.optimisticIntervalMs + 1);
    expect(t.rounds).toHaveLength(4);
  });

  it('chokes everyone while paused, rejecting a fast peer’s queued requests', () => {
    const t = setup();
    const fast = t.connect('fast', true);
    t.session.unchoke = new Set(['fast']);
    t.chokes.tick(0);
    fast.upload.enqueue({ index: 0, begin: 0, length: 16384 });
    t.session.state = 'paused';
    t.chokes.roundSoon();
    t.chokes.tick(1);
    expect(t.sent).toEqual(['unchoke fast', 'choke fast', 'reject-request fast']);
    expect(fast.upload.size).toBe(0);
  });

  it('takes a peer’s interest and asks the policy between rounds; a freed slot too', () => {
    const t = setup({
      betweenRounds: (input) =>
        input.trigger.kind === 'interested' ? { choke: [], unchoke: [input.trigger.peer] } : NO_CHOKE_CHANGES,
    });
    const a = t.connect('a');
    t.chokes.onInterest(a, true, 5);
    expect(a.peerInterested).toBe(true);
    expect(t.sent).toEqual(['unchoke a']);
    t.chokes.onInterest(a, false, 6);
    expect(a.peerInterested).toBe(false);
    t.session.state = 'paused';
    t.chokes.onInterest(a, true, 7); // no slots while paused
    expect(t.sent).toEqual(['unchoke a']);
  });

  it('forgets a gone peer and lets the policy fill the slot it held', () => {
    const t = setup();
    const a = t.connect('a');
    t.session.unchoke = new Set(['a']);
    t.chokes.tick(0);
    t.peers.delete('a');
    t.chokes.peerGone(a, 1);
    expect(t.between.map((input) => input.trigger)).toEqual([{ kind: 'slot-freed' }]);
  });

  it('tells the policy how many fewer pieces than ours each peer has', () => {
    const t = setup();
    t.connect('behind');
    t.connect('level');
    t.connect('ahead');
    t.session.ourPieces = 5;
    t.pieces.set('behind', 4).set('level', 5).set('ahead', 9);
    t.chokes.tick(0);
    expect(t.rounds[0].peers.map((p) => [p.peer, p.piecesBehind])).toEqual([
      ['behind', 1],
      ['level', 0],
      ['ahead', -4],
    ]);
  });

  it('tells the policy the pending pieces our measured upload allows each peer (forwardAllowance)', () => {
    const t = setup();
    t.connect('a');
    t.chokes.tick(0);
    expect(t.rounds[0].peers[0].forwardAllowance).toBe(0);
    // 625 kB/s over the 4 slots and the optimistic one, 4 s of a slot, in 16 KiB pieces.
    t.session.uploadCapacity = 625_000;
    t.chokes.tick(DEFAULT_CONFIG.chokeIntervalMs);
    expect(t.rounds[1].peers[0].forwardAllowance).toBe(30);
  });

  it('seeding, opens a slot beyond the policy’s while the uplink idles and a peer waits, and closes it after a busy round', () => {
    const t = setup();
    t.session.state = 'seeding';
    const a = t.connect('a');
    a.choke.setPeerInterested(true);
    t.chokes.tick(0);
    expect(t.rounds[0].slots).toBe(DEFAULT_CONFIG.uploadSlots);
    t.chokes.lookAtUplink(100); // busy: nothing opens
    expect(t.between).toHaveLength(0);
    t.session.uplinkIdle = true;
    t.chokes.lookAtUplink(200);
    expect(t.between.map((b) => [b.trigger.kind, b.slots])).toEqual([
      ['slot-freed', DEFAULT_CONFIG.uploadSlots + 1],
    ]);
    t.chokes.tick(DEFAULT_CONFIG.chokeIntervalMs); // the uplink idled in that round: the slot stays
    expect(t.rounds[1].slots).toBe(DEFAULT_CONFIG.uploadSlots + 1);
    t.session.uplinkIdle = false;
    t.chokes.lookAtUplink(DEFAULT_CONFIG.chokeIntervalMs + 100);
    t.chokes.tick(2 * DEFAULT_CONFIG.chokeIntervalMs); // busy all round: it closes
    expect(t.rounds[2].slots).toBe(DEFAULT_CONFIG.uploadSlots);
  });

  it('leeching, opens no slot however idle the uplink', () => {
    const t = setup();
    const a = t.connect('a');
    a.choke.setPeerInterested(true);
    t.session.uplinkIdle = true;
    t.chokes.lookAtUplink(0);
    t.chokes.tick(0);
    expect(t.between).toHaveLength(0);
    expect(t.rounds[0].slots).toBe(DEFAULT_CONFIG.uploadSlots);
  });

  it('takes back a slot that brings no request within the deadline, and shows its holder uninterested until it says so again past the retry time', () => {
    const t = setup();
    t.session.state = 'seeding';
    t.session.unchoke = new Set(['idle', 'asks']);
    const idle = t.connect('idle');
    const asks = t.connect('asks');
    t.chokes.onInterest(idle, true, 0);
    t.chokes.onInterest(asks, true, 0);
    t.chokes.tick(0);
    asks.choke.asked(500);
    t.chokes.tick(SLOT_REQUEST_DEADLINE_MS - 1);
    expect(t.sent.filter((s) => s.startsWith('choke'))).toEqual([]);
    t.session.unchoke = new Set(['idle', 'asks']); // the policy would unchoke both again
    t.chokes.tick(SLOT_REQUEST_DEADLINE_MS);
    expect(t.sent.filter((s) => s.startsWith('choke'))).toEqual(['choke idle']);
    expect(t.between.at(-1)?.trigger.kind).toBe('slot-freed');
    const shown = () => t.rounds.at(-1)!.peers.find((p) => p.peer === 'idle')!.interested;
    expect(shown()).toBe(false);
    t.chokes.onInterest(idle, true, SLOT_REQUEST_DEADLINE_MS + 1); // said again: counts once the retry time passed
    t.chokes.roundSoon();
    t.chokes.tick(SLOT_REQUEST_DEADLINE_MS + UNUSED_SLOT_RETRY_MS - 1);
    expect(shown()).toBe(false);
    t.chokes.roundSoon();
    t.chokes.tick(SLOT_REQUEST_DEADLINE_MS + UNUSED_SLOT_RETRY_MS);
    expect(shown()).toBe(true);
  });

  it('takes back a spread slot that brings no request within the deadline, and chooses its holder for none after', () => {
    const t = setup();
    t.session.state = 'seeding';
    t.session.paced = true;
    const idle = t.connect('idle');
    t.chokes.onInterest(idle, true, 0);
    t.chokes.settle(0);
    expect(idle.spread).toBe(true);
    const honest = t.connect('honest');
    t.chokes.onInterest(honest, true, 1);
    t.chokes.settle(1);
    honest.choke.asked(500);
    t.chokes.tick(SLOT_REQUEST_DEADLINE_MS);
    t.chokes.spreadChanged();
    t.chokes.settle(SLOT_REQUEST_DEADLINE_MS);
    expect(idle.spread).toBe(false);
    expect(idle.amChoking).toBe(true);
    expect(honest.spread).toBe(true);
  });
});
