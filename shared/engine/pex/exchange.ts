// Peer exchange for WebRTC peers (sd_pex, docs/protocols.md): the session's room for the extension. It keeps the
// neighbours that speak it, tells them whom we are connected to (gossip.ts) and learns whom they are (heard.ts),
// meets the peers heard of through the neighbours that name them (signalling.ts), and relays for its neighbours.
import { PROGRESS_SCALE, decodePexMessage, encodePexMessage, type PexMessage } from '../../codec/pex';
import { fromHex, toHex } from '../../codec/hex';
import type { EngineEvent, PeerIdHex, PeerKey, SwarmStats } from '../contract/engine-types';
import type { PeerState } from '../peer/peer';
import { ROUND_MS } from './bucket';
import { holdsWhatWeLack, type Candidate } from './choice';
import { HeardPeers } from './heard';
import { Neighbour } from './neighbour';
import type { PexPorts } from './ports';
import { Signalling, type SignallingRoom } from './signalling';

export { SD_PEX } from '../../codec/pex';
export { SD_PEX_ID } from '../peer/peer-wire';

type EventOf<T extends EngineEvent['type']> = Extract<EngineEvent, { type: T }>;
type PeersMessage = Extract<PexMessage, { t: 'peers' }>;

export class PeerExchange implements SignallingRoom {
  readonly heard = new HeardPeers();
  readonly ourIdHex: PeerIdHex;
  private readonly byKey = new Map<PeerKey, Neighbour>();
  private readonly signalling: Signalling;
  private lastRound: number | undefined;

  constructor(private readonly ports: PexPorts) {
    this.ourIdHex = toHex(ports.ourId);
    this.signalling = new Signalling(ports, this);
  }

  get neighbours(): ReadonlyMap<PeerKey, Neighbour> {
    return this.byKey;
  }

  neighbourById(id: PeerIdHex): Neighbour | undefined {
    const peer = this.ports.byId(id);
    return peer && this.byKey.get(peer.key);
  }

  /** A peer's extended handshake was taken: one that names sd_pex is a neighbour, and gets our whole list. */
  extendedHandshake(peer: PeerState, now: number): void {
    const ext = peer.wire.sdPex;
    if (ext === undefined || this.byKey.has(peer.key) || !peer.peerId) return;
    const neighbour = new Neighbour(peer.key, peer.peerId, peer.peerIdHex, ext, now);
    this.byKey.set(peer.key, neighbour);
    this.gossipTo(neighbour, this.view(), now);
  }

  /** An sd_pex message (throws on garbage: the peer is closed). */
  onMessage(peer: PeerState, payload: Uint8Array, now: number): void {
    const neighbour = this.byKey.get(peer.key);
    if (!neighbour) return this.ports.close(peer, 'sd_pex message though it did not advertise sd_pex');
    const message = decodePexMessage(payload);
    switch (message.t) {
      case 'peers':
        return this.onPeers(neighbour, peer, message, now);
      case 'relay':
        return this.signalling.onRelay(neighbour, peer, message, now);
      case 'signal':
        return this.signalling.onSignal(neighbour, peer, message, now);
      case 'error':
        return this.signalling.onError(neighbour, message, now);
      case 'unknown':
        return;
    }
  }

  /** A peer is closed: it is no neighbour, and what it alone named is forgotten; it has left unless named. */
  gone(peer: PeerState, now: number): void {
    if (this.byKey.delete(peer.key)) this.heard.neighbourGone(peer.key);
    if (peer.handshaken) this.heard.connectionClosed(peer.peerIdHex, now);
    this.signalling.gone(peer, now);
  }

  /** The clock: meetings past their time, a gossip round when due, and new meetings while the session wants peers. */
  tick(now: number): void {
    this.signalling.expire(now);
    this.heard.expire(now);
    if (this.lastRound === undefined || now - this.lastRound >= ROUND_MS) {
      this.lastRound = now;
      const view = this.view();
      for (const neighbour of this.byKey.values()) this.gossipTo(neighbour, view, now);
    }
    if (this.ports.active()) this.signalling.meetMore(this.candidates(now), now);
  }

  signalOut(event: EventOf<'signal-out'>, now: number): void {
    this.signalling.signalOut(event, now);
  }

  meetFailed(event: EventOf<'meet-failed'>, now: number): void {
    this.signalling.meetFailed(event, now);
  }

  /** `peer-connected` with `expect`. */
  expect(key: PeerKey, id: PeerIdHex): void {
    this.signalling.expect(key, id);
  }

  /** Its handshake names `id`: why it is refused (a meeting's connection naming another peer), or undefined. */
  refuse(peer: PeerState, id: PeerIdHex, now: number): string | undefined {
    return this.signalling.refuse(peer, id, now);
  }

  stop(now: number): void {
    this.signalling.stop(now);
  }

  /** Of `count` peers wanted, how many the swarm brings. With neighbours and no strangers, all of them: the trackers
   * are for first contact, and the peers our neighbours meet are named to us as they come. Else meetings under way
   * and peers to meet (a peer that does not speak sd_pex, a WebTorrent client, names nobody, so the trackers bring
   * the rest). Starved, only peers that hold what we lack count, and the trackers are asked for the rest: our island
   * may not reach the peers that hold it. */
  throughSwarm(count: number, now: number): number {
    const starved = this.ports.starved();
    if (!starved && this.byKey.size > 0 && this.strangers() === 0) return count;
    let candidates = this.candidates(now);
    if (starved) {
      const us = { progress: this.ports.ourProgress(), seeding: this.ports.seeding() };
      candidates = candidates.filter((c) => holdsWhatWeLack(c, us));
    }
    return Math.min(count, this.signalling.meetings.mine + candidates.length);
  }

  /** Connected peers whose handshakes say they do not speak sd_pex (a connection still shaking hands is not one). */
  private strangers(): number {
    let count = 0;
    for (const peer of this.ports.peers()) {
      const told = peer.handshaken && (!peer.extended || peer.wire.extendedTaken);
      if (told && !this.byKey.has(peer.key)) count++;
    }
    return count;
  }

  stats(): SwarmStats {
    const { live, departed } = this.heard.counts();
    let connected = 0;
    for (const peer of this.heard.live()) if (this.ports.byId(peer.id)) connected++;
    const meetings = this.signalling.meetings.size;
    const strangers = this.strangers();
    return { neighbours: this.byKey.size, strangers, heard: live - connected, departed, meetings };
  }

  sendPex(to: Neighbour, message: Exclude<PexMessage, { t: 'unknown' }>): void {
    const peer = this.ports.peer(to.key);
    if (peer) this.ports.send(peer, { type: 'extended', id: to.ext, payload: encodePexMessage(message) });
  }

  private onPeers(neighbour: Neighbour, peer: PeerState, message: PeersMessage, now: number): void {
    if (!neighbour.gossipIn.take(now))
      return this.ports.close(peer, 'sent more peers messages than its share (sd_pex)');
    const connected = (id: PeerIdHex) => this.ports.byId(id) !== undefined;
    if (message.full) this.heard.replace(neighbour.key, connected, now);
    for (const id of message.dropped) this.heard.unname(neighbour.key, toHex(id), connected, now);
    for (const entry of message.added) {
      const id = toHex(entry.id);
      if (id !== this.ourIdHex && id !== neighbour.idHex) this.heard.name(neighbour.key, id, entry.progress);
    }
  }

  /** Our neighbours that speak sd_pex, with their progress. */
  private view(): Map<PeerIdHex, number> {
    const view = new Map<PeerIdHex, number>();
    for (const neighbour of this.byKey.values()) {
      const peer = this.ports.peer(neighbour.key);
      if (peer) view.set(neighbour.idHex, Math.min(PROGRESS_SCALE, Math.round(this.ports.progress(peer))));
    }
    return view;
  }

  private gossipTo(neighbour: Neighbour, view: ReadonlyMap<PeerIdHex, number>, now: number): void {
    const others = new Map(view);
    others.delete(neighbour.idHex);
    const update = neighbour.gossip.next(others, now);
    if (!update) return;
    const added = update.added.map(({ id, progress }) => ({ id: fromHex(id), progress }));
    this.sendPex(neighbour, { t: 'peers', added, dropped: update.dropped.map(fromHex), full: update.full });
  }

  /** The peers heard of that we may set out to meet now: through a neighbour we have had a round at least (by then
   * it has named us to its own neighbours, which they check). */
  private candidates(now: number): Candidate[] {
    const out: Candidate[] = [];
    const { meetings } = this.signalling;
    const settled = (key: PeerKey) => now - (this.byKey.get(key)?.since ?? now) >= ROUND_MS;
    for (const peer of this.heard.live()) {
      if (peer.id === this.ourIdHex || this.ports.byId(peer.id) || ![...peer.namedBy].some(settled)) continue;
      if (meetings.get(peer.id) || meetings.rests(peer.id, now) || this.ports.banned(peer.id)) continue;
      out.push({ id: peer.id, progress: peer.progress, relays: peer.namedBy.size });
    }
    return out;
  }
}
