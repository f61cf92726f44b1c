import { describe, expect, it } from 'vitest';
import { MemoryStore, pieceKey, verifiedKey } from '../../lib/storage/storage';
import { VerifiedMap } from '../../lib/storage/verified-map';
import { BatchWriter } from './batch-writer';
import { PieceCache } from './piece-cache';
import { PieceFiles, SyncFilePieceStorage } from './piece-file';
import { KeyValuePieceStorage } from './key-value-storage';
import { MemoryFileDirectory, type MemorySyncFile } from './sync-file';

const ID = 'cd'.repeat(20);
/** 4 pieces of 32 bytes, the last of 10. */
const LAYOUT = { pieceLength: 32, length: 3 * 32 + 10 };

function piece(length: number, seed: number): ArrayBuffer {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 7 + seed) & 0xff;
  return bytes.buffer;
}

function setup(store = new MemoryStore(), directory = new MemoryFileDirectory()) {
  const writer = new BatchWriter(store, { delayMs: 1 });
  const cache = new PieceCache(store, writer);
  const files = new PieceFiles(directory, store, writer);
  const make = (id = ID) =>
    new SyncFilePieceStorage(files, id, () => LAYOUT, new KeyValuePieceStorage(store, writer, cache, id));
  return { store, directory, writer, files, storage: make(), make };
}

describe('SyncFilePieceStorage', () => {
  it('puts piece i at i × piece length of one file named by the storage id, and no piece bytes in the store', async () => {
    const { store, directory, writer, storage } = setup();
    await storage.writePiece(2, piece(32, 1));
    await storage.writePiece(3, piece(10, 2));
    await writer.flush();
    const file = directory.files.get(ID)!;
    expect(file.size).toBe(106);
    expect([...file.bytes.subarray(64, 96)]).toEqual([...new Uint8Array(piece(32, 1))]);
    expect([...store.data.keys()]).toEqual([verifiedKey(ID)]);
    expect(VerifiedMap.fromStored(store.data.get(verifiedKey(ID))).indices(4)).toEqual([2, 3]);
  });

  it('writes a piece bit only after its bytes were flushed', async () => {
    const { store, directory, storage } = setup();
    const checked: boolean[] = [];
    const setMany = store.setMany.bind(store);
    store.setMany = (entries) => {
      for (const [key, value] of entries) {
        if (key !== verifiedKey(ID)) continue;
        const file = directory.files.get(ID)!;
        for (const index of VerifiedMap.fromStored(value).indices(4)) {
          const at = index * 32;
          const size = Math.min(32, LAYOUT.length - at);
          checked.push(file.durable.length >= at + size);
        }
      }
      return setMany(entries);
    };
    await Promise.all([0, 1, 2].map((i) => storage.writePiece(i, piece(32, i))));
    expect(checked.length).toBeGreaterThan(0);
    expect(checked.every(Boolean)).toBe(true);
  });

  it('flushes once for all the pieces a transaction counts, and a failed flush fails their writes', async () => {
    const { directory, storage, writer } = setup();
    await storage.writePiece(0, piece(32, 1));
    const file = directory.files.get(ID)!;
    let flushes = 0;
    const flush = file.flush.bind(file);
    file.flush = () => {
      flushes++;
      flush();
    };
    await writer.together(() => Promise.all([1, 2].map((i) => storage.writePiece(i, piece(32, i)))));
    expect(flushes).toBe(1);
    file.flush = () => {
      throw new DOMException('disk gone', 'InvalidStateError');
    };
    await expect(storage.writePiece(3, piece(10, 3))).rejects.toThrow('disk gone');
  });

  it('a piece the file cannot grow to hold goes to the store; when neither has room, the quota error', async () => {
    const directory = new MemoryFileDirectory();
    directory.quotaBytes = 40;
    const store = new MemoryStore();
    const { storage, writer } = setup(store, directory);
    await storage.writePiece(0, piece(32, 1));
    await storage.writePiece(3, piece(10, 2));
    await writer.flush();
    expect(directory.files.get(ID)!.size).toBe(32);
    expect(store.data.has(pieceKey(ID, 3))).toBe(true);
    store.quotaBytes = store.usedBytes() + 8;
    await expect(storage.writePiece(1, piece(32, 3))).rejects.toMatchObject({ name: 'QuotaExceededError' });
    const have = await storage.verifiedPieces(4);
    expect([0, 1, 2, 3].map((i) => have.get(i))).toEqual([true, false, false, true]);
    expect([...(await storage.readBlock(3, 0, 10))]).toEqual([...new Uint8Array(piece(10, 2))]);
  });

  it('a short write (Chromium past the quota) counts as a full file', async () => {
    const directory = new MemoryFileDirectory();
    const { store, storage, writer } = setup(new MemoryStore(), directory);
    await storage.writePiece(0, piece(32, 1));
    const file = directory.files.get(ID)!;
    file.write = () => 4294967288;
    await storage.writePiece(1, piece(32, 2));
    await writer.flush();
    expect(store.data.has(pieceKey(ID, 1))).toBe(true);
    expect((await storage.verifiedPieces(4)).count()).toBe(2);
  });

  it('refuses a piece whose size is not the layout’s', async () => {
    const { storage } = setup();
    await expect(storage.writePiece(0, piece(31, 1))).rejects.toThrow(/31 bytes, not 32/);
    await expect(storage.writePiece(3, piece(32, 1))).rejects.toThrow(/not 10/);
  });

  it('storages of one id share the open file (the handle is exclusive)', async () => {
    const { make, writer } = setup();
    const first = make();
    const second = make();
    await first.writePiece(0, piece(32, 1));
    await second.writePiece(1, piece(32, 2));
    await writer.flush();
    expect((await first.verifiedPieces(4)).count()).toBe(2);
    expect([...(await second.readBlock(0, 0, 4))]).toEqual([...new Uint8Array(piece(32, 1), 0, 4)]);
  });

  it('after a restart reads the pieces back from the file and the stored map', async () => {
    const { store, directory, writer, storage } = setup();
    await storage.writePiece(1, piece(32, 5));
    await writer.flush();
    // The worker went away: its handle with it.
    (directory.files.get(ID) as MemorySyncFile).close();
    const again = setup(store, directory).storage;
    expect((await again.verifiedPieces(4)).get(1)).toBe(true);
    const [bytes] = await again.readPieces([1]);
    expect(new Uint8Array(bytes)).toEqual(new Uint8Array(piece(32, 5)));
  });

  it('reads the pieces a torrent stored in IndexedDB before (today’s format), and deletes them with the file', async () => {
    // The fixture: what the IndexedDB store wrote for pieces 0 and 3 (piece:<storageId>:<index> → ArrayBuffer).
    const store = new MemoryStore();
    await store.setMany([
      [pieceKey(ID, 0), piece(32, 10)],
      [pieceKey(ID, 3), piece(10, 13)],
      ['torrent:' + ID, { infoHashHex: ID, storageId: ID }],
    ]);
    const { directory, writer, storage } = setup(store);
    await storage.writePiece(1, piece(32, 11));
    const have = await storage.verifiedPieces(4);
    expect([0, 1, 2, 3].map((i) => have.get(i))).toEqual([true, true, false, true]);
    expect([...(await storage.readBlock(3, 2, 8))]).toEqual([...new Uint8Array(piece(10, 13), 2, 8)]);
    const [old, fresh] = await storage.readPieces([0, 1]);
    expect(new Uint8Array(old)).toEqual(new Uint8Array(piece(32, 10)));
    expect(new Uint8Array(fresh)).toEqual(new Uint8Array(piece(32, 11)));
    await storage.deleteAll();
    await writer.flush();
    expect([...store.data.keys()]).toEqual(['torrent:' + ID]);
    expect(directory.files.has(ID)).toBe(false);
  });

  it('deleteAll closes and removes the file; the same id then starts from nothing', async () => {
    const { store, directory, writer, storage, make } = setup();
    await storage.writePiece(0, piece(32, 1));
    const queued = storage.writePiece(1, piece(32, 2));
    await storage.deleteAll();
    await queued;
    await writer.flush();
    expect(directory.files.has(ID)).toBe(false);
    expect(store.data.has(verifiedKey(ID))).toBe(false);
    const again = make();
    expect((await again.verifiedPieces(4)).count()).toBe(0);
    await again.writePiece(2, piece(32, 3));
    expect((await again.verifiedPieces(4)).count()).toBe(1);
    expect(directory.files.get(ID)!.size).toBe(96);
  });

  it('a delete while the file is still opening: the write before it is dropped, the one after starts afresh', async () => {
    const { directory, writer, storage, make } = setup();
    const before = storage.writePiece(0, piece(32, 1));
    const deleted = storage.deleteAll();
    const after = make().writePiece(1, piece(32, 2));
    await Promise.all([before, deleted, after]);
    await writer.flush();
    const have = await make().verifiedPieces(4);
    expect([0, 1, 2, 3].map((i) => have.get(i))).toEqual([false, true, false, false]);
    expect(directory.files.get(ID)!.open).toBe(true);
  });

  it('deletes the files of shares without a record, and only those', async () => {
    const { files, directory, make } = setup();
    await make('share-aa').writePiece(0, piece(32, 1));
    await make('share-bb').writePiece(0, piece(32, 1));
    await make(ID).writePiece(0, piece(32, 1));
    expect(await files.deleteOrphans(new Set(['share-bb']), 'share-')).toBe(1);
    expect([...directory.files.keys()].sort()).toEqual([ID, 'share-bb'].sort());
  });
});

describe('VerifiedMap', () => {
  it('round-trips through its stored form and ignores what is not one', () => {
    const map = new VerifiedMap();
    for (const index of [0, 9, 17, 100]) map.add(index);
    const back = VerifiedMap.fromStored(structuredClone(map.toStored()));
    expect(back.indices(200)).toEqual([0, 9, 17, 100]);
    expect(back.indices(50)).toEqual([0, 9, 17]);
    expect(VerifiedMap.fromStored(undefined).indices(8)).toEqual([]);
    expect(VerifiedMap.fromStored({ bits: 'zz' }).has(0)).toBe(false);
  });
});
