import { describe, expect, it } from 'vitest';
import { hexToBinary, type SignalDescription } from '../../../../shared/codec/tracker-protocol';
import type { TrackerStatus } from '../../lib/links/trackers';
import { Announcer, TrackerSocket } from './tracker-announcer';
import type { SignalPeer } from './tracker-hooks';
import { handleReply, type ReplyContext } from './tracker-replies';

const T = 'ab'.repeat(20);
const HASH = hexToBinary(T);
const REMOTE = 'r'.repeat(20);
const ME = 'm'.repeat(20);

class FakePeer implements SignalPeer {
  destroyed = false;
  signals: SignalDescription[] = [];
  listener: ((data: SignalDescription) => void) | undefined;
  once(_event: 'signal', listener: (data: SignalDescription) => void): void {
    this.listener = listener;
  }
  signal(data: SignalDescription): void {
    this.signals.push(data);
  }
  destroy(): void {
    this.destroyed = true;
  }
}

function setup(options: { accepts?: boolean; matches?: boolean } = {}) {
  const socket = new TrackerSocket<FakePeer>('ws://t/');
  const announcer = new Announcer<FakePeer>(T, 'ws://t/', 120_000, undefined);
  announcer.peerId = ME;
  socket.announcers.set(HASH, announcer);
  const peers: FakePeer[] = [];
  const statuses: Array<Omit<TrackerStatus, 'url'>> = [];
  const sent: Array<Record<string, unknown>> = [];
  const aliases: boolean[] = [];
  const inUse: Array<Announcer<FakePeer>> = [];
  let scheduled = 0;
  const context: ReplyContext<FakePeer> = {
    isOwnPeerId: (peerId) => peerId === ME,
    peerIdInUse: (_socket, refused) => inUse.push(refused),
    hooks: {
      createPeer: () => {
        const peer = new FakePeer();
        peers.push(peer);
        return peer;
      },
      matched: () => options.matches ?? true,
      acceptsOffer: () => options.accepts ?? true,
      numbers: () => ({ uploaded: 0, downloaded: 0, left: null }),
    },
    setStatus: (_announcer, status) => statuses.push(status),
    schedule: () => scheduled++,
    followAlias: (_socket, _announcer, bound) => aliases.push(bound),
    send: (_socket, message) => sent.push(message),
  };
  return { socket, announcer, peers, statuses, sent, aliases, inUse, context, scheduled: () => scheduled };
}

const offer: SignalDescription = { type: 'offer', sdp: 'v=0 offer' };
const answer: SignalDescription = { type: 'answer', sdp: 'v=0 answer' };

describe('handleReply', () => {
  it("takes an announce reply's interval and counts, and says whether the alias was served", () => {
    const { socket, announcer, statuses, aliases, context, scheduled } = setup();
    announcer.timer = setTimeout(() => undefined, 0);
    handleReply(context, socket, {
      kind: 'announce',
      infoHash: HASH,
      interval: 2,
      complete: 3,
      incomplete: 4,
    });
    expect(announcer.intervalMs).toBe(5000);
    expect(scheduled()).toBe(1);
    expect(statuses).toEqual([{ state: 'connected', complete: 3, incomplete: 4 }]);
    expect(aliases).toEqual([false]);
    clearTimeout(announcer.timer);
  });

  it('shows a failure on the torrent it names, or on every torrent of the socket', () => {
    const { socket, statuses, context } = setup();
    handleReply(context, socket, { kind: 'failure', reason: 'no', infoHash: HASH });
    handleReply(context, socket, { kind: 'failure', reason: 'all' });
    handleReply(context, socket, { kind: 'failure', reason: 'other', infoHash: 'x'.repeat(20) });
    handleReply(context, socket, { kind: 'warning', message: 'w' });
    expect(statuses).toEqual([
      { state: 'failure', message: 'no' },
      { state: 'failure', message: 'all' },
    ]);
  });

  it("hands a torrent's `peer_id is in use` refusal to the renewal, and nothing else, once its claim is answered", () => {
    const { socket, announcer, statuses, inUse, context } = setup();
    const reason = 'peer_id is in use in this swarm by another connection';
    handleReply(context, socket, { kind: 'failure', reason, infoHash: HASH });
    // A refusal that names no torrent is shown as it is: it cannot be ours to renew.
    handleReply(context, socket, { kind: 'failure', reason });
    expect(inUse).toEqual([announcer]);
    expect(statuses).toEqual([{ state: 'failure', message: reason }]);
    announcer.claiming = true;
    handleReply(context, socket, {
      kind: 'announce',
      infoHash: HASH,
      interval: 120,
      complete: 1,
      incomplete: 0,
    });
    expect(announcer.claiming).toBe(false);
    // Another refusal of the claim ends its wait too.
    announcer.claiming = true;
    handleReply(context, socket, { kind: 'failure', reason: 'swarm is full', infoHash: HASH });
    expect(announcer.claiming).toBe(false);
    clearTimeout(announcer.timer);
  });

  it('answers no offer of our own peer ids (our offer relayed back to us)', () => {
    const { socket, peers, context } = setup();
    handleReply(context, socket, { kind: 'offer', infoHash: HASH, peerId: ME, offerId: 'o1', offer });
    expect(peers).toEqual([]);
  });

  it('answers an offer through a new peer, and sends the answer back to the offer', () => {
    const { socket, peers, sent, context } = setup();
    handleReply(context, socket, { kind: 'offer', infoHash: HASH, peerId: REMOTE, offerId: 'o1', offer });
    expect(peers[0].signals).toEqual([offer]);
    peers[0].listener?.(answer);
    expect(sent).toEqual([
      { action: 'announce', info_hash: HASH, peer_id: ME, to_peer_id: REMOTE, answer, offer_id: 'o1' },
    ]);
  });

  it('ignores our own offer and refuses one the torrent does not take or the manager does not match', () => {
    handleReply(setup().context, setup().socket, {
      kind: 'offer',
      infoHash: HASH,
      peerId: ME,
      offerId: 'o',
      offer,
    });
    const full = setup({ accepts: false });
    handleReply(full.context, full.socket, {
      kind: 'offer',
      infoHash: HASH,
      peerId: REMOTE,
      offerId: 'o',
      offer,
    });
    expect(full.peers).toEqual([]);
    const twice = setup({ matches: false });
    handleReply(twice.context, twice.socket, {
      kind: 'offer',
      infoHash: HASH,
      peerId: REMOTE,
      offerId: 'o',
      offer,
    });
    expect(twice.peers[0].destroyed).toBe(true);
    expect(twice.peers[0].signals).toEqual([]);
  });

  it('hands an answer to the offer it answers, once, and destroys one the manager refuses', () => {
    const { socket, announcer, context } = setup();
    const peer = new FakePeer();
    announcer.offers.set('o1', { peer, timer: setTimeout(() => undefined, 1000) });
    handleReply(context, socket, { kind: 'answer', infoHash: HASH, peerId: REMOTE, offerId: 'o1', answer });
    handleReply(context, socket, { kind: 'answer', infoHash: HASH, peerId: REMOTE, offerId: 'o1', answer });
    expect(peer.signals).toEqual([answer]);
    expect(announcer.offers.size).toBe(0);
    const refused = setup({ matches: false });
    const other = new FakePeer();
    refused.announcer.offers.set('o2', { peer: other, timer: setTimeout(() => undefined, 1000) });
    handleReply(refused.context, refused.socket, {
      kind: 'answer',
      infoHash: HASH,
      peerId: REMOTE,
      offerId: 'o2',
      answer,
    });
    expect(other.destroyed).toBe(true);
  });
});
