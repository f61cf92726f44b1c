import { describe, expect, it } from 'vitest';
import type { FileEntry } from '../../codec/metainfo';
import {
  byteRanges,
  fileAt,
  filesOfPiece,
  pieceSpan,
  seedBytesOfPiece,
  type SeedGeometry,
} from './file-ranges';

/** Files laid end to end from their lengths; `pad` marks BEP 47 pad files. */
function geometry(pieceLength: number, lengths: Array<number | { pad: number }>): SeedGeometry {
  const files: FileEntry[] = [];
  let offset = 0;
  lengths.forEach((item, i) => {
    const length = typeof item === 'number' ? item : item.pad;
    files.push({
      path: [`f${i}`],
      length,
      offset,
      ...(typeof item === 'number' ? {} : { pad: true as const }),
    });
    offset += length;
  });
  return { pieceLength, length: offset, files };
}

describe('web seed byte ranges', () => {
  // A hybrid layout: file 0 (100 bytes), a pad to 128, an empty file, file 3 (200 bytes), a pad to 384, file 5.
  const hybrid = geometry(64, [100, { pad: 28 }, 0, 200, { pad: 56 }, 70]);

  it('finds the file holding a byte', () => {
    expect(fileAt(hybrid.files, 0)).toBe(0);
    expect(fileAt(hybrid.files, 99)).toBe(0);
    expect(fileAt(hybrid.files, 100)).toBe(1);
    expect(fileAt(hybrid.files, 128)).toBe(3);
    expect(fileAt(hybrid.files, 400)).toBe(5);
  });

  it('never asks for a pad file or an empty file', () => {
    const { from, to } = pieceSpan(hybrid, 0, 7);
    expect(byteRanges(hybrid, from, to)).toEqual([
      { file: 0, start: 0, end: 100 },
      { file: 3, start: 0, end: 200 },
      { file: 5, start: 0, end: 70 },
    ]);
  });

  it('cuts ranges at the pieces asked for', () => {
    const { from, to } = pieceSpan(hybrid, 2, 3);
    expect(byteRanges(hybrid, from, to)).toEqual([{ file: 3, start: 0, end: 128 }]);
    expect(pieceSpan(hybrid, 7, 7)).toEqual({ from: 448, to: 454 });
  });

  it('names the files of a piece and the bytes a seed sends for it', () => {
    expect(filesOfPiece(hybrid, 1)).toEqual([0]);
    expect(seedBytesOfPiece(hybrid, 1)).toBe(36);
    const plain = geometry(64, [100, 50]);
    expect(filesOfPiece(plain, 1)).toEqual([0, 1]);
    expect(seedBytesOfPiece(plain, 1)).toBe(64);
  });
});
