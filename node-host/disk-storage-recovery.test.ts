// A disk that refused a write and then works again: the pieces and the verified map written afterwards are right.
import { readFile, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { contractPiece } from '../shared/host/testing/piece-storage-contract';
import { DiskPieceStorage, type DiskLayout } from './disk-storage';
import { FilePool } from './file-pool';
import { Scratch } from './testing/fixtures';

const scratch = new Scratch('disk-recovery');
afterEach(() => scratch.cleanup());
const folder = (): Promise<string> => scratch.folder();

// Three pieces of 16 bytes in two files.
const layout: DiskLayout = {
  name: 'share',
  pieceLength: 16,
  length: 48,
  multiFile: true,
  files: [
    { path: ['a.bin'], length: 20, offset: 0 },
    { path: ['b.bin'], length: 28, offset: 20 },
  ],
};

const piece = (index: number): Uint8Array => new Uint8Array(contractPiece(16, index));

describe('DiskPieceStorage after a failed write', () => {
  it('writes the verified map again once its folder can be made, and the map holds every verified piece', async () => {
    const root = await folder();
    // A file where the map's folder goes: making the folder fails until the file is gone.
    const blocker = join(root, 'state');
    await writeFile(blocker, 'not a folder');
    const map = join(blocker, 'verified');
    const storage = new DiskPieceStorage(root, layout, map);
    await expect(storage.writePiece(0, piece(0).slice().buffer)).rejects.toThrow();
    await expect(storage.writePiece(1, piece(1).slice().buffer)).rejects.toThrow();
    await rm(blocker);
    await storage.writePiece(2, piece(2).slice().buffer);
    await storage.markVerified([]);
    await storage.close();

    const again = new DiskPieceStorage(root, layout, map);
    await again.load();
    const have = await again.verifiedPieces(3);
    expect([0, 1, 2].map((i) => have.get(i))).toEqual([true, true, true]);
    for (const i of [0, 1, 2]) expect([...(await again.readBlock(i, 0, 16))]).toEqual([...piece(i)]);
    expect((await readFile(map)).length).toBe(1);
    await again.close();
  });

  it('writes a piece once the folder its files go in can be made again', async () => {
    const root = await folder();
    const blocker = join(root, 'share');
    await writeFile(blocker, 'not a folder');
    const storage = new DiskPieceStorage(root, layout);
    await expect(storage.writePiece(1, piece(1).slice().buffer)).rejects.toThrow();
    expect((await storage.verifiedPieces(3)).get(1)).toBe(false);
    await expect(storage.readBlock(1, 0, 16)).rejects.toThrow('missing');
    await rm(blocker);
    await storage.writePiece(1, piece(1).slice().buffer);
    expect([...(await storage.readBlock(1, 0, 16))]).toEqual([...piece(1)]);
    await storage.close();
  });
});

/** Files whose writes take at most 3 bytes at a time, as a disk about to fill up may do without an error. */
class ShortWrites extends FilePool {
  override use<T>(path: string, work: (handle: FileHandle) => Promise<T>): Promise<T> {
    return super.use(path, (handle) => {
      const write = (bytes: Uint8Array, at: number, length: number, position: number) =>
        handle.write(bytes, at, Math.min(3, length), position);
      return work(
        new Proxy(handle, { get: (target, key) => (key === 'write' ? write : Reflect.get(target, key)) }),
      );
    });
  }
}

describe('DiskPieceStorage on a disk that takes part of a write', () => {
  it('writes on until the whole piece is on disk', async () => {
    const root = await folder();
    const storage = new DiskPieceStorage(root, layout, undefined, new ShortWrites(2));
    for (const i of [0, 1, 2]) await storage.writePiece(i, piece(i).slice().buffer);
    const whole = [...piece(0), ...piece(1), ...piece(2)];
    expect([...(await readFile(join(root, 'share', 'a.bin')))]).toEqual(whole.slice(0, 20));
    expect([...(await readFile(join(root, 'share', 'b.bin')))]).toEqual(whole.slice(20));
    await storage.close();
  });
});
