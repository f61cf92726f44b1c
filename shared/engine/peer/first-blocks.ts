// How often each piece's first block went to one peer (part of its upload queue, upload-queue.ts): once for most
// pieces (one bit each, grown to the highest index sent: the uploader sends only pieces of the torrent), and a count
// for the few sent again (a re-ask sent after its patience while the first copy was still on its way), bounded.
import { Bitfield } from '../../codec/bitfield';

export class FirstBlocks {
  private once = new Bitfield(0);
  /** Pieces whose first block went more than once, and how many times; the oldest forgotten past `maxCounted`. */
  private readonly counts = new Map<number, number>();

  constructor(private readonly maxCounted: number) {}

  /** Times piece `index`'s first block went to the peer (as far as remembered: a forgotten count reads 1). */
  count(index: number): number {
    return this.counts.get(index) ?? (this.once.get(index) ? 1 : 0);
  }

  /** Its first block went (again): returns the count now. */
  sent(index: number): number {
    const count = this.count(index) + 1;
    if (count === 1) this.setOnce(index, true);
    else this.setCount(index, count);
    return count;
  }

  /** A send of its first block was taken back before it left (a retract): returns the count left. */
  dropped(index: number): number {
    const count = Math.max(0, this.count(index) - 1);
    if (count === 0) this.setOnce(index, false);
    this.setCount(index, count);
    return count;
  }

  private setCount(index: number, count: number): void {
    const { counts } = this;
    counts.delete(index);
    if (count <= 1) return;
    counts.set(index, count);
    if (counts.size > this.maxCounted) counts.delete(counts.keys().next().value!);
  }

  private setOnce(index: number, on: boolean): void {
    let bits = this.once;
    if (index >= bits.length) {
      if (!on) return;
      const grown = new Bitfield(Math.max(index + 1, bits.length * 2));
      grown.bytes.set(bits.bytes);
      this.once = bits = grown;
    }
    bits.set(index, on);
  }
}
