// A WebTorrent peer shaped like libtorrent 2.1's (src/rtc_signaling.cpp, src/websocket_tracker_connection.cpp), on
// node-datachannel (libdatachannel, what libtorrent builds on) directly: one STUN server and no TURN; each offer
// and answer sent once ICE gathering is complete, its candidates in its SDP and none trickled after; 20-byte offer
// ids; at most 10 offers an announce, and no more relayed offers taken than the last announce wanted; the data
// channel labelled `webtorrent`; one write in flight a channel (lt21-stream.ts). The BitTorrent wire over it is the
// engine's, through a NodeTorrent. Test support: it checks that SwarmDrop's tracker and tabs speak to such a peer.
import { randomBytes } from 'node:crypto';
import { PeerConnection as RtcConnection, type DataChannel, type PeerConnection } from 'node-datachannel';
import { WebSocket } from 'ws';
import { hexToBinary } from '../../shared/codec/tracker-protocol';
import type { NodeTorrent } from '../node-torrent';
import { Lt21Stream } from './lt21-stream';

/** libtorrent's `max_webtorrent_offers` default: offers an announce, and incoming negotiations at once. */
export const LT_MAX_OFFERS = 10;
/** libtorrent's `webtorrent_connection_timeout` default, in ms: a negotiation not open by then is dropped. */
export const LT_CONNECTION_TIMEOUT_MS = 20_000;
/** The channel label libtorrent gives its offers' data channels. */
export const LT_LABEL = 'webtorrent';

export interface Lt21PeerOptions {
  /** The tracker's WebSocket address. */
  tracker: string;
  /** One STUN server (`stun:host:port`), as libtorrent's `webtorrent_stun_server`; none: host candidates only. */
  stun?: string;
  torrent: NodeTorrent;
  /** Default: libtorrent 2.1's prefix (`-LT2100-`) and 12 random bytes. */
  peerId?: Uint8Array;
  /** The info hashes announced (hex, 40 each); default: the torrent's (a hybrid's v1 one and its truncated v2 one,
   * each announced on its own, as libtorrent does). */
  infoHashes?: string[];
  /** While no channel is open and pieces are missing, announce again this often (libtorrent waits the tracker's
   * interval, minutes, which a test cannot). */
  retryMs?: number;
}

interface Negotiation {
  connection: PeerConnection;
  channel?: DataChannel;
  incoming: boolean;
  answered: boolean;
  timer: NodeJS.Timeout;
}

/** What the peer saw of the others' signalling, for the tests to check. */
export interface Lt21Seen {
  /** The SDP of every offer relayed to it. */
  offers: string[];
  /** The SDP of every answer to its offers. */
  answers: string[];
  /** Tracker messages libtorrent would refuse (it closes its tracker connection on each), and why. */
  refused: string[];
  /** Channels opened, by who offered. */
  opened: { offered: number; answered: number };
}

export class Lt21Peer {
  readonly seen: Lt21Seen = { offers: [], answers: [], refused: [], opened: { offered: 0, answered: 0 } };
  readonly streams: Lt21Stream[] = [];
  private readonly peerId: string;
  private readonly negotiations = new Map<string, Negotiation>();
  /** Relayed offers still taken per info hash (binary): the numwant of its last announce, as libtorrent counts. */
  private readonly quota = new Map<string, number>();
  private socket: WebSocket | undefined;
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: Lt21PeerOptions) {
    const peerId = options.peerId ?? Buffer.concat([Buffer.from('-LT2100-'), randomBytes(12)]);
    this.peerId = Buffer.from(peerId).toString('latin1');
  }

  /** Opens the tracker's socket and announces each info hash with its offers; resolves once those announces left. */
  start(): Promise<void> {
    const socket = new WebSocket(this.options.tracker);
    this.socket = socket;
    socket.on('message', (data) => this.onMessage(String(data)));
    socket.on('error', () => {});
    this.retry = setInterval(() => {
      const open = this.streams.some((stream) => !stream.destroyed);
      if (open || this.options.torrent.stats().left === 0) return;
      // The unanswered offers go first: a test's machine holds only so many connections.
      for (const [id, negotiation] of this.negotiations) {
        if (negotiation.incoming) continue;
        this.drop(negotiation);
        this.negotiations.delete(id);
      }
      void this.announceAll(undefined);
    }, this.options.retryMs ?? 5_000);
    return new Promise((resolve, reject) => {
      // Resolved once the first announce has left: it waits for its offers' gathering, and a tab that announced
      // before it would find no peer to offer to.
      socket.once('open', () => void this.announceAll('started').then(() => resolve()));
      socket.once('error', reject);
    });
  }

  stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.retry);
    for (const negotiation of this.negotiations.values()) this.drop(negotiation);
    this.negotiations.clear();
    for (const stream of this.streams) stream.destroy();
    this.socket?.close();
    return Promise.resolve();
  }

  private async announceAll(event: 'started' | undefined): Promise<void> {
    const hashes = this.options.infoHashes ?? this.options.torrent.infoHashes;
    await Promise.all(hashes.map((hex) => this.announce(hexToBinary(hex), event)));
  }

  /** An announce as libtorrent writes one: its offers made first, each gathered to the end. */
  private async announce(infoHash: string, event: 'started' | undefined): Promise<void> {
    const offers = await Promise.all(Array.from({ length: LT_MAX_OFFERS }, () => this.makeOffer()));
    const made = offers.filter((offer) => offer !== undefined);
    const stats = this.options.torrent.stats();
    this.quota.set(infoHash, LT_MAX_OFFERS);
    this.send({
      action: 'announce',
      info_hash: infoHash,
      uploaded: stats.uploaded,
      downloaded: stats.downloaded,
      left: stats.left,
      corrupt: 0,
      numwant: LT_MAX_OFFERS,
      key: randomBytes(4).toString('hex').toUpperCase(),
      ...(event ? { event } : {}),
      peer_id: this.peerId,
      offers: made.map(({ id, sdp }) => ({ offer_id: id, offer: { type: 'offer', sdp } })),
    });
  }

  private makeOffer(): Promise<{ id: string; sdp: string } | undefined> {
    if (this.stopped) return Promise.resolve(undefined);
    const id = randomBytes(20).toString('latin1');
    const negotiation = this.negotiate(id, false);
    const channel = negotiation.connection.createDataChannel(LT_LABEL);
    negotiation.channel = channel;
    channel.onOpen(() => this.opened(id, channel));
    return this.gathered(negotiation).then((sdp) => (sdp === undefined ? undefined : { id, sdp }));
  }

  private negotiate(id: string, incoming: boolean): Negotiation {
    const connection = new RtcConnection('lt21', {
      iceServers: this.options.stun ? [this.options.stun] : [],
    });
    const timer = setTimeout(() => {
      const negotiation = this.negotiations.get(id);
      if (negotiation) this.drop(negotiation);
      this.negotiations.delete(id);
    }, LT_CONNECTION_TIMEOUT_MS);
    const negotiation: Negotiation = { connection, incoming, answered: false, timer };
    this.negotiations.set(id, negotiation);
    connection.onDataChannel((channel) => {
      if (channel.isOpen()) this.opened(id, channel);
      else channel.onOpen(() => this.opened(id, channel));
    });
    return negotiation;
  }

  /** The local description once gathering is complete (undefined if the connection failed first). */
  private gathered(negotiation: Negotiation): Promise<string | undefined> {
    const { connection } = negotiation;
    return new Promise((resolve) => {
      const done = () => resolve(connection.localDescription()?.sdp);
      if (connection.gatheringState() === 'complete') return done();
      connection.onGatheringStateChange((state) => {
        if (state === 'complete') done();
      });
      connection.onStateChange((state) => {
        if (state === 'failed' || state === 'closed') resolve(undefined);
      });
    });
  }

  private onMessage(text: string): void {
    if (this.stopped) return;
    const message = JSON.parse(text) as Record<string, unknown>;
    const infoHash = message.info_hash;
    if (typeof infoHash !== 'string' || infoHash.length !== 20) {
      this.seen.refused.push(`info_hash of ${String(infoHash).length} characters: ${text.slice(0, 200)}`);
      return;
    }
    const offerId = message.offer_id as string;
    const from = message.peer_id as string;
    if (offerId !== undefined && (offerId.length !== 20 || from?.length !== 20)) {
      this.seen.refused.push(`offer_id or peer_id not 20 bytes: ${text.slice(0, 200)}`);
      return;
    }
    const offer = message.offer as { sdp: string } | undefined;
    const answer = message.answer as { sdp: string } | undefined;
    if (offer) this.onOffer(infoHash, offerId, from, offer.sdp);
    if (answer) this.onAnswer(offerId, answer.sdp);
  }

  private onOffer(infoHash: string, offerId: string, from: string, sdp: string): void {
    this.seen.offers.push(sdp);
    const quota = this.quota.get(infoHash) ?? 0;
    if (quota <= 0 || this.negotiations.has(offerId)) return;
    const incoming = [...this.negotiations.values()].filter((negotiation) => negotiation.incoming).length;
    if (incoming >= LT_MAX_OFFERS) return;
    this.quota.set(infoHash, quota - 1);
    const negotiation = this.negotiate(offerId, true);
    if (!this.describe(offerId, negotiation, sdp, 'offer')) return;
    void this.gathered(negotiation).then((answer) => {
      if (answer === undefined || this.stopped) return;
      this.send({
        action: 'announce',
        info_hash: infoHash,
        offer_id: offerId,
        to_peer_id: from,
        peer_id: this.peerId,
        answer: { type: 'answer', sdp: answer },
      });
    });
  }

  private onAnswer(offerId: string, sdp: string): void {
    const negotiation = this.negotiations.get(offerId);
    if (!negotiation || negotiation.incoming || negotiation.answered) return;
    this.seen.answers.push(sdp);
    negotiation.answered = true;
    this.describe(offerId, negotiation, sdp, 'answer');
  }

  /** Sets the far end's description; one libdatachannel refuses (the connection gave up on its ICE transport while
   * the answer crossed a loaded machine) ends that negotiation only, as libtorrent drops a failed connection. */
  private describe(id: string, negotiation: Negotiation, sdp: string, type: 'offer' | 'answer'): boolean {
    try {
      negotiation.connection.setRemoteDescription(sdp, type);
      return true;
    } catch {
      // A connection that failed, not a message to refuse: `seen.refused` stays the tracker's messages.
      this.negotiations.delete(id);
      this.drop(negotiation);
      return false;
    }
  }

  /** A channel is open: its negotiation is over, and the torrent takes it as a peer. */
  private opened(id: string, channel: DataChannel): void {
    const negotiation = this.negotiations.get(id);
    if (!negotiation || this.stopped) return;
    clearTimeout(negotiation.timer);
    this.negotiations.delete(id);
    if (negotiation.incoming) this.seen.opened.answered++;
    else this.seen.opened.offered++;
    const stream = new Lt21Stream(channel, negotiation.connection);
    this.streams.push(stream);
    this.options.torrent.accept(stream.asSocket());
  }

  private drop(negotiation: Negotiation): void {
    clearTimeout(negotiation.timer);
    try {
      negotiation.channel?.close();
      negotiation.connection.close();
    } catch {
      // closed already
    }
  }

  private send(message: Record<string, unknown>): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }
}

/** Whether a description carries its candidates (gathered before it left: nothing trickles after it). */
export function carriesCandidates(sdp: string): boolean {
  return /^a=candidate:/m.test(sdp);
}

/** Resolves once the torrent has every piece. */
export function torrentDone(torrent: NodeTorrent): Promise<void> {
  return torrent.stats().left === 0
    ? Promise.resolve()
    : new Promise<void>((resolve) => torrent.once('done', resolve));
}
