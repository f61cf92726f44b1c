import { describe, expect, it } from 'vitest';
import { MemoryStore, pieceKey, totalsKey } from '../../lib/storage/storage';
import type { TorrentRecord } from '../storage/records';
import { MemoryFileDirectory } from '../storage/sync-file';
import { ClientStorage } from './client-storage';

const HASH = 'a'.repeat(40);
const record: TorrentRecord = {
  infoHashHex: HASH,
  name: 'movie',
  trackers: [],
  storageId: HASH,
  addedAt: 1,
  uploaded: 0,
  downloaded: 0,
  paused: false,
};
const layout = () => ({ pieceLength: 4, length: 8 });

describe('ClientStorage', () => {
  it("writes records, and deletes a torrent's record, totals, layers and pieces together", async () => {
    const store = new MemoryStore();
    const storage = new ClientStorage(store, { writer: { delayMs: 0 } });
    await storage.writeRecords([record]);
    await store.setMany([[totalsKey(HASH), { uploaded: 1, downloaded: 1 }]]);
    await storage.keepPieceLayers(HASH, new Map([['b'.repeat(64), new Uint8Array([1, 2])]]));
    const pieces = storage.storedPieces(HASH, storage.writer, layout);
    await pieces.writePiece(0, new Uint8Array([1, 2, 3, 4]).buffer);
    await storage.writer.flush();
    expect(store.data.has(pieceKey(HASH, 0))).toBe(true);
    await storage.deleteStorage(pieces, record);
    expect([...store.data.keys()]).toEqual([]);
  });

  it('keeps piece layers beside the record and reads them back', async () => {
    const storage = new ClientStorage(new MemoryStore());
    expect(await storage.storedLayers(HASH)).toBeUndefined();
    const layer = new Uint8Array(32).fill(7);
    await storage.keepPieceLayers(HASH, new Map([['c'.repeat(64), layer]]));
    expect(await storage.storedLayers(HASH)).toEqual(new Map([['c'.repeat(64), layer]]));
  });

  it('leaves a failed write of records or layers to be reported elsewhere', async () => {
    const store = new MemoryStore();
    store.failure = new Error('disk gone');
    const storage = new ClientStorage(store);
    await expect(storage.writeRecords([record])).resolves.toBeUndefined();
    await expect(storage.keepPieceLayers(HASH, new Map())).resolves.toBeUndefined();
    expect(await storage.storedLayers(HASH)).toBeUndefined();
  });

  it('deletes the pieces of shares that never got a record, in the store and in the piece files', async () => {
    const store = new MemoryStore();
    const directory = new MemoryFileDirectory();
    const storage = new ClientStorage(store, { pieceDirectory: directory, writer: { delayMs: 0 } });
    const kept = { ...record, storageId: 'share-kept' };
    await store.setMany([
      [pieceKey('share-kept', 0), new ArrayBuffer(4)],
      [pieceKey('share-orphan', 0), new ArrayBuffer(4)],
    ]);
    const orphan = storage.storedPieces('share-orphan-file', storage.writer, layout);
    await orphan.writePiece(0, new ArrayBuffer(4));
    await storage.writer.flush();
    const filesBefore = await directory.list();
    await storage.deleteOrphans([kept]);
    expect([...store.data.keys()].filter((key) => key.startsWith('piece:'))).toEqual([
      pieceKey('share-kept', 0),
    ]);
    expect((await directory.list()).length).toBeLessThan(filesBefore.length);
  });
});
