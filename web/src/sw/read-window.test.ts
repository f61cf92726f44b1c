import { describe, expect, it } from 'vitest';
import {
  PROBE_BYTES,
  PROBE_MS,
  PROBE_READ_ON_BYTES,
  ReadWindow,
  WANT_AHEAD,
  WANT_AHEAD_BYTES,
} from './read-window';

const KiB = 1024;

/** A window over a range of a file of 1,000 pieces of `pieceLength`, with the wishes it makes and a clock. */
function window(start: number, end: number, pieceLength = 32 * KiB) {
  const wishes: Array<{ indices: number[]; seek: boolean }> = [];
  let clock = 0;
  const lastPiece = Math.floor(end / pieceLength);
  const readWindow = new ReadWindow(
    { start, end, lastPiece, pieceLength },
    (indices, seek) => wishes.push({ indices, seek }),
    () => clock,
  );
  return { readWindow, wishes, advance: (ms: number) => (clock += ms) };
}

const run = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

describe('ReadWindow', () => {
  it('asks a read from the start for its window, added to the earlier wishes', () => {
    const { readWindow, wishes } = window(0, 1000 * 32 * KiB - 1);
    expect(readWindow.isProbe()).toBe(false);
    readWindow.wish(0);
    expect(wishes).toEqual([{ indices: run(0, 1 + WANT_AHEAD_BYTES / (32 * KiB)), seek: false }]);
  });

  it('keeps a window of WANT_AHEAD pieces at least, when pieces are large', () => {
    const pieceLength = 4 * 1024 * KiB;
    const { readWindow, wishes } = window(0, 1000 * pieceLength - 1, pieceLength);
    readWindow.wish(5);
    expect(wishes[0].indices).toEqual(run(5, 1 + WANT_AHEAD));
  });

  it('asks for no piece past the range', () => {
    const { readWindow, wishes } = window(0, 3 * 32 * KiB - 1);
    readWindow.wish(1);
    expect(wishes[0].indices).toEqual([1, 2]);
  });

  it('asks a mid-file read for a probe’s pieces, then for its window as a seek once read on for PROBE_MS', () => {
    const start = 100 * 32 * KiB;
    const { readWindow, wishes, advance } = window(start, 1000 * 32 * KiB - 1);
    expect(readWindow.isProbe()).toBe(true);
    readWindow.wish(100);
    expect(wishes).toEqual([{ indices: run(100, PROBE_BYTES / (32 * KiB)), seek: false }]);
    readWindow.sent();
    advance(PROBE_MS - 1);
    expect(readWindow.readOn()).toBe(false);
    advance(1);
    expect(readWindow.readOn()).toBe(true);
    readWindow.wish(102);
    expect(wishes[1]).toEqual({ indices: run(102, 1 + WANT_AHEAD_BYTES / (32 * KiB)), seek: true });
    // A window once asked for, the read is no probe any more: later windows add to it.
    expect(readWindow.readOn()).toBe(false);
    readWindow.wish(200);
    expect(wishes[2].seek).toBe(false);
  });

  it('takes a mid-file read that has taken PROBE_READ_ON_BYTES for a real read at once', () => {
    const { readWindow } = window(100 * 32 * KiB, 1000 * 32 * KiB - 1);
    readWindow.sent();
    readWindow.took(PROBE_READ_ON_BYTES - 1);
    expect(readWindow.isProbe()).toBe(true);
    readWindow.took(PROBE_READ_ON_BYTES);
    expect(readWindow.isProbe()).toBe(false);
  });

  it('keeps a small range mid-file a probe however long and however much it is read', () => {
    const start = 100 * 32 * KiB;
    const { readWindow, advance } = window(start, start + PROBE_BYTES - 1);
    readWindow.sent();
    advance(10 * PROBE_MS);
    readWindow.took(PROBE_READ_ON_BYTES);
    expect(readWindow.isProbe()).toBe(true);
    expect(readWindow.readOn()).toBe(false);
  });

  it('counts PROBE_MS from the first bytes sent, not from later ones', () => {
    const { readWindow, advance } = window(100 * 32 * KiB, 1000 * 32 * KiB - 1);
    readWindow.sent();
    advance(PROBE_MS);
    readWindow.sent();
    expect(readWindow.isProbe()).toBe(false);
  });
});
