// Single blocks of a v2 piece judged against its file's tree (BEP 52): when a piece fails its tree check, the
// downloader holds it while the piece's leaf hashes are asked of a v2 peer (leaf-hashes.ts); once they are proven
// against the piece hash, each block's SHA-256 (from the piece's own hash job) is compared with its leaf, and the
// verdict names the bad blocks: only those are fetched again, only their senders banned. While a piece's leaves are
// known, each block that comes for it is checked on arrival; the pieces of a playback window have their leaves asked
// in advance for that (LEAVES_AHEAD). Peers' leaf requests are answered by leaf-answers.ts.
// Bounded: failed pieces held for their leaves up to MAX_HELD_BYTES; the leaf caches and requests in their modules.
import { sha256Sync, type Sha256Sync } from '../../hash/sha256';
import type { HashRange, WireMessage } from '../../codec/wire';
import { NODE_SIZE, type NodeHash } from '../verify/file-tree';
import { LeafAnswers } from './leaf-answers';
import { LeafHashes, MAX_LEAF_REQUESTS } from './leaf-hashes';
import type { PeerState } from '../peer/peer';
import type { PieceLayers } from './piece-layers';
import type { PeerKey } from '../contract/engine-types';
import { bytesEqual } from '../verify/verify';

/** Pieces of the playback window whose leaf hashes are asked in advance, the nearest first (EngineConfig.leavesAhead). */
export const LEAVES_AHEAD = 4;

/** Bytes of failed pieces held while their leaf hashes are asked (past it a failed piece is judged whole). */
export const MAX_HELD_BYTES = 32 * 1024 * 1024;

const BLOCK = 16384;

/** What block checks need of the session. */
export interface BlockCheckPorts {
  now(): number;
  readonly peers: ReadonlyMap<PeerKey, PeerState>;
  send(peer: PeerState, message: WireMessage): void;
  close(peer: PeerState, reason: string): void;
  /** Pieces the peer says it has. */
  peerPieces(peer: PeerKey): number;
  /** Do we have (verified and stored) the piece? */
  have(index: number): boolean;
  /** Read bytes of a stored piece for a leaf answer; they come back through `readDone`. */
  read(peer: PeerState, index: number, begin: number, length: number): void;
  /** Hash each 16 KiB block of `data` for a leaf answer; the digests come back through `hashed`. */
  hashBlocks(peer: PeerKey, index: number, data: Uint8Array): void;
  /** A held piece is judged: the bad blocks (by number), or undefined when no leaf hashes came (judged whole). */
  verdict(index: number, bad: number[] | undefined): void;
}

interface Held {
  data: Uint8Array;
  digests: Uint8Array;
}

export class BlockChecks {
  private readonly leaves: LeafHashes;
  private readonly answers: LeafAnswers;
  private readonly held = new Map<number, Held>();
  private heldBytes = 0;

  constructor(
    private readonly layers: PieceLayers,
    nodeHash: NodeHash,
    private readonly ports: BlockCheckPorts,
    private readonly sha256: Sha256Sync = sha256Sync,
  ) {
    this.leaves = new LeafHashes(layers);
    this.answers = new LeafAnswers(layers, nodeHash);
  }

  /** Failed pieces held now, and their bytes. */
  get holding(): { pieces: number; bytes: number } {
    return { pieces: this.held.size, bytes: this.heldBytes };
  }

  /** Pieces whose proven leaves we hold. */
  get leafPieces(): number {
    return this.leaves.size;
  }

  /**
   * A v2 piece failed its tree check (`digests`: its blocks' SHA-256): true when it is held while its leaf hashes
   * are asked (the verdict comes later), false when it must be judged whole now.
   */
  hold(index: number, data: Uint8Array, digests: Uint8Array): boolean {
    if (this.held.has(index) || this.heldBytes + data.length > MAX_HELD_BYTES) return false;
    if (!this.leaves.range(index)) return false;
    this.held.set(index, { data, digests });
    this.heldBytes += data.length;
    if (this.leaves.leaves(index)) {
      this.judge(index);
      return true;
    }
    if (this.askLeaves(index, this.ports.now())) return true;
    this.release(index);
    return false;
  }

  /**
   * Asks a v2 peer (not tried for the piece yet) for the piece's leaves, the one with the most pieces first (a peer
   * without the piece rejects: the next is asked); false when none can be asked.
   */
  private askLeaves(index: number, now: number): boolean {
    const peers = [...this.ports.peers.values()].filter(
      (peer) => peer.handshaken && peer.v2 && this.ports.peerPieces(peer.key) > 0,
    );
    peers.sort((a, b) => this.ports.peerPieces(b.key) - this.ports.peerPieces(a.key));
    for (const peer of peers) {
      if (!this.leaves.mayAsk(index, peer.key)) continue;
      const range = this.leaves.ask(index, peer.key, now);
      if (!range) return false;
      this.ports.send(peer, { type: 'hash-request', ...range });
      return true;
    }
    return false;
  }

  private release(index: number): Held | undefined {
    const entry = this.held.get(index);
    if (!entry) return undefined;
    this.held.delete(index);
    this.heldBytes -= entry.data.length;
    return entry;
  }

  /** The held piece's leaves are known: its bad blocks named. */
  private judge(index: number): void {
    const entry = this.release(index);
    const leaves = this.leaves.leaves(index);
    const where = this.layers.pieceLeaves(index);
    if (!entry || !leaves || !where) return;
    const bad: number[] = [];
    for (let block = 0; block * BLOCK < entry.data.length; block++) {
      const begin = block * BLOCK;
      const digest = entry.digests.subarray(block * NODE_SIZE, (block + 1) * NODE_SIZE);
      const end = Math.min(begin + BLOCK, entry.data.length);
      const leafOk = begin >= where.bytes || bytesEqual(digest, leaves[block]);
      if (!leafOk || !padZero(entry.data, Math.max(begin, where.bytes), end)) bad.push(block);
    }
    this.ports.verdict(index, bad);
  }

  /** No leaves from this peer: the next one is asked, or the held piece is judged whole. */
  private retry(index: number, now: number): void {
    if (!this.held.has(index) || this.askLeaves(index, now)) return;
    this.release(index);
    this.leaves.forget(index);
    this.ports.verdict(index, undefined);
  }

  /**
   * A block for piece `index` arrived: false when the piece's leaves are known and the block does not match its
   * leaf (or has non-zero bytes past the file's end), true otherwise (undefined: its leaves are not known).
   */
  blockGood(index: number, begin: number, block: Uint8Array): boolean | undefined {
    const leaves = this.leaves.leaves(index);
    const where = leaves && this.layers.pieceLeaves(index);
    if (!leaves || !where || begin % BLOCK !== 0) return undefined;
    const inFile = Math.max(0, Math.min(block.length, where.bytes - begin));
    if (inFile > 0 && !bytesEqual(this.sha256(block.subarray(0, inFile)), leaves[begin / BLOCK]))
      return false;
    return padZero(block, inFile, block.length);
  }

  /**
   * The playback window's pieces, in order: the leaf hashes of the first `count` we lack are asked in advance (with
   * at most half the leaf requests: the others stay for failed pieces), so that their blocks are checked on arrival.
   */
  ahead(window: readonly number[], count: number): void {
    let left = count;
    for (const index of window) {
      if (left <= 0 || this.leaves.pending >= MAX_LEAF_REQUESTS / 2) return;
      if (this.ports.have(index)) continue;
      left--;
      if (this.leaves.leaves(index) || this.leaves.asking(index) || !this.leaves.range(index)) continue;
      this.askLeaves(index, this.ports.now());
    }
  }

  /** The piece verified (or is no longer fetched): its leaves are forgotten. */
  done(index: number): void {
    this.leaves.forget(index);
  }

  // --- the wire

  /** A hash request with base layer 0 (leaves): read the piece to answer, or rejected at once. */
  onRequest(peer: PeerState, request: HashRange): void {
    const next = this.answers.onRequest(
      peer.key,
      request,
      (index) => this.ports.have(index),
      this.ports.now(),
    );
    if (next === undefined) return;
    if ('type' in next) return this.ports.send(peer, next);
    this.ports.read(peer, next.index, 0, next.bytes);
  }

  /** Reads for waiting leaf requests, as slots free. */
  private readWaiting(): void {
    for (let next = this.answers.nextRead(); next; next = this.answers.nextRead()) {
      const to = this.ports.peers.get(next.peer);
      if (to) this.ports.read(to, next.index, 0, next.bytes);
    }
  }

  /** A `hashes` message: false when it answers no leaf request of ours. */
  onHashes(peer: PeerState, message: HashRange & { hashes: Uint8Array }, now: number): boolean {
    const verdict = this.leaves.onHashes(peer.key, message);
    if (!verdict) return false;
    if (!verdict.ok) {
      this.ports.close(peer, verdict.reason);
      this.retry(verdict.index, now);
    } else if (this.held.has(verdict.index)) this.judge(verdict.index);
    return true;
  }

  /** A `hash reject`: false when it answers no leaf request of ours. */
  onReject(peer: PeerState, range: HashRange, now: number): boolean {
    const index = this.leaves.onReject(peer.key, range);
    if (index === undefined) return false;
    this.retry(index, now);
    return true;
  }

  /** A read came back: true when it was for a leaf answer (then its blocks are hashed). */
  readDone(peer: PeerKey, index: number, begin: number, data: Uint8Array): boolean {
    if (!this.answers.readDone(peer, index, begin, data.length)) return false;
    this.ports.hashBlocks(peer, index, data);
    return true;
  }

  /** A read failed: true when it was for a leaf answer (rejected then). */
  readFailed(peer: PeerKey, index: number, begin: number): boolean {
    const reject = this.answers.readFailed(peer, index, begin);
    const to = this.ports.peers.get(peer);
    if (reject && to) this.ports.send(to, reject);
    this.readWaiting();
    return reject !== undefined;
  }

  /** The blocks of a piece read for `peer`'s leaf request are hashed: the answer goes out. */
  hashed(peer: PeerKey, index: number, digests: Uint8Array, now: number): void {
    const answer = this.answers.hashed(peer, index, digests, now);
    const to = this.ports.peers.get(peer);
    if (answer && to) this.ports.send(to, answer);
    this.readWaiting();
  }

  /** The clock: late leaf requests go to another peer. */
  tick(now: number): void {
    for (const index of this.leaves.expire(now)) this.retry(index, now);
  }

  peerGone(peer: PeerKey, now: number): void {
    this.answers.peerGone(peer);
    this.readWaiting();
    for (const index of this.leaves.peerGone(peer)) this.retry(index, now);
  }
}

/** Are `data`'s bytes from `from` to `to` zeros (BEP 47 padding past a file's end)? */
function padZero(data: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (data[i] !== 0) return false;
  return true;
}
