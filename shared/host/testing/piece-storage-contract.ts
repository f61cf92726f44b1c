// The PieceStorage contract as one suite: every implementation (the worker's stores, the Node host's disk store)
// runs it against a torrent of 5 pieces of 48 bytes, the last of 20 (a file store places them by that layout).
import { describe, expect, it } from 'vitest';
import { PieceReadError, type PieceStorage } from '../piece-storage';

/** The contract's torrent: 5 pieces of 48 bytes, the last of 20. */
export const CONTRACT_LAYOUT = { pieceLength: 48, length: 4 * 48 + 20 } as const;

export function contractPiece(length: number, seed: number): ArrayBuffer {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + seed) & 0xff;
  return bytes.buffer;
}

/** Runs the contract against each implementation `make` returns (a fresh, empty store per test). */
export function describePieceStorageContract(
  implementations: Array<[string, () => PieceStorage | Promise<PieceStorage>]>,
): void {
  describe.each(implementations)('the PieceStorage contract: %s', (_, make) => {
    it('reads back the blocks of written pieces, and knows which pieces it holds', async () => {
      const storage = await make();
      const a = contractPiece(48, 1);
      const b = contractPiece(20, 2);
      await Promise.all([storage.writePiece(0, a), storage.writePiece(4, b)]);
      expect([...(await storage.readBlock(0, 16, 16))]).toEqual([...new Uint8Array(a, 16, 16)]);
      expect([...(await storage.readBlock(4, 0, 20))]).toEqual([...new Uint8Array(b)]);
      const have = await storage.verifiedPieces(5);
      expect([0, 1, 2, 3, 4].map((i) => have.get(i))).toEqual([true, false, false, false, true]);
      const [first, last] = await storage.readPieces([0, 4]);
      expect(new Uint8Array(first)).toEqual(new Uint8Array(a));
      expect(new Uint8Array(last)).toEqual(new Uint8Array(b));
    });

    it('refuses a block of a missing piece or outside a piece, and a missing piece for Save', async () => {
      const storage = await make();
      await storage.writePiece(1, contractPiece(48, 3));
      await expect(storage.readBlock(0, 0, 16)).rejects.toBeInstanceOf(PieceReadError);
      await expect(storage.readBlock(1, 16, 33)).rejects.toThrow(/beyond piece 1/);
      await expect(storage.readBlock(1, -1, 4)).rejects.toBeInstanceOf(PieceReadError);
      await expect(storage.readPieces([1, 2])).rejects.toThrow(/piece 2 is missing/);
    });

    it('deletes every piece', async () => {
      const storage = await make();
      await storage.writePiece(0, contractPiece(48, 4));
      await storage.writePiece(1, contractPiece(48, 5));
      await storage.deleteAll();
      expect((await storage.verifiedPieces(2)).count()).toBe(0);
      await expect(storage.readBlock(0, 0, 16)).rejects.toBeInstanceOf(PieceReadError);
    });
  });
}
