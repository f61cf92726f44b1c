// Relayed signalling (sd_pex, docs/protocols.md): our meetings (the adapter's offer sent through a neighbour that
// names the peer, its answer handed back), strangers' offers a neighbour relays to us, the relay we do for our
// neighbours, and the check that the connection a meeting makes names the peer met.
import { MAX_SIGNAL_PAYLOAD, PEX_ERROR, type PexMessage, type SignalKind } from '../../codec/pex';
import { ROUND_MS } from './bucket';
import { fromHex, toHex } from '../../codec/hex';
import type { EngineEvent, PeerIdHex, PeerKey } from '../contract/engine-types';
import type { PeerState } from '../peer/peer';
import { chooseToMeet, type Candidate } from './choice';
import type { HeardPeers } from './heard';
import { MAX_ANSWERING, MAX_MEETINGS, Meetings, RETRY_MS, type Meeting } from './meetings';
import type { Neighbour } from './neighbour';
import type { PexPorts } from './ports';
import { relayVerdict, signalRefusal } from './relay';

type MessageOf<T extends PexMessage['t']> = Extract<PexMessage, { t: T }>;
type EventOf<T extends EngineEvent['type']> = Extract<EngineEvent, { type: T }>;

/** What signalling shares with the rest of peer exchange (exchange.ts). */
export interface SignallingRoom {
  readonly ourIdHex: PeerIdHex;
  readonly heard: HeardPeers;
  readonly neighbours: ReadonlyMap<PeerKey, Neighbour>;
  neighbourById(id: PeerIdHex): Neighbour | undefined;
  sendPex(to: Neighbour, message: Exclude<PexMessage, { t: 'unknown' }>): void;
}

export class Signalling {
  readonly meetings = new Meetings();
  /** Connections made by a meeting, until their handshake: the peer id they must name, and the relay. */
  private readonly expected = new Map<PeerKey, { id: PeerIdHex; via: PeerKey | undefined }>();

  constructor(
    private readonly ports: PexPorts,
    private readonly room: SignallingRoom,
  ) {}

  /** Sets out to meet as many of `candidates` as the session wants and our meeting slots allow. */
  meetMore(candidates: readonly Candidate[], now: number): void {
    const slots = Math.min(MAX_MEETINGS - this.meetings.mine, this.ports.wanted() - this.meetings.size);
    const us = { progress: this.ports.ourProgress(), seeding: this.ports.seeding() };
    for (const peer of chooseToMeet(candidates, slots, us, () => this.ports.random())) {
      this.meetings.start(peer, now);
      this.ports.act({ type: 'meet-peer', peer });
    }
  }

  /** A neighbour asks us to pass a signal on. */
  onRelay(from: Neighbour, peer: PeerState, message: MessageOf<'relay'>, now: number): void {
    const us = { id: this.room.ourIdHex, neighbour: (id: PeerIdHex) => this.room.neighbourById(id) };
    const verdict = relayVerdict(from, toHex(message.to), us, now);
    if ('close' in verdict) return this.ports.close(peer, verdict.close);
    if ('error' in verdict)
      return this.room.sendPex(from, { t: 'error', to: message.to, code: verdict.error });
    const { kind, payload } = message;
    this.room.sendPex(verdict.forward, { t: 'signal', from: from.id, kind, payload });
  }

  /** A relay brings us a signal: a stranger's offer, or the reply to ours. */
  onSignal(relay: Neighbour, peer: PeerState, message: MessageOf<'signal'>, now: number): void {
    const from = toHex(message.from);
    const names = (by: Neighbour, id: PeerIdHex) => this.room.heard.names(by.key, id);
    const refusal = signalRefusal(relay, from, { id: this.room.ourIdHex, names }, now);
    if (refusal) return this.ports.close(peer, refusal);
    if (message.kind === 'offer') return this.onOffer(relay, from, message.payload, now);
    const meeting = this.meetings.get(from);
    // A reply that matches no offer of ours through this relay is late: ignored.
    if (!meeting?.mine || meeting.via !== relay.key || meeting.state !== 'offered') return;
    if (message.kind === 'decline') return this.giveUp(meeting, now, 'the peer declined');
    meeting.state = 'answered';
    const payload = message.payload.slice();
    this.ports.act({ type: 'signal-in', from, via: relay.key, kind: 'answer', payload });
  }

  /** A relay could not pass our offer on: another neighbour that names the peer is asked, if there is one (a relay
   * that has not yet named us to the peer will soon: the peer rests a round only). */
  onError(relay: Neighbour, message: MessageOf<'error'>, now: number): void {
    const meeting = this.meetings.get(toHex(message.to));
    if (!meeting?.mine || meeting.via !== relay.key || meeting.state !== 'offered') return;
    this.sendOffer(meeting, now, message.code === PEX_ERROR.notIntroduced ? ROUND_MS : RETRY_MS);
  }

  /** The adapter's offer for a meeting, or its answer to a stranger's. */
  signalOut(event: EventOf<'signal-out'>, now: number): void {
    const meeting = this.meetings.get(event.to);
    if (!meeting) return;
    const payload = event.payload?.slice() ?? new Uint8Array(0);
    const empty = payload.length === 0 && event.kind !== 'decline';
    if (empty || payload.length > MAX_SIGNAL_PAYLOAD)
      return this.giveUp(meeting, now, 'unusable signalling payload');
    if (meeting.mine) {
      if (event.kind !== 'offer' || meeting.state !== 'making') return;
      meeting.offer = payload;
      return this.sendOffer(meeting, now);
    }
    if (meeting.state !== 'asked' || event.kind === 'offer') return;
    const relay = meeting.via === undefined ? undefined : this.room.neighbours.get(meeting.via);
    if (!relay) return this.giveUp(meeting, now, 'the neighbour that relayed the offer left');
    this.reply(relay, event.to, event.kind, payload);
    if (event.kind === 'decline') this.meetings.end(event.to, now, false);
    else meeting.state = 'answered';
  }

  /** The adapter gave up a meeting. */
  meetFailed(event: EventOf<'meet-failed'>, now: number): void {
    this.meetings.end(event.peer, now, true);
  }

  /** A connection made by a meeting with `id` is open: its handshake must name `id`. */
  expect(key: PeerKey, id: PeerIdHex): void {
    this.expected.set(key, { id, via: this.meetings.get(id)?.via });
  }

  /** Its handshake names `id`: why it is refused (a meeting's connection naming another peer than the meeting's:
   * its relay forged the id, and is closed too), or undefined. */
  refuse(peer: PeerState, id: PeerIdHex, now: number): string | undefined {
    const expected = this.expected.get(peer.key);
    if (!expected) return undefined;
    this.expected.delete(peer.key);
    if (id === expected.id) {
      this.meetings.end(expected.id, now, false);
      return undefined;
    }
    this.meetings.end(expected.id, now, true);
    const relay = expected.via === undefined ? undefined : this.ports.peer(expected.via);
    if (relay) this.ports.close(relay, 'relayed signalling for a forged peer id (sd_pex)');
    return 'named another peer id than the one met through the swarm';
  }

  /** A connection closed: its meeting failed, and meetings that went through it find another way or end. */
  gone(peer: PeerState, now: number): void {
    const expected = this.expected.get(peer.key);
    if (expected) {
      this.expected.delete(peer.key);
      this.meetings.end(expected.id, now, true);
    }
    for (const meeting of [...this.meetings.values()]) {
      if (meeting.via !== peer.key) continue;
      if (meeting.mine && meeting.state === 'offered') this.sendOffer(meeting, now);
      else if (!meeting.mine && meeting.state === 'asked') this.giveUp(meeting, now, 'its relay left');
    }
  }

  /** Meetings past their time are given up. */
  expire(now: number): void {
    for (const meeting of this.meetings.expire(now))
      this.ports.act({ type: 'meet-ended', peer: meeting.peer, reason: 'no connection in time' });
  }

  /** The session stops: every meeting ends. */
  stop(now: number): void {
    for (const meeting of [...this.meetings.values()]) this.giveUp(meeting, now, 'stopped');
    this.expected.clear();
  }

  private onOffer(relay: Neighbour, from: PeerIdHex, payload: Uint8Array, now: number): void {
    const ours = this.meetings.get(from);
    // Both set out to meet each other: the offer of the lower peer id stands.
    if (ours?.mine && ours.state !== 'answered' && this.room.ourIdHex > from)
      this.giveUp(ours, now, 'met through its own offer');
    if (this.declines(from)) return this.reply(relay, from, 'decline', new Uint8Array(0));
    this.meetings.answer(from, relay.key, now);
    this.ports.act({ type: 'signal-in', from, via: relay.key, kind: 'offer', payload: payload.slice() });
  }

  private declines(from: PeerIdHex): boolean {
    const ports = this.ports;
    if (ports.byId(from) || ports.banned(from) || ports.full() || !ports.active()) return true;
    return this.meetings.get(from) !== undefined || this.meetings.answering >= MAX_ANSWERING;
  }

  private reply(relay: Neighbour, to: PeerIdHex, kind: SignalKind, payload: Uint8Array): void {
    this.room.sendPex(relay, { t: 'relay', to: fromHex(to), kind, payload });
  }

  /** Sends our offer through a neighbour that names the peer and has not been asked yet; none left: gives up. */
  private sendOffer(meeting: Meeting, now: number, restMs = RETRY_MS): void {
    const relays = this.room.heard
      .relaysFor(meeting.peer)
      .filter((key) => !meeting.tried.has(key) && this.room.neighbours.has(key));
    // The neighbour we have had longest has most likely named us to the peer already.
    const via = relays.sort((a, b) => this.since(a) - this.since(b))[0];
    const relay = via === undefined ? undefined : this.room.neighbours.get(via);
    if (!relay || !meeting.offer)
      return this.giveUp(meeting, now, 'no neighbour could relay the offer', restMs);
    meeting.tried.add(relay.key);
    meeting.via = relay.key;
    meeting.state = 'offered';
    this.reply(relay, meeting.peer, 'offer', meeting.offer);
  }

  private since(key: PeerKey): number {
    return this.room.neighbours.get(key)?.since ?? Infinity;
  }

  private giveUp(meeting: Meeting, now: number, reason: string, restMs = RETRY_MS): void {
    this.meetings.end(meeting.peer, now, true, restMs);
    this.ports.act({ type: 'meet-ended', peer: meeting.peer, reason });
  }
}
