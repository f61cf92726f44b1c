// A seeding uploader under load, in virtual time, for the `pacer` micro-benchmark (bench/engine/pacer.ts) and its
// smoke test: `peers` peers keep their queues full (OUR_REQQ requests each, all unchoked), the transport drains at
// `rate` bytes/s and reports its queue after every block (the `upload-queue` event), reads complete at once, and
// now and then a peer announces a piece (a copy count grows). Measures the CPU time the uploader takes once the
// queues are full, everything it does per block (choosing the request, reading, sending, the next request) included.
import { Bitfield } from '../../codec/bitfield';
import type { TorrentInfo } from '../../codec/metainfo';
import { BLOCK_SIZE } from '../../codec/wire';
import { PeerState } from '../peer/peer';
import { OUR_REQQ, UploadQueue } from '../peer/upload-queue';
import { Uploader, type UploaderPorts } from '../upload/uploader';
import { mulberry32 } from './random';

export interface PacerLoad {
  peers: number;
  /** Bytes/s the transport drains. */
  rate: number;
  /** Virtual seconds to run. */
  seconds: number;
  pieceCount: number;
  blocksPerPiece: number;
  seed: number;
}

export const PACER_LOAD: PacerLoad = {
  peers: 50,
  rate: 25_000_000,
  seconds: 2,
  pieceCount: 2048,
  blocksPerPiece: 16,
  seed: 1,
};

export interface PacerLoadResult {
  /** Blocks sent. */
  blocks: number;
  /** CPU milliseconds (user and system) the run took. */
  cpuMs: number;
  /** The blocks in the order they were read, `peer:index:begin`, joined (for comparing two uploaders). */
  order: string;
}

/** Runs the load on a new uploader of class `make`; `cpuMs` reads the host's CPU clock in ms (shared/ is host-free). */
export function runPacerLoad(make: typeof Uploader, load: PacerLoad, cpuMs: () => number): PacerLoadResult {
  const random = mulberry32(load.seed);
  const int = (n: number) => Math.floor(random() * n);
  const info = {
    pieceLength: load.blocksPerPiece * BLOCK_SIZE,
    pieceCount: load.pieceCount,
    length: load.pieceCount * load.blocksPerPiece * BLOCK_SIZE,
  } as TorrentInfo;
  const copies = Array.from({ length: load.pieceCount }, () => int(load.peers));
  const pieces = new Map<string, number>();
  const peers: PeerState[] = [];
  const reads: Array<{ peer: PeerState; index: number; begin: number }> = [];
  const order: string[] = [];
  const ports: UploaderPorts = {
    send: () => {},
    close: () => {},
    peers: () => peers,
    copies: (index) => copies[index],
    copiesEpoch: () => 0,
    peerPieces: (peer) => pieces.get(peer.key) ?? 0,
    read: (peer, request) => {
      reads.push({ peer, index: request.index, begin: request.begin });
      order.push(`${peer.key}:${request.index}:${request.begin}`);
    },
    retract: () => {},
    serving: () => true,
  };
  const uploader = new make(info, Bitfield.full(load.pieceCount), ports);
  // Each peer asks for the blocks of pieces in its own random order, a piece's blocks in a row.
  const next = new Map<PeerState, { piece: number; block: number }>();
  const ask = (peer: PeerState, now: number) => {
    const at = next.get(peer)!;
    if (at.block === load.blocksPerPiece) {
      at.piece = int(load.pieceCount);
      at.block = 0;
    }
    uploader.onRequest(peer, { index: at.piece, begin: at.block++ * BLOCK_SIZE, length: BLOCK_SIZE }, now);
  };
  for (let i = 0; i < load.peers; i++) {
    const peer = new PeerState(`p${i}`, i, 0, new UploadQueue(undefined, 0));
    peer.choke.setChoking(false, 0);
    peers.push(peer);
    pieces.set(peer.key, int(load.pieceCount));
    next.set(peer, { piece: int(load.pieceCount), block: 0 });
  }
  const data = new Uint8Array(BLOCK_SIZE);
  const blockMs = (BLOCK_SIZE / load.rate) * 1000;
  uploader.onUploadQueue(0, 0);
  for (const peer of peers) while (peer.upload.size < OUR_REQQ) ask(peer, 0);
  const start = cpuMs(); // the queues are full: from here on, the steady state
  let queued = 0;
  let blocks = 0;
  let lastTick = 0;
  for (let now = 0; now < load.seconds * 1000; now += blockMs) {
    // Reads finish: each block goes to the transport, and its peer asks for another.
    for (const { peer, index, begin } of reads.splice(0)) {
      uploader.onReadDone(peer, index, begin, data, now);
      queued += BLOCK_SIZE;
      ask(peer, now);
    }
    // One block leaves the transport.
    if (queued > 0) {
      queued -= BLOCK_SIZE;
      blocks++;
      if (int(8) === 0) copies[int(load.pieceCount)]++;
      uploader.onUploadQueue(queued, now);
    }
    if (now - lastTick >= 1000) {
      lastTick = now;
      uploader.tick(peers, now);
    }
  }
  return { blocks, cpuMs: cpuMs() - start, order: order.join(',') };
}
