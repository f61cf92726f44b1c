// The page's side of peer exchange's meetings (docs/protocols.md, sd_pex): the engine, having heard of a peer through
// its neighbours, asks for an offer to it (`meet-peer`); the page makes one as for the tracker, through the same
// connection manager (the page's connection places, relay-only, the torrent's cap), and hands its SDP to the engine,
// which relays it through a common neighbour (`signal-out`). The answer comes back relayed (`signal-in`), and so do
// strangers' offers, answered the same way. A connection that opens is an ordinary one, reported with the peer id it
// was made for (`expect`): the engine checks that its handshake names it. One that fails or closes before opening is
// `meet-failed`. Meetings are keyed by torrent and peer id, each holding one of the page's connection places, so the
// table is bounded by the connection budget (connection-budget.ts).
import { MAX_SIGNAL_PAYLOAD } from '../../../../shared/codec/pex';
import type { SignalDescription } from '../../../../shared/codec/tracker-protocol';
import type { SignalKind } from '../../../../shared/engine/contract/engine-types';
import type { MainToWorker } from '../../lib/messages/protocol';
import type { RtcPeer } from './rtc-peer';

/** What the meetings ask of the connection manager (peers.ts). */
export interface MeetingPeers {
  createPeer(infoHashHex: string, initiator: boolean): RtcPeer | undefined;
  matched(infoHashHex: string, peer: RtcPeer, remotePeerIdHex: string): boolean;
  acceptsOffer(infoHashHex: string, remotePeerIdHex: string): boolean;
}

type Post = (message: MainToWorker, transfer?: Transferable[]) => void;

interface Meeting {
  peer: RtcPeer;
  /** Our offer (we wait for its answer), or our answer to theirs. */
  ours: boolean;
  /** The engine gave it up, or it was answered to the end: its close says nothing to the engine. */
  settled: boolean;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** A description's SDP as the payload the engine relays, or undefined when it is too large to relay. */
export function encodeSignal(data: SignalDescription): ArrayBuffer | undefined {
  const bytes = encoder.encode(data.sdp ?? '');
  return bytes.byteLength > MAX_SIGNAL_PAYLOAD ? undefined : (bytes.buffer as ArrayBuffer);
}

/** A relayed payload as the description of its kind, or undefined when it is not UTF-8 text within the bound. */
export function decodeSignal(
  kind: 'offer' | 'answer',
  payload: ArrayBuffer | undefined,
): SignalDescription | undefined {
  if (!payload || payload.byteLength === 0 || payload.byteLength > MAX_SIGNAL_PAYLOAD) return undefined;
  try {
    return { type: kind, sdp: decoder.decode(payload) };
  } catch {
    return undefined;
  }
}

export class SwarmMeetings {
  private readonly meetings = new Map<string, Meeting>();

  constructor(
    private readonly peers: MeetingPeers,
    private readonly post: Post,
  ) {}

  /** Meetings under way (connections being made through the swarm). */
  get size(): number {
    return this.meetings.size;
  }

  /** The engine wants an offer to `peer` (hex peer id). */
  meet(infoHashHex: string, peer: string): void {
    if (this.meetings.has(keyOf(infoHashHex, peer))) return;
    const made = this.peers.createPeer(infoHashHex, true);
    if (!made) return this.failed(infoHashHex, peer, 'no connection place left on this page');
    if (!this.peers.matched(infoHashHex, made, peer)) {
      made.destroy();
      return this.failed(infoHashHex, peer, 'already connected');
    }
    this.track(infoHashHex, peer, made, true);
    made.once('signal', (offer) => this.send(infoHashHex, peer, 'offer', offer));
  }

  /** A description relayed to us from `from`. */
  signalIn(infoHashHex: string, from: string, kind: SignalKind, payload?: ArrayBuffer): void {
    if (kind === 'offer') return this.answer(infoHashHex, from, payload);
    const meeting = this.meetings.get(keyOf(infoHashHex, from));
    if (!meeting?.ours) return; // a late answer, or one to an offer we never made
    const answer = kind === 'answer' ? decodeSignal('answer', payload) : undefined;
    if (!answer) {
      // Declined: the engine knows; an answer that is no description ends the meeting as a failure.
      meeting.settled = kind === 'decline';
      meeting.peer.destroy();
      return;
    }
    meeting.peer.signal(answer);
  }

  /** The engine gave the meeting up: its connection goes unless it opened. */
  ended(infoHashHex: string, peer: string): void {
    const meeting = this.meetings.get(keyOf(infoHashHex, peer));
    if (!meeting) return;
    meeting.settled = true;
    this.meetings.delete(keyOf(infoHashHex, peer));
    if (meeting.peer.key === undefined) meeting.peer.destroy();
  }

  /** Every meeting is forgotten (the worker was replaced; the connection manager closes the connections). */
  clear(): void {
    for (const meeting of this.meetings.values()) meeting.settled = true;
    this.meetings.clear();
  }

  /** The torrent stopped (its connections are closed by the connection manager). */
  closeTorrent(infoHashHex: string): void {
    for (const [key, meeting] of this.meetings) {
      if (!key.startsWith(`${infoHashHex}:`)) continue;
      meeting.settled = true;
      this.meetings.delete(key);
    }
  }

  /** A stranger's offer: answered through a new connection, or declined. */
  private answer(infoHashHex: string, from: string, payload: ArrayBuffer | undefined): void {
    const offer = decodeSignal('offer', payload);
    if (!offer || this.meetings.has(keyOf(infoHashHex, from)) || !this.peers.acceptsOffer(infoHashHex, from))
      return this.decline(infoHashHex, from);
    const made = this.peers.createPeer(infoHashHex, false);
    if (!made) return this.decline(infoHashHex, from);
    if (!this.peers.matched(infoHashHex, made, from)) {
      made.destroy();
      return this.decline(infoHashHex, from);
    }
    this.track(infoHashHex, from, made, false);
    made.once('signal', (answer) => this.send(infoHashHex, from, 'answer', answer));
    made.signal(offer);
  }

  private decline(infoHashHex: string, to: string): void {
    this.post({ type: 'signal-out', infoHashHex, to, kind: 'decline' });
  }

  private failed(infoHashHex: string, peer: string, reason: string): void {
    this.post({ type: 'meet-failed', infoHashHex, peer, reason });
  }

  /** Our description leaves for the engine to relay (one too large to relay ends the meeting). */
  private send(infoHashHex: string, to: string, kind: 'offer' | 'answer', data: SignalDescription): void {
    const meeting = this.meetings.get(keyOf(infoHashHex, to));
    if (!meeting || meeting.peer.destroyed) return;
    const payload = encodeSignal(data);
    if (!payload) {
      meeting.peer.destroy();
      return;
    }
    this.post({ type: 'signal-out', infoHashHex, to, kind, payload }, [payload]);
  }

  private track(infoHashHex: string, peer: string, made: RtcPeer, ours: boolean): void {
    const key = keyOf(infoHashHex, peer);
    const meeting: Meeting = { peer: made, ours, settled: false };
    made.expect = peer;
    this.meetings.set(key, meeting);
    made.connection.on('connect', () => {
      // The connection manager keys a connection it keeps; one it refused (crossed with another) closes unkeyed.
      if (made.key === undefined) return;
      if (this.meetings.get(key) === meeting) this.meetings.delete(key);
      meeting.settled = true;
    });
    made.connection.on('close', () => {
      if (this.meetings.get(key) === meeting) this.meetings.delete(key);
      if (meeting.settled) return;
      meeting.settled = true;
      this.failed(infoHashHex, peer, 'the connection closed before it opened');
    });
  }
}

function keyOf(infoHashHex: string, peer: string): string {
  return `${infoHashHex}:${peer}`;
}
