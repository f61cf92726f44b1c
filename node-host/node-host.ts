// The engine in Node: torrents from .torrent files and folders on disk, peers over TCP (connect and listen). The
// desktop side of SwarmDrop's wire, what faces libtorrent in the conformance tests, and the base of the keeper.
//
//   const host = new NodeHost();
//   const torrent = await host.add({ torrent: bytes, folder: '/srv/share' }); // checks the files already there
//   const port = await host.listen(0);
//   await torrent.connect('127.0.0.1', 6881);
//   torrent.on('piece', (index) => …); torrent.on('done', () => …); torrent.on('peer-closed', (peer, reason) => …);
//   await host.remove(torrent); // its peers, files and swarm closed
//   await host.stop();
import { randomBytes } from 'node:crypto';
import { Bitfield } from '../shared/codec/bitfield';
import type { EngineConfig } from '../shared/engine/contract/engine-types';
import { PEER_ID_PREFIX } from '../shared/host/identities';
import { DiskPieceStorage, type DiskLayout } from './disk-storage';
import { NodeTorrent, type NodeTorrentOptions } from './node-torrent';
import { PeerListener } from './peer-listener';
import { piecesOnDisk } from './seed-check';
import { readTorrent } from './torrent-source';

export interface AddOptions {
  /** The .torrent's bytes. */
  torrent: Uint8Array;
  /** The folder the torrent's files are in, or go to (a multi-file torrent in `<folder>/<name>/`). */
  folder: string;
  /** Where the verified-piece map is kept between runs; without it the files are checked on each start. */
  verifiedPath?: string;
  config?: Partial<EngineConfig>;
  tap?: NodeTorrentOptions['tap'];
  /** Opens the torrent's store (default: a DiskPieceStorage); a test's saboteur serves through a store of its own. */
  openStorage?: (folder: string, layout: DiskLayout, verifiedPath?: string) => DiskPieceStorage;
}

export class NodeHost {
  readonly peerId: Uint8Array;
  private readonly torrents = new Map<string, NodeTorrent>();
  private listener: PeerListener | undefined;

  constructor(options: { peerId?: Uint8Array } = {}) {
    this.peerId = options.peerId ?? newPeerId();
  }

  /** Adds a torrent: its files are created where missing and the pieces already there are checked. */
  async add(options: AddOptions): Promise<NodeTorrent> {
    const source = await readTorrent(options.torrent);
    const { info } = source;
    const open = options.openStorage ?? ((...args) => new DiskPieceStorage(...args));
    const storage = open(options.folder, info, options.verifiedPath);
    await storage.load();
    let have = await storage.verifiedPieces(info.pieceCount);
    if (have.count() === 0) {
      await storage.createFiles();
      await storage.markVerified(await piecesOnDisk(storage, info, source.v2?.info));
      have = await storage.verifiedPieces(info.pieceCount);
    }
    const torrent = new NodeTorrent({
      source,
      storage,
      have: new Bitfield(info.pieceCount, have.bytes),
      peerId: this.peerId,
      ...(options.config ? { config: options.config } : {}),
      ...(options.tap ? { tap: options.tap } : {}),
    });
    for (const hash of torrent.infoHashes) this.torrents.set(hash, torrent);
    return torrent;
  }

  /** Accepts peers on `port` (0: a free one) of `host` for every torrent added; resolves with the port. */
  listen(port = 0, host = '127.0.0.1'): Promise<number> {
    this.listener ??= new PeerListener((hash) => {
      const torrent = this.torrents.get(hash);
      return torrent && ((socket, early) => torrent.accept(socket, early));
    });
    return this.listener.listen(port, host);
  }

  /** Drops a torrent: its peers and files are closed, its swarm stops announcing it (NodeTorrent's `stopped`), and
   * an incoming peer that names it is refused. Its files stay on disk. */
  async remove(torrent: NodeTorrent): Promise<void> {
    for (const hash of torrent.infoHashes)
      if (this.torrents.get(hash) === torrent) this.torrents.delete(hash);
    await torrent.stop();
  }

  /** Stops every torrent and the listener. */
  async stop(): Promise<void> {
    await this.listener?.close();
    for (const torrent of new Set(this.torrents.values())) await torrent.stop();
    this.torrents.clear();
  }
}

function newPeerId(): Uint8Array {
  const id = new Uint8Array(20);
  id.set(new TextEncoder().encode(PEER_ID_PREFIX));
  id.set(randomBytes(12), 8);
  return id;
}
