// What a hostile web seed can cost, each bound against the real range server on loopback (its faults) and the
// worker's fetcher: a body longer than asked is cut at the bytes asked and the connection closed; a 200 with a body
// too large to take whole is left at once; a 206 naming other bytes is refused before its body is read; a redirect
// loop costs one fetch's redirects and drops that file in words; a body trickled under PROGRESS_BYTES per IDLE_MS is
// left, and so is a server that never answers (the fetcher's clock faked, the server sending in real time).
// docs/security.md lists them.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TorrentInfo } from '../../../shared/codec/metainfo';
import type { EngineEvent } from '../../../shared/engine/contract/engine-types';
import { MAX_WHOLE_FILE } from '../../../shared/engine/webseed/seed-state';
import {
  startRangeServer,
  type RangeServer,
  type RecordedRequest,
} from '../../../shared/testing/range-server';
import { until } from '../../../shared/testing/until';
import { OTHER_BYTES } from './web-seed-answer';
import { IDLE_MS, PROGRESS_BYTES, WebSeedFetcher } from './web-seed-fetch';
import { seedFetchAction } from './testing/seed-fetch-action';
import { REDIRECTS_LEAD_NOWHERE } from './web-seed-probe';
import {
  bytesOf,
  randomTorrent,
  servedUnder,
  webSeedDownload as download,
} from './testing/web-seed-download';

const NAME = 'hostile é';
/** Junk a body may carry past the range: far more than any client reads, so an answer sent whole means it was read. */
const ENDLESS = 2 ** 40;

let server: RangeServer | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await server?.close();
  server = undefined;
});

const torrent = (lengths: number[]) =>
  randomTorrent(
    NAME,
    lengths.map((length, i) => [`f${i} #.bin`, length]),
    5,
    64 * 1024,
  );
const served = (data: Map<string, Uint8Array>) => servedUnder(NAME, data);

/** Downloads from the seed alone until `done`, ticking the session's clock. */
async function runUntil(run: ReturnType<typeof download>, done: () => boolean, what: string) {
  await until(done, { what, timeoutMs: 15_000, beforeWait: () => run.tick() });
}

function expectByteIdentical(
  info: TorrentInfo,
  run: ReturnType<typeof download>,
  data: Map<string, Uint8Array>,
) {
  for (const [name, bytes] of data) expect(Buffer.compare(bytesOf(info, run.stored, name), bytes)).toBe(0);
}

/** Every file answer ended with the client gone before it was sent whole. */
const allLeft = (requests: readonly RecordedRequest[]) =>
  requests.every((request) => request.endedAt !== undefined && !request.whole);

/** The fetcher asked for the first `bytes` of `f0 #.bin` on `server`; the events it gives, as they come. */
function fetchFirstFile(server: RangeServer, bytes: number): EngineEvent[] {
  const events: EngineEvent[] = [];
  const url = `${server.origin}/files/${encodeURIComponent(NAME)}/${encodeURIComponent('f0 #.bin')}`;
  new WebSeedFetcher('http:').fetch(seedFetchAction(bytes, { seed: server.origin, url }), (event) =>
    events.push(event),
  );
  return events;
}

describe('a hostile web seed', () => {
  it('sending more than the range asked is read only up to the bytes asked, then its connection closed', async () => {
    const { info, data } = await torrent([300_000, 200_000]);
    server = await startRangeServer(served(data), { overlong: ENDLESS });
    const run = download(info, [`${server.origin}/files`]);
    await runUntil(run, () => run.state.complete, 'the download to complete');
    expectByteIdentical(info, run, data);
    await until(() => allLeft(server!.requests), { what: 'every endless answer left by the client' });
  });

  it('answering 200 with a whole file larger than it takes whole is left at once, that file dropped', async () => {
    const { info, data } = await torrent([MAX_WHOLE_FILE + 1, 100_000]);
    server = await startRangeServer(served(data), { noRanges: true, overlong: ENDLESS });
    const run = download(info, [`${server.origin}/files`]);
    await runUntil(run, () => run.stored.size === 2, 'the small file taken whole');
    expect(run.session.stats(run.state.now).webSeeds![0].droppedFiles).toEqual([
      { file: 0, reason: 'the server does not send parts of files' },
    ]);
    expect(Buffer.compare(bytesOf(info, run.stored, 'f1 #.bin'), data.get('f1 #.bin')!)).toBe(0);
    await until(() => allLeft(server!.requests), { what: 'every endless answer left by the client' });
  });

  it('naming other bytes in its Content-Range is refused before the body, each file dropped in words', async () => {
    const { info, data } = await torrent([300_000, 200_000]);
    server = await startRangeServer(served(data), { otherBytes: 1000 });
    const run = download(info, [`${server.origin}/files`]);
    const dropped = () => run.session.stats(run.state.now).webSeeds![0].droppedFiles;
    await runUntil(run, () => dropped().length === 2, 'both files dropped');
    expect(dropped().map((file) => file.reason)).toEqual([OTHER_BYTES, OTHER_BYTES]);
    expect(run.stored.size).toBe(0);
    expect(server.requests).toHaveLength(2);
  });

  it('redirecting a file in a loop costs one fetch’s redirects and drops that file in words', async () => {
    const { info, data } = await torrent([300_000, 200_000]);
    const looped = `/files/${NAME}/f0 #.bin`;
    server = await startRangeServer(served(data), {
      redirects: new Map([
        [looped, '/loop/f0'],
        ['/loop/f0', looped],
      ]),
    });
    const run = download(info, [`${server.origin}/files`]);
    const dropped = () => run.session.stats(run.state.now).webSeeds![0].droppedFiles;
    await runUntil(run, () => dropped().length === 1 && run.stored.size > 0, 'the looped file dropped');
    for (let i = 0; i < 20; i++) run.tick(60_000);
    expect(dropped()).toEqual([{ file: 0, reason: REDIRECTS_LEAD_NOWHERE }]);
    expect(Buffer.compare(bytesOf(info, run.stored, 'f1 #.bin'), data.get('f1 #.bin')!)).toBe(0);
    const loop = (method: string) =>
      server!.requests.filter(
        (request) => request.method === method && request.path !== `/files/${NAME}/f1 #.bin`,
      );
    // A fetch follows at most 20 redirects; its diagnosis is two HEADs, one of them followed as far.
    expect(loop('GET').length).toBeLessThanOrEqual(21);
    expect(loop('HEAD').length).toBeLessThanOrEqual(22);
  });

  it('trickling its body under PROGRESS_BYTES per IDLE_MS is left, its connection closed', async () => {
    const { data } = await torrent([4 * PROGRESS_BYTES]);
    server = await startRangeServer(served(data), { trickle: { bytes: 1024, everyMs: 50 } });
    // Only the fetcher's timers are faked: the server trickles in real time, and each chunk it sends moves the
    // fetcher's clock by a quarter of IDLE_MS, so 1 KiB comes every IDLE_MS / 4, far less than PROGRESS_BYTES.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const events = fetchFirstFile(server, 4 * PROGRESS_BYTES);
    const received = () => events.filter((event) => event.type === 'webseed-data').length;
    const failed = () => events.some((event) => event.type === 'webseed-failed');
    for (let seen = 0; !failed() && seen < PROGRESS_BYTES / 1024; seen = received()) {
      const next = () => received() > seen || failed();
      await until(next, { what: 'the next trickled chunk', intervalMs: 0, timeoutMs: 10_000 });
      await vi.advanceTimersByTimeAsync(IDLE_MS / 4);
    }
    expect(events.at(-1)).toEqual({
      type: 'webseed-failed',
      request: 1,
      reason: 'the server stopped sending',
    });
    expect(received()).toBeLessThan(PROGRESS_BYTES / 1024);
    await until(() => allLeft(server!.requests), { what: 'the trickle left by the client', intervalMs: 0 });
  });

  it('never answering is left after IDLE_MS, its connection closed', async () => {
    const { data } = await torrent([PROGRESS_BYTES]);
    server = await startRangeServer(served(data), { hold: true });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const events = fetchFirstFile(server, PROGRESS_BYTES);
    await until(() => server!.held() > 0, { what: 'the request held', intervalMs: 0 });
    await vi.advanceTimersByTimeAsync(IDLE_MS - 1);
    expect(events).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await until(() => events.length > 0, { what: 'the fetcher to give up', intervalMs: 0 });
    expect(events).toEqual([{ type: 'webseed-failed', request: 1, reason: 'the server did not answer' }]);
    await until(() => server!.held() === 0, { what: 'the held request left by the client', intervalMs: 0 });
  });
});
