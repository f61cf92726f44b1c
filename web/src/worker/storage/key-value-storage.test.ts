import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../lib/storage/storage';
import { BatchWriter } from './batch-writer';
import { PieceCache } from './piece-cache';
import type { PieceStorage } from '../../../../shared/host/piece-storage';
import { KeyValuePieceStorage } from './key-value-storage';
import { PieceFiles, SyncFilePieceStorage } from './piece-file';
import { MemoryFileDirectory } from './sync-file';
import {
  contractPiece,
  describePieceStorageContract,
} from '../../../../shared/host/testing/piece-storage-contract';

const piece = contractPiece;

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
  ['KeyValuePieceStorage', () => keyValue().storage],
  ['SyncFilePieceStorage', () => syncFile().storage],
];

describePieceStorageContract(implementations);

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
