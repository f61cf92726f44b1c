// WebRTC connections to peers, through simple-peer. The main thread owns them (RTCPeerConnection cannot live
// in a worker) and carries bytes between each data channel and the engine worker as transferred ArrayBuffers.
import './../lib/polyfills';
import SimplePeer from 'simple-peer';
import type { SignalDescription } from '../../../shared/tracker-protocol';
import type { MainToWorker } from '../lib/protocol';
import { ChannelWriter, deferTask, type ChannelLike, type RateLimiter } from './channel-writer';
import { connectionIdentities } from './identities';
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
}) => PeerInstance;

export const createSimplePeer: CreateInstance = ({ initiator, iceServers, iceTransportPolicy }) =>
  new SimplePeer({
    initiator,
    trickle: false,
    config: { iceServers, iceTransportPolicy },
  }) as unknown as PeerInstance;

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

  constructor(
    readonly infoHashHex: string,
    readonly initiator: boolean,
    readonly instance: PeerInstance,
  ) {}

  get destroyed(): boolean {
    return this.instance.destroyed;
  }

  once(_event: 'signal', listener: (data: SignalDescription) => void): void {
    this.instance.once('signal', (data) => listener(data as SignalDescription));
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
}

export interface PeerManagerOptions {
  post: PostToWorker;
  iceServers: () => RTCIceServer[];
  /** 'relay' makes every new connection relay-only (default 'all'). */
  iceTransportPolicy?: () => RTCIceTransportPolicy;
  limiter?: RateLimiter;
  /** Connections (and answers in progress) per torrent, beyond which offers are not answered. */
  maxPeersPerTorrent?: number;
  createInstance?: CreateInstance;
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

  /** Creates a peer for the tracker client (an offer, or the answer to one). */
  createPeer = (infoHashHex: string, initiator: boolean): RtcPeer => {
    const peer = new RtcPeer(
      infoHashHex,
      initiator,
      this.createInstance({
        initiator,
        iceServers: this.options.iceServers(),
        iceTransportPolicy: this.options.iceTransportPolicy?.() ?? 'all',
      }),
    );
    const torrent = this.torrent(infoHashHex);
    torrent.all.add(peer);
    const instance = peer.instance;
    instance.on('connect', () => this.onConnect(peer));
    instance.on('close', () => this.onClose(peer));
    instance.on('error', () => {
      // simple-peer closes after an error; 'close' does the bookkeeping.
    });
    return peer;
  };

  /** The tracker matched a peer with a remote peer id; refuse a second connection to the same peer. */
  matched = (infoHashHex: string, peer: RtcPeer, remotePeerIdHex: string): boolean => {
    const torrent = this.torrent(infoHashHex);
    for (const other of torrent.connected.values()) {
      if (other.remote === remotePeerIdHex) return false;
    }
    peer.remote = remotePeerIdHex;
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
    for (const peer of [...torrent.all]) peer.destroy();
    this.torrents.delete(infoHashHex);
  }

  closeAll(): void {
    for (const infoHashHex of [...this.torrents.keys()]) this.closeTorrent(infoHashHex);
  }

  private torrent(infoHashHex: string): TorrentPeers {
    let torrent = this.torrents.get(infoHashHex);
    if (!torrent) {
      torrent = { all: new Set(), connected: new Map() };
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
          // Both sides' offers crossed: keep the first connection.
          peer.destroy();
          return;
        }
      }
    }
    const key = `c${nextKey++}`;
    peer.key = key;
    const channel = (peer.instance as unknown as { _channel?: ChannelLike })._channel;
    if (!channel) {
      peer.destroy();
      return;
    }
    peer.writer = new ChannelWriter(
      channel,
      this.options.limiter,
      () => peer.destroy(),
      undefined,
      deferTask(),
      (backlogged) =>
        this.options.post({ type: 'peer-backlog', infoHashHex: peer.infoHashHex, peer: key, backlogged }),
    );
    torrent.connected.set(key, peer);
    const remote = peer.instance as unknown as {
      _pc?: { remoteDescription?: { sdp?: string } | null };
      remoteAddress?: string;
    };
    const identities = connectionIdentities(remote._pc?.remoteDescription?.sdp, remote.remoteAddress);
    this.options.post({ type: 'peer-connected', infoHashHex: peer.infoHashHex, peer: key, identities });
    peer.instance.on('data', (chunk: Uint8Array) => {
      // simple-peer wraps each message's ArrayBuffer in a Buffer view without copying: transfer it whole.
      const whole = chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength;
      const data = whole ? (chunk.buffer as ArrayBuffer) : (chunk.slice().buffer as ArrayBuffer);
      this.options.post({ type: 'peer-data', infoHashHex: peer.infoHashHex, peer: key, data }, [data]);
    });
  }

  private onClose(peer: RtcPeer): void {
    peer.writer?.close();
    const torrent = this.torrents.get(peer.infoHashHex);
    if (!torrent) return;
    torrent.all.delete(peer);
    if (peer.key !== undefined && torrent.connected.get(peer.key) === peer) {
      torrent.connected.delete(peer.key);
      if (!peer.closedByWorker) {
        this.options.post({ type: 'peer-closed', infoHashHex: peer.infoHashHex, peer: peer.key });
      }
    }
  }
}
