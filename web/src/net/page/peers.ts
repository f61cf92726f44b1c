// The page's WebRTC connections to peers, per torrent: made for the tracker client (offers and answers), reported to
// the engine worker once open, closed when it asks, and the outcome of each attempt kept for the diagnosis
// (reachability.ts). A connection is a PeerConnection (peer-connection.ts; simple-peer in the app). Its data channel
// moves to the worker when it is created, where the browser allows it (channel-transfer.ts); otherwise the page relays
// bytes between the channel and the worker (page-relay.ts).
import { DEFAULT_CONFIG } from '../../../../shared/engine/contract/config';
import type { MainToWorker } from '../../lib/messages/protocol';
import { ChannelStandIn, type ChannelPath, type ChannelTransfer } from './channel-transfer';
import type { ChannelLike, RateLimiter } from '../channel-writer';
import { connectionIdentities } from '../../../../shared/host/identities';
import { relayOnPage } from './page-relay';
import type { CreateConnection, PeerConnection } from './peer-connection';
import { pathFromStats } from './peer-path';
import { answersOffer } from './offer-cap';
import { noRoute, type Attempt } from './reachability';
import { RtcPeer } from './rtc-peer';
import { ConnectionBudget } from './connection-budget';
import { UploadQueueReport, type ReportClock } from '../../../../shared/host/upload-queue-report';
import { OWN_CLOCK } from '../own-clock';

export { RtcPeer } from './rtc-peer';

export type PostToWorker = (message: MainToWorker, transfer?: Transferable[]) => void;

interface TorrentPeers {
  /** Every live peer of the torrent: pending offers, answers being made, connections. */
  all: Set<RtcPeer>;
  /** Connected peers by worker key. */
  connected: Map<string, RtcPeer>;
  /** The latest connection attempts, oldest first (what reachability.ts reads). */
  attempts: Attempt[];
  /** What its connections hold that has not left, for the engine's upload pacing. */
  uploadQueue: UploadQueueReport;
  /** Remote peers we had a connection with: a later attempt to one that fails (its offer crossed ours, it left) says
   * nothing of whether it can be reached. */
  reached: Set<string>;
}

/** Attempts kept per torrent for the diagnosis. */
const KEPT_ATTEMPTS = 16;
/** A connection matched with a remote peer that has not opened after this long counts as failed. */
const STALL_MS = 15_000;
/** An offer still gathering its routes this long after it began had none to give (the gather timeout is 10 s). */
const GATHER_GIVE_UP_MS = 5_000;

export interface PeerManagerOptions {
  post: PostToWorker;
  iceServers: () => RTCIceServer[];
  /** 'relay' makes every new connection relay-only (default 'all'). */
  iceTransportPolicy?: () => RTCIceTransportPolicy;
  limiter?: RateLimiter;
  /** Connections (and answers in progress) per torrent, beyond which offers are not answered but while the engine
   * reports an idle place (default the engine's places, so that its report speaks of the same places). */
  maxPeersPerTorrent?: number;
  /** The engine would give a newcomer to the torrent a place held by a peer idle past its grace (its view's
   * `idlePlace`): one offer beyond the cap is answered (offer-cap.ts). */
  idlePlace?: (infoHashHex: string) => boolean;
  /** Makes each connection (simple-peer's in the app, a fake in tests). */
  createConnection: CreateConnection;
  /** A torrent's connection attempts changed (one began, failed, opened or closed). */
  onAttempts?: (infoHashHex: string) => void;
  /** A matched connection that has not opened after this long counts as failed (default 15 s). */
  stallMs?: number;
  /** Moves data channels to the worker where it can hold them (none: every channel stays on the page). */
  channels?: ChannelTransfer;
  /** A connection opened, its channel read and written on this path. */
  onChannelPath?: (path: ChannelPath) => void;
  /** The clock of the page's short waits for the channels it holds: each torrent's upload-queue report and each
   * writer's (default the page's own timers). */
  channelClock?: ReportClock;
  /** The page's RTCPeerConnections at once, over every torrent (default 200: connection-budget.ts). */
  budget?: ConnectionBudget;
}

let nextKey = 1;

export class PeerManager {
  private readonly torrents = new Map<string, TorrentPeers>();
  private readonly maxPeers: number;
  /** The places of every torrent's connections, open and being made. */
  readonly budget: ConnectionBudget;

  constructor(private readonly options: PeerManagerOptions) {
    this.maxPeers = options.maxPeersPerTorrent ?? DEFAULT_CONFIG.maxPeers;
    this.budget = options.budget ?? new ConnectionBudget();
  }

  /** How many of `wanted` offers an announce may make now (fewer as the page's places run out). */
  offerRoom = (wanted: number): number => this.budget.offers(wanted);

  /** Connected peers of a torrent. */
  connectedCount(infoHashHex: string): number {
    return this.torrents.get(infoHashHex)?.connected.size ?? 0;
  }

  /** A torrent's recent connection attempts, oldest first. */
  attempts(infoHashHex: string): readonly Attempt[] {
    return this.torrents.get(infoHashHex)?.attempts ?? [];
  }

  /** Forgets every torrent's past attempts (relay-only was switched: they say nothing of the new connections). */
  forgetAttempts(): void {
    for (const [infoHashHex, torrent] of this.torrents) {
      torrent.attempts = torrent.attempts.filter((attempt) => attempt.outcome === 'pending');
      this.options.onAttempts?.(infoHashHex);
    }
  }

  /** Creates a peer for the tracker client (an offer, or the answer to one); none when the page's places are all
   * taken (connection-budget.ts) or the browser refused the connection. */
  createPeer = (infoHashHex: string, initiator: boolean): RtcPeer | undefined => {
    const place = this.budget.take();
    if (!place) return undefined;
    const iceTransportPolicy = this.options.iceTransportPolicy?.() ?? 'all';
    let connection: PeerConnection;
    try {
      connection = this.options.createConnection({
        initiator,
        iceServers: this.options.iceServers(),
        iceTransportPolicy,
        adoptChannel: this.options.channels?.path === 'worker' ? this.options.channels.adopt : undefined,
      });
    } catch {
      place.release();
      return undefined;
    }
    const peer = new RtcPeer(infoHashHex, initiator, connection, iceTransportPolicy === 'relay', place);
    const torrent = this.torrent(infoHashHex);
    torrent.all.add(peer);
    torrent.attempts.push(peer.attempt);
    if (torrent.attempts.length > KEPT_ATTEMPTS) torrent.attempts.shift();
    connection.on('connect', () => this.onConnect(peer));
    connection.on('close', () => this.onClose(peer));
    connection.on('error', () => {
      // The connection closes after an error; 'close' does the bookkeeping.
    });
    peer.onOwnSignal = (data) => {
      if (peer.attempt.outcome === 'pending' && noRoute(data.sdp, peer.attempt.relayOnly))
        this.settle(peer, 'no-route');
    };
    connection.on('ice-server-error', (url) => {
      if (/^turns?:/.test(url) && !peer.attempt.relayErrors.includes(url)) peer.attempt.relayErrors.push(url);
    });
    this.options.onAttempts?.(infoHashHex);
    return peer;
  };

  /** Sets what became of an attempt and says so. */
  private settle(peer: RtcPeer, outcome: Attempt['outcome']): void {
    outcome = this.failureOf(peer, outcome);
    if (peer.attempt.outcome === outcome) return;
    peer.attempt.outcome = outcome;
    clearTimeout(peer.stallTimer);
    this.options.onAttempts?.(peer.infoHashHex);
  }

  /** The tracker matched a peer with a remote peer id; refuse a second connection to the same peer. */
  matched = (infoHashHex: string, peer: RtcPeer, remotePeerIdHex: string): boolean => {
    const torrent = this.torrent(infoHashHex);
    for (const other of torrent.connected.values()) {
      if (other.remote === remotePeerIdHex) return false;
    }
    peer.remote = remotePeerIdHex;
    peer.attempt.remote = remotePeerIdHex;
    // Signals are exchanged from here: a connection that does not open soon will not (ICE failed or stalled).
    clearTimeout(peer.stallTimer);
    const stallMs = this.options.stallMs ?? STALL_MS;
    peer.stallTimer = setTimeout(() => {
      if (peer.attempt.outcome !== 'pending' || peer.key !== undefined) return;
      this.settle(peer, 'failed');
      // Still not open as long again: closed, so that it gives its place back (connection-budget.ts).
      peer.stallTimer = setTimeout(() => {
        if (peer.key === undefined) peer.destroy();
      }, stallMs);
    }, stallMs);
    return true;
  };

  acceptsOffer = (infoHashHex: string, remotePeerIdHex: string): boolean => {
    // The tracker client only relays offers for torrents it announces: a torrent with no peer yet takes them.
    const torrent = this.torrent(infoHashHex);
    let answering = 0;
    for (const peer of torrent.all) if (!peer.initiator || peer.key !== undefined) answering++;
    if (!this.budget.answers()) return false;
    if (!answersOffer(answering, this.maxPeers, this.options.idlePlace?.(infoHashHex) === true)) return false;
    for (const other of torrent.connected.values()) if (other.remote === remotePeerIdHex) return false;
    return true;
  };

  /** The worker's bytes for a peer. */
  send(infoHashHex: string, key: string, data: ArrayBuffer): void {
    this.torrents.get(infoHashHex)?.connected.get(key)?.writer?.write(data);
  }

  /** The worker closes a connection. */
  close(infoHashHex: string, key: string): void {
    const peer = this.torrents.get(infoHashHex)?.connected.get(key);
    if (!peer) return;
    peer.closedByWorker = true;
    peer.destroy();
  }

  /** Closes every connection of a torrent (removed or paused). */
  closeTorrent(infoHashHex: string): void {
    const torrent = this.torrents.get(infoHashHex);
    if (!torrent) return;
    this.torrents.delete(infoHashHex);
    for (const peer of [...torrent.all]) peer.destroy();
    torrent.uploadQueue.stop();
    this.options.onAttempts?.(infoHashHex);
  }

  closeAll(): void {
    for (const infoHashHex of [...this.torrents.keys()]) this.closeTorrent(infoHashHex);
  }

  private torrent(infoHashHex: string): TorrentPeers {
    let torrent = this.torrents.get(infoHashHex);
    if (!torrent) {
      const uploadQueue = new UploadQueueReport(
        (bytes, byPeer) => this.options.post({ type: 'upload-queue', infoHashHex, bytes, byPeer }),
        this.options.channelClock ?? OWN_CLOCK,
      );
      torrent = { all: new Set(), connected: new Map(), attempts: [], reached: new Set(), uploadQueue };
      this.torrents.set(infoHashHex, torrent);
    }
    return torrent;
  }

  private onConnect(peer: RtcPeer): void {
    const torrent = this.torrents.get(peer.infoHashHex);
    if (!torrent || !torrent.all.has(peer) || peer.key !== undefined) return;
    if (this.crossed(torrent, peer)) {
      // Both sides' offers crossed: keep the first connection (this one did open: no failure).
      this.settle(peer, 'connected');
      peer.destroy();
      return;
    }
    const key = `c${nextKey++}`;
    peer.key = key;
    const channel = peer.connection.channel();
    if (!channel) {
      peer.destroy();
      return;
    }
    // A channel the worker holds is read and written there; one on the page is relayed from here.
    const inWorker = channel instanceof ChannelStandIn ? channel : undefined;
    this.opened(torrent, peer, key);
    void this.readPath(peer, key);
    const remote = peer.connection.remote();
    this.options.post({
      type: 'peer-connected',
      infoHashHex: peer.infoHashHex,
      peer: key,
      identities: connectionIdentities(remote.sdp, remote.address),
      ...(inWorker ? { channel: inWorker.id } : {}),
      ...(peer.expect !== undefined ? { expect: peer.expect } : {}),
    });
    this.options.onChannelPath?.(inWorker ? 'worker' : 'page');
    if (inWorker) return;
    peer.writer = relayOnPage(peer.connection, channel as ChannelLike, {
      infoHashHex: peer.infoHashHex,
      peer: key,
      post: this.options.post,
      limiter: this.options.limiter,
      uploadQueue: torrent.uploadQueue,
      timers: this.options.channelClock,
      onError: () => peer.destroy(),
    });
  }

  /** A connection to a remote peer that another connection of the torrent already reaches. */
  private crossed(torrent: TorrentPeers, peer: RtcPeer): boolean {
    if (peer.remote === undefined) return false;
    for (const other of torrent.connected.values()) if (other.remote === peer.remote) return true;
    return false;
  }

  /** Counts an opened connection: connected, its remote peer reached, its attempt the latest. */
  private opened(torrent: TorrentPeers, peer: RtcPeer, key: string): void {
    torrent.connected.set(key, peer);
    if (peer.remote !== undefined) torrent.reached.add(peer.remote);
    // A connection opened: earlier failures no longer describe this torrent's reach.
    torrent.attempts = torrent.attempts.filter(
      (attempt) => attempt.outcome === 'pending' && attempt !== peer.attempt,
    );
    torrent.attempts.push(peer.attempt);
    this.settle(peer, 'connected');
  }

  /** Reads the connection's path (direct or relayed) from its selected candidate pair and tells the worker. */
  private async readPath(peer: RtcPeer, key: string, retries = 2): Promise<void> {
    const stats = peer.connection.stats();
    if (!stats) return;
    try {
      const path = pathFromStats(await stats);
      if (peer.destroyed || peer.key !== key) return;
      if (path) {
        this.options.post({ type: 'peer-path', infoHashHex: peer.infoHashHex, peer: key, path });
      } else if (retries > 0) {
        setTimeout(() => void this.readPath(peer, key, retries - 1), 1000);
      }
    } catch {
      // no statistics (closed meanwhile): the row shows no path
    }
  }

  /** A failure to reach a peer we were (or are) connected with is no failure to reach it. */
  private failureOf(peer: RtcPeer, outcome: Attempt['outcome']): Attempt['outcome'] {
    if (outcome !== 'failed' || peer.remote === undefined) return outcome;
    return this.torrents.get(peer.infoHashHex)?.reached.has(peer.remote) ? 'unanswered' : outcome;
  }

  private onClose(peer: RtcPeer): void {
    peer.place?.release();
    peer.writer?.close();
    clearTimeout(peer.stallTimer);
    if (peer.attempt.outcome === 'pending') {
      // Closed before it opened: after a remote peer took part, it failed; an offer that never left after trying
      // to gather for a while had no route; else nobody took part (unanswered, declined, stopped).
      const gaveUp = !peer.signalled && Date.now() - peer.createdAt >= GATHER_GIVE_UP_MS;
      peer.attempt.outcome = this.failureOf(
        peer,
        peer.remote !== undefined ? 'failed' : gaveUp ? 'no-route' : 'unanswered',
      );
    }
    const torrent = this.torrents.get(peer.infoHashHex);
    if (!torrent) return;
    torrent.all.delete(peer);
    if (peer.key !== undefined && torrent.connected.get(peer.key) === peer) {
      torrent.connected.delete(peer.key);
      if (!peer.closedByWorker) {
        this.options.post({ type: 'peer-closed', infoHashHex: peer.infoHashHex, peer: peer.key });
      }
    }
    this.options.onAttempts?.(peer.infoHashHex);
  }
}
