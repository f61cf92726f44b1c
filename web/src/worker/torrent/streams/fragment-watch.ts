// A played MP4's fragments (mp4-fragments.ts): once the pieces of its last TAIL_BYTES are here (Play wished them
// first), its `mfra` says where each `moof` lies, and the pieces holding their headers are wished in file order, a
// batch at a time, ahead of the player's walk from one to the next. An MP4 without `mfra` changes nothing.
import { concatBytes } from '../../../../../shared/codec/bytes';
import type { FileEntry } from '../../../../../shared/codec/metainfo';
import { FragmentQueue, fragmentHeaderPieces, mfraMoofOffsets } from './mp4-fragments';
import { TAIL_BYTES, tailPieces } from './play-start';

export interface FragmentPorts {
  /** Whether piece `index` is verified and stored. */
  verified(index: number): boolean;
  readPieces(indices: number[]): Promise<ArrayBuffer[]>;
  /** Wishes these fragment header pieces, in file order. */
  wish(pieces: number[]): void;
}

export class FragmentWatch {
  private readonly tail: number[];
  /** Tail pieces verified since Play, kept as they came (those verified before are read from the store). */
  private readonly got = new Map<number, ArrayBuffer>();
  private reading = false;
  private queue: FragmentQueue | undefined;
  /** Stopped (the player closed or has its metadata), or the file turned out not fragmented: nothing more to do. */
  private stopped = false;

  constructor(
    private readonly file: Pick<FileEntry, 'offset' | 'length' | 'path'>,
    private readonly pieceLength: number,
    private readonly ports: FragmentPorts,
  ) {
    this.tail = tailPieces(file, pieceLength);
    this.find();
  }

  stop(): void {
    this.stopped = true;
  }

  /** A piece was verified (its bytes `data`, on their way to the store): the tail may be complete, or a fragment
   * header in. */
  pieceVerified(index: number, data: ArrayBuffer): void {
    if (this.stopped) return;
    if (!this.queue) {
      // A copy: the piece itself may be handed to the service worker.
      if (!this.reading && this.tail.includes(index)) this.got.set(index, data.slice(0));
      return this.find();
    }
    this.queue.stored(index);
    this.wishNext();
  }

  /** Reads the tail once all of it is here, and finds the fragments' header pieces in it. */
  private find(): void {
    if (this.stopped || this.reading || this.queue) return;
    if (!this.tail.every((index) => this.got.has(index) || this.ports.verified(index))) return;
    this.reading = true;
    const stored = this.tail.filter((index) => !this.got.has(index));
    (stored.length > 0 ? this.ports.readPieces(stored) : Promise.resolve([])).then(
      (read) => {
        if (this.stopped) return;
        stored.forEach((index, k) => this.got.set(index, read[k]));
        this.headersFound(this.headerPieces());
      },
      () => {
        // Not read: the player walks the fragments alone, as without an mfra.
      },
    );
  }

  /** The pieces holding the header of each fragment the tail's `mfra` names (none without one). */
  private headerPieces(): number[] {
    const { file, tail, got, pieceLength } = this;
    const bytes = concatBytes(tail.map((index) => new Uint8Array(got.get(index)!)));
    got.clear();
    const tailStart = Math.max(0, file.length - TAIL_BYTES);
    const from = file.offset + tailStart - tail[0] * pieceLength;
    const tailBytes = bytes.subarray(from, from + (file.length - tailStart));
    const offsets = mfraMoofOffsets(tailBytes, tailStart, file.length) ?? [];
    return fragmentHeaderPieces(offsets, file.offset, file.length, pieceLength);
  }

  private headersFound(pieces: number[]): void {
    // Not fragmented (or no mfra): nothing more to do as pieces come.
    if (pieces.length === 0) {
      this.stopped = true;
      return;
    }
    this.queue = new FragmentQueue(pieces);
    this.wishNext();
  }

  /** The next batch of header pieces, if one is due. */
  private wishNext(): void {
    const batch = this.queue?.take((index) => this.ports.verified(index)) ?? [];
    if (batch.length > 0) this.ports.wish(batch);
  }
}
