import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../lib/storage/storage';
import { BatchWriter } from './batch-writer';
import { PieceCache } from './piece-cache';
import { KeyValuePieceStorage, MemoryPieceStorage, PieceReadError, type PieceStorage } from './piece-storage';
import { PieceFiles, SyncFilePieceStorage } from './piece-file';
import { MemoryFileDirectory } from './sync-file';

function piece(length: number, seed: number): ArrayBuffer {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + seed) & 0xff;
  return bytes.buffer;
}

function keyValue(storageId = 'ab'.repeat(20)) {
  const store = new MemoryStore();
  const writer = new BatchWriter(store, { delayMs: 1 });
  const cache = new PieceCache(store, writer);
  return { store, writer, storage: new KeyValuePieceStorage(store, writer, cache, storageId) };
}

/** The file store over an in-memory directory: pieces of 48 bytes (the last of the 5 is 20). */
function syncFile(storageId = 'ab'.repeat(20)) {
  const { store, writer, storage: legacy } = keyValue(storageId);
  const directory = new MemoryFileDirectory();
  const files = new PieceFiles(directory, store, writer);
  const layout = () => ({ pieceLength: 48, length: 4 * 48 + 20 });
  return { store, writer, directory, storage: new SyncFilePieceStorage(files, storageId, layout, legacy) };
}

const implementations: Array<[string, () => PieceStorage]> = [
  ['MemoryPieceStorage', () => new MemoryPieceStorage()],
  ['KeyValuePieceStorage', () => keyValue().storage],
  ['SyncFilePieceStorage', () => syncFile().storage],
];

// Pieces of one torrent of 5 pieces of 48 bytes, the last of 20 (a file store places them by that layout).
describe.each(implementations)('the PieceStorage contract: %s', (_, make) => {
  it('reads back the blocks of written pieces, and knows which pieces it holds', async () => {
    const storage = make();
    const a = piece(48, 1);
    const b = piece(20, 2);
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
    const storage = make();
    await storage.writePiece(1, piece(48, 3));
    await expect(storage.readBlock(0, 0, 16)).rejects.toBeInstanceOf(PieceReadError);
    await expect(storage.readBlock(1, 16, 33)).rejects.toThrow(/beyond piece 1/);
    await expect(storage.readBlock(1, -1, 4)).rejects.toBeInstanceOf(PieceReadError);
    await expect(storage.readPieces([1, 2])).rejects.toThrow(/piece 2 is missing/);
  });

  it('deletes every piece', async () => {
    const storage = make();
    await storage.writePiece(0, piece(48, 4));
    await storage.writePiece(1, piece(48, 5));
    await storage.deleteAll();
    expect((await storage.verifiedPieces(2)).count()).toBe(0);
    await expect(storage.readBlock(0, 0, 16)).rejects.toBeInstanceOf(PieceReadError);
  });
});

describe('KeyValuePieceStorage', () => {
  it('keeps the stored key layout (piece:<storageId>:<index>), so earlier downloads still resume', async () => {
    const { store, writer, storage } = keyValue('share-0123');
    await storage.writePiece(7, piece(16, 6));
    await writer.flush();
    expect([...store.data.keys()]).toEqual(['piece:share-0123:7']);
  });

  it('batches writes, and serves reads of a piece still waiting in the batch', async () => {
    const { store, writer, storage } = keyValue();
    let transactions = 0;
    const setMany = store.setMany.bind(store);
    store.setMany = (entries) => {
      transactions++;
      return setMany(entries);
    };
    const writes = [0, 1, 2, 3].map((i) => storage.writePiece(i, piece(16, i)));
    // Before the batch lands, a read for serving and a read for Save see the queued pieces.
    expect([...(await storage.readBlock(2, 0, 4))]).toEqual([...new Uint8Array(piece(16, 2), 0, 4)]);
    expect((await storage.readPieces([3])).map((p) => p.byteLength)).toEqual([16]);
    await Promise.all(writes);
    await writer.flush();
    expect(transactions).toBe(1);
  });

  it('a delete is not overtaken by the writes queued before it, and a resume check waits for it', async () => {
    const { store, storage } = keyValue();
    void storage.writePiece(0, piece(16, 7));
    const deleted = storage.deleteAll();
    const have = storage.verifiedPieces(1);
    await deleted;
    expect((await have).count()).toBe(0);
    expect([...store.data.keys()]).toEqual([]);
  });

  it('a store that fails rejects the write with its error', async () => {
    const { store, storage } = keyValue();
    store.quotaBytes = 8;
    await expect(storage.writePiece(0, piece(16, 8))).rejects.toThrow();
  });
});
