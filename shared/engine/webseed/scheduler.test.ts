import { describe, expect, it } from 'vitest';
import { createAnyInfo } from '../../codec/metainfo-v2';
import type { TorrentInfo } from '../../codec/metainfo';
import { sha1, sha1Sync } from '../../testing/sha1';
import { sha256 } from '../../testing/sha256';
import { TorrentSession } from '../session/session';
import type { EngineAction, EngineEvent, WebSeedFailure } from '../contract/engine-types';
import { mulberry32, randomBytes } from '../testing/random';
import { ENDGAME_PIECES, MAX_REQUEST_BYTES, MAX_REQUESTS_PER_SEED, MIN_REQUEST_BYTES } from './scheduler';
import { MAX_RETRY_MS } from './seed-state';

const SEED = 'https://files.example.org/share';
const PIECE = 64 * 1024;

type Fetch = Extract<EngineAction, { type: 'webseed-fetch' }>;

/** A hybrid torrent of files with awkward names (pad files between them, one empty file). */
async function hybridTorrent(
  lengths: number[],
): Promise<{ info: TorrentInfo; files: Map<string, Uint8Array> }> {
  const random = mulberry32(7);
  const names = ['a #1.bin', 'b?x.bin', 'c 100%.bin', 'é d.bin', 'e.bin'];
  const files = lengths.map((length, i) => ({ path: [names[i]], data: randomBytes(random, length) }));
  const { info } = await createAnyInfo(
    files.map(({ path, data }) => ({
      path,
      length: data.length,
      read: async (o, n) => data.slice(o, o + n),
    })),
    { name: 'share #', sha1, sha256, pieceLength: PIECE },
  );
  return { info: info.v1!, files: new Map(files.map(({ path, data }) => [path[0], data])) };
}

/** Drives a session and plays the web server: each fetch answered at once from `serve`, unless held. */
class Driver {
  readonly session: TorrentSession;
  readonly fetches: Fetch[] = [];
  readonly aborted: number[] = [];
  readonly stored = new Map<number, Uint8Array>();
  complete = false;
  now = 0;
  private readonly queue: EngineEvent[] = [];

  constructor(
    readonly info: TorrentInfo,
    private readonly serve: (fetch: Fetch) => Uint8Array | WebSeedFailure | 'hold',
    options: { budget?: number; seeds?: string[]; random?: () => number } = {},
  ) {
    this.session = new TorrentSession({
      infoHash: info.infoHash,
      peerId: new Uint8Array(20).fill(1),
      info,
      // Draws of 0 start the seed's search at the first piece, so each test knows the requests to expect.
      random: options.random ?? (() => 0),
      now: 0,
      webSeeds: options.seeds ?? [SEED],
      webSeedBudget: options.budget,
    });
  }

  feed(event: EngineEvent): void {
    this.queue.push(event);
    while (this.queue.length > 0) this.run(this.session.handle(this.queue.shift()!, this.now));
  }

  tick(ms = 1000): void {
    this.now += ms;
    this.feed({ type: 'tick' });
  }

  private run(actions: EngineAction[]): void {
    for (const action of actions) {
      if (action.type === 'hash')
        this.queue.push({ type: 'hashed', id: action.id, digest: sha1Sync(action.data) });
      else if (action.type === 'store') {
        this.stored.set(action.index, action.data.slice());
        this.queue.push({ type: 'stored', index: action.index });
      } else if (action.type === 'complete') this.complete = true;
      else if (action.type === 'webseed-abort') this.aborted.push(action.request);
      else if (action.type === 'webseed-fetch') this.answer(action);
    }
  }

  private answer(fetch: Fetch): void {
    this.fetches.push(fetch);
    const answer = this.serve(fetch);
    if (answer === 'hold') return;
    if (!(answer instanceof Uint8Array))
      return void this.queue.push({ type: 'webseed-failed', request: fetch.request, ...answer });
    // The body in two parts, as a stream brings it.
    const half = answer.length >> 1;
    this.queue.push({ type: 'webseed-data', request: fetch.request, data: answer.subarray(0, half) });
    this.queue.push({ type: 'webseed-data', request: fetch.request, data: answer.subarray(half) });
    this.queue.push({ type: 'webseed-end', request: fetch.request });
  }

  /** The torrent's bytes as stored (pad bytes included). */
  bytes(): Uint8Array {
    const out = new Uint8Array(this.info.length);
    for (const [index, data] of this.stored) out.set(data, index * this.info.pieceLength);
    return out;
  }
}

/** Serves each file's bytes by the URL's last component. */
function server(files: Map<string, Uint8Array>, info: TorrentInfo) {
  return (fetch: Fetch): Uint8Array => {
    const path = info.files[fetch.file].path;
    expect(fetch.url).toBe(`${SEED}/${encodeURIComponent(info.name)}/${encodeURIComponent(path[0])}`);
    return files.get(path[0])!.slice(fetch.start, fetch.end);
  };
}

/** The torrent's bytes as they should be (zeros for pad files). */
function expected(info: TorrentInfo, files: Map<string, Uint8Array>): Uint8Array {
  const out = new Uint8Array(info.length);
  for (const file of info.files) if (!file.pad) out.set(files.get(file.path[0])!, file.offset);
  return out;
}

function runUntilDone(driver: Driver, limit = 200): void {
  for (let i = 0; i < limit && !driver.complete; i++) driver.tick();
}

describe('web seed scheduling', () => {
  it('downloads a torrent from a web seed alone, byte for byte, in merged requests, never a pad or empty file', async () => {
    const { info, files } = await hybridTorrent([300_000, 0, 5 * PIECE, 70_000, 40_000]);
    const driver = new Driver(info, server(files, info));
    runUntilDone(driver);
    expect(driver.complete).toBe(true);
    expect(Buffer.compare(driver.bytes(), expected(info, files))).toBe(0);
    for (const fetch of driver.fetches) {
      const file = info.files[fetch.file];
      expect(file.pad).toBeUndefined();
      expect(file.length).toBeGreaterThan(0);
      expect(fetch.end - fetch.start).toBeLessThanOrEqual(MAX_REQUEST_BYTES);
    }
    // One request per file with bytes: the pieces of each file merged.
    expect(driver.fetches.map((fetch) => fetch.file)).toEqual(
      info.files.flatMap((file, i) => (file.pad || file.length === 0 ? [] : [i])),
    );
  });

  it.each([
    ['on 404', { status: 404, reason: 'Not Found' }, 'not on the server (404)'],
    [
      'when the fetcher says the file cannot be had from it',
      { dropFile: true, reason: 'the server sent other bytes than asked for' },
      'the server sent other bytes than asked for',
    ],
  ])('drops a file from the seed %s and goes on with the others', async (_, failure, reason) => {
    const { info, files } = await hybridTorrent([200_000, 3 * PIECE, 100_000]);
    const serve = server(files, info);
    const driver = new Driver(info, (fetch) =>
      info.files[fetch.file].path[0] === 'b?x.bin' ? failure : serve(fetch),
    );
    runUntilDone(driver, 20);
    expect(driver.complete).toBe(false);
    const stats = driver.session.stats(driver.now).webSeeds!;
    const missing = info.files.findIndex((file) => file.path[0] === 'b?x.bin');
    expect(stats[0].droppedFiles).toEqual([{ file: missing, reason }]);
    const file = info.files[missing];
    for (let index = 0; index < info.pieceCount; index++) {
      const inB = index * PIECE >= file.offset && index * PIECE < file.offset + file.length;
      expect(driver.stored.has(index)).toBe(!inB);
    }
    expect(driver.fetches.filter((fetch) => fetch.file === missing)).toHaveLength(1);
  });

  it('drops a file whose bytes differ from the torrent, and keeps the rest', async () => {
    const { info, files } = await hybridTorrent([200_000, 3 * PIECE]);
    const serve = server(files, info);
    const altered = info.files.findIndex((file) => file.path[0] === 'a #1.bin');
    const driver = new Driver(info, (fetch) => {
      const bytes = serve(fetch);
      if (fetch.file === altered && fetch.start <= 1000 && fetch.end > 1000)
        bytes[1000 - fetch.start] ^= 0xff;
      return bytes;
    });
    runUntilDone(driver, 20);
    const stats = driver.session.stats(driver.now).webSeeds!;
    expect(stats[0].droppedFiles).toEqual([{ file: altered, reason: 'its bytes differ from the torrent' }]);
    expect(driver.stored.has(0)).toBe(false);
    expect(driver.stored.has(info.pieceCount - 1)).toBe(true);
    // The file's other pieces came before the bad one was found; none was asked again of this seed.
    expect(driver.fetches.filter((fetch) => fetch.file === altered)).toHaveLength(1);
  });

  it('waits for Retry-After on 503, bounded', async () => {
    const { info, files } = await hybridTorrent([100_000]);
    const serve = server(files, info);
    let busy = 2;
    const driver = new Driver(info, (fetch) =>
      busy-- > 0
        ? { status: 503, retryAfterMs: busy === 1 ? 5_000 : 10 * MAX_RETRY_MS, reason: 'busy' }
        : serve(fetch),
    );
    driver.tick(0);
    expect(driver.fetches).toHaveLength(1);
    driver.tick(4_000);
    expect(driver.fetches).toHaveLength(1);
    driver.tick(1_000);
    expect(driver.fetches).toHaveLength(2);
    expect(driver.session.stats(driver.now).webSeeds![0].status).toBe('waiting');
    driver.tick(MAX_RETRY_MS - 1);
    expect(driver.fetches).toHaveLength(2);
    driver.tick(1);
    expect(driver.complete).toBe(true);
  });

  it('takes a file whole when the server sends no parts', async () => {
    const { info, files } = await hybridTorrent([3 * PIECE + 5, PIECE]);
    const serve = server(files, info);
    const driver = new Driver(info, (fetch) =>
      fetch.whole
        ? files.get(info.files[fetch.file].path[0])!
        : fetch.file === 0
          ? { status: 200, reason: 'whole' }
          : serve(fetch),
    );
    runUntilDone(driver, 10);
    expect(driver.complete).toBe(true);
    const whole = driver.fetches.filter((fetch) => fetch.whole);
    expect(whole.map((fetch) => [fetch.file, fetch.start, fetch.end])).toEqual([[0, 0, 3 * PIECE + 5]]);
    expect(Buffer.compare(driver.bytes(), expected(info, files))).toBe(0);
  });

  it('says a seed this site may not read is out, in words', async () => {
    const { info } = await hybridTorrent([100_000]);
    const reason = 'The server files.example.org does not let this site read it';
    const driver = new Driver(info, () => ({ blocked: 'cors', reason }));
    runUntilDone(driver, 5);
    expect(driver.fetches).toHaveLength(1);
    expect(driver.session.stats(driver.now).webSeeds).toEqual([
      { url: SEED, status: 'failed', downloaded: 0, failure: reason, droppedFiles: [] },
    ]);
  });

  it('asks for no more than the budget', async () => {
    const { info, files } = await hybridTorrent([10 * PIECE]);
    const driver = new Driver(info, server(files, info), { budget: 3 * PIECE + 100 });
    runUntilDone(driver, 10);
    const asked = driver.fetches.reduce((sum, fetch) => sum + fetch.end - fetch.start, 0);
    expect(asked).toBe(3 * PIECE);
    expect(driver.stored.size).toBe(3);
    driver.feed({ type: 'webseed-budget', bytes: undefined });
    runUntilDone(driver, 10);
    expect(driver.complete).toBe(true);
  });

  it('stops the requests a lowered budget no longer covers, and says when the budget is spent', async () => {
    const { info, files } = await hybridTorrent([10 * PIECE, 10 * PIECE]);
    let hold = true;
    const serve = server(files, info);
    const driver = new Driver(info, (fetch) => (hold ? 'hold' : serve(fetch)));
    driver.tick();
    expect(driver.fetches.length).toBeGreaterThan(1);
    driver.feed({ type: 'webseed-budget', bytes: 4 * PIECE });
    const live = driver.fetches.filter((fetch) => !driver.aborted.includes(fetch.request));
    expect(live.reduce((sum, fetch) => sum + fetch.end - fetch.start, 0)).toBeLessThanOrEqual(4 * PIECE);
    expect(driver.aborted.length).toBeGreaterThan(0);
    hold = false;
    const asked = driver.fetches.length;
    runUntilDone(driver, 10);
    const answered = driver.fetches.slice(asked);
    expect(answered.reduce((sum, fetch) => sum + fetch.end - fetch.start, 0)).toBe(4 * PIECE);
    expect(driver.session.stats(driver.now).webSeedBudgetSpent).toBe(true);
    driver.feed({ type: 'webseed-budget', bytes: undefined });
    expect(driver.session.stats(driver.now).webSeedBudgetSpent).toBeUndefined();
  });

  it('keeps at most a few requests in flight per seed, of MIN_REQUEST_BYTES before the seed has sent anything, and stops them on pause', async () => {
    const { info } = await hybridTorrent([40 * 1024 * 1024]);
    const driver = new Driver(info, () => 'hold');
    driver.tick();
    expect(driver.fetches).toHaveLength(MAX_REQUESTS_PER_SEED);
    expect(driver.fetches.map((fetch) => [fetch.start, fetch.end])).toEqual([
      [0, MIN_REQUEST_BYTES],
      [MIN_REQUEST_BYTES, 2 * MIN_REQUEST_BYTES],
    ]);
    driver.feed({ type: 'pause' });
    driver.tick();
    expect(driver.aborted).toEqual(driver.fetches.map((fetch) => fetch.request));
    expect(ENDGAME_PIECES).toBeGreaterThan(0);
  });

  it("asks for a player's first reads at once, before any tick and before the player knows the duration", async () => {
    const { info } = await hybridTorrent([8 * 1024 * 1024]);
    const driver = new Driver(info, () => 'hold', { random: () => 0.5 });
    driver.tick();
    const last = info.pieceCount - 1;
    expect(driver.fetches.map((fetch) => fetch.start / PIECE)).toEqual([64, 80]);
    // Play: the service worker's streams read the start of the file and its end (its index), no playhead yet.
    driver.feed({
      type: 'piece-deadlines',
      deadlines: [
        { index: 0, at: driver.now },
        { index: last, at: driver.now },
      ],
    });
    const asked = driver.fetches.slice(2).map((fetch) => [fetch.start / PIECE, fetch.end / PIECE]);
    expect(asked).toEqual([
      [0, MIN_REQUEST_BYTES / PIECE],
      [last, last + 1],
    ]);
  });
});
