// WebRTC connections to peers, through simple-peer. The main thread owns them (RTCPeerConnection cannot live
// in a worker). Each data channel moves to the engine worker when it is created, where the browser allows it
// (channel-transfer.ts); otherwise the main thread carries bytes between the channel and the worker as transferred
// ArrayBuffers.
import './../lib/polyfills';
import SimplePeer from 'simple-peer';
import type { SignalDescription } from '../../../shared/codec/tracker-protocol';
import type { MainToWorker } from '../lib/protocol';
import {
  adoptingPeerConnection,
  ChannelStandIn,
  type AdoptChannel,
  type ChannelPath,
  type ChannelTransfer,
} from './channel-transfer';
import { openPeerWriter } from './channel-transport';
import type { ChannelLike, ChannelWriter, RateLimiter } from './channel-writer';
import { connectionIdentities } from './identities';
import { UploadQueueReport } from './upload-queue-report';
import { pathFromStats } from './peer-path';
import { noRoute, type Attempt } from './reachability';
import type { SignalPeer } from './tracker-client';

/** The parts of a simple-peer instance used here (so tests can pass a fake). */
export interface PeerInstance {
  readonly destroyed: boolean;
  once(event: 'signal', listener: (data: unknown) => void): unknown;
  on(event: 'connect' | 'close', listener: () => void): unknown;
  on(event: 'data', listener: (chunk: Uint8Array) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  signal(data: SignalDescription): void;
  destroy(): void;
}

export type CreateInstance = (options: {
  initiator: boolean;
  iceServers: RTCIceServer[];
  /** 'relay': only TURN relay candidates, so the peer never learns our address. */
  iceTransportPolicy: RTCIceTransportPolicy;
  /** Moves the connection's data channel to the worker when it is created (see channel-transfer.ts). */
  adoptChannel?: AdoptChannel | undefined;
}) => PeerInstance;

/** simple-peer's WebRTC classes, its RTCPeerConnection moving channels through `adopt`. Made for each connection
 * over the page's RTCPeerConnection of the moment, as simple-peer itself reads it (tests wrap it). */
function wrtcFor(adopt: AdoptChannel): SimplePeer.Options['wrtc'] {
  const Adopting = adoptingPeerConnection(RTCPeerConnection, adopt) as typeof RTCPeerConnection;
  return { RTCPeerConnection: Adopting, RTCSessionDescription, RTCIceCandidate };
}

/** With no STUN or TURN server there is nothing to gather but this machine's host candidates, which come all at once:
 * the description leaves this long after the first of them. */
export const HOST_ONLY_GATHER_MS = 50;

/**
 * How long after its first candidate a description waits for the rest (trickle is off: one description a side).
 * Chromium reports its gathering complete about 120 ms after the host candidates, which every connection's offer
 * and answer would wait for; with servers, their candidates (a STUN round trip, a TURN allocation) come later, so
 * simple-peer's own 5 s stays (undefined).
 */
export function iceCompleteTimeout(iceServers: RTCIceServer[]): number | undefined {
  const anyServer = iceServers.some((server) =>
    Array.isArray(server.urls) ? server.urls.length > 0 : Boolean(server.urls),
  );
  return anyServer ? undefined : HOST_ONLY_GATHER_MS;
}

export const createSimplePeer: CreateInstance = ({
  initiator,
  iceServers,
  iceTransportPolicy,
  adoptChannel,
}) => {
  const gatherMs = iceCompleteTimeout(iceServers);
  return new SimplePeer({
    initiator,
    trickle: false,
    ...(gatherMs !== undefined ? { iceCompleteTimeout: gatherMs } : {}),
    config: { iceServers, iceTransportPolicy },
    ...(adoptChannel ? { wrtc: wrtcFor(adoptChannel) } : {}),
  }) as unknown as PeerInstance;
};

export type PostToWorker = (message: MainToWorker, transfer?: Transferable[]) => void;

/** One WebRTC connection of one torrent. */
export class RtcPeer implements SignalPeer {
  /** The key the worker knows this connection by, once connected. */
  key: string | undefined;
  /** Hex peer id the tracker gave for the other side. */
  remote: string | undefined;
  writer: ChannelWriter | undefined;
  /** The worker asked to close it: do not report the close back. */
  closedByWorker = false;
  readonly createdAt = Date.now();
  /** What became of this connection attempt (see reachability.ts). */
  readonly attempt: Attempt;
  /** Our own offer or answer left: the connection manager reads the routes it carries. */
  onOwnSignal: ((data: SignalDescription) => void) | undefined;
  /** Marks the attempt failed when a matched connection has not opened in time. */
  stallTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly infoHashHex: string,
    readonly initiator: boolean,
    readonly instance: PeerInstance,
    relayOnly = false,
  ) {
    this.attempt = { relayOnly, outcome: 'pending', relayErrors: [] };
  }

  /** Whether our own offer or answer has left (every candidate gathered: trickle is off). */
  signalled = false;

  get destroyed(): boolean {
    return this.instance.destroyed;
  }

  once(_event: 'signal', listener: (data: SignalDescription) => void): void {
    this.instance.once('signal', (data) => {
      this.signalled = true;
      this.onOwnSignal?.(data as SignalDescription);
      listener(data as SignalDescription);
    });
  }

  signal(data: SignalDescription): void {
    if (!this.instance.destroyed) this.instance.signal(data);
  }

  destroy(): void {
    this.writer?.close();
    if (!this.instance.destroyed) this.instance.destroy();
  }
}

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
  /** Connections (and answers in progress) per torrent, beyond which offers are not answered. */
  maxPeersPerTorrent?: number;
  createInstance?: CreateInstance;
  /** A torrent's connection attempts changed (one began, failed, opened or closed). */
  onAttempts?: (infoHashHex: string) => void;
  /** A matched connection that has not opened after this long counts as failed (default 15 s). */
  stallMs?: number;
  /** Moves data channels to the worker where it can hold them (none: every channel stays on the page). */
  channels?: ChannelTransfer;
  /** A connection opened, its channel read and written on this path. */
  onChannelPath?: (path: ChannelPath) => void;
}

/** What simple-peer keeps of its RTCPeerConnection (absent from test fakes). */
interface PeerConnectionLike {
  addEventListener?(type: 'icecandidateerror', listener: (event: Event) => void): void;
  getStats?(): Promise<{ get(id: string): unknown; forEach(fn: (report: unknown) => void): void }>;
}

let nextKey = 1;

export class PeerManager {
  private readonly torrents = new Map<string, TorrentPeers>();
  private readonly maxPeers: number;
  private readonly createInstance: CreateInstance;

  constructor(private readonly options: PeerManagerOptions) {
    this.maxPeers = options.maxPeersPerTorrent ?? 30;
    this.createInstance = options.createInstance ?? createSimplePeer;
  }

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

  /** Creates a peer for the tracker client (an offer, or the answer to one). */
  createPeer = (infoHashHex: string, initiator: boolean): RtcPeer => {
    const iceTransportPolicy = this.options.iceTransportPolicy?.() ?? 'all';
    const peer = new RtcPeer(
      infoHashHex,
      initiator,
      this.createInstance({
        initiator,
        iceServers: this.options.iceServers(),
        iceTransportPolicy,
        adoptChannel: this.options.channels?.path === 'worker' ? this.options.channels.adopt : undefined,
      }),
      iceTransportPolicy === 'relay',
    );
    const torrent = this.torrent(infoHashHex);
    torrent.all.add(peer);
    torrent.attempts.push(peer.attempt);
    if (torrent.attempts.length > KEPT_ATTEMPTS) torrent.attempts.shift();
    const instance = peer.instance;
    instance.on('connect', () => this.onConnect(peer));
    instance.on('close', () => this.onClose(peer));
    instance.on('error', () => {
      // simple-peer closes after an error; 'close' does the bookkeeping.
    });
    peer.onOwnSignal = (data) => {
      if (peer.attempt.outcome === 'pending' && noRoute(data.sdp, peer.attempt.relayOnly))
        this.settle(peer, 'no-route');
    };
    const pc = (instance as unknown as { _pc?: PeerConnectionLike })._pc;
    pc?.addEventListener?.('icecandidateerror', (event) => {
      const url = (event as Event & { url?: string }).url;
      if (typeof url === 'string' && /^turns?:/.test(url) && !peer.attempt.relayErrors.includes(url))
        peer.attempt.relayErrors.push(url);
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
    peer.stallTimer = setTimeout(() => {
      if (peer.attempt.outcome === 'pending' && peer.key === undefined) this.settle(peer, 'failed');
    }, this.options.stallMs ?? STALL_MS);
    return true;
  };

  acceptsOffer = (infoHashHex: string, remotePeerIdHex: string): boolean => {
    // The tracker client only relays offers for torrents it announces: a torrent with no peer yet takes them.
    const torrent = this.torrent(infoHashHex);
    let answering = 0;
    for (const peer of torrent.all) if (!peer.initiator || peer.key !== undefined) answering++;
    if (answering >= this.maxPeers) return false;
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
      const uploadQueue = new UploadQueueReport((bytes) =>
        this.options.post({ type: 'upload-queue', infoHashHex, bytes }),
      );
      torrent = { all: new Set(), connected: new Map(), attempts: [], reached: new Set(), uploadQueue };
      this.torrents.set(infoHashHex, torrent);
    }
    return torrent;
  }

  private onConnect(peer: RtcPeer): void {
    const torrent = this.torrents.get(peer.infoHashHex);
    if (!torrent || !torrent.all.has(peer) || peer.key !== undefined) return;
    if (peer.remote !== undefined) {
      for (const other of torrent.connected.values()) {
        if (other.remote === peer.remote) {
          // Both sides' offers crossed: keep the first connection (this one did open: no failure).
          this.settle(peer, 'connected');
          peer.destroy();
          return;
        }
      }
    }
    const key = `c${nextKey++}`;
    peer.key = key;
    const channel = (peer.instance as unknown as { _channel?: ChannelLike | ChannelStandIn })._channel;
    if (!channel) {
      peer.destroy();
      return;
    }
    // A channel the worker holds is written there; one on the page is written here.
    const inWorker = channel instanceof ChannelStandIn ? channel : undefined;
    if (!inWorker) {
      peer.writer = openPeerWriter(channel as ChannelLike, {
        limiter: this.options.limiter,
        onError: () => peer.destroy(),
        report: (report) => this.options.post({ ...report, infoHashHex: peer.infoHashHex, peer: key }),
      });
    }
    torrent.connected.set(key, peer);
    if (peer.remote !== undefined) torrent.reached.add(peer.remote);
    // A connection opened: earlier failures no longer describe this torrent's reach.
    torrent.attempts = torrent.attempts.filter(
      (attempt) => attempt.outcome === 'pending' && attempt !== peer.attempt,
    );
    torrent.attempts.push(peer.attempt);
    this.settle(peer, 'connected');
    void this.readPath(peer, key);
    const remote = peer.instance as unknown as {
      _pc?: { remoteDescription?: { sdp?: string } | null };
      remoteAddress?: string;
    };
    const identities = connectionIdentities(remote._pc?.remoteDescription?.sdp, remote.remoteAddress);
    this.options.post({
      type: 'peer-connected',
      infoHashHex: peer.infoHashHex,
      peer: key,
      identities,
      ...(inWorker ? { channel: inWorker.id } : {}),
    });
    this.options.onChannelPath?.(inWorker ? 'worker' : 'page');
    if (inWorker) return;
    peer.writer?.reportTo(torrent.uploadQueue);
    peer.instance.on('data', (chunk: Uint8Array) => {
      // simple-peer wraps each message's ArrayBuffer in a Buffer view without copying: transfer it whole.
      const whole = chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength;
      const data = whole ? (chunk.buffer as ArrayBuffer) : (chunk.slice().buffer as ArrayBuffer);
      this.options.post({ type: 'peer-data', infoHashHex: peer.infoHashHex, peer: key, data }, [data]);
    });
  }

  /** Reads the connection's path (direct or relayed) from its selected candidate pair and tells the worker. */
  private async readPath(peer: RtcPeer, key: string, retries = 2): Promise<void> {
    const pc = (peer.instance as unknown as { _pc?: PeerConnectionLike })._pc;
    if (!pc?.getStats) return;
    try {
      const path = pathFromStats(await pc.getStats());
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
