import { readFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { contractPiece } from '../shared/host/testing/piece-storage-contract';
import { DiskPieceStorage, type DiskLayout } from './disk-storage';
import { FilePool, MAX_OPEN_FILES, processFiles } from './file-pool';
import { Scratch } from './testing/fixtures';

const scratch = new Scratch('file-pool');
afterEach(() => scratch.cleanup());
const folder = (): Promise<string> => scratch.folder();

/** A pool that notes the most descriptors it held while any work ran. */
class WatchedPool extends FilePool {
  most = 0;
  override use<T>(path: string, work: (handle: FileHandle) => Promise<T>): Promise<T> {
    return super.use(path, (handle) => {
      this.most = Math.max(this.most, this.open);
      return work(handle);
    });
  }
}

/** `count` files of 7 bytes in pieces of 16: most pieces span three files. */
function manyFiles(count: number): DiskLayout {
  const files = Array.from({ length: count }, (_, i) => ({ path: [`f${i}.bin`], length: 7, offset: 7 * i }));
  return { name: 'many', pieceLength: 16, length: 7 * count, multiFile: true, files };
}

describe('FilePool', () => {
  it('holds at most its bound with many files written and read at once, and every byte reads back right', async () => {
    const root = await folder();
    const pool = new WatchedPool(4);
    const layout = manyFiles(200);
    const storage = new DiskPieceStorage(root, layout, undefined, pool);
    const count = Math.ceil(layout.length / layout.pieceLength);
    const pieces = Array.from(
      { length: count },
      (_, i) => new Uint8Array(contractPiece(storage.pieceSize(i), i)),
    );
    await Promise.all(pieces.map((bytes, i) => storage.writePiece(i, bytes.slice().buffer)));
    const read = await Promise.all(pieces.map((_, i) => storage.readBlock(i, 0, storage.pieceSize(i))));
    expect(read.map((bytes) => [...bytes])).toEqual(pieces.map((bytes) => [...bytes]));
    expect(pool.most).toBeGreaterThan(1);
    expect(pool.most).toBeLessThanOrEqual(4);
    expect(pool.open).toBeLessThanOrEqual(4);
    const whole = Buffer.concat(pieces);
    expect([...(await readFile(join(root, 'many', 'f57.bin')))]).toEqual([...whole.subarray(7 * 57, 7 * 58)]);
    await storage.close();
    expect(pool.open).toBe(0);
  });

  it('makes a use wait while every open file is in use, and runs it once one is done', async () => {
    const root = await folder();
    const pool = new FilePool(1);
    let finish!: () => void;
    const first = pool.use(join(root, 'a'), () => new Promise<void>((resolve) => (finish = resolve)));
    let secondRan = false;
    const second = pool.use(join(root, 'b'), async () => {
      secondRan = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(secondRan).toBe(false);
    finish();
    await Promise.all([first, second]);
    expect(secondRan).toBe(true);
    expect(pool.open).toBe(1);
    await pool.closeAll();
    expect(pool.open).toBe(0);
  });

  it("keeps a share of many files within the process's bound by default", async () => {
    const root = await folder();
    const layout = manyFiles(3 * MAX_OPEN_FILES);
    const storage = new DiskPieceStorage(root, layout);
    await storage.createFiles();
    const count = Math.ceil(layout.length / layout.pieceLength);
    for (let i = 0; i < count; i++) await storage.writePiece(i, contractPiece(storage.pieceSize(i), i));
    expect(processFiles.open).toBeLessThanOrEqual(MAX_OPEN_FILES);
    expect(processFiles.open).toBeGreaterThan(MAX_OPEN_FILES / 2);
    const last = count - 1;
    expect([...(await storage.readBlock(last, 0, storage.pieceSize(last)))]).toEqual([
      ...new Uint8Array(contractPiece(storage.pieceSize(last), last)),
    ]);
    await storage.close();
    expect(processFiles.open).toBe(0);
  });
});
