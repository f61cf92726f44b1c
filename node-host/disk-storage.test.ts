import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CONTRACT_LAYOUT,
  contractPiece,
  describePieceStorageContract,
} from '../shared/host/testing/piece-storage-contract';
import { DiskPieceStorage, type DiskLayout } from './disk-storage';
import { Scratch } from './testing/fixtures';

const scratch = new Scratch('disk-storage');
afterEach(() => scratch.cleanup());
const folder = (): Promise<string> => scratch.folder();
/** Closed when the test ends, before its folders are removed. */
const kept = (storage: DiskPieceStorage): DiskPieceStorage => scratch.keep(storage, (s) => s.close());

/** The contract's torrent as one file. */
const single: DiskLayout = {
  name: 'contract.bin',
  ...CONTRACT_LAYOUT,
  multiFile: false,
  files: [{ path: ['contract.bin'], length: CONTRACT_LAYOUT.length, offset: 0 }],
};

describePieceStorageContract([
  ['DiskPieceStorage', async () => kept(new DiskPieceStorage(await folder(), single))],
  [
    'DiskPieceStorage with a verified map',
    async () => kept(new DiskPieceStorage(await folder(), single, join(await folder(), 'v'))),
  ],
]);

// Files of 30, 0 and 10 bytes in pieces of 16: a pad file of 2 after the first, the empty file, the last file.
const padded: DiskLayout = {
  name: 'share',
  pieceLength: 16,
  length: 42,
  multiFile: true,
  files: [
    { path: ['a.bin'], length: 30, offset: 0 },
    { path: ['.pad', '2'], length: 2, offset: 30, pad: true },
    { path: ['empty'], length: 0, offset: 32 },
    { path: ['b.bin'], length: 10, offset: 32 },
  ],
};

describe('DiskPieceStorage', () => {
  it('writes each file at its place under the torrent name, never the pad files, and reads pads as zeros', async () => {
    const root = await folder();
    const storage = new DiskPieceStorage(root, padded);
    await storage.createFiles();
    const pieces = [0, 1, 2].map((i) => new Uint8Array(contractPiece(storage.pieceSize(i), i)));
    pieces[1].fill(0, 14); // the pad's bytes
    for (const [i, piece] of pieces.entries()) await storage.writePiece(i, piece.slice().buffer);
    const a = await readFile(join(root, 'share', 'a.bin'));
    expect([...a]).toEqual([...pieces[0], ...pieces[1].subarray(0, 14)]);
    expect([...(await readFile(join(root, 'share', 'b.bin')))]).toEqual([...pieces[2]]);
    expect((await stat(join(root, 'share', 'empty'))).size).toBe(0);
    await expect(stat(join(root, 'share', '.pad'))).rejects.toThrow();
    expect([...(await storage.readBlock(1, 12, 4))]).toEqual([...pieces[1].subarray(12, 16)]);
    await storage.close();
  });

  it('keeps the verified pieces in its map across runs', async () => {
    const root = await folder();
    const map = join(root, 'state', 'verified');
    const first = new DiskPieceStorage(root, padded, map);
    await first.writePiece(2, contractPiece(10, 9));
    await first.close();
    const again = new DiskPieceStorage(root, padded, map);
    await again.load();
    const have = await again.verifiedPieces(3);
    expect([0, 1, 2].map((i) => have.get(i))).toEqual([false, false, true]);
    await again.close();
  });
});
