// Where a fragmented MP4's fragments begin, read from the `mfra` box at its end. ffmpeg writes one by default with
// `-movflags frag_keyframe+empty_moov` (its `tfra` boxes list, per track, the `moof` offset of each random access
// point), yet a browser's player does not use it: before its first frame Chromium walks the file from `moof` to
// `moof`, reading each box's header and skipping its `mdat` (about 60 reads of a piece each for a minute of video,
// one after another: 10 to 14 s in the bench). Knowing the offsets at once, the worker fetches the pieces that hold
// the headers together, before the walk reaches them. The file's bytes are hostile until checked: every size and
// count is checked against the bytes at hand, and nothing outside the file is returned.

/** A box header: 32-bit size and type. */
const HEADER = 8;
/** `mfro`: a full box whose last field is the `mfra`'s size (ISO/IEC 14496-12, 8.8.11). */
const MFRO_SIZE = 16;

function typeAt(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
}

/** A big-endian unsigned integer of `size` bytes (1 to 8) at `at`, as a number (exact below 2^53). */
function uintAt(view: DataView, at: number, size: number): number {
  let value = 0;
  for (let i = 0; i < size; i++) value = value * 256 + view.getUint8(at + i);
  return value;
}

/**
 * The `moof` offsets listed by the `mfra` box that ends a file, sorted and without repeats; undefined when `tail`
 * (the file's last bytes, `tailStart` its offset in the file of `fileLength` bytes) does not end with a whole,
 * well-formed `mfra`. Offsets at or past `tailStart` (inside the tail) or outside the file are left out.
 */
export function mfraMoofOffsets(
  tail: Uint8Array,
  tailStart: number,
  fileLength: number,
): number[] | undefined {
  if (tailStart + tail.length !== fileLength || tail.length < HEADER + MFRO_SIZE) return undefined;
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  const mfro = tail.length - MFRO_SIZE;
  if (view.getUint32(mfro) !== MFRO_SIZE || typeAt(tail, mfro + 4) !== 'mfro') return undefined;
  const mfraSize = view.getUint32(mfro + 12);
  const mfra = tail.length - mfraSize;
  if (mfraSize < HEADER + MFRO_SIZE || mfra < 0) return undefined;
  if (view.getUint32(mfra) !== mfraSize || typeAt(tail, mfra + 4) !== 'mfra') return undefined;
  const offsets = new Set<number>();
  for (let at = mfra + HEADER; at < mfro;) {
    const size = view.getUint32(at);
    if (size < HEADER || at + size > mfro) return undefined;
    if (typeAt(tail, at + 4) === 'tfra' && !readTfra(view, at, size, offsets)) return undefined;
    at += size;
  }
  return [...offsets].filter((offset) => offset < tailStart).sort((a, b) => a - b);
}

/** A `tfra` box's moof offsets into `offsets` (8.8.10); false when it is malformed. */
function readTfra(view: DataView, at: number, size: number, offsets: Set<number>): boolean {
  const end = at + size;
  const fields = at + HEADER + 4; // after version and flags
  if (fields + 12 > end) return false;
  const version = view.getUint8(at + HEADER);
  if (version > 1) return false;
  const lengths = view.getUint32(fields + 4);
  const count = view.getUint32(fields + 8);
  const wide = version === 1 ? 8 : 4;
  const entry = 2 * wide + ((lengths >> 4) & 3) + ((lengths >> 2) & 3) + (lengths & 3) + 3;
  const first = fields + 12;
  // The count cannot claim more entries than the box holds.
  if (count > (end - first) / entry) return false;
  for (let i = 0; i < count; i++) offsets.add(uintAt(view, first + i * entry + wide, wide));
  return true;
}

/** How many bytes from a fragment's start its headers take, at most as read (the `moof` box and the `mdat` header
 * after it: a few hundred bytes to a few KiB per track): the pieces over this many bytes are fetched. */
export const FRAGMENT_HEADER_BYTES = 8 * 1024;

/**
 * The pieces that hold each fragment's headers (`offsets` in the file, which starts at `fileOffset` in the torrent),
 * in file order without repeats.
 */
export function fragmentHeaderPieces(
  offsets: readonly number[],
  fileOffset: number,
  fileLength: number,
  pieceLength: number,
): number[] {
  const pieces = new Set<number>();
  for (const offset of offsets) {
    if (!(offset >= 0 && offset < fileLength)) continue;
    const first = Math.floor((fileOffset + offset) / pieceLength);
    const end = Math.min(fileLength, offset + FRAGMENT_HEADER_BYTES);
    const last = Math.floor((fileOffset + end - 1) / pieceLength);
    for (let index = first; index <= last; index++) pieces.add(index);
  }
  return [...pieces].sort((a, b) => a - b);
}

/** Fragment header pieces on their way at most (a bound on the deadlines one played file adds). */
export const FRAGMENT_BATCH = 64;

/**
 * The fragments' header pieces of a file being played, wished a batch at a time in file order (the order a player
 * walks them): the next batch once fewer than half of the last are still on their way.
 */
export class FragmentQueue {
  private next = 0;
  private readonly onTheirWay = new Set<number>();

  constructor(private readonly pieces: readonly number[]) {}

  /** A piece was verified. */
  stored(index: number): void {
    this.onTheirWay.delete(index);
  }

  /** The pieces to wish now, in order (none while more than half a batch is on its way); `have`: stored already. */
  take(have: (index: number) => boolean): number[] {
    if (this.onTheirWay.size >= FRAGMENT_BATCH / 2) return [];
    const batch: number[] = [];
    while (this.next < this.pieces.length && this.onTheirWay.size < FRAGMENT_BATCH) {
      const index = this.pieces[this.next++];
      if (have(index)) continue;
      this.onTheirWay.add(index);
      batch.push(index);
    }
    return batch;
  }
}
