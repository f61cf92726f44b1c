// Complete pieces of a torrent run by its v2 view alone (v2-pieces.ts) that wait for their file's piece layer: with
// no SHA-1 to fall back on, a piece can only be checked once the layer is known (asked of v2 peers, hash-exchange.ts).
// They wait here, within MAX_WAITING_BYTES; past it the oldest is dropped and fetched again later (never counted
// against its senders: nothing says it was bad).

/** Bytes of complete pieces kept while their layers are asked for. */
export const MAX_WAITING_BYTES = 64 * 1024 * 1024;

export class TreeWait {
  private readonly waiting = new Map<number, Uint8Array>();
  private bytes = 0;

  constructor(private readonly maxBytes = MAX_WAITING_BYTES) {}

  get size(): number {
    return this.waiting.size;
  }

  /** Keeps a complete piece until its layer is known; returns the pieces dropped to make room (oldest first). */
  wait(index: number, data: Uint8Array): number[] {
    const dropped: number[] = [];
    const earlier = this.waiting.get(index);
    if (earlier) this.bytes -= earlier.length;
    this.waiting.set(index, data);
    this.bytes += data.length;
    for (const [oldest, piece] of this.waiting) {
      if (this.bytes <= this.maxBytes || oldest === index) break;
      this.waiting.delete(oldest);
      this.bytes -= piece.length;
      dropped.push(oldest);
    }
    return dropped;
  }

  /** The waiting pieces that can be checked now (`known`: their file's layer is known), taken out. */
  ready(known: (index: number) => boolean): Array<[number, Uint8Array]> {
    const out: Array<[number, Uint8Array]> = [];
    for (const [index, data] of this.waiting) {
      if (!known(index)) continue;
      this.waiting.delete(index);
      this.bytes -= data.length;
      out.push([index, data]);
    }
    return out;
  }

  clear(): void {
    this.waiting.clear();
    this.bytes = 0;
  }
}
