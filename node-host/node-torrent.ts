// One torrent run by the engine in Node: its session, its files on disk, its TCP peers and its clock. The session is
// driven as every host drives one (shared/host/session-driver.ts), its actions carried out through the engine's
// executor with Node's ports (node:crypto, the disk store, sockets), and what the sockets hold unsent reported as
// `upload-queue` (shared/host/upload-queue-report.ts: the engine paces its upload to it, as in the browser);
// what happens is told through events: `piece` (a piece verified and written), `done` (every piece), `peer-closed`
// (a peer gone, and why), `failed` (the torrent cannot go on), `stopped` (its peers and files closed).
import { EventEmitter } from 'node:events';
import { connect, type Socket } from 'node:net';
import { TorrentSession } from '../shared/engine/session/session';
import { reasonOf, type EnginePorts } from '../shared/engine/session/executor';
import type {
  EngineConfig,
  EngineEvent,
  PeerKey,
  SessionStats,
} from '../shared/engine/contract/engine-types';
import type { Bitfield } from '../shared/codec/bitfield';
import { ownBuffer } from '../shared/host/own-buffer';
import { feedingReceiver, type PeerTransport } from '../shared/host/peer-transport';
import { SessionDriver } from '../shared/host/session-driver';
import { UploadQueueReport } from '../shared/host/upload-queue-report';
import type { DiskPieceStorage } from './disk-storage';
import { blockHashes, sha1Sync } from './hashing';
import { socketIdentities, TcpPeer } from './tcp-peer';
import type { TorrentSource } from './torrent-source';

/** How often the session's timers run. */
export const TICK_MS = 200;

export interface NodeTorrentEvents {
  piece: [index: number];
  done: [];
  'peer-closed': [peer: PeerKey, reason: string];
  failed: [reason: string];
  /** The torrent stopped: its peers are closed and its files too; whatever announces it should stop. */
  stopped: [];
}

export interface NodeTorrentOptions {
  source: TorrentSource;
  storage: DiskPieceStorage;
  /** Pieces already verified on disk. */
  have: Bitfield;
  peerId: Uint8Array;
  config?: Partial<EngineConfig>;
  /** Every chunk a peer sent (before the session reads it) and every message we send: for tests of the wire. */
  tap?: (peer: PeerKey, data: Uint8Array, from: 'peer' | 'us') => void;
}

let nextPeer = 0;

export class NodeTorrent extends EventEmitter<NodeTorrentEvents> {
  readonly session: TorrentSession;
  readonly source: TorrentSource;
  private readonly storage: DiskPieceStorage;
  private readonly peers = new Map<PeerKey, PeerTransport>();
  private readonly ports: EnginePorts;
  private readonly tap: NodeTorrentOptions['tap'];
  private readonly timer: NodeJS.Timeout;
  private stopped = false;
  private readonly driver: SessionDriver;
  /** What the peers' sockets hold unsent, reported to the session for its upload pacing. */
  private readonly uploadQueue = new UploadQueueReport(
    (bytes, byPeer) => this.feed({ type: 'upload-queue', bytes, byPeer }),
    {
      now: () => performance.now(),
      setTimeout: (run, ms) => setTimeout(run, ms),
      clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
    },
  );

  constructor(options: NodeTorrentOptions) {
    super();
    this.source = options.source;
    this.storage = options.storage;
    this.tap = options.tap;
    const { info, v2 } = options.source;
    this.session = new TorrentSession({
      infoHash: info.infoHash,
      peerId: options.peerId,
      info,
      have: options.have,
      ...(v2 ? { v2 } : {}),
      random: Math.random,
      now: performance.now(),
      ...(options.config ? { config: options.config } : {}),
    });
    this.ports = this.makePorts();
    this.driver = new SessionDriver({
      live: () => (this.stopped ? undefined : this.session),
      now: () => performance.now(),
      ports: () => this.ports,
      threw: (error) => this.emit('failed', reasonOf(error)),
    });
    this.timer = setInterval(() => this.feed({ type: 'tick' }), TICK_MS);
    this.feed({ type: 'tick' });
  }

  /** The info hashes a peer may name in its handshake to reach this torrent (hex): v1, and the truncated v2. */
  get infoHashes(): string[] {
    const { info, v2 } = this.source;
    return v2 && v2.info.truncatedInfoHashHex !== info.infoHashHex
      ? [info.infoHashHex, v2.info.truncatedInfoHashHex]
      : [info.infoHashHex];
  }

  stats(): SessionStats {
    return this.session.stats(performance.now());
  }

  /** Opens a TCP connection to a peer; resolves with its key once connected. */
  connect(host: string, port: number): Promise<PeerKey> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(this.accept(socket));
      });
    });
  }

  /** Takes over a connected socket (`early`: bytes already read from it, such as the start of its handshake). */
  accept(socket: Socket, early?: Uint8Array): PeerKey {
    const key = `tcp:${nextPeer++}`;
    if (this.stopped) {
      socket.destroy();
      return key;
    }
    const peer = new TcpPeer(
      socket,
      (reason) => {
        this.peers.delete(key);
        this.emit('peer-closed', key, reason ?? 'connection closed');
        this.feed({ type: 'peer-closed', peer: key });
      },
      early,
    );
    this.peers.set(key, peer);
    if (this.tap && early) this.tap(key, early, 'peer');
    if (this.tap) socket.on('data', (chunk: Buffer) => this.tap?.(key, new Uint8Array(chunk), 'peer'));
    this.feed({ type: 'peer-connected', peer: key, identities: socketIdentities(socket) });
    peer.receive(feedingReceiver(key, (event) => this.feed(event)));
    peer.reportTo(this.uploadQueue, key);
    return key;
  }

  /** Stops the torrent: `stopped` to the session, every peer closed, the files closed. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.feed({ type: 'stop' });
    this.stopped = true;
    clearInterval(this.timer);
    for (const peer of this.peers.values()) peer.close('torrent stopped');
    this.peers.clear();
    this.uploadQueue.stop();
    await this.storage.close();
    this.emit('stopped');
  }

  private feed(event: EngineEvent): void {
    this.driver.feed(event);
  }

  private makePorts(): EnginePorts {
    const storage = this.storage;
    return {
      send: (peer, data) => {
        this.tap?.(peer, data, 'us');
        this.peers.get(peer)?.send(ownBuffer(data));
      },
      close: (peer, reason) => {
        const closing = this.peers.get(peer);
        this.peers.delete(peer);
        closing?.close(reason);
        if (closing) this.emit('peer-closed', peer, reason);
      },
      hash: (data, reply) => reply.ok(sha1Sync(data)),
      hashBlocks: (data, reply) => reply.ok(blockHashes(data)),
      store: (index, data, reply) => {
        storage.writePiece(index, ownBuffer(data)).then(
          () => {
            this.emit('piece', index);
            reply.ok();
          },
          (error: unknown) => reply.fail(reasonOf(error)),
        );
      },
      read: (_peer, index, begin, length, reply) => {
        storage
          .readBlock(index, begin, length)
          .then(reply.ok, (error: unknown) => reply.fail(reasonOf(error)));
      },
      announce: () => {},
      wantPeers: () => {},
      metadata: () => {},
      complete: () => this.emit('done'),
      error: (reason) => this.emit('failed', reason),
    };
  }
}
