import { describe, expect, it } from 'vitest';
import {
  EARLY_FILES,
  EARLY_START_BYTES,
  earlyPieces,
  endAfterStart,
  playStartPieces,
  START_BYTES,
  TAIL_BYTES,
  tailPieces,
} from './play-start';

const KiB = 1024;

describe('playStartPieces (what a player needs first when Play is pressed)', () => {
  it('asks the first piece, then the last TAIL_BYTES, then the rest of the first START_BYTES', () => {
    const pieceLength = 64 * KiB;
    const pieces = playStartPieces({ offset: 0, length: 1500 * pieceLength - 100 }, pieceLength);
    // The last 256 KiB end 100 bytes short of a piece boundary: they reach into a fifth piece from the end.
    const tail = TAIL_BYTES / pieceLength + 1;
    const start = START_BYTES / pieceLength;
    expect(pieces[0]).toBe(0);
    expect(pieces.slice(1, 1 + tail)).toEqual([1495, 1496, 1497, 1498, 1499]);
    expect(pieces.slice(1 + tail)).toEqual([...Array(start - 1).keys()].map((i) => i + 1));
  });

  it('places a file that does not start on a piece boundary by its offset in the torrent', () => {
    // A second file starting mid-piece 3, 10 pieces and a bit long.
    const pieceLength = 256 * KiB;
    const file = { offset: 3 * pieceLength + 1000, length: 10 * pieceLength };
    const pieces = playStartPieces(file, pieceLength);
    expect(pieces[0]).toBe(3);
    expect(pieces).toContain(13); // the piece of its last byte
    expect(Math.min(...pieces)).toBe(3);
    expect(Math.max(...pieces)).toBe(13);
    expect(new Set(pieces).size).toBe(pieces.length);
  });

  it('asks each piece once for a file shorter than the start and the tail together, and nothing for an empty one', () => {
    const pieceLength = 64 * KiB;
    expect(playStartPieces({ offset: 0, length: 5 * pieceLength }, pieceLength)).toEqual([0, 1, 2, 3, 4]);
    expect(playStartPieces({ offset: 0, length: 100 }, pieceLength)).toEqual([0]);
    expect(playStartPieces({ offset: 0, length: 0 }, pieceLength)).toEqual([]);
  });
});

describe('endAfterStart (containers whose end a player reads only to seek)', () => {
  it('is true for WebM and Matroska, whatever the case of the extension, and false for the rest', () => {
    for (const name of ['clip.webm', 'CLIP.WEBM', 'film.mkv', 'song.weba'])
      expect(endAfterStart(name)).toBe(true);
    for (const name of [
      'clip.mp4',
      'clip.mov',
      'song.m4a',
      'song.mp3',
      'song.ogg',
      'song.flac',
      'notes.txt',
      'webm',
    ])
      expect(endAfterStart(name)).toBe(false);
  });

  it('puts the end after the start for a WebM, each piece once', () => {
    const pieceLength = 64 * KiB;
    const file = { offset: 0, length: 1500 * pieceLength - 100 };
    const pieces = playStartPieces({ ...file, path: ['show', 'clip.webm'] }, pieceLength);
    const start = START_BYTES / pieceLength;
    expect(pieces.slice(0, start)).toEqual([...Array(start).keys()]);
    expect(pieces.slice(start)).toEqual([1495, 1496, 1497, 1498, 1499]);
    expect(new Set(pieces)).toEqual(new Set(playStartPieces(file, pieceLength)));
    // An MP4's end (its `moov`) keeps its place right after the first piece, as for a file without a name.
    expect(playStartPieces({ ...file, path: ['clip.mp4'] }, pieceLength)).toEqual(
      playStartPieces(file, pieceLength),
    );
    // A file shorter than the start and the end together: each piece once, in order.
    expect(playStartPieces({ offset: 0, length: 5 * pieceLength, path: ['clip.webm'] }, pieceLength)).toEqual(
      [0, 1, 2, 3, 4],
    );
  });
});

describe("tailPieces (the pieces of a file's last TAIL_BYTES)", () => {
  it("is the pieces from the one holding the tail's first byte to the one holding the last, in order", () => {
    const pieceLength = 64 * KiB;
    // A file starting 1000 bytes into piece 2, ending 100 bytes short of a boundary.
    const file = { offset: 2 * pieceLength + 1000, length: 100 * pieceLength - 1100 };
    expect(tailPieces(file, pieceLength)).toEqual([97, 98, 99, 100, 101]);
  });

  it('is the whole file when it is shorter than the tail, and nothing for an empty one', () => {
    const pieceLength = 64 * KiB;
    expect(tailPieces({ offset: 3 * pieceLength, length: 2 * pieceLength }, pieceLength)).toEqual([3, 4]);
    expect(tailPieces({ offset: 0, length: 0 }, pieceLength)).toEqual([]);
  });
});

describe('earlyPieces (what a download fetches first, for a Play that may come)', () => {
  const pieceLength = 64 * KiB;
  const MiB = 1024 * KiB;
  const file = (name: string, offset: number, length: number, pad = false) => ({
    path: ['show', name],
    offset,
    length,
    ...(pad ? { pad } : {}),
  });

  it("is each video's and audio file's play-start pieces, and nothing of other files", () => {
    const video = file('clip.webm', 0, 20 * MiB);
    const notes = file('notes.txt', 20 * MiB, MiB);
    const song = file('song.MP3', 21 * MiB, 5 * MiB);
    const pieces = earlyPieces([video, notes, song], pieceLength);
    // The WebM's end (its cues, read only to seek) after its start; the MP3's end first.
    expect(pieces).toEqual([
      ...playStartPieces(video, pieceLength, EARLY_START_BYTES),
      ...playStartPieces(song, pieceLength, EARLY_START_BYTES),
    ]);
    expect(pieces.slice(0, EARLY_START_BYTES / pieceLength)).toEqual([...Array(64).keys()]);
    expect(pieces.slice(EARLY_START_BYTES / pieceLength, EARLY_START_BYTES / pieceLength + 4)).toEqual([
      316, 317, 318, 319,
    ]);
    expect(pieces[68]).toBe(336); // the MP3's first piece, then its end
    expect(pieces[69]).toBe(Math.floor((26 * MiB - TAIL_BYTES) / pieceLength));
    // More of each file's start than Play asks at its click: the first frame of a 12 Mbit/s video needs about
    // 1.5 MiB, and everything after the early pieces goes rarest first.
    expect(EARLY_START_BYTES).toBeGreaterThan(START_BYTES);
    expect(pieces.filter((index) => index < 320)).toHaveLength(EARLY_START_BYTES / pieceLength + 4);
    expect(pieces.some((index) => index >= 320 && index < 336)).toBe(false); // notes.txt's pieces
  });

  it('takes at most EARLY_FILES playable files, skips pad files, and lists a shared piece once', () => {
    // A pad file with a media name first (BEP 47 pads are zeros, never played), then the real files after it.
    const pad = file('pad.mp4', 0, 100 * KiB, true);
    const files = Array.from({ length: EARLY_FILES + 2 }, (_, i) =>
      file(`${i}.mp4`, (i + 1) * 100 * KiB, 100 * KiB),
    );
    const pieces = earlyPieces([pad, ...files], pieceLength);
    expect(new Set(pieces).size).toBe(pieces.length);
    // The first real file starts in piece 1 (at 100 KiB); the EARLY_FILES-th ends before (EARLY_FILES + 1) * 100 KiB.
    expect(Math.min(...pieces)).toBe(1);
    expect(Math.max(...pieces)).toBe(Math.floor(((EARLY_FILES + 1) * 100 * KiB - 1) / pieceLength));
    expect(earlyPieces([file('a.zip', 0, MiB), file('b.pdf', MiB, MiB)], pieceLength)).toEqual([]);
  });
});
