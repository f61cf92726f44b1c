import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeVideo, remuxToMp4 } from '../../../../../e2e/media';
import { TAIL_BYTES } from './play-start';
import {
  FRAGMENT_BATCH,
  FRAGMENT_HEADER_BYTES,
  FragmentQueue,
  fragmentHeaderPieces,
  mfraMoofOffsets,
} from './mp4-fragments';
import { URGENT_MS } from '../../../../../shared/engine/streaming/streaming';
import { FRAGMENT_STEP_MS, fragmentDeadlines, MAX_WANTED_PIECES, WANT_BEHIND_MS } from './stream-deadlines';

let dir: string;
let fragmented: Uint8Array;
let moovAtEnd: Uint8Array;

/** The offsets of the file's top-level boxes of `type`, found by walking it box by box. */
function topLevel(bytes: Uint8Array, type: string): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found: number[] = [];
  for (let at = 0; at + 8 <= bytes.length;) {
    const size = view.getUint32(at);
    if (String.fromCharCode(...bytes.subarray(at + 4, at + 8)) === type) found.push(at);
    if (size < 8) throw new Error('unexpected box size in the fixture');
    at += size;
  }
  return found;
}

const tailOf = (bytes: Uint8Array, length = TAIL_BYTES) => {
  const start = Math.max(0, bytes.length - length);
  return { tail: bytes.slice(start), start };
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mp4-fragments-'));
  // As the bench's fragmented MP4 and the containers e2e test: ffmpeg's defaults with a fragment per keyframe (every
  // 250 frames by x264's default), here 30 s at 2 Mbit/s; and the same streams as an ordinary MP4.
  const path = makeVideo(dir, 'fmp4', { seconds: 30, bitrate: 2_000_000 });
  fragmented = new Uint8Array(readFileSync(path));
  moovAtEnd = new Uint8Array(readFileSync(remuxToMp4(path, dir, 'plain.mp4')));
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the moof offsets of a fragmented MP4 as ffmpeg writes it', () => {
  it('are read from its mfra in its last 256 KiB, and are every fragment the file holds', () => {
    const { tail, start } = tailOf(fragmented);
    const offsets = mfraMoofOffsets(tail, start, fragmented.length);
    const moofs = topLevel(fragmented, 'moof');
    expect(moofs.length).toBeGreaterThanOrEqual(3);
    expect(offsets).toEqual(moofs.filter((offset) => offset < start));
  });

  it('are none for an MP4 that is not fragmented (its moov at the end) or a tail cut short of the mfra', () => {
    const plain = tailOf(moovAtEnd);
    expect(mfraMoofOffsets(plain.tail, plain.start, moovAtEnd.length)).toBeUndefined();
    const mfraSize = new DataView(fragmented.buffer).getUint32(fragmented.length - 4);
    const short = tailOf(fragmented, mfraSize - 1);
    expect(mfraMoofOffsets(short.tail, short.start, fragmented.length)).toBeUndefined();
    // A tail that is not the file's end.
    const { tail, start } = tailOf(fragmented);
    expect(mfraMoofOffsets(tail.subarray(0, tail.length - 1), start, fragmented.length)).toBeUndefined();
  });

  it('never throws on hostile bytes, and never names an offset outside the file', () => {
    const { tail, start } = tailOf(fragmented);
    const length = fragmented.length;
    const mfraSize = new DataView(fragmented.buffer).getUint32(length - 4);
    const mfraAt = tail.length - mfraSize;
    let random = 7;
    const next = () => (random = (random * 1103515245 + 12345) % 2 ** 31);
    for (let round = 0; round < 2000; round++) {
      const bytes = tail.slice();
      // Flip bytes in the mfra (its sizes, counts, lengths and offsets), or anywhere at random.
      for (let k = 0; k < 1 + (round % 4); k++) {
        const at = round % 2 === 0 ? mfraAt + (next() % mfraSize) : next() % bytes.length;
        bytes[at] = next() % 256;
      }
      const offsets = mfraMoofOffsets(bytes, start, length);
      for (const offset of offsets ?? []) expect(offset >= 0 && offset < start).toBe(true);
    }
  });

  it('refuses a tfra whose entry count claims more than its box holds', () => {
    const { tail, start } = tailOf(fragmented);
    const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
    const mfraAt = tail.length - view.getUint32(tail.length - 4);
    const tfraAt = mfraAt + 8;
    expect(String.fromCharCode(...tail.subarray(tfraAt + 4, tfraAt + 8))).toBe('tfra');
    view.setUint32(tfraAt + 20, 0xffffffff);
    expect(mfraMoofOffsets(tail, start, fragmented.length)).toBeUndefined();
  });
});

describe('the pieces that hold the fragments’ headers', () => {
  it('are each fragment’s first FRAGMENT_HEADER_BYTES, in file order, each piece once', () => {
    const pieceLength = 16 * 1024;
    // The file at offset 5000 of the torrent: a fragment at 10,000 spans pieces 0 and 1 (15,000 to 23,191).
    expect(fragmentHeaderPieces([10_000, 0, 40_000, 40_100], 5000, 1_000_000, pieceLength)).toEqual([
      0, 1, 2, 3,
    ]);
    expect(FRAGMENT_HEADER_BYTES).toBe(8192);
    // Offsets outside the file are left out; a header is cut at the file's end.
    expect(fragmentHeaderPieces([-1, 2_000_000, 999_999], 0, 1_000_000, pieceLength)).toEqual([61]);
  });
});

describe('the queue of fragment header pieces', () => {
  it('wishes a batch in file order, the next once fewer than half are on their way, skipping pieces stored', () => {
    const pieces = Array.from({ length: 100 }, (_, k) => 3 * k);
    const queue = new FragmentQueue(pieces);
    const stored = new Set<number>([6]);
    const have = (index: number) => stored.has(index);
    const first = queue.take(have);
    expect(first).toEqual(pieces.filter((p) => p !== 6).slice(0, FRAGMENT_BATCH));
    expect(queue.take(have)).toEqual([]);
    // Stored down to half a batch on their way: still none; one more, and the batch is topped up.
    for (const index of first.slice(0, FRAGMENT_BATCH / 2)) queue.stored(index);
    expect(queue.take(have)).toEqual([]);
    queue.stored(first[FRAGMENT_BATCH / 2]);
    const second = queue.take(have);
    expect(second).toHaveLength(FRAGMENT_BATCH / 2 + 1);
    expect(second[0]).toBe(first[first.length - 1] + 3);
  });

  it('are due in file order, past the urgent horizon, at most a wish’s worth', () => {
    const deadlines = fragmentDeadlines([5, 9, 200, -1, 12], 100, 1000);
    expect(deadlines).toEqual([
      { index: 5, at: 1000 + WANT_BEHIND_MS },
      { index: 9, at: 1000 + WANT_BEHIND_MS + FRAGMENT_STEP_MS },
      { index: 12, at: 1000 + WANT_BEHIND_MS + 2 * FRAGMENT_STEP_MS },
    ]);
    expect(WANT_BEHIND_MS).toBeGreaterThan(URGENT_MS);
    expect(FRAGMENT_BATCH).toBeLessThanOrEqual(MAX_WANTED_PIECES);
  });
});
