// Playback from a seeder at 2.4 times the bitrate, in the simulated swarm: the pieces after the playhead come first,
// so the playable part keeps ahead of playback while the download goes on, whichever of the two mechanisms that
// fetch from the playhead is at work (the engine's playback window, told the playhead; the pieces a service worker's
// stream waits for, told as deadlines); with neither, it does not. Ten seeks cost no connection. These were the
// browser's seeks.spec.ts scenarios; the browser keeps what only it shows (a seek plays on through the stream).
import { describe, expect, it } from 'vitest';
import { sha1Sync } from '../../testing/sha1';
import { randomTorrent, Swarm, type SwarmNode } from '../testing/swarm';

const KiB = 1024;
const PIECE = 32 * KiB;
/** 40 s of media at 96 KiB of file a second (3 pieces a second), in 120 pieces. */
const RATE = 96 * KiB;
const SECONDS = 40;
const torrent = randomTorrent(67, SECONDS * RATE, { sha1: sha1Sync, pieceLength: PIECE });
const PIECES = torrent.info.pieceCount;
const STEP_MS = 250;
/** What a service worker's stream asks ahead of the piece the player reads: that piece and 16 after it. */
const STREAM_AHEAD = 16;

type Fetching = 'window' | 'streams' | 'neither';

const pieceAt = (seconds: number) => Math.min(PIECES - 1, Math.floor((seconds * RATE) / PIECE));

/** Seconds of media from the playhead's piece to the first piece not in hand (the playable part's end). */
function playableEnd(node: SwarmNode, seconds: number): number {
  let index = pieceAt(seconds);
  while (index < PIECES && node.storage.has(index)) index++;
  return Math.min(SECONDS, (index * PIECE) / RATE);
}

/**
 * A player of the leecher's file, in seconds of media: it plays in real time while the piece under its playhead is
 * in hand, and tells the engine where it is (`window`), or has its stream wish for the pieces from the first one
 * missing at its playhead with the time playback reaches each (`streams`), or neither.
 */
function player(swarm: Swarm, node: SwarmNode, fetching: Fetching) {
  const state = { time: 0, startedAt: undefined as number | undefined, seekTo: -1 };
  const tell = (paused: boolean) => {
    if (fetching === 'window')
      node.deliver({ type: 'playhead', file: 0, position: state.time * RATE, bytesPerSecond: RATE, paused });
    if (fetching !== 'streams') return;
    let first = pieceAt(state.time);
    while (first < PIECES && node.storage.has(first)) first++;
    const deadlines = [];
    for (let index = first; index < Math.min(PIECES, first + STREAM_AHEAD + 1); index++)
      deadlines.push({ index, at: swarm.now + Math.max(0, (index * PIECE) / RATE - state.time) * 1000 });
    node.deliver({ type: 'piece-deadlines', deadlines });
  };
  const run = () => {
    if (state.seekTo >= 0) [state.time, state.seekTo] = [state.seekTo, -1];
    const ready = node.storage.has(pieceAt(state.time));
    if (ready) {
      state.startedAt ??= swarm.now;
      state.time = Math.min(SECONDS, state.time + STEP_MS / 1000);
    }
    tell(!ready);
    if (state.time < SECONDS) swarm.schedule(swarm.now + STEP_MS, run);
  };
  swarm.schedule(swarm.now, run);
  return state;
}

/** A leecher playing from a seeder at 2.4 times the bitrate (paced to its uplink's queue, as the app's is). */
function playing(fetching: Fetching, seed = 5) {
  const swarm = new Swarm({ torrent, sha1: sha1Sync, seed, reportUploadQueue: true });
  const seeder = swarm.addNode({ name: 'seed', seed: true, uploadRate: 2.4 * RATE });
  const leech = swarm.addNode({ name: 'leech' });
  return { swarm, seeder, leech, play: player(swarm, leech, fetching) };
}

/** Whether the pieces from the playhead over the next 8 s of media are all in hand. */
function nextEightInHand(node: SwarmNode, seconds: number): boolean {
  for (let index = pieceAt(seconds); index <= pieceAt(seconds + 8); index++)
    if (!node.storage.has(index)) return false;
  return true;
}

/** Where playback is when half the file is in hand, and whether the next 8 s were. */
function atHalf(fetching: Fetching): boolean {
  const { swarm, leech, play } = playing(fetching);
  expect(swarm.run(() => leech.storage.size >= PIECES / 2, 60_000)).toBe(true);
  return nextEightInHand(leech, play.time);
}

/** Plays past 1 s, then 8 s more: where playback and the playable part were at each point, and the pieces then. */
function eightSecondsOn(fetching: Fetching) {
  const { swarm, leech, play } = playing(fetching);
  expect(swarm.run(() => play.time > 1, 60_000)).toBe(true);
  const started = { have: leech.storage.size };
  const first = { time: play.time, end: playableEnd(leech, play.time) };
  expect(swarm.run(() => play.time > first.time + 8, 60_000)).toBe(true);
  const second = { time: play.time, end: playableEnd(leech, play.time) };
  const lastQuarter = Array.from({ length: PIECES - pieceAt(0.75 * SECONDS) }, (_, i) =>
    leech.storage.has(pieceAt(0.75 * SECONDS) + i),
  );
  return {
    started,
    first,
    second,
    near: nextEightInHand(leech, second.time),
    lastQuarter,
    complete: leech.complete,
    leech,
  };
}

describe('the pieces after the playhead come first', () => {
  for (const fetching of ['window', 'streams'] as const) {
    it(`the playable part keeps ahead of playback, the next 8 s in hand (${fetching})`, () => {
      const run = eightSecondsOn(fetching);
      // Playback started before the download was complete.
      expect(run.started.have).toBeLessThan(PIECES);
      // The playable part grew at least as much as playback moved on (or reached the end of the file).
      const atEnd = run.second.end >= SECONDS - 0.5;
      expect(atEnd || run.second.end - run.first.end >= run.second.time - run.first.time - 0.5).toBe(true);
      // The pieces from the playhead over the next 8 s of media are all here; while the download is not complete,
      // the pieces of the last quarter of the file are not all here yet.
      expect(run.near).toBe(true);
      expect(atHalf(fetching), 'the next 8 s in hand when half the file is').toBe(true);
      expect(run.complete).toBe(false);
      expect(run.lastQuarter.every(Boolean)).toBe(false);
      expect(run.leech.closes).toEqual([]);
    });
  }

  it('with neither the window nor the streams, the next 8 s are not all in hand (the check can fail)', () => {
    expect(atHalf('neither')).toBe(false);
  });
});

describe('seeks while the download goes on', () => {
  it('ten seeks each play on from their target, and neither side loses its connection', () => {
    const { swarm, seeder, leech, play } = playing('window', 9);
    expect(swarm.run(() => play.time > 1, 60_000)).toBe(true);
    for (const fraction of [0.8, 0.2, 0.9, 0.5, 0.95, 0.1, 0.7, 0.3, 0.85, 0.6]) {
      const target = fraction * SECONDS;
      play.seekTo = target;
      // Played on a second past the target (or to the end of the file).
      expect(swarm.run(() => play.seekTo < 0 && play.time >= Math.min(SECONDS, target + 1), 30_000)).toBe(
        true,
      );
    }
    expect(leech.closes).toEqual([]);
    expect(seeder.closes).toEqual([]);
    expect(swarm.run(() => leech.complete, 120_000)).toBe(true);
  });
});
