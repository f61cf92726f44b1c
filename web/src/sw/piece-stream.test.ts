import { describe, expect, it } from 'vitest';
import type { PieceSlice } from '../lib/media/http-range';
import { BUNDLE_BYTES, PieceStream, type PieceSource } from './piece-stream';
import { ReadWindow } from './read-window';

const PIECE = 256 * 1024;

/** A source of pieces of PIECE bytes, each filled with its index; `missing` come after `delay` pauses. */
function source(stored: number[], missing: number[] = [], delay = 1) {
  const have = new Set(stored);
  const wanted: number[][] = [];
  const waited: number[] = [];
  let pauses = 0;
  const s: PieceSource = {
    async read(index) {
      return have.has(index) ? new Uint8Array(PIECE).fill(index).buffer : undefined;
    },
    want(indices) {
      wanted.push(indices);
    },
    async pause() {
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (++pauses >= delay) for (const index of missing) have.add(index);
    },
    waiting(index) {
      waited.push(index);
    },
    now: () => 0,
  };
  return { s, wanted, waited };
}

/** Whole pieces `first` to `last`. */
const slices = (first: number, last: number): PieceSlice[] =>
  Array.from({ length: last - first + 1 }, (_, i) => ({ index: first + i, from: 0, to: PIECE }));

function stream(s: PieceSource, parts: PieceSlice[]) {
  const last = parts[parts.length - 1].index;
  const window = new ReadWindow(
    { start: 0, end: (last + 1) * PIECE - 1, lastPiece: last, pieceLength: PIECE },
    (indices, seek) => s.want(indices, seek),
    () => 0,
  );
  return PieceStream.of(parts, s, window).getReader();
}

describe('PieceStream', () => {
  it('ends quietly when a read fails after its reader went away, and errors the stream while it is still read', async () => {
    /** A source whose reads wait until `fail` rejects them. */
    const failing = () => {
      let fail: (error: Error) => void = () => {};
      const s: PieceSource = {
        read: () => new Promise((_resolve, reject) => (fail = reject)),
        want: () => {},
        pause: async () => {},
        now: () => 0,
      };
      return { s, fail: (error: Error) => fail(error) };
    };
    const gone = failing();
    const reader = stream(gone.s, slices(0, 1));
    const read = reader.read();
    await new Promise((resolve) => setTimeout(resolve, 0));
    const cancelled = reader.cancel();
    gone.fail(new Error('the file changed under its snapshot'));
    await cancelled;
    expect(await read).toEqual({ done: true, value: undefined });

    // The pull itself never rejects once the reader is gone: the browser's stream is told nothing more.
    const direct = failing();
    const last = 1;
    const window = new ReadWindow(
      { start: 0, end: 2 * PIECE - 1, lastPiece: last, pieceLength: PIECE },
      () => {},
      () => 0,
    );
    const piece = new PieceStream(slices(0, last), direct.s, window);
    const errors: unknown[] = [];
    const controller = {
      enqueue: () => {},
      close: () => {},
      error: (error: unknown) => errors.push(error),
      desiredSize: 0,
    } as unknown as ReadableStreamDefaultController<Uint8Array>;
    const pulled = piece.pull(controller);
    piece.cancel();
    direct.fail(new Error('the file changed under its snapshot'));
    await expect(pulled).resolves.toBeUndefined();
    expect(errors).toEqual([]);

    const read2 = failing();
    const still = stream(read2.s, slices(0, 1));
    const pending = still.read();
    await new Promise((resolve) => setTimeout(resolve, 0));
    read2.fail(new Error('piece 0 is missing from its file'));
    await expect(pending).rejects.toThrow('piece 0 is missing from its file');
  });

  it('gives the stored pieces after the one asked for in the same read, up to BUNDLE_BYTES', async () => {
    const { s } = source([0, 1, 2, 3, 4, 5]);
    const reader = stream(s, slices(0, 5));
    const chunks: number[] = [];
    for (let i = 0; i < BUNDLE_BYTES / PIECE; i++) {
      const { value } = await reader.read();
      chunks.push(value![0]);
    }
    expect(chunks).toEqual([0, 1, 2, 3]);
    const rest = [];
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest.push(r.value[0]);
    expect(rest).toEqual([4, 5]);
  });

  it('gives only the slice of a piece the range covers', async () => {
    const { s } = source([7]);
    const reader = stream(s, [{ index: 7, from: 10, to: 25 }]);
    const { value } = await reader.read();
    expect(value).toEqual(new Uint8Array(15).fill(7));
    expect((await reader.read()).done).toBe(true);
  });

  it('asks for a missing piece and those after it, says it waits after each pause, and goes on once it came', async () => {
    const { s, wanted, waited } = source([], [0, 1], 3);
    const reader = stream(s, slices(0, 1));
    const { value } = await reader.read();
    expect(value![0]).toBe(0);
    expect(wanted).toEqual([[0, 1]]);
    expect(waited).toEqual([0, 0, 0]);
  });

  it('stops waiting once its reader went away', async () => {
    const { s, waited } = source([], [0], Infinity);
    const reader = stream(s, slices(0, 0));
    const read = reader.read();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await reader.cancel();
    expect((await read).done).toBe(true);
    const waits = waited.length;
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(waited.length).toBe(waits);
  });
});
