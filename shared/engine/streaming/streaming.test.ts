// The playback window in whole sessions (the engine's simulated swarm): in-order arrival within the window, a seek
// that cancels the old window's requests and fills the new one first, rarest first outside.
import { describe, expect, it } from 'vitest';
import { Bitfield } from '../../codec/bitfield';
import { sha1Sync } from '../../testing/sha1';
import type { PeerState } from '../peer/peer';
import { PACE_WINDOW_MS } from '../upload/pacer';
import { Streaming } from './streaming';
import { pieceBlock } from '../testing/sim';
import { randomTorrent, Swarm, type SwarmNode, type TestTorrent } from '../testing/swarm';
import { VerifiedPieces } from '../verify/verified-pieces';
import type { Wishlist } from '../picker/wishlist';

const KiB = 1024;
const PIECE = 32 * KiB;
/** 4 MiB in 128 pieces; played at 64 KiB of file per second of media (two pieces a second, 64 s of media). */
const torrent = randomTorrent(24, 4 * 1024 * KiB, { sha1: sha1Sync, pieceLength: PIECE });
const RATE = 64 * KiB;
/** The window: 10 s of media ahead of the playhead. */
const WINDOW = (10 * RATE) / PIECE;

/** Pieces in the order the node stored them (its storage is filled as pieces verify). */
const stored = (node: SwarmNode): number[] => [...node.storage.keys()];

/** Counts the `cancel` messages the node sends (each send is whole messages; the handshake is skipped). */
function countCancels(node: SwarmNode): { count: number } {
  const counter = { count: 0 };
  const send = node.ports.send;
  node.ports.send = (peer, data) => {
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    for (let at = 0; at + 5 <= data.length;) {
      const length = view.getUint32(at);
      if (at + 4 + length > data.length) break;
      if (length === 13 && data[at + 4] === 8) counter.count++;
      at += 4 + length;
    }
    send(peer, data);
  };
  return counter;
}

/** A file that plays: the torrent and its bitrate (bytes of file per second of media). */
interface Media {
  torrent: TestTorrent;
  rate: number;
}

/**
 * A player of the leecher's file: it waits until the piece under its playhead is stored, then plays in real time,
 * reporting the playhead every 250 ms; a stall (the next piece not there) is counted once playback has started.
 */
function player(swarm: Swarm, node: SwarmNode, from = 0, media: Media = { torrent, rate: RATE }) {
  const { torrent, rate } = media;
  const piece = torrent.info.pieceLength;
  const state = { position: from, startedAt: undefined as number | undefined, stalls: 0, seekTo: -1 };
  const step = 250;
  const report = (paused: boolean) =>
    node.deliver({ type: 'playhead', file: 0, position: state.position, bytesPerSecond: rate, paused });
  const run = () => {
    if (state.seekTo >= 0) {
      state.position = state.seekTo;
      state.seekTo = -1;
    }
    const index = Math.floor(state.position / piece);
    const ready = index >= torrent.info.pieceCount || node.storage.has(index);
    if (ready && state.startedAt === undefined) state.startedAt = swarm.now;
    if (!ready && state.startedAt !== undefined) state.stalls++;
    if (ready && index < torrent.info.pieceCount)
      state.position = Math.min(torrent.data.length - 1, state.position + (rate * step) / 1000);
    report(!ready);
    if (index < torrent.info.pieceCount - 1) swarm.schedule(swarm.now + step, run);
  };
  swarm.schedule(swarm.now, run);
  return state;
}

describe('the playback window in a swarm', () => {
  it('fetches the window in order first, and playback keeps up with a seeder at 2.4 times the bitrate', () => {
    // The seeder paces its upload to its uplink's queue, as the app's does.
    const swarm = new Swarm({ torrent, sha1: sha1Sync, seed: 3, reportUploadQueue: true });
    swarm.addNode({ name: 'seed', seed: true, uploadRate: 2.4 * RATE });
    const leech = swarm.addNode({ name: 'leech' });
    const play = player(swarm, leech);
    expect(swarm.run(() => leech.complete, 120_000)).toBe(true);
    const order = stored(leech);
    // The first window arrives first and in order (rarest first would have scattered it).
    expect(order.slice(0, WINDOW)).toEqual(Array.from({ length: WINDOW }, (_, i) => i));
    // Playback started long before the download was complete, and never stalled.
    expect(play.startedAt).toBeDefined();
    expect(play.startedAt!).toBeLessThan(leech.completedAt! / 4);
    expect(play.stalls).toBe(0);
    // Outside the window the torrent went on meanwhile: pieces far ahead arrived before the playhead neared them.
    const farAhead = order.findIndex((index) => index >= 100);
    expect(farAhead).toBeLessThan(order.indexOf(60));
    expect(leech.closes).toEqual([]);
  });

  it('a seek cancels the old window’s requests and fills the new window first', () => {
    const swarm = new Swarm({ torrent, sha1: sha1Sync, seed: 5 });
    swarm.addNode({ name: 'seed', seed: true, uploadRate: 2.4 * RATE });
    const leech = swarm.addNode({ name: 'leech' });
    const cancels = countCancels(leech);
    const play = player(swarm, leech);
    swarm.runFor(3_000);
    expect(play.startedAt).toBeDefined();
    const before = stored(leech).length;
    const cancelsBefore = cancels.count;
    // Seek to three quarters of the file: piece 96.
    const target = 96;
    play.seekTo = target * PIECE;
    swarm.runFor(20_000);
    expect(cancels.count).toBeGreaterThan(cancelsBefore);
    const after = stored(leech).slice(before);
    // The new window (from a second of media behind the playhead) arrives in order...
    const first = target - RATE / PIECE;
    const newWindow = after.filter((index) => index >= first && index < target + WINDOW);
    expect(newWindow).toEqual(Array.from({ length: target + WINDOW - first }, (_, i) => first + i));
    // ...before anything else but the blocks already on their way at the seek (the seeder's sends in flight, under
    // 1.5 s of its uplink): the rest of the old window was cancelled and comes later.
    const lastOfWindow = after.indexOf(target + WINDOW - 1);
    const others = after.slice(0, lastOfWindow).filter((index) => index < first || index >= target + WINDOW);
    expect(others.length).toBeLessThanOrEqual((1.5 * 2.4 * RATE) / PIECE);
    const oldWindowLeft = Array.from({ length: WINDOW }, (_, i) => i).filter((i) => !others.includes(i));
    expect(oldWindowLeft.some((index) => after.indexOf(index) > lastOfWindow)).toBe(true);
    // And playback went on from there without stalling once it had started again.
    expect(play.position).toBeGreaterThan(target * PIECE + 10 * RATE);
    expect(leech.closes).toEqual([]);
    expect(swarm.node('seed').closes).toEqual([]);
  });

  it("a seek's cancels reach the blocks still in the paced seeder's transport: dropped there and rejected", () => {
    // The session once emitted the retract with the cancel message spread into it, whose own `type` won: the
    // action was a `cancel` the executor does not know, and no block was ever dropped.
    const swarm = new Swarm({ torrent, sha1: sha1Sync, seed: 7, reportUploadQueue: true });
    const seed = swarm.addNode({ name: 'seed', seed: true, uploadRate: 2.4 * RATE });
    const leech = swarm.addNode({ name: 'leech' });
    const dropped: string[] = [];
    const retract = seed.ports.retract!;
    seed.ports.retract = (peer, index, begin, length) => {
      const done = retract(peer, index, begin, length);
      if (done) dropped.push(`${index}:${begin}`);
      return done;
    };
    const arrived: string[] = [];
    const deliver = leech.deliver.bind(leech);
    leech.deliver = (event) => {
      const block = event.type === 'peer-data' ? pieceBlock(event.data) : undefined;
      if (block !== undefined) arrived.push(block);
      deliver(event);
    };
    const play = player(swarm, leech);
    swarm.runFor(3_000);
    expect(play.startedAt).toBeDefined();
    expect(dropped).toEqual([]);
    play.seekTo = 96 * PIECE;
    swarm.runFor(5_000);
    // Blocks of the old window that had not left the seeder's uplink were dropped there, and never arrived.
    expect(dropped.length).toBeGreaterThan(0);
    for (const block of dropped) expect(arrived).not.toContain(block);
    // The leecher heard a reject for each (a fast peer), asked again later where it still wanted them, and finished.
    expect(swarm.run(() => leech.complete, 120_000)).toBe(true);
    expect(leech.closes).toEqual([]);
    expect(seed.closes).toEqual([]);
  });

  it('pieces a stream waits for go ahead of the rarest-first requests queued at a paced seeder at 2.4x', () => {
    // 32 s of media at 512 KiB/s: the leecher keeps about a second of the seeder's uplink requested (some 80
    // blocks), and a piece is a sixteenth of a second of it.
    const media = {
      torrent: randomTorrent(25, 16 * 1024 * KiB, { sha1: sha1Sync, pieceLength: PIECE }),
      rate: 512 * KiB,
    };
    const swarm = new Swarm({ torrent: media.torrent, sha1: sha1Sync, seed: 13, reportUploadQueue: true });
    swarm.addNode({ name: 'seed', seed: true, uploadRate: 2.4 * media.rate });
    const leech = swarm.addNode({ name: 'leech' });
    const play = player(swarm, leech, 0, media);
    const waits: number[] = [];
    // Now and then the player reads far from its window (an index at the end of the file, a probe): the service
    // worker asks for those pieces with deadlines a second or two away.
    for (const [at, index] of [
      [4_000, 500],
      [6_000, 460],
      [8_000, 420],
    ]) {
      swarm.schedule(at, () => {
        const deadlines = [
          { index, at: at + 1_000 },
          { index: index + 1, at: at + 1_500 },
        ];
        leech.deliver({ type: 'piece-deadlines', deadlines });
        const check = () => {
          if (leech.storage.has(index) && leech.storage.has(index + 1)) waits.push(swarm.now - at);
          else swarm.schedule(swarm.now + 10, check);
        };
        check();
      });
    }
    swarm.runFor(10_000);
    expect(waits).toHaveLength(3);
    // They came before their deadlines: behind what the seeder's uplink already held (a quarter of a second), not
    // behind the second of requests the leecher keeps queued there (over 1 s when they wait their turn).
    for (const wait of waits) expect(wait).toBeLessThan(750);
    expect(play.stalls).toBe(0);
    expect(leech.closes).toEqual([]);
  });

  it('the pieces a stream waits for come before the rarest-first requests already out to a seeder without a limit', () => {
    // 8 MiB in 256 pieces from a seeder at 40 times the bitrate: the downloader's pipeline holds about a second of it
    // (about 80 pieces), asked rarest first.
    const big = randomTorrent(31, 8 * 1024 * KiB, { sha1: sha1Sync, pieceLength: PIECE });
    // The seeder paces its upload as the app's does (it serves the pieces it sent least first).
    const swarm = new Swarm({ torrent: big, sha1: sha1Sync, seed: 11, reportUploadQueue: true });
    swarm.addNode({ name: 'seed', seed: true, uploadRate: 40 * RATE });
    const leech = swarm.addNode({ name: 'leech' });
    expect(swarm.run(() => stored(leech).length >= 16, 60_000)).toBe(true);
    // A player's stream reaches a piece not there yet (the service worker's wish: it and 16 after it).
    const before = stored(leech).length;
    const first = [...Array(240).keys()].find((i) => i >= 100 && !leech.storage.has(i))!;
    const wanted = Array.from({ length: 17 }, (_, i) => first + i).filter((i) => !leech.storage.has(i));
    leech.deliver({
      type: 'piece-deadlines',
      deadlines: wanted.map((index, i) => ({ index, at: swarm.now + 1_000 + i * 500 })),
    });
    expect(swarm.run(() => wanted.every((index) => leech.storage.has(index)), 60_000)).toBe(true);
    const after = stored(leech).slice(before);
    // Before the last of them, only what the seeder had already read for its transport (its pace window, a quarter of
    // a second of its uplink: 20 pieces) may come: not the rest of the pipeline (asked before the wish, so first in
    // the seeder's queue), and not after the first blocks of the pieces waited for, their rest behind every piece
    // the seeder had not sent yet.
    const last = Math.max(...wanted.map((index) => after.indexOf(index)));
    const others = after.slice(0, last).filter((index) => !wanted.includes(index));
    expect(others.length).toBeLessThanOrEqual(Math.ceil((PACE_WINDOW_MS / 1000) * 40 * RATE) / PIECE);
    expect(leech.closes).toEqual([]);
  });

  it('outside the window, the rarest pieces come first', () => {
    const swarm = new Swarm({ torrent, sha1: sha1Sync, seed: 9 });
    swarm.addNode({ name: 'seed', seed: true, uploadRate: 2.4 * RATE });
    // A peer with the upper half that barely sends or takes anything: it makes those pieces less rare.
    const upper = new Bitfield(torrent.info.pieceCount);
    for (let i = 64; i < 128; i++) upper.set(i);
    swarm.addNode({ name: 'half', have: upper, uploadRate: 100, downloadRate: 100 });
    const leech = swarm.addNode({ name: 'leech' });
    player(swarm, leech);
    swarm.runFor(20_000);
    const order = stored(leech);
    // Beyond the window (which moves on with the playhead: pieces up to 2 × WINDOW may have joined it), the pieces
    // only the seeder has (20..63) come before those two peers have (64..127).
    const outside = order.filter((index) => index >= 2 * WINDOW);
    expect(outside.length).toBeGreaterThanOrEqual(10);
    expect(outside.slice(0, 10).every((index) => index < 64)).toBe(true);
  });
});

describe('Streaming', () => {
  /** A wishlist that records deadlines and releases (all that streaming uses of it). */
  function setup() {
    const deadlines = new Map<number, number>();
    const kept: number[][] = [];
    const wishlist = {
      setDeadline: (index: number, at: number | undefined) =>
        at === undefined ? deadlines.delete(index) : deadlines.set(index, at),
      releasePeer: (_peer: string, keep?: (index: number) => boolean) => {
        kept.push([...Array(torrent.info.pieceCount).keys()].filter((i) => keep?.(i) ?? false));
        return [{ index: 0, begin: 0, length: 16 * KiB }];
      },
    } as unknown as Wishlist;
    const sent: string[] = [];
    const peer = { key: 'a' } as PeerState;
    const streaming = new Streaming(torrent.info, wishlist, new VerifiedPieces(torrent.info), {
      peers: () => [peer],
      send: (_peer, message) => void sent.push(message.type),
      refill: () => undefined,
    });
    return { streaming, deadlines, kept, sent };
  }

  it('merges the window with the pieces a stream waits for, the earlier deadline winning', () => {
    const t = setup();
    t.streaming.playhead({ file: 0, position: 0, bytesPerSecond: RATE }, 0);
    expect(t.streaming.window.slice(0, 3)).toEqual([0, 1, 2]);
    const windowAt = t.deadlines.get(1)!;
    t.streaming.setDeadlines(
      [
        { index: 1, at: windowAt - 100 },
        { index: 127, at: 5 },
      ],
      false,
    );
    expect(t.deadlines.get(1)).toBe(windowAt - 100);
    expect(t.deadlines.get(127)).toBe(5);
    // The player closes: the window's deadlines go, the stream's stay.
    t.streaming.stopPlayback();
    expect([...t.deadlines.keys()].sort((a, b) => a - b)).toEqual([1, 127]);
  });

  it("lists the window's pieces and the streams' together, earliest deadline first, before any playhead too", () => {
    const t = setup();
    // Play pressed: the file's first piece and its last (past due: the player is blocked on it) are wished before
    // the player knows the duration, so before any playhead.
    t.streaming.setDeadlines(
      [
        { index: 0, at: 0 },
        { index: 127, at: -5_000 },
      ],
      false,
    );
    expect(t.streaming.window).toEqual([]);
    expect(t.streaming.byDeadline).toEqual([127, 0]);
    t.streaming.playhead({ file: 0, position: 0, bytesPerSecond: RATE }, 0);
    expect(t.streaming.byDeadline).toEqual([127, ...t.streaming.window]);
  });

  it('says a player waits while a piece due within URGENT_MS is not in hand', () => {
    const t = setup();
    expect(t.streaming.waiting(0)).toBe(false);
    t.streaming.setDeadlines([{ index: 127, at: 10_000 }], false);
    expect(t.streaming.waiting(0)).toBe(false);
    expect(t.streaming.waiting(9_000)).toBe(true);
    t.streaming.stopPlayback();
    t.streaming.playhead({ file: 0, position: 0, bytesPerSecond: RATE }, 0);
    expect(t.streaming.waiting(0)).toBe(true);
  });

  it('a piece a stream waits for takes back every request but the urgent ones when it turns urgent, once', () => {
    const t = setup();
    t.streaming.handle({ type: 'playhead', file: 0, position: 0, bytesPerSecond: RATE }, 0);
    expect(t.sent).toEqual(['cancel']); // the start
    t.streaming.handle({ type: 'piece-deadlines', deadlines: [{ index: 100, at: 6_000 }] }, 1_000);
    expect(t.sent).toEqual(['cancel']); // not urgent yet
    t.streaming.tick(4_500);
    expect(t.sent).toEqual(['cancel', 'cancel']);
    // Kept: the piece and the window's first pieces (due within URGENT_MS); not the window's far end.
    expect(t.kept[1]).toContain(100);
    expect(t.kept[1]).toContain(Math.floor((4.5 * RATE) / PIECE));
    expect(t.kept[1]).not.toContain(WINDOW);
    t.streaming.tick(6_000);
    expect(t.sent).toHaveLength(2); // once per urgent piece
  });

  it("a player blocked on a piece (past its deadline) keeps only the stream's urgent requests, not the window's", () => {
    const t = setup();
    t.streaming.handle({ type: 'playhead', file: 0, position: 0, bytesPerSecond: RATE }, 0);
    // A read the window does not start at (piece 60, past the window), due already: a jump, at once.
    t.streaming.handle({ type: 'piece-deadlines', deadlines: [{ index: 60, at: -10_000 }] }, 200);
    expect(t.sent).toEqual(['cancel', 'cancel']);
    expect(t.kept[1]).toEqual([60]);
    // Not yet due: the window's first pieces keep theirs too.
    t.streaming.tick(1_500);
    t.streaming.handle({ type: 'piece-deadlines', deadlines: [{ index: 90, at: 2_500 }] }, 1_500);
    expect(t.kept[2]).toContain(90);
    expect(t.kept[2]).toContain(1);
    // A window piece the player is blocked on (past due) is fetched in the window's order: no cancel within the
    // second. One outside the window, 150 ms after the last cancel: at once, not a second later.
    t.streaming.handle({ type: 'piece-deadlines', deadlines: [{ index: 5, at: -10_000 }] }, 1_650);
    expect(t.sent).toHaveLength(3);
    t.streaming.handle({ type: 'piece-deadlines', deadlines: [{ index: 70, at: -10_000 }] }, 1_800);
    expect(t.sent).toHaveLength(4);
    // The reads blocked as long keep theirs; 90, due ahead still, goes behind them.
    expect(t.kept[3]).toEqual([5, 60, 70]);
  });

  it('a jump (an urgent piece that had no deadline) takes the requests back at once, a sequential read once a second', () => {
    const t = setup();
    const first = Array.from({ length: 17 }, (_, i) => ({ index: i, at: 1_000 + i * 500 }));
    t.streaming.handle({ type: 'piece-deadlines', deadlines: first }, 0);
    expect(t.sent).toEqual(['cancel']);
    // The player reads on: the next piece had a deadline already, and is urgent now. Within the second: no cancel.
    t.streaming.handle({ type: 'piece-deadlines', deadlines: [{ index: 3, at: 1_200 }] }, 200);
    expect(t.sent).toEqual(['cancel']);
    // It reads the index at the end of the file: a piece with no deadline so far, urgent at once.
    t.streaming.handle({ type: 'piece-deadlines', deadlines: [{ index: 127, at: 1_250 }] }, 250);
    expect(t.sent).toEqual(['cancel', 'cancel']);
    expect(t.kept[1]).toContain(127);
    // Jumps are spaced too: one 50 ms later waits for the next tick past the spacing.
    t.streaming.handle({ type: 'piece-deadlines', deadlines: [{ index: 100, at: 1_300 }] }, 300);
    expect(t.sent).toHaveLength(2);
    t.streaming.tick(400);
    expect(t.sent).toHaveLength(3);
    expect(t.kept[2]).toContain(100);
  });

  it('a jump goes ahead of the look-ahead of the read the player left, past due or not', () => {
    const t = setup();
    // A read's wish: its first piece now, then one every half second (stream-deadlines.ts).
    const read = Array.from({ length: 17 }, (_, i) => ({
      index: i,
      at: i === 0 ? -10_000 : 1_000 + (i - 1) * 500,
    }));
    t.streaming.handle({ type: 'piece-deadlines', deadlines: read }, 0);
    // Six seconds on, over a path slower than a piece every half second, most of its look-ahead is past due. The
    // player leaves that read for the index at the end of the file, which it needs now.
    t.streaming.handle({ type: 'piece-deadlines', deadlines: [{ index: 127, at: -4_000 }] }, 6_000);
    expect(t.sent).toEqual(['cancel', 'cancel']);
    // Only what is due no later than the index keeps its requests: the read's first piece (the one it was blocked
    // on), not its look-ahead, which is asked again behind the index.
    expect(t.kept[1]).toEqual([0, 127]);
    expect(t.deadlines.has(5)).toBe(true);
  });

  it('a piece urgent as look-ahead, then blocked on outside the window (a seek left its read), is served again', () => {
    const t = setup();
    t.streaming.handle({ type: 'playhead', file: 0, position: 0, bytesPerSecond: RATE }, 0);
    // The read's look-ahead: piece 60 due in 1.5 s, urgent, so served: the window's first pieces keep theirs.
    t.streaming.handle({ type: 'piece-deadlines', deadlines: [{ index: 59, at: -10_000 }] }, 1_000);
    t.streaming.handle({ type: 'piece-deadlines', deadlines: [{ index: 60, at: 2_500 }] }, 1_000);
    t.streaming.tick(2_000);
    expect(t.kept.at(-1)).toContain(60);
    expect(t.kept.at(-1)).toContain(5);
    // The player seeks away (the window moves to piece 100; the read's wishes, far from it, are forgotten) and is
    // still blocked in that read, on piece 60 now: every request but its own is taken back, at once.
    t.streaming.handle(
      { type: 'playhead', file: 0, position: 100 * PIECE, bytesPerSecond: RATE, paused: true },
      2_100,
    );
    const before = t.sent.length;
    t.streaming.handle({ type: 'piece-deadlines', deadlines: [{ index: 60, at: -8_000 }] }, 2_200);
    expect(t.sent).toHaveLength(before + 1);
    expect(t.kept.at(-1)).toEqual([60]);
    // Asked again a second later while still blocked on: served once, no more.
    t.streaming.handle({ type: 'piece-deadlines', deadlines: [{ index: 60, at: -7_000 }] }, 3_300);
    expect(t.sent).toHaveLength(before + 1);
  });

  it("a blocked read before the window's start (an MP4's seek, its keyframe earlier in the bytes) starts the window there", () => {
    const t = setup();
    // A seek to piece 96: the window, placed by time over duration, starts a second of media before it (94).
    t.streaming.handle(
      { type: 'playhead', file: 0, position: 96 * PIECE, bytesPerSecond: RATE, paused: true },
      0,
    );
    expect(t.streaming.window[0]).toBe(94);
    // The player reads piece 80 (eight seconds of media before the playhead) and is blocked on it.
    t.streaming.handle({ type: 'piece-deadlines', deadlines: [{ index: 80, at: -10_000 }] }, 200);
    expect(t.streaming.window[0]).toBe(80);
    expect(t.streaming.window).toContain(95);
    // Every request but the blocked piece's was taken back at once, to be asked again in the window's order.
    expect(t.kept[1]).toEqual([80]);
    // A read far before the playhead (more than the window's ten seconds of media) is not this playback's.
    t.streaming.handle({ type: 'piece-deadlines', deadlines: [{ index: 20, at: -10_000 }] }, 300);
    expect(t.streaming.window[0]).toBe(80);
  });

  it('a seek forgets the pieces the streams waited for far from the new window; those near it stay', () => {
    const t = setup();
    t.streaming.handle({ type: 'playhead', file: 0, position: 0, bytesPerSecond: RATE }, 0);
    t.streaming.handle(
      {
        type: 'piece-deadlines',
        deadlines: [
          { index: 3, at: 5_000 },
          { index: 85, at: 5_000 },
        ],
      },
      0,
    );
    expect(t.streaming.hasDeadline(3) && t.streaming.hasDeadline(85)).toBe(true);
    t.streaming.handle(
      { type: 'playhead', file: 0, position: 96 * PIECE, bytesPerSecond: RATE, paused: true },
      1_000,
    );
    // 3 was the old read's (before the seek it waited behind nothing, and would come first at the seeder): gone.
    expect(t.streaming.hasDeadline(3)).toBe(false);
    expect(t.deadlines.has(3)).toBe(false);
    // 85 lies within the window's ten seconds of media before its start, where the seek's read may begin.
    expect(t.streaming.hasDeadline(85)).toBe(true);
  });

  it('a seek cancels every request but those of the new window, and a stream that starts mid-file keeps it', () => {
    const t = setup();
    t.streaming.playhead({ file: 0, position: 0, bytesPerSecond: RATE }, 0);
    expect(t.sent).toEqual(['cancel']); // the start moves the window too
    t.streaming.playhead({ file: 0, position: 4 * PIECE, bytesPerSecond: RATE }, 1_000);
    expect(t.sent).toEqual(['cancel']); // within the window: nothing cancelled
    t.streaming.playhead({ file: 0, position: 96 * PIECE, bytesPerSecond: RATE }, 2_000);
    expect(t.sent).toEqual(['cancel', 'cancel']);
    expect(t.kept[1][0]).toBe(94);
    expect(t.kept[1]).not.toContain(10);
    t.streaming.setDeadlines([{ index: 127, at: 2_000 }], true);
    expect(t.kept[2]).toContain(96);
    expect(t.kept[2]).toContain(127);
  });
});
