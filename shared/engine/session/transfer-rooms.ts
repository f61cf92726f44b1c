// The download and serving rooms of a session, made once the torrent's info is known: the downloader and the
// uploader, each wired to the connections and to the session's actions through its ports.
import type { Bitfield } from '../../codec/bitfield';
import type { TorrentInfo } from '../../codec/metainfo';
import type { EngineAction, EngineConfig, SessionState } from '../contract/engine-types';
import { Downloader } from '../download/downloader';
import type { Connections } from '../peer/connections';
import type { SuperSeeding } from './super-seeding';
import type { BlockRequest } from '../picker/block-geometry';
import { Uploader } from '../upload/uploader';
import type { BlockChecks } from '../v2/block-checks';
import type { BanList } from '../verify/verify';
import type { VerifiedPieces } from '../verify/verified-pieces';

/** What the two rooms need of the session. */
export interface TransferHost {
  readonly config: EngineConfig;
  readonly random: () => number;
  readonly bans: BanList;
  readonly connections: Connections;
  act(action: EngineAction): void;
  /** Check a complete piece (against its tree, or by SHA-1). */
  hashPiece(index: number, data: Uint8Array): void;
  state(): SessionState;
  /** The single-block checks of a v2 session. */
  blocks(): BlockChecks | undefined;
  /** Super-seeding: started here, told of every block sent, and asked which pieces a peer is served. */
  readonly superSeed: SuperSeeding;
}

export interface TransferRooms {
  downloader: Downloader;
  uploader: Uploader;
}

export function transferRooms(
  info: TorrentInfo,
  have: Bitfield | VerifiedPieces | undefined,
  host: TransferHost,
): TransferRooms {
  const { connections } = host;
  const downloader = new Downloader(info, have, host.config, host.random, host.bans, {
    peer: (key) => connections.peers.get(key),
    peerById: (hex) => connections.byId(hex),
    peers: () => connections.peers.values(),
    send: (peer, message) => connections.send(peer, message),
    sendRaw: (peer, data) => connections.sendRaw(peer, data),
    close: (peer, reason) => connections.close(peer, reason),
    hash: (index, data) => host.hashPiece(index, data),
    store: (index, data) => host.act({ type: 'store', index, data }),
    downloading: () => host.state() === 'downloading',
    blocks: () => host.blocks(),
  });
  const { superSeed } = host;
  const uploader = new Uploader(
    info,
    downloader.have,
    {
      send: (peer, message) => {
        connections.send(peer, message);
        superSeed.sent(peer, message);
      },
      close: (peer, reason) => connections.close(peer, reason),
      peers: () => connections.peers.values(),
      copies: (index) => downloader.availability(index),
      copiesEpoch: () => downloader.copiesEpoch,
      peerPieces: (peer) => downloader.peerPieces(peer.key),
      read: (peer, request: BlockRequest) => host.act({ type: 'read', peer: peer.key, ...request }),
      // Named fields, not a spread: the request may be the peer's `cancel` message, whose own `type` would win.
      retract: (peer, { index, begin, length }: BlockRequest) =>
        host.act({ type: 'retract', peer: peer.key, index, begin, length }),
      serving: () => host.state() !== 'paused',
      announced: (peer, index) => superSeed.serves(peer, index),
    },
    host.config.serveHold,
  );
  superSeed.start(info, {
    complete: downloader.verified.complete,
    enabled: host.config.superSeed === true,
    random: host.random,
    slots: host.config.uploadSlots + 1,
    uploadRate: () => uploader.capacity.estimate,
  });
  return { downloader, uploader };
}
