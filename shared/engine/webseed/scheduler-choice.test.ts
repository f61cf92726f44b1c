// What the scheduler asks a web seed for, with the session around it faked: pieces peers have stay theirs.
import { describe, expect, it } from 'vitest';
import type { EngineAction } from '../contract/engine-types';
import {
  MAX_REQUESTS_PER_SEED,
  MAX_UNSETTLED_BYTES,
  MAX_WINDOW_REQUESTS,
  MIN_REQUEST_BYTES,
  WebSeedScheduler,
  type SchedulerPorts,
  type SeedTorrent,
} from './scheduler';

const PIECE = 1024;
/** Two files of 8 pieces each, no pad file. */
const torrent: SeedTorrent = {
  name: 'two',
  multiFile: true,
  pieceLength: PIECE,
  length: 16 * PIECE,
  pieceCount: 16,
  files: [
    { path: ['a'], length: 8 * PIECE, offset: 0 },
    { path: ['b'], length: 8 * PIECE, offset: 8 * PIECE },
  ],
};

/** One file of `pieceCount` pieces of 256 KiB. */
function oneFile(pieceCount: number): SeedTorrent {
  const length = pieceCount * 256 * 1024;
  return {
    name: 'one',
    multiFile: false,
    pieceLength: 256 * 1024,
    length,
    pieceCount,
    files: [{ path: ['one'], length, offset: 0 }],
  };
}

type Fetch = Extract<EngineAction, { type: 'webseed-fetch' }>;

function scheduler(over: Partial<SchedulerPorts> = {}, seedTorrent: SeedTorrent = torrent) {
  const fetches: Fetch[] = [];
  const aborted: number[] = [];
  const claims: number[][] = [];
  const ports: SchedulerPorts = {
    claim: (_key, pieces) => {
      claims.push([...pieces]);
      return new Set(pieces);
    },
    release: () => {},
    peerAvailability: () => 0,
    needs: () => true,
    window: () => [],
    waiting: () => false,
    early: () => [],
    missing: () => 16,
    unsettled: () => 0,
    buffer: (size) => new Uint8Array(size),
    piece: () => {},
    random: () => 0,
    act: (action) => {
      if (action.type === 'webseed-fetch') fetches.push(action);
      if (action.type === 'webseed-abort') aborted.push(action.request);
    },
    ...over,
  };
  return {
    seeds: new WebSeedScheduler(seedTorrent, ['https://s.example/d'], undefined, ports),
    fetches,
    claims,
    aborted,
  };
}

const ranges = (fetches: Fetch[]) => fetches.map((fetch) => [fetch.file, fetch.start, fetch.end]);

describe('what a web seed is asked for', () => {
  it('asks for nothing that connected peers have, outside the window and the endgame', () => {
    const { seeds, fetches } = scheduler({ peerAvailability: () => 1 });
    seeds.pump(0);
    expect(fetches).toEqual([]);
  });

  it('asks for the pieces no peer has, in runs of consecutive ones', () => {
    const { seeds, fetches } = scheduler({ peerAvailability: (index) => (index >= 2 && index < 5 ? 0 : 1) });
    seeds.pump(0);
    expect(ranges(fetches)).toEqual([[0, 2 * PIECE, 5 * PIECE]]);
  });

  it('starts no run while MAX_UNSETTLED_BYTES of pieces wait to be checked or stored, but still asks for a player', () => {
    let unsettled = MAX_UNSETTLED_BYTES / PIECE;
    let window: number[] = [];
    const { seeds, fetches } = scheduler({ unsettled: () => unsettled, window: () => window });
    seeds.pump(0);
    expect(fetches).toEqual([]);
    window = [9];
    seeds.pump(0);
    expect(ranges(fetches)).toEqual([[1, 1 * PIECE, 8 * PIECE]]);
    // One piece stored: room again, and the runs start at once, not at the next tick.
    unsettled -= 1;
    seeds.settled(0);
    expect(ranges(fetches.slice(1))).toEqual([
      [0, 0, 8 * PIECE],
      [1, 0, PIECE],
    ]);
  });

  it('fills each piece from its own request only: two whole-file answers of one file never complete a piece early', () => {
    const file = Uint8Array.from({ length: 8 * PIECE }, (_, i) => (i * 7 + 3) % 251);
    const handed: Array<{ index: number; data: Uint8Array }> = [];
    const { seeds, fetches } = scheduler({
      // Piece 3 stays with a peer: file a is asked for in two runs, each answered with the whole file.
      claim: (_key, pieces) => new Set(pieces.filter((index) => index !== 3 && index < 8)),
      piece: (_seed, index, data) => handed.push({ index, data: data.slice() }),
    });
    seeds.seeds[0].noRanges(0, file.length);
    seeds.pump(0);
    const whole = fetches.filter((fetch) => fetch.whole);
    expect(whole).toHaveLength(2);
    // The two answers arrive interleaved, chunk by chunk, at the same offsets.
    for (let at = 0; at < file.length; at += 256)
      for (const fetch of whole) seeds.data(fetch.request, file.subarray(at, at + 256), 0);
    expect(handed.map((piece) => piece.index).sort((a, b) => a - b)).toEqual([0, 1, 2, 4, 5, 6, 7]);
    for (const { index, data } of handed)
      expect(Buffer.from(data).equals(file.subarray(index * PIECE, (index + 1) * PIECE))).toBe(true);
  });

  it('asks for the playback window first, even when peers have it', () => {
    const { seeds, fetches } = scheduler({ peerAvailability: () => 1, window: () => [9, 10] });
    seeds.pump(0);
    expect(ranges(fetches)).toEqual([[1, 1 * PIECE, 8 * PIECE]]);
    expect(fetches[0].url).toBe('https://s.example/d/two/b');
  });

  it('fetches only what the picker grants: a piece a peer asked for stays with that peer', () => {
    const { seeds, fetches } = scheduler({
      claim: (_key, pieces) => new Set(pieces.filter((index) => index !== 3)),
    });
    seeds.pump(0);
    expect(ranges(fetches)).toEqual([
      [0, 0, 3 * PIECE],
      [0, 4 * PIECE, 8 * PIECE],
      [1, 0, 8 * PIECE],
    ]);
  });

  it("goes on past the window's end until a request holds MIN_REQUEST_BYTES", () => {
    const big = oneFile(16);
    const { seeds, fetches } = scheduler({ peerAvailability: () => 1, window: () => [2, 3] }, big);
    seeds.pump(0);
    expect(fetches.map((fetch) => [fetch.start, fetch.end])).toEqual([
      [2 * 256 * 1024, 2 * 256 * 1024 + MIN_REQUEST_BYTES],
    ]);
  });

  it('merges the contiguous pieces of the endgame into one request', () => {
    const { seeds, fetches } = scheduler({
      peerAvailability: () => 2,
      missing: () => 4,
      needs: (index) => index >= 4 && index < 8,
    });
    seeds.pump(0);
    expect(ranges(fetches)).toEqual([[0, 4 * PIECE, 8 * PIECE]]);
  });

  it('asks for any missing piece in the endgame', () => {
    const { seeds, fetches } = scheduler({
      peerAvailability: () => 2,
      missing: () => 2,
      needs: (index) => index === 14 || index === 15,
    });
    seeds.pump(0);
    expect(ranges(fetches)).toEqual([[1, 6 * PIECE, 8 * PIECE]]);
  });

  it("starts its search for pieces no peer has at the session's random piece, and wraps around", () => {
    const { seeds, fetches } = scheduler({ random: () => 0.75 });
    seeds.pump(0);
    expect(ranges(fetches)).toEqual([
      [1, 4 * PIECE, 8 * PIECE],
      [0, 0, 8 * PIECE],
      [1, 0, 4 * PIECE],
    ]);
  });

  it('keeps a request to MIN_REQUEST_BYTES until the seed has shown it sends more', () => {
    const big = oneFile(64);
    const { seeds, fetches } = scheduler({}, big);
    seeds.pump(0);
    expect(fetches.map((fetch) => fetch.end - fetch.start)).toEqual([MIN_REQUEST_BYTES, MIN_REQUEST_BYTES]);
  });
});

describe('a player waiting on a web seed', () => {
  it("asks for a playable file's early pieces (its start, its end) before the session's random start", () => {
    const big = oneFile(64);
    const { seeds, fetches } = scheduler({ early: () => [0, 63, 1, 2], random: () => 0.5 }, big);
    seeds.pump(0);
    expect(fetches.map((fetch) => [fetch.start / (256 * 1024), fetch.end / (256 * 1024)])).toEqual([
      [0, 4],
      [63, 64],
    ]);
  });

  it('leaves early pieces that a connected peer has to that peer', () => {
    const big = oneFile(64);
    const { seeds, fetches } = scheduler(
      {
        early: () => [0, 63],
        random: () => 0.5,
        peerAvailability: (index) => (index === 0 || index === 63 ? 1 : 0),
      },
      big,
    );
    seeds.pump(0);
    expect(fetches[0].start / (256 * 1024)).toBe(32);
  });

  const KiB256 = 256 * 1024;

  it('a reader waiting on piece P with runs in flight elsewhere gets a request for P at once', () => {
    let window: number[] = [];
    const big = oneFile(64);
    const { seeds, fetches, aborted } = scheduler({ window: () => window, random: () => 0.5 }, big);
    seeds.pump(0);
    expect(fetches.map((fetch) => fetch.start / KiB256)).toEqual([32, 36]);
    // The player reads the file's first piece and its last (before it knows the duration: no playback window).
    window = [0, 63];
    seeds.pump(10);
    expect(
      fetches.slice(MAX_REQUESTS_PER_SEED).map((fetch) => [fetch.start / KiB256, fetch.end / KiB256]),
    ).toEqual([
      [0, 4],
      [63, 64],
    ]);
    expect(aborted).toEqual([]);
    expect(fetches).toHaveLength(MAX_REQUESTS_PER_SEED + MAX_WINDOW_REQUESTS);
  });

  it("stops a run elsewhere that holds the player's piece behind others, and asks for that piece at once", () => {
    let window: number[] = [];
    const big = oneFile(64);
    const { seeds, fetches, aborted } = scheduler({ window: () => window, random: () => 0.5 }, big);
    seeds.pump(0);
    const [first, second] = fetches;
    // The player needs piece 34, two pieces into the first run.
    window = [34];
    seeds.pump(10);
    expect(aborted).toEqual([first.request]);
    expect(aborted).not.toContain(second.request);
    expect(fetches[2].start / KiB256).toBe(34);
    // The rest of the stopped run is asked again, from its start, as a run elsewhere.
    expect(fetches.slice(3).map((fetch) => fetch.start / KiB256)).toEqual([32]);
  });

  it('leaves a run elsewhere whose next piece is the one the player needs', () => {
    let window: number[] = [];
    const big = oneFile(64);
    const { seeds, fetches, aborted } = scheduler({ window: () => window, random: () => 0.5 }, big);
    seeds.pump(0);
    window = [32];
    seeds.pump(10);
    expect(aborted).toEqual([]);
    expect(fetches).toHaveLength(MAX_REQUESTS_PER_SEED);
  });

  it('while the player waits, runs elsewhere stop and none start; they go on once it has what it waits for', () => {
    let window: number[] = [];
    let waiting = false;
    const big = oneFile(64);
    const { seeds, fetches, aborted } = scheduler(
      { window: () => window, waiting: () => waiting, random: () => 0.5 },
      big,
    );
    seeds.pump(0);
    const elsewhere = fetches.map((fetch) => fetch.request);
    window = [0, 63];
    waiting = true;
    seeds.pump(10);
    expect(aborted).toEqual(elsewhere);
    expect(fetches.slice(2).map((fetch) => fetch.start / KiB256)).toEqual([0, 63]);
    seeds.pump(20);
    expect(fetches).toHaveLength(4);
    // The player has its pieces: the search elsewhere starts again where it began.
    window = [];
    waiting = false;
    seeds.pump(30);
    expect(fetches.slice(4).map((fetch) => fetch.start / KiB256)).toEqual([32, 36]);
  });
});
