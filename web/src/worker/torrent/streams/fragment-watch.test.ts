import { describe, expect, it } from 'vitest';
import { FragmentWatch } from './fragment-watch';
import { settle } from '../testing/fakes';

const KiB = 1024;
const PIECE = 64 * KiB;
const LENGTH = 1024 * KiB; // 16 pieces; the tail (last 256 KiB) is pieces 12 to 15

/** A file of `length` bytes that ends with an `mfra` listing these `moof` offsets (one track, version 0). */
function withMfra(length: number, moofs: number[]): Uint8Array {
  const entry = 11; // time, moof offset (4 bytes each), then one byte each for traf, trun and sample numbers
  const tfraSize = 8 + 4 + 12 + moofs.length * entry;
  const mfraSize = 8 + tfraSize + 16;
  const bytes = new Uint8Array(length);
  const view = new DataView(bytes.buffer);
  const box = (at: number, size: number, type: string) => {
    view.setUint32(at, size);
    for (let i = 0; i < 4; i++) bytes[at + 4 + i] = type.charCodeAt(i);
  };
  const mfra = length - mfraSize;
  box(mfra, mfraSize, 'mfra');
  const tfra = mfra + 8;
  box(tfra, tfraSize, 'tfra');
  view.setUint32(tfra + 12, 1); // track
  view.setUint32(tfra + 16, 0); // field lengths: one byte each
  view.setUint32(tfra + 20, moofs.length);
  moofs.forEach((offset, i) => view.setUint32(tfra + 24 + i * entry + 4, offset));
  const mfro = length - 16;
  box(mfro, 16, 'mfro');
  view.setUint32(mfro + 12, mfraSize);
  return bytes;
}

const pieceOf = (bytes: Uint8Array, index: number) => bytes.slice(index * PIECE, (index + 1) * PIECE).buffer;
const TAIL = [12, 13, 14, 15];

function watch(bytes: Uint8Array, verified: Set<number>) {
  const wishes: number[][] = [];
  const reads: number[][] = [];
  const file = { offset: 0, length: bytes.length, path: ['clip.mp4'] };
  const fragments = new FragmentWatch(file, PIECE, {
    verified: (index) => verified.has(index),
    readPieces: async (indices) => {
      reads.push(indices);
      return indices.map((index) => pieceOf(bytes, index));
    },
    wish: (pieces) => wishes.push(pieces),
  });
  return { fragments, wishes, reads };
}

describe('FragmentWatch', () => {
  it("reads a stored tail's mfra and wishes the pieces of each fragment's header, in file order", async () => {
    const bytes = withMfra(LENGTH, [0, 200_000, 400_000]);
    const { wishes, reads } = watch(bytes, new Set(TAIL));
    await settle();
    expect(reads).toEqual([TAIL]);
    expect(wishes).toEqual([[0, 3, 6]]);
  });

  it('keeps tail pieces as they are verified, reads none of them, and skips header pieces stored already', async () => {
    const bytes = withMfra(LENGTH, [0, 200_000, 400_000]);
    const verified = new Set([3]);
    const { fragments, wishes, reads } = watch(bytes, verified);
    for (const index of TAIL) {
      expect(wishes).toEqual([]);
      fragments.pieceVerified(index, pieceOf(bytes, index));
      verified.add(index);
    }
    await settle();
    expect(reads).toEqual([]);
    expect(wishes).toEqual([[0, 6]]);
  });

  it('does nothing more for an MP4 without an mfra', async () => {
    const { fragments, wishes, reads } = watch(new Uint8Array(LENGTH), new Set(TAIL));
    await settle();
    fragments.pieceVerified(0, new ArrayBuffer(PIECE));
    await settle();
    expect(reads).toEqual([TAIL]);
    expect(wishes).toEqual([]);
  });

  it('wishes nothing once stopped (the player has its metadata, or closed)', async () => {
    const bytes = withMfra(LENGTH, [0, 200_000]);
    const { fragments, wishes } = watch(bytes, new Set(TAIL));
    fragments.stop();
    await settle();
    expect(wishes).toEqual([]);
  });
});
