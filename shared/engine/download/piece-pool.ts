// Piece buffers used again. A web seed's pieces arrive at memory speed, and a fresh buffer per piece (1 MiB, zeroed)
// costs its allocation, its zeroing, its pages' first touch and the collector's sweep of it, more than the copy of
// the piece's bytes into it. A buffer comes back only once nothing else can still read or write it: its piece was
// stored or refused by the store (whose adapter copies what it keeps: EngineConfig.reusePieceBuffers), or failed its
// check, or was not needed. Safety does not rest on the callers alone: a buffer the pool did not lend, one given back
// already, a view of part of a buffer, and a buffer the adapter transferred away (detached) are never taken in, so a
// buffer is never handed out while in use. At most `bound` bytes of free buffers are kept; the rest are left to the
// collector, and the download's end lets them all go.

/** Free buffers kept at most: about one flush interval of pieces at a fast web seed's rate (the store gives its
 * pieces' buffers back together, once per transaction). */
export const POOL_BYTES = 32 * 1024 * 1024;

export class PiecePool {
  private readonly free: Uint8Array[] = [];
  private freeBytes = 0;
  /** Buffers out on loan: only these come back. */
  private readonly lent = new WeakSet<ArrayBufferLike>();

  constructor(private readonly bound = POOL_BYTES) {}

  /** A buffer of `size` bytes; one used before holds its last piece's bytes (not zeros). */
  take(size: number): Uint8Array {
    let at = this.free.length - 1;
    while (at >= 0 && this.free[at].length !== size) at--;
    let data: Uint8Array;
    if (at < 0) data = new Uint8Array(size);
    else {
      [data] = this.free.splice(at, 1);
      this.freeBytes -= size;
    }
    this.lent.add(data.buffer);
    return data;
  }

  /** `data` is no longer read nor written by anyone: it may be lent again. */
  give(data: Uint8Array): void {
    const buffer = data.buffer;
    if (!this.lent.has(buffer)) return;
    this.lent.delete(buffer);
    const whole = data.byteOffset === 0 && data.byteLength === buffer.byteLength && data.byteLength > 0;
    if (!whole || this.freeBytes + data.byteLength > this.bound) return;
    this.free.push(data);
    this.freeBytes += data.byteLength;
  }

  /** Lets every free buffer go (the download ended). */
  drain(): void {
    this.free.length = 0;
    this.freeBytes = 0;
  }

  /** Bytes of free buffers kept. */
  get kept(): number {
    return this.freeBytes;
  }
}
