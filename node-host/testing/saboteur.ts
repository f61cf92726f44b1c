// A saboteur for the tests of bad data on the wire: a store that serves the second 16 KiB block of every piece with
// one byte flipped, and reads whole pieces (what a leaf-hash answer hashes) honestly. A peer seeding through it sends
// one bad block per piece of several blocks while its hashes stay true, so only block-layer hashes (BEP 52) tell
// which of a piece's senders was wrong.
import { DiskPieceStorage, type DiskLayout } from '../disk-storage';

/** Where in a piece the saboteur's bad block starts. */
export const BAD_BLOCK_BEGIN = 16 * 1024;

export class CorruptingStorage extends DiskPieceStorage {
  /** Bad blocks served so far. */
  corrupted = 0;

  override async readBlock(index: number, begin: number, length: number): Promise<Uint8Array> {
    const bytes = await super.readBlock(index, begin, length);
    if (begin !== BAD_BLOCK_BEGIN || length === 0) return bytes;
    bytes[0] ^= 0xff;
    this.corrupted++;
    return bytes;
  }
}

/** A NodeHost `openStorage` that opens CorruptingStorage and hands it to `keep` (to count its bad blocks). */
export function corruptingStore(keep: (storage: CorruptingStorage) => void) {
  return (folder: string, layout: DiskLayout, verifiedPath?: string): DiskPieceStorage => {
    const storage = new CorruptingStorage(folder, layout, verifiedPath);
    keep(storage);
    return storage;
  };
}
