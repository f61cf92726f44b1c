import { describe, expect, it } from 'vitest';
import { createInfo } from '../../../../shared/codec/metainfo';
import { createAnyInfo } from '../../../../shared/codec/metainfo-v2';
import { subtleSha1, subtleSha256 } from '../../lib/hash';
import type { PieceStorage } from '../../../../shared/host/piece-storage';
import { FilePieceStorage, SharedFileError, isSharedFileRefs, type SharedFileRef } from './shared-files';

/** A file handle over bytes that the test may change, as the user's disk would. */
class FakeHandle {
  readonly kind = 'file';
  lastModified = 1000;
  denied = false;
  reads = 0;
  constructor(public bytes: Uint8Array) {}
  async getFile() {
    if (this.denied) throw Object.assign(new Error('not allowed'), { name: 'NotAllowedError' });
    this.reads++;
    const blob = new Blob([this.bytes as Uint8Array<ArrayBuffer>]);
    return Object.assign(blob, { lastModified: this.lastModified });
  }
}

function bytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 7 + seed * 13) & 0xff;
  return out;
}

/** Two files of 40 and 30 bytes in pieces of 16: piece 2 spans both files. */
async function twoFiles() {
  const a = new FakeHandle(bytes(40, 1));
  const b = new FakeHandle(bytes(30, 2));
  const info = await createInfo(
    [
      { path: ['a.bin'], length: 40, read: async (at, n) => a.bytes.slice(at, at + n) },
      { path: ['b.bin'], length: 30, read: async (at, n) => b.bytes.slice(at, at + n) },
    ],
    { name: 'pair', sha1: subtleSha1, pieceLength: 16 },
  );
  const refs: SharedFileRef[] = [
    { handle: a, path: ['a.bin'], size: 40, lastModified: 1000 },
    { handle: b, path: ['b.bin'], size: 30, lastModified: 1000 },
  ];
  const all = new Uint8Array(70);
  all.set(a.bytes);
  all.set(b.bytes, 40);
  return { a, b, info, refs, all, storage: new FilePieceStorage(refs, info, subtleSha1) };
}

describe('FilePieceStorage: pieces read in place from the shared files', () => {
  it('reads blocks and whole pieces across file boundaries, verified, and holds every piece', async () => {
    const { storage, all, info } = await twoFiles();
    expect([...(await storage.readBlock(2, 4, 12))]).toEqual([...all.subarray(36, 48)]);
    const pieces = await storage.readPieces([0, 4]);
    expect(new Uint8Array(pieces[0])).toEqual(all.subarray(0, 16));
    expect(new Uint8Array(pieces[1])).toEqual(all.subarray(64, 70));
    expect((await storage.verifiedPieces(info.pieceCount)).count()).toBe(info.pieceCount);
  });

  it('never writes (nothing is copied into storage)', async () => {
    const storage: PieceStorage = (await twoFiles()).storage;
    await expect(storage.writePiece(0, new ArrayBuffer(16))).rejects.toThrow(/not written to/);
  });

  it('refuses a piece whose bytes changed on disk, naming the file, even with the same size and date', async () => {
    const { storage, b } = await twoFiles();
    b.bytes = b.bytes.slice();
    b.bytes[20] ^= 0xff; // byte 60 of the torrent: piece 3
    await expect(storage.readBlock(3, 0, 16)).rejects.toThrow(
      new SharedFileError('The shared file b.bin changed on disk; share it again'),
    );
    // The pieces of the unchanged file still read.
    expect((await storage.readBlock(0, 0, 16)).length).toBe(16);
  });

  it('refuses a file whose size or modification time differ from the share, before reading it', async () => {
    const { storage, a, info } = await twoFiles();
    a.lastModified = 2000;
    await expect(storage.verifiedPieces(info.pieceCount)).rejects.toThrow(/a\.bin changed on disk/);
    await expect(storage.readBlock(1, 0, 16)).rejects.toBeInstanceOf(SharedFileError);
  });

  it('tells a missing permission apart (Resume sharing asks for it again)', async () => {
    const { storage, a, info } = await twoFiles();
    a.denied = true;
    const error = await storage.verifiedPieces(info.pieceCount).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SharedFileError);
    expect((error as SharedFileError).permission).toBe(true);
    expect((error as SharedFileError).message).toMatch(/permission to read a\.bin/);
  });

  it('keeps a few verified pieces for the blocks of one request, not the whole file', async () => {
    const { storage, a } = await twoFiles();
    for (let begin = 0; begin < 16; begin += 4) await storage.readBlock(0, begin, 4);
    expect(a.reads).toBe(1);
  });

  it('keeps at most 8 verified pieces in memory (the oldest read again from the file)', async () => {
    const handle = new FakeHandle(bytes(16 * 12, 3));
    const info = await createInfo(
      [{ path: ['x'], length: 16 * 12, read: async (at, n) => handle.bytes.slice(at, at + n) }],
      { name: 'x', sha1: subtleSha1, pieceLength: 16 },
    );
    const storage = new FilePieceStorage(
      [{ handle, path: ['x'], size: 16 * 12, lastModified: 1000 }],
      info,
      subtleSha1,
    );
    for (let index = 0; index < 9; index++) await storage.readBlock(index, 0, 16);
    expect(handle.reads).toBe(9);
    await storage.readBlock(8, 0, 16); // kept
    await storage.readBlock(1, 0, 16); // kept
    expect(handle.reads).toBe(9);
    await storage.readBlock(0, 0, 16); // the oldest, dropped when the ninth came
    expect(handle.reads).toBe(10);
  });

  it('checks the files in turns, a few per check, and finds the one that changed', async () => {
    const { storage, b } = await twoFiles();
    b.lastModified = 5;
    await expect(storage.checkSome(1)).resolves.toBeUndefined(); // a.bin: unchanged
    await expect(storage.checkSome(1)).rejects.toThrow(/b\.bin changed on disk/);
  });

  it('checks what a stored record holds before trusting it as shared files', () => {
    expect(
      isSharedFileRefs([{ handle: new FakeHandle(bytes(1, 1)), path: ['x'], size: 1, lastModified: 1 }]),
    ).toBe(true);
    expect(isSharedFileRefs([{ handle: {}, path: ['x'], size: 1, lastModified: 1 }])).toBe(false);
    expect(isSharedFileRefs([])).toBe(false);
    expect(isSharedFileRefs('x')).toBe(false);
  });

  it('reads a hybrid torrent in place: pad files are zeros read from no file, and never need a handle', async () => {
    const piece = 16 * 1024;
    const a = new FakeHandle(bytes(piece + 100, 3));
    const b = new FakeHandle(bytes(piece * 2 + 5, 4));
    const { info } = await createAnyInfo(
      [
        { path: ['a.bin'], length: a.bytes.length, read: async (at, n) => a.bytes.slice(at, at + n) },
        { path: ['b.bin'], length: b.bytes.length, read: async (at, n) => b.bytes.slice(at, at + n) },
      ],
      { name: 'pair', sha1: subtleSha1, sha256: subtleSha256, pieceLength: piece },
    );
    const v1 = info.v1!;
    expect(v1.files.map((f) => f.pad === true)).toEqual([false, true, false, true]);
    const storage = new FilePieceStorage(
      [
        { handle: a, path: ['a.bin'], size: a.bytes.length, lastModified: 1000 },
        { handle: b, path: ['b.bin'], size: b.bytes.length, lastModified: 1000 },
      ],
      v1,
      subtleSha1,
    );
    // Piece 1: the last 100 bytes of a.bin, then its pad file's zeros.
    const second = new Uint8Array((await storage.readPieces([1]))[0]);
    expect(second.subarray(0, 100)).toEqual(a.bytes.subarray(piece));
    expect(second.subarray(100).every((byte) => byte === 0)).toBe(true);
    // Piece 4: the last 5 bytes of b.bin and the tail pad.
    expect([...(await storage.readBlock(4, 0, 8))]).toEqual([...b.bytes.subarray(piece * 2), 0, 0, 0]);
    expect((await storage.verifiedPieces(v1.pieceCount)).count()).toBe(5);
    // A pad file is not one of the shared files: listing it as one is refused.
    expect(
      () => new FilePieceStorage([{ handle: a, path: ['a.bin'], size: 1, lastModified: 1 }], v1, subtleSha1),
    ).toThrow(SharedFileError);
    b.bytes[0] ^= 1; // piece 2, not read yet
    await expect(storage.readBlock(2, 0, 8)).rejects.toThrow(/b\.bin changed on disk/);
  });
});
