import { describe, expect, it } from 'vitest';
import { PieceAssembly } from './piece-assembly';

// Piece length 8: file 0 of 10 bytes, a pad of 6, file 2 of 5 bytes (pieces 0, 1 and 2).
const files = [
  { path: ['a'], length: 10, offset: 0 },
  { path: ['.pad', '6'], length: 6, offset: 10, pad: true as const },
  { path: ['b'], length: 5, offset: 16 },
];
const geometry = { pieceLength: 8, length: 21, files };
const size = (index: number) => Math.min(8, 21 - index * 8);

describe('PieceAssembly', () => {
  it('hands each piece on once its seed bytes are in, pad bytes left zero', () => {
    const assembly = new PieceAssembly(geometry, size);
    [0, 1, 2].forEach((index) => assembly.open(index));
    const a = Uint8Array.from({ length: 10 }, (_, i) => i + 1);
    expect(assembly.write(0, a.subarray(0, 5))).toEqual([]);
    const done = assembly.write(5, a.subarray(5));
    expect(done.map((piece) => piece.index)).toEqual([0, 1]);
    expect([...done[1].data]).toEqual([9, 10, 0, 0, 0, 0, 0, 0]);
    const last = assembly.write(16, Uint8Array.of(1, 2, 3, 4, 5));
    expect(last.map((piece) => [piece.index, [...piece.data]])).toEqual([[2, [1, 2, 3, 4, 5]]]);
    expect(assembly.has(2)).toBe(false);
  });

  it('ignores bytes of pieces it does not fill', () => {
    const assembly = new PieceAssembly(geometry, size);
    assembly.open(1);
    expect(assembly.write(0, new Uint8Array(8))).toEqual([]);
    expect(assembly.write(8, Uint8Array.of(7, 7)).map((piece) => piece.index)).toEqual([1]);
  });
});

describe('PieceAssembly with buffers used before', () => {
  it("takes a piece's buffer with its first byte, and zeroes the pad bytes of a buffer used before", () => {
    const taken: number[] = [];
    const assembly = new PieceAssembly(geometry, size, (bytes) => {
      taken.push(bytes);
      return new Uint8Array(bytes).fill(0xee);
    });
    [0, 1].forEach((index) => assembly.open(index));
    expect(taken).toEqual([]);
    expect(assembly.write(0, new Uint8Array(8).fill(1)).map((piece) => [...piece.data])).toEqual([
      [1, 1, 1, 1, 1, 1, 1, 1],
    ]);
    expect(taken).toEqual([8]);
    const [piece] = assembly.write(8, Uint8Array.of(2, 2));
    expect([...piece.data]).toEqual([2, 2, 0, 0, 0, 0, 0, 0]);
  });

  it('takes no buffer for a piece dropped before its first byte', () => {
    let taken = 0;
    const assembly = new PieceAssembly(geometry, size, (bytes) => (taken++, new Uint8Array(bytes)));
    assembly.open(0);
    assembly.drop(0);
    expect(assembly.write(0, new Uint8Array(8))).toEqual([]);
    expect(taken).toBe(0);
  });
});
