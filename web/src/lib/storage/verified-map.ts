// The verified-piece map of a torrent whose bytes live in an origin-private file: one bit per piece, kept in
// IndexedDB under verified:<storageId> and written only after the file was flushed (a set bit means the bytes are
// on disk and matched their hash). The engine worker writes it; the service worker reads it before it reads a file.
import { fromHex, toHex } from '../../../../shared/codec/hex';

/** How the map is stored: a plain object (not an ArrayBuffer), so the batch writer keeps one per transaction. */
export interface StoredVerifiedMap {
  bits: string;
}

export class VerifiedMap {
  private bytes: Uint8Array;

  constructor(bytes: Uint8Array = new Uint8Array(0)) {
    this.bytes = bytes;
  }

  /** The map a stored value holds; an empty one for anything else (absent, or not ours). */
  static fromStored(value: unknown): VerifiedMap {
    const bits = (value as Partial<StoredVerifiedMap> | undefined)?.bits;
    if (typeof bits !== 'string' || bits.length % 2 !== 0 || !/^[0-9a-f]*$/.test(bits))
      return new VerifiedMap();
    return new VerifiedMap(fromHex(bits));
  }

  has(index: number): boolean {
    const byte = index >> 3;
    return index >= 0 && byte < this.bytes.length && (this.bytes[byte] & (0x80 >> (index & 7))) !== 0;
  }

  add(index: number): void {
    const byte = index >> 3;
    if (byte >= this.bytes.length) {
      const grown = new Uint8Array(Math.max(byte + 1, this.bytes.length * 2));
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.bytes[byte] |= 0x80 >> (index & 7);
  }

  /** The indices set below `limit`, in order. */
  indices(limit: number): number[] {
    const found: number[] = [];
    for (let i = 0; i < Math.min(limit, this.bytes.length * 8); i++) if (this.has(i)) found.push(i);
    return found;
  }

  toStored(): StoredVerifiedMap {
    let end = this.bytes.length;
    while (end > 0 && this.bytes[end - 1] === 0) end--;
    return { bits: toHex(this.bytes.subarray(0, end)) };
  }
}
