// Availability: what each peer has, how many peers have each piece, and the fresh pieces (missing, nothing
// requested or received) in buckets by availability. One array per count of non-seed peers that have the piece, in
// random order, with each piece's position kept so that moving a piece between buckets is O(1); peers that have
// everything are a single counter added on top.
import { Bitfield } from '../../codec/bitfield';
import type { BlockGeometry } from './block-geometry';

/** What the picker knows of one peer's pieces. */
export interface PeerPieces {
  readonly has: Bitfield;
  /** It has every piece (`has` is then empty). */
  all: boolean;
  /** Pieces it has (when not `all`). */
  count: number;
  /** Pieces it has that we lack and want (when not `all`). */
  needed: number;
  /** Pieces it has that were fresh when added (pruned lazily); not kept for seeds. */
  readonly candidates: number[];
}

export function newPeerPieces(pieceCount: number): PeerPieces {
  return { has: new Bitfield(pieceCount), all: false, count: 0, needed: 0, candidates: [] };
}

export class Availability {
  /** Non-seed peers that have each piece. */
  readonly avail: Int32Array;
  seeds = 0;
  readonly buckets: number[][] = [[]];
  /** Pieces in the buckets. */
  freshCount = 0;
  /** Bumped whenever a piece becomes fresh again (a failed hash check, a piece wanted again). */
  freshGeneration = 0;
  /** Bumped whenever pieces may have become rarer (departures, replaced bitfields, failed pieces). */
  rarityGeneration = 0;
  /** Position of a fresh piece in its bucket, -1 when not fresh. */
  private readonly pos: Int32Array;
  /** What a peer that has everything has (built on first use). */
  private fullField: Bitfield | undefined;

  constructor(
    private readonly geometry: BlockGeometry,
    private readonly random: () => number,
  ) {
    this.avail = new Int32Array(geometry.pieceCount);
    this.pos = new Int32Array(geometry.pieceCount).fill(-1);
  }

  isFresh(index: number): boolean {
    return this.pos[index] >= 0;
  }

  /** Peers that have the piece. */
  availability(index: number): number {
    return this.avail[index] + this.seeds;
  }

  addFresh(index: number): void {
    const a = this.avail[index];
    while (this.buckets.length <= a) this.buckets.push([]);
    const bucket = this.buckets[a];
    this.freshCount++;
    // Insert at a uniformly random position (the displaced piece goes to the end), keeping the bucket shuffled.
    const at = Math.floor(this.random() * (bucket.length + 1));
    if (at >= bucket.length) {
      this.pos[index] = bucket.length;
      bucket.push(index);
    } else {
      const displaced = bucket[at];
      this.pos[displaced] = bucket.length;
      bucket.push(displaced);
      bucket[at] = index;
      this.pos[index] = at;
    }
  }

  removeFresh(index: number): void {
    const bucket = this.buckets[this.avail[index]];
    const at = this.pos[index];
    const last = bucket.pop()!;
    this.freshCount--;
    if (last !== index) {
      bucket[at] = last;
      this.pos[last] = at;
    }
    this.pos[index] = -1;
  }

  private change(index: number, delta: number): void {
    const fresh = this.pos[index] >= 0;
    if (fresh) this.removeFresh(index);
    this.avail[index] += delta;
    if (fresh) this.addFresh(index);
  }

  /** Takes away what we knew the peer had. */
  forget(peer: PeerPieces): void {
    peer.candidates.length = 0;
    if (peer.all || peer.count > 0) this.rarityGeneration++;
    if (peer.all) {
      this.seeds--;
      peer.all = false;
    } else if (peer.count > 0) {
      const bytes = peer.has.bytes;
      for (let j = 0; j < bytes.length; j++) {
        const byte = bytes[j];
        if (byte === 0) continue;
        for (let bit = 0; bit < 8; bit++) {
          if (byte & (0x80 >> bit)) this.change(j * 8 + bit, -1);
        }
        bytes[j] = 0;
      }
    }
    peer.count = 0;
    peer.needed = 0;
  }

  /** Adds the pieces of `field` to what we knew the peer had (forget it first to replace). */
  addField(peer: PeerPieces, field: Bitfield, needs: (index: number) => boolean): void {
    const bytes = field.bytes;
    const { pieceCount } = this.geometry;
    for (let j = 0; j < bytes.length; j++) {
      const byte = bytes[j];
      if (byte === 0) continue;
      for (let bit = 0; bit < 8; bit++) {
        const index = j * 8 + bit;
        if (byte & (0x80 >> bit) && index < pieceCount) {
          peer.has.set(index);
          peer.count++;
          if (needs(index)) peer.needed++;
          this.change(index, 1);
          if (this.pos[index] >= 0) peer.candidates.push(index);
        }
      }
    }
  }

  /** The peer announced a piece; false if we already knew it has it. */
  addPiece(peer: PeerPieces, index: number, needed: boolean): boolean {
    if (peer.all || peer.has.get(index)) return false;
    peer.has.set(index);
    peer.count++;
    if (needed) peer.needed++;
    this.change(index, 1);
    if (this.pos[index] >= 0) peer.candidates.push(index);
    return true;
  }

  /** The peer has every piece. */
  addAll(peer: PeerPieces): void {
    this.forget(peer);
    peer.all = true;
    this.seeds++;
  }

  /** What the peer has, as its pieces were reported. */
  piecesOf(peer: PeerPieces): Bitfield {
    if (!peer.all) return peer.has;
    return (this.fullField ??= Bitfield.full(this.geometry.pieceCount));
  }
}
