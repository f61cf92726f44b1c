import { describe, expect, it } from 'vitest';
import { MIN_AHEAD_SECONDS, PlaybackWindow, SEEK_JUMP_SECONDS, type PlayedFile } from './playback-window';

const KIB = 1024;
/** A 10 MiB file at the start of a torrent of 64 KiB pieces. */
const FILE: PlayedFile = { offset: 0, length: 10 * 1024 * KIB, pieceLength: 64 * KIB, pieceCount: 160 };
const indices = (pieces: { index: number }[]) => pieces.map((p) => p.index);

describe('PlaybackWindow', () => {
  it('holds the pieces from the playhead over several seconds of media, in order', () => {
    const w = new PlaybackWindow(FILE, { behindSeconds: 0 });
    // 128 KiB of file per second of media: 10 s ahead is 1280 KiB, 20 pieces from the playhead's.
    expect(w.report({ position: 640 * KIB, bytesPerSecond: 128 * KIB }, 0)).toBe('start');
    const pieces = w.pieces(0);
    expect(indices(pieces)).toEqual(Array.from({ length: 20 }, (_, i) => 10 + i));
  });

  it('reaches at least MIN_AHEAD_SECONDS ahead and at least a few pieces, whatever it is told', () => {
    const short = new PlaybackWindow(FILE, { aheadSeconds: 1, behindSeconds: 0 });
    short.report({ position: 0, bytesPerSecond: 64 * KIB }, 0);
    expect(short.pieces(0)).toHaveLength(MIN_AHEAD_SECONDS);
    // A very low bitrate: the window still holds minPieces.
    const slow = new PlaybackWindow(FILE, { minPieces: 5, behindSeconds: 0 });
    slow.report({ position: 0, bytesPerSecond: 100 }, 0);
    expect(indices(slow.pieces(0))).toEqual([0, 1, 2, 3, 4]);
  });

  it('stops at the end of the file, and counts pieces in the torrent', () => {
    // The file starts 32 KiB into piece 3 of the torrent.
    const file = { offset: 3 * 64 * KIB + 32 * KIB, length: 256 * KIB, pieceLength: 64 * KIB, pieceCount: 8 };
    const w = new PlaybackWindow(file, { behindSeconds: 0 });
    w.report({ position: 0, bytesPerSecond: 64 * KIB }, 0);
    expect(indices(w.pieces(0))).toEqual([3, 4, 5, 6, 7]);
  });

  it('gives each piece the time the playhead reaches it, less a margin; deadlines tighten as it nears', () => {
    const w = new PlaybackWindow(FILE, { marginMs: 500, behindSeconds: 0 });
    w.report({ position: 0, bytesPerSecond: 64 * KIB }, 1_000);
    const pieces = w.pieces(1_000);
    // One piece a second of media.
    expect(pieces.slice(0, 3)).toEqual([
      { index: 0, at: 500 },
      { index: 1, at: 1_500 },
      { index: 2, at: 2_500 },
    ]);
    // Playing on: two seconds later piece 2 is one second away, and the window has moved on.
    const later = w.pieces(3_000);
    expect(later.find((p) => p.index === 2)!.at - 3_000).toBe(-500);
    expect(indices(later)[0]).toBe(2);
    expect(Math.max(...indices(later))).toBeGreaterThan(Math.max(...indices(pieces)));
  });

  it('paused, the deadlines do not tighten and the window stays', () => {
    const w = new PlaybackWindow(FILE, { marginMs: 0, behindSeconds: 0 });
    w.report({ position: 0, bytesPerSecond: 64 * KIB, paused: true }, 0);
    const at = w.pieces(0).map((p) => p.at);
    const later = w.pieces(5_000);
    expect(indices(later)[0]).toBe(0);
    expect(later.map((p) => p.at - 5_000)).toEqual(at);
  });

  it('a playhead outside the window is a seek, one inside a move', () => {
    const w = new PlaybackWindow(FILE, { behindSeconds: 0 });
    w.report({ position: 0, bytesPerSecond: 64 * KIB }, 0);
    w.pieces(0);
    expect(w.report({ position: 64 * KIB, bytesPerSecond: 64 * KIB }, 1_000)).toBe('move');
    expect(w.report({ position: 8 * 1024 * KIB, bytesPerSecond: 64 * KIB }, 2_000)).toBe('seek');
    expect(indices(w.pieces(2_000))[0]).toBe(128);
    // Back to the start: a seek as well.
    expect(w.report({ position: 0, bytesPerSecond: 64 * KIB }, 3_000)).toBe('seek');
    expect(indices(w.pieces(3_000))[0]).toBe(0);
  });

  it('a jump within the window is a seek (a short clip): farther than SEEK_JUMP_SECONDS from where playing puts it', () => {
    // 10 s of media at 1 MiB a second: the window (10 s ahead) holds the whole file from the start.
    const rate = 1024 * KIB;
    const w = new PlaybackWindow(FILE);
    w.report({ position: 0, bytesPerSecond: rate }, 0);
    // Playing on, a report a quarter second later, one late by a second, and a stall (the playhead held 3 s): moves.
    expect(w.report({ position: rate / 4, bytesPerSecond: rate }, 250)).toBe('move');
    expect(w.report({ position: 1.5 * rate, bytesPerSecond: rate }, 1_250)).toBe('move');
    expect(w.report({ position: 1.6 * rate, bytesPerSecond: rate }, 4_250)).toBe('move');
    // A seek to 80 %, within the window's bytes: a seek, and the window starts at the new playhead.
    expect(w.report({ position: 8 * rate, bytesPerSecond: rate, paused: true }, 4_500)).toBe('seek');
    expect(indices(w.pieces(4_500))[0]).toBe(112); // a second of media behind it
    // Back by more than SEEK_JUMP_SECONDS: a seek; by less (a player's step back), a move.
    expect(w.report({ position: (7 - SEEK_JUMP_SECONDS) * rate, bytesPerSecond: rate }, 5_000)).toBe('seek');
    expect(w.report({ position: 4.5 * rate, bytesPerSecond: rate }, 5_250)).toBe('move');
  });

  it('after a seek, the read it left going on does not start the window; a read before it does', () => {
    const rate = 1024 * KIB;
    const w = new PlaybackWindow(FILE, { behindSeconds: 0 });
    w.report({ position: 0, bytesPerSecond: rate }, 0);
    w.report({ position: rate, bytesPerSecond: rate }, 1_000);
    // The player reads ahead of the playhead, at 1.5 s of media, when it seeks to 80 %.
    expect(w.readsFrom(1.5 * rate, 1_100)).toBe(false);
    expect(w.report({ position: 8 * rate, bytesPerSecond: rate, paused: true }, 1_250)).toBe('seek');
    // The demuxer finishes that read, on to 2 s, before it reads for the seek: the window stays at the target.
    expect(w.readsFrom(2 * rate, 1_300)).toBe(false);
    expect(indices(w.pieces(1_300))[0]).toBe(128);
    // A read before it (an MP4's keyframe at 1 s) is the seek's own: the window starts there.
    expect(w.readsFrom(rate, 1_400)).toBe(true);
    expect(indices(w.pieces(1_400))[0]).toBe(16);
    // With no read seen before the seek, a read before the target (its keyframe) starts the window there.
    const long: PlayedFile = { ...FILE, length: 40 * rate, pieceCount: 640 };
    const v = new PlaybackWindow(long, { behindSeconds: 0 });
    v.report({ position: 0, bytesPerSecond: rate }, 0);
    expect(v.report({ position: 30 * rate, bytesPerSecond: rate, paused: true }, 500)).toBe('seek');
    expect(v.readsFrom(27 * rate, 600)).toBe(true);
    expect(indices(v.pieces(600))[0]).toBe(27 * 16);
  });

  it('keeps a second of media behind the playhead by default (the playhead is an estimate)', () => {
    const w = new PlaybackWindow(FILE);
    w.report({ position: 640 * KIB, bytesPerSecond: 128 * KIB }, 0);
    expect(indices(w.pieces(0))[0]).toBe(8);
  });

  it('measures the bitrate from the playhead when the player does not tell it', () => {
    const w = new PlaybackWindow(FILE, { defaultBytesPerSecond: 64 * KIB, behindSeconds: 0 });
    expect(w.bytesPerSecond).toBe(64 * KIB);
    w.report({ position: 0 }, 0);
    // 256 KiB of file per second of playing.
    for (let s = 1; s <= 10; s++) w.report({ position: s * 256 * KIB }, s * 1_000);
    expect(w.bytesPerSecond).toBeGreaterThan(200 * KIB);
    expect(w.bytesPerSecond).toBeLessThanOrEqual(256 * KIB);
    // While paused nothing is measured.
    const paused = new PlaybackWindow(FILE, { defaultBytesPerSecond: 64 * KIB });
    paused.report({ position: 0, paused: true }, 0);
    paused.report({ position: 1024 * KIB, paused: true }, 1_000);
    expect(paused.bytesPerSecond).toBe(64 * KIB);
  });

  it("starts where a stream reads before the playhead (a player's seek reads from the keyframe before it), not farther", () => {
    // 128 KiB of file per second of media, 10 s ahead, 1 s behind: a playhead at 6 MiB starts the window at 5.875 MiB.
    const w = new PlaybackWindow(FILE, {});
    w.report({ position: 6 * 1024 * KIB, bytesPerSecond: 128 * KIB, paused: true }, 0);
    expect(w.pieces(0)[0].index).toBe(94);
    // A read 4 s of media before the playhead (the MP4's samples are not spread evenly over the file's bytes).
    expect(w.readsFrom(6 * 1024 * KIB - 512 * KIB, 0)).toBe(true);
    expect(w.pieces(0)[0].index).toBe(88);
    expect(w.pieces(0).at(-1)!.index).toBe(115); // the far end stays
    // The player reads on from there: the start follows it (not moved earlier, so false).
    expect(w.readsFrom(6 * 1024 * KIB - 256 * KIB, 0)).toBe(false);
    expect(w.pieces(0)[0].index).toBe(92);
    // After the playhead, or more than the window's ahead of media before it (another read, not this
    // playback's): nothing moves.
    expect(w.readsFrom(7 * 1024 * KIB, 0)).toBe(false);
    expect(w.readsFrom(6 * 1024 * KIB - 11 * 128 * KIB, 0)).toBe(false);
    expect(w.pieces(0)[0].index).toBe(92);
    // Once the playhead has moved on by more than that, the read no longer holds the window's start back.
    w.report({ position: 8 * 1024 * KIB, bytesPerSecond: 128 * KIB, paused: true }, 1_000);
    expect(w.pieces(1_000)[0].index).toBe(126);
    // And `near` tells the bytes within the window or its ahead of media before it.
    expect(w.near(8 * 1024 * KIB - 10 * 128 * KIB, 8 * 1024 * KIB - 10 * 128 * KIB + 1, 1_000)).toBe(true);
    expect(w.near(0, 64 * KIB, 1_000)).toBe(false);
  });

  it('refuses an empty file and clamps a position past the end', () => {
    expect(() => new PlaybackWindow({ ...FILE, length: 0 })).toThrow(RangeError);
    const w = new PlaybackWindow(FILE, { behindSeconds: 0 });
    w.report({ position: FILE.length * 2, bytesPerSecond: 64 * KIB }, 0);
    expect(indices(w.pieces(0))).toEqual([159]);
  });
});
