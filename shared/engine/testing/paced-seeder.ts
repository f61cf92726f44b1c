// A paced seeder for the serve-order tests (pacer.test.ts, uploader.test.ts): an Uploader with every piece, its
// peers unchoked, reads answered one at a time in the order asked, each read listed as `peer:piece:block`.
import { Bitfield } from '../../codec/bitfield';
import type { TorrentInfo } from '../../codec/metainfo';
import { BLOCK_SIZE } from '../../codec/wire';
import { PeerState } from '../peer/peer';
import { UploadQueue } from '../peer/upload-queue';
import { Uploader } from '../upload/uploader';

/** The serve-order tests' torrent: `pieceCount` pieces of `blocks` blocks each. */
export function blockPieces(pieceCount: number, blocks = 4): TorrentInfo {
  return {
    pieceLength: blocks * BLOCK_SIZE,
    pieceCount,
    length: pieceCount * blocks * BLOCK_SIZE,
  } as TorrentInfo;
}

export function pacedSeeder(info: TorrentInfo, keys: string[]) {
  const reads: string[] = [];
  /** Blocks the uploader asked the transport to drop, as `peer:piece:block`. */
  const retracts: string[] = [];
  /** Messages sent, by peer key. */
  const sent: Array<{ peer: string; type: string }> = [];
  const pending: Array<{ peer: PeerState; index: number; begin: number }> = [];
  const peers = keys.map((key, order) => {
    const peer = new PeerState(key, order, 0, new UploadQueue(undefined, 0));
    peer.choke.setChoking(false, 0);
    return peer;
  });
  const uploader = new Uploader(info, Bitfield.full(info.pieceCount), {
    send: (peer, message) => sent.push({ peer: peer.key, type: message.type }),
    close: () => {},
    peers: () => peers,
    copies: () => 0,
    copiesEpoch: () => 0,
    peerPieces: () => 0,
    read: (peer, request) => {
      reads.push(`${peer.key}:${request.index}:${request.begin / BLOCK_SIZE}`);
      pending.push({ peer, index: request.index, begin: request.begin });
    },
    retract: (peer, request) => retracts.push(`${peer.key}:${request.index}:${request.begin / BLOCK_SIZE}`),
    serving: () => true,
  });
  /** `peer` asks for every block of each of `pieces`. */
  const ask = (peer: PeerState, pieces: number[]) => {
    for (const index of pieces)
      for (let begin = 0; begin < info.pieceLength; begin += BLOCK_SIZE)
        uploader.onRequest(peer, { index, begin, length: BLOCK_SIZE }, 0);
  };
  /** The oldest read finishes and the transport sends it: room for the next block. */
  const finish = (now = 0) => {
    const { peer, index, begin } = pending.shift()!;
    uploader.onReadDone(peer, index, begin, new Uint8Array(BLOCK_SIZE), now);
    uploader.onUploadQueue(0, now);
  };
  return { uploader, peers, reads, retracts, sent, pending, ask, finish };
}
