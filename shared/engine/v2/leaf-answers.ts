// Our answers to peers' requests for leaf hashes (BEP 52 `hash request`s with base layer 0). Leaves are never kept:
// the piece is read from storage and its 16 KiB blocks hashed (a `sha256-blocks` job), checked against our own piece
// hash, and the asked range sent with its proof (uncles inside the piece from its leaves, above it from the file's
// tree). Bounded: MAX_LEAF_ANSWERS pieces read and hashed at once, MAX_LEAF_ANSWERS_PER_PEER requests of one peer
// read or waiting, at most MAX_LEAF_ANSWER_BYTES read for one peer a minute, and the hashes count against the peer's
// serving budget (piece-layers.ts); past the bounds a request is rejected. A request within its peer's bounds waits
// for a read slot rather than being rejected: libtorrent 2.0.8 asks a piece's leaves of one peer once and never
// again, and its handling of a reject of a leaf request writes out of bounds, so a reject caused by other peers'
// requests would cost an honest peer its check (or its memory).
import type { HashRange, WireMessage } from '../../codec/wire';
import { joinNodes, log2, NODE_SIZE, type NodeHash } from '../verify/file-tree';
import { nodes, pickRange, type PieceLayers } from './piece-layers';
import type { PeerKey } from '../contract/engine-types';

/** Pieces read and hashed at once to answer leaf requests; one peer's requests read or waiting. */
export const MAX_LEAF_ANSWERS = 4;
export const MAX_LEAF_ANSWERS_PER_PEER = 2;
/** Bytes of pieces read and hashed for one peer's leaf requests per LEAF_ANSWER_WINDOW_MS (past it: rejects). */
export const MAX_LEAF_ANSWER_BYTES = 128 * 1024 * 1024;
export const LEAF_ANSWER_WINDOW_MS = 60_000;

/** A leaf request being answered: its piece is being read, then hashed. */
interface Answering {
  peer: PeerKey;
  index: number;
  request: HashRange;
  /** The piece's bytes in its file's tree: the read's length. */
  bytes: number;
  hashing: boolean;
}

export class LeafAnswers {
  private readonly answering: Answering[] = [];
  /** Requests within their peer's bounds waiting for a read slot, oldest first (at most
   * MAX_LEAF_ANSWERS_PER_PEER a peer). */
  private readonly waiting: Answering[] = [];
  /** Bytes read for each peer's leaf requests in its current window. */
  private readonly spent = new Map<PeerKey, { since: number; bytes: number }>();

  constructor(
    private readonly layers: PieceLayers,
    private readonly nodeHash: NodeHash,
  ) {}

  /**
   * A leaf request from `peer`: the piece to read (from its first byte, `bytes` long), a reject when we cannot
   * answer it (not one piece's aligned leaves, a piece we lack, past the bounds), or undefined when it waits for a
   * read slot (`nextRead` hands it out once one frees).
   */
  onRequest(
    peer: PeerKey,
    request: HashRange,
    have: (index: number) => boolean,
    now: number,
  ): { index: number; bytes: number } | WireMessage | undefined {
    const reject: WireMessage = { type: 'hash-reject', ...pickRange(request) };
    const index = this.layers.pieceAtLeaf(request.piecesRoot, request.index);
    const where = index === undefined ? undefined : this.layers.pieceLeaves(index);
    if (index === undefined || !where || !have(index)) return reject;
    const { length } = request;
    const local = request.index - where.firstLeaf;
    if (length > where.width || local % length !== 0 || local + length > where.width) return reject;
    const ofPeer = (entry: Answering) => entry.peer === peer;
    if (
      this.answering.filter(ofPeer).length + this.waiting.filter(ofPeer).length >=
      MAX_LEAF_ANSWERS_PER_PEER
    )
      return reject;
    let spent = this.spent.get(peer);
    if (!spent || now - spent.since >= LEAF_ANSWER_WINDOW_MS)
      this.spent.set(peer, (spent = { since: now, bytes: 0 }));
    if (spent.bytes + where.bytes > MAX_LEAF_ANSWER_BYTES) return reject;
    spent.bytes += where.bytes;
    const entry = { peer, index, request: pickRange(request), bytes: where.bytes, hashing: false };
    if (this.answering.length >= MAX_LEAF_ANSWERS) {
      this.waiting.push(entry);
      return undefined;
    }
    this.answering.push(entry);
    return { index, bytes: where.bytes };
  }

  /** The oldest waiting request once a read slot is free: its piece to read, for its peer. */
  nextRead(): { peer: PeerKey; index: number; bytes: number } | undefined {
    if (this.answering.length >= MAX_LEAF_ANSWERS) return undefined;
    const entry = this.waiting.shift();
    if (!entry) return undefined;
    this.answering.push(entry);
    return { peer: entry.peer, index: entry.index, bytes: entry.bytes };
  }

  /** A read of ours came back: true when it was one (then its blocks are to be hashed). */
  readDone(peer: PeerKey, index: number, begin: number, length: number): boolean {
    const entry = this.answering.find(
      (e) => !e.hashing && e.peer === peer && e.index === index && begin === 0 && e.bytes === length,
    );
    if (entry) entry.hashing = true;
    return entry !== undefined;
  }

  /** A read of ours failed: its reject (undefined when it was not ours). */
  readFailed(peer: PeerKey, index: number, begin: number): WireMessage | undefined {
    const at = this.answering.findIndex(
      (e) => !e.hashing && e.peer === peer && e.index === index && begin === 0,
    );
    if (at < 0) return undefined;
    const [entry] = this.answering.splice(at, 1);
    return { type: 'hash-reject', ...entry.request };
  }

  /** The leaf hashes of the piece read for `peer`: the `hashes` answer, or a reject when they do not lead to our
   * piece hash (our copy is bad) or the peer is over its budget. */
  hashed(peer: PeerKey, index: number, digests: Uint8Array, now: number): WireMessage | undefined {
    const at = this.answering.findIndex((e) => e.hashing && e.peer === peer && e.index === index);
    if (at < 0) return undefined;
    const [{ request }] = this.answering.splice(at, 1);
    const reject: WireMessage = { type: 'hash-reject', ...request };
    const where = this.layers.pieceLeaves(index);
    const leaves = nodes(digests);
    if (!where || this.layers.checkLeaves(index, leaves) !== true) return reject;
    while (leaves.length < where.width) leaves.push(new Uint8Array(NODE_SIZE));
    // The piece's subtree, from its leaves up to its piece hash.
    const subtree = [leaves];
    while (subtree[subtree.length - 1].length > 1) {
      const below = subtree[subtree.length - 1];
      const up: Uint8Array[] = [];
      for (let i = 0; i < below.length; i += 2) up.push(this.nodeHash(below[i], below[i + 1]));
      subtree.push(up);
    }
    const inPiece = log2(where.width);
    // Uncles of the layers from log2(length) up to proofLayers (as libtorrent counts them, file-tree.ts `hashes`).
    const above = this.layers.pieceUncles(index, Math.max(0, request.proofLayers - inPiece + 1));
    if (!above) return reject;
    const local = request.index - where.firstLeaf;
    const out = leaves.slice(local, local + request.length);
    for (
      let up = log2(request.length), position = local >> up;
      up <= request.proofLayers;
      up++, position >>= 1
    )
      out.push(up < inPiece ? subtree[up][position ^ 1] : above[up - inPiece]);
    if (!this.layers.spend(peer, out.length, now)) return reject;
    return { type: 'hashes', ...request, hashes: joinNodes(out) };
  }

  /** The peer left: its answers are dropped (their reads and hashes come back to nothing). */
  peerGone(peer: PeerKey): void {
    this.spent.delete(peer);
    for (const list of [this.answering, this.waiting])
      for (let i = list.length - 1; i >= 0; i--) if (list[i].peer === peer) list.splice(i, 1);
  }
}
