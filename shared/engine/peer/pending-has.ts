// What a peer says it has before we know the torrent's size (magnet start): kept as it comes, and handed to the
// picker once the info is known (the downloader's `applyPending`). It is kept as one bitset (its bitfield and its
// haves together), so what one peer can make us hold before the metadata is bounded by the largest torrent we accept:
// at most MAX_PENDING_BYTES (51.2 KiB), however many messages it sends.
import { Bitfield } from '../../codec/bitfield';
// No torrent we accept, in any version, has more than MAX_PIECES pieces (torrent-bounds.ts).
import { MAX_PIECES } from '../../codec/torrent-bounds';

/** The bytes of a bitfield of MAX_PIECES pieces: the most kept per peer before the info is known. */
export const MAX_PENDING_BYTES = Math.ceil(MAX_PIECES / 8);

/** What a peer said it had, once the piece count is known: everything (`have-all`), a have beyond the torrent (the
 * peer is closed), or the pieces. */
export type PendingPieces = 'all' | { beyond: number } | Bitfield;

export class PendingHas {
  /** Its bitfield and haves, bit i for piece i (as in a bitfield), grown as needed up to MAX_PENDING_BYTES. */
  private bits = new Uint8Array(0);
  /** The length of its bitfield message, if it sent one. */
  private bitfieldLength: number | undefined;
  private highestHave = -1;
  private all = false;

  /** Bytes held for it now. */
  get heldBytes(): number {
    return this.bits.length;
  }

  /** Its `have`; false for a piece no torrent we accept has (the connection is closed). */
  have(index: number): boolean {
    if (!(index < MAX_PIECES)) return false;
    this.grow((index >> 3) + 1);
    this.bits[index >> 3] |= 0x80 >> (index & 7);
    if (index > this.highestHave) this.highestHave = index;
    return true;
  }

  /** Its `bitfield`; false when it is larger than any torrent we accept. */
  bitfield(bytes: Uint8Array): boolean {
    if (bytes.length > MAX_PENDING_BYTES) return false;
    this.grow(bytes.length);
    for (let i = 0; i < bytes.length; i++) this.bits[i] |= bytes[i];
    this.bitfieldLength = bytes.length;
    return true;
  }

  /** Its `have-all`. */
  haveAll(): void {
    this.all = true;
  }

  /** Everything it said so far, for a torrent of `pieceCount` pieces, forgotten here. Throws a RangeError for a
   * bitfield that does not fit the torrent (the peer is closed). */
  take(pieceCount: number): PendingPieces {
    const { bits, bitfieldLength, highestHave, all } = this;
    this.bits = new Uint8Array(0);
    this.bitfieldLength = undefined;
    this.highestHave = -1;
    this.all = false;
    if (all) return 'all';
    const size = Math.ceil(pieceCount / 8);
    if (bitfieldLength !== undefined && bitfieldLength !== size)
      throw new RangeError(`bitfield of ${pieceCount} bits needs ${size} bytes, got ${bitfieldLength}`);
    if (highestHave >= pieceCount) return { beyond: highestHave };
    const bytes = new Uint8Array(size);
    bytes.set(bits.subarray(0, size));
    return Bitfield.fromBytes(bytes, pieceCount); // throws when its bitfield sets spare bits
  }

  private grow(length: number): void {
    if (length <= this.bits.length) return;
    const grown = new Uint8Array(Math.min(MAX_PENDING_BYTES, Math.max(length, 2 * this.bits.length)));
    grown.set(this.bits);
    this.bits = grown;
  }
}
