import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../../../shared/engine/contract/engine-types';
import { fakeInfo, FakeWriter, verifiedOf } from '../testing/fakes';
import { earlyPieces, playStartPieces } from './play-start';
import { GIVEN_PIECE_STORE_MS, MAX_AWAITED_PIECES, StreamSteering } from './steering';
import { WANT_BEHIND_MS, streamDeadlines } from './stream-deadlines';

const MiB = 1024 * 1024;
// A video and a text file over 256 KiB pieces.
const info = fakeInfo(
  [
    { name: 'film.webm', length: 8 * MiB },
    { name: 'notes.txt', length: MiB },
  ],
  256 * 1024,
);

function setup(options: { give?: boolean; private?: boolean; verified?: number[]; info?: typeof info } = {}) {
  const torrent = options.info ?? info;
  const events: EngineEvent[] = [];
  const given: number[] = [];
  const writer = new FakeWriter();
  let started = 0;
  const verified = verifiedOf(torrent, options.verified ?? []);
  const steering = new StreamSteering({
    feed: (event) => events.push(event),
    clock: () => 1000,
    writer,
    info: () => torrent,
    verified: () => verified,
    readPieces: async () => [],
    isPrivate: () => options.private === true,
    playStarted: () => started++,
    ...(options.give !== false ? { pieceForStream: (index: number) => given.push(index) } : {}),
  });
  return { steering, events, given, writer, started: () => started };
}

const piece = new ArrayBuffer(8);

describe('StreamSteering', () => {
  it("tells the session the playable files' early pieces not verified yet, none for a private share", () => {
    const early = earlyPieces(info.files, info.pieceLength);
    const { steering, events } = setup({ verified: [0] });
    steering.earlyPieces(info, false);
    expect(events).toEqual([{ type: 'early-pieces', pieces: early.filter((index) => index !== 0) }]);
    const other = setup();
    other.steering.earlyPieces(info, true);
    expect(other.events).toEqual([]);
  });

  it('wishes pieces by deadlines, a seek instead of the earlier wishes, a superseded stream one piece later', () => {
    const { steering, events } = setup();
    steering.want([3, 4], false);
    steering.want([9], true);
    steering.want([7, 8], false, true);
    expect(events).toEqual([
      { type: 'piece-deadlines', deadlines: streamDeadlines([3, 4], info.pieceCount, 1000), replace: false },
      { type: 'piece-deadlines', deadlines: streamDeadlines([9], info.pieceCount, 1000), replace: true },
      { type: 'piece-deadlines', deadlines: [{ index: 7, at: 1000 + WANT_BEHIND_MS }], replace: false },
    ]);
  });

  it('gives a wished or early piece to the service worker as it is verified, and stores it soon', () => {
    const { steering, given, writer } = setup();
    steering.earlyPieces(info, false);
    steering.want([20], false);
    steering.pieceVerified(20, piece, false);
    steering.pieceVerified(0, piece, false);
    steering.pieceVerified(21, piece, false);
    expect(given).toEqual([20, 0]);
    expect(writer.soons).toEqual([GIVEN_PIECE_STORE_MS]);
    expect(writer.hurries).toBe(0);
  });

  it('hurries the store for a wished piece when there is no service worker to give it to, and for the first piece', () => {
    const { steering, given, writer } = setup({ give: false });
    steering.want([20], false);
    steering.pieceVerified(20, piece, false);
    expect(given).toEqual([]);
    expect(writer.hurries).toBe(1);
    steering.pieceVerified(30, piece, false);
    expect(writer.hurries).toBe(1);
    const first = setup();
    first.steering.pieceVerified(30, piece, true);
    expect(first.writer.hurries).toBe(1);
  });

  it('hurries the store when a piece on its way to it is wished', () => {
    const { steering, writer } = setup();
    steering.pieceVerified(25, piece, false);
    steering.want([25], false);
    expect(writer.hurries).toBe(1);
    steering.pieceLanded(25);
    steering.want([25], false);
    expect(writer.hurries).toBe(1);
  });

  it('remembers at most MAX_AWAITED_PIECES wishes, the oldest going first', () => {
    const { steering, given } = setup({ info: fakeInfo([{ name: 'big.bin', length: 300 * 16 }], 16) });
    const wishes = Math.ceil(MAX_AWAITED_PIECES / 64) + 1;
    for (let i = 0; i < wishes; i++)
      steering.want(
        Array.from({ length: 64 }, (_, k) => i * 64 + k),
        false,
      );
    steering.pieceVerified(0, piece, false);
    steering.pieceVerified(wishes * 64 - 1, piece, false);
    expect(given).toEqual([wishes * 64 - 1]);
  });

  it("wishes a file's start and end when Play is pressed, not for a private share's", () => {
    const { steering, events, started } = setup();
    steering.playStarting(0);
    const pieces = playStartPieces(info.files[0], info.pieceLength);
    expect(events).toEqual([
      { type: 'piece-deadlines', deadlines: streamDeadlines(pieces, info.pieceCount, 1000), replace: false },
    ]);
    expect(started()).toBe(1);
    steering.playStarting(5);
    expect(started()).toBe(1);
    const shared = setup({ private: true });
    shared.steering.playStarting(0);
    expect(shared.events).toEqual([]);
    expect(shared.started()).toBe(0);
  });

  it('places the playhead by time over duration, and says when the player closed', () => {
    const { steering, events } = setup();
    steering.playback(0, { time: 5, duration: 10, paused: false });
    steering.playback(0, { time: 1, duration: NaN, paused: false });
    steering.playback(0, { time: 20, duration: 10, paused: true });
    steering.playback(0, null);
    expect(events).toEqual([
      { type: 'playhead', file: 0, position: 4 * MiB, bytesPerSecond: (8 * MiB) / 10, paused: false },
      { type: 'playhead', file: 0, position: 8 * MiB - 1, bytesPerSecond: (8 * MiB) / 10, paused: true },
      { type: 'playback-stopped' },
    ]);
  });
});
