// The web-seed fault matrix over real HTTP on loopback: the engine's session and the worker's fetcher against the
// range server (shared/testing/range-server.ts) with its faults, for the torrent the e2e specs use (names a URL must
// encode, an empty file, pad files). Where a browser's rules decide (CORS, redirects it follows or not), the requests
// go through cors-rules-transport.ts. The same matrix as a scenario of the engine alone, in virtual time:
// lab/sim/web-seed-faults.test.ts; the browsers' own part: e2e/webseed.spec.ts and e2e/firefox-webseed.spec.ts.
import { afterEach, describe, expect, it } from 'vitest';
import type { TorrentInfo } from '../../../shared/codec/metainfo';
import type { EngineAction, EngineEvent } from '../../../shared/engine/contract/engine-types';
import { WEB_SEED_FILES, WEB_SEED_TORRENT_NAME } from '../../../shared/engine/testing/web-seed-files';
import { startRangeServer, type RangeServer } from '../../../shared/testing/range-server';
import { until } from '../../../shared/testing/until';
import { WebSeedFetcher } from './web-seed-fetch';
import { corsRefusal, REDIRECTED_TO_CORS, REDIRECTS_LEAD_NOWHERE } from './web-seed-probe';
import { corsRulesTransport } from './testing/cors-rules-transport';
import { bytesOf, randomTorrent, servedUnder, webSeedDownload } from './testing/web-seed-download';

const NAME = WEB_SEED_TORRENT_NAME;
const BUSY = `/files/${NAME}/été ü.bin`;
const MOVED = `/files/${NAME}/100% c d.bin`;
const MOVED_TO = '/moved/c d.bin';
const RETRY_AFTER_S = 2;
/** Half a MiB: less than the seed's first requests hold, whichever piece the session starts at. */
const BUDGET_BYTES = 512 * 1024;

type Run = ReturnType<typeof webSeedDownload>;
type SeedFetch = Extract<EngineAction, { type: 'webseed-fetch' }>;

/** The fetcher, with each request it was asked for and the session's time then. */
class LoggedFetcher extends WebSeedFetcher {
  readonly asked: Array<{ action: SeedFetch; at: number }> = [];
  clock = (): number => 0;

  override fetch(action: SeedFetch, emit: (event: EngineEvent) => void): void {
    this.asked.push({ action, at: this.clock() });
    super.fetch(action, emit);
  }
}

const servers: RangeServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function start(...args: Parameters<typeof startRangeServer>): Promise<RangeServer> {
  const server = await startRangeServer(...args);
  servers.push(server);
  return server;
}

const torrent = () => randomTorrent(NAME, WEB_SEED_FILES, 9, 256 * 1024);

/** Downloads from `seeds` with `fetcher` until `done`, ticking the session's clock a second at a time. */
async function downloadUntil(
  info: TorrentInfo,
  seeds: string[],
  fetcher: WebSeedFetcher,
  done: (run: Run) => boolean = (run) => run.state.complete,
): Promise<Run> {
  const run = webSeedDownload(info, seeds, fetcher);
  if (fetcher instanceof LoggedFetcher) fetcher.clock = () => run.state.now;
  await until(() => done(run), { what: 'the download', beforeWait: () => run.tick() });
  return run;
}

function expectByteIdentical(
  info: TorrentInfo,
  stored: Map<number, Uint8Array>,
  data: Map<string, Uint8Array>,
) {
  for (const [name, bytes] of data) expect(Buffer.compare(bytesOf(info, stored, name), bytes)).toBe(0);
}

/** No request was a preflight, asked for a pad or empty file, or for a path the server does not hold. */
function expectCleanRequests(server: RangeServer): void {
  expect(server.requests.filter((request) => request.method === 'OPTIONS')).toEqual([]);
  for (const request of server.requests) {
    expect([...server.files.keys()]).toContain(request.path);
    expect(request.path).not.toMatch(/\.pad|empty\.txt/);
  }
}

const gets = (server: RangeServer, path: string) =>
  server.requests.filter((request) => request.method === 'GET' && request.path === path);

/** The reason each file was dropped from the seed, by name. */
function droppedByName(info: TorrentInfo, run: Run) {
  const dropped = run.session.stats(run.state.now).webSeeds![0].droppedFiles;
  return Object.fromEntries(dropped.map(({ file, reason }) => [info.files[file].path.at(-1)!, reason]));
}

describe('the web-seed fault matrix over HTTP', () => {
  it('a download from a web seed alone completes byte-identical, with no pad or empty file asked and every path encoded', async () => {
    const { info, data } = await torrent();
    const server = await start(servedUnder(NAME, data));
    const run = await downloadUntil(
      info,
      [`${server.origin}/files`],
      new WebSeedFetcher('http:', corsRulesTransport()),
    );
    expectByteIdentical(info, run.stored, data);
    expectCleanRequests(server);
  });

  it('waits for Retry-After after a 503: the refused bytes are asked again only once it passed', async () => {
    const { info, data } = await torrent();
    const busy = new Map([[BUSY, { times: 1, retryAfter: RETRY_AFTER_S }]]);
    const server = await start(servedUnder(NAME, data), { busy });
    const fetcher = new LoggedFetcher('http:');
    const run = await downloadUntil(info, [`${server.origin}/files`], fetcher);
    expectByteIdentical(info, run.stored, data);
    const [refused] = gets(server, BUSY);
    const from = Number(/^bytes=(\d+)-/.exec(String(refused.headers.range))![1]);
    const isBusy = ({ action }: (typeof fetcher.asked)[number]) =>
      decodeURIComponent(new URL(action.url).pathname) === BUSY;
    const first = fetcher.asked.findIndex((asked) => isBusy(asked) && asked.action.start === from);
    // Another run of the same file may have been in flight beside the busy one; the retry asks again for its bytes.
    const retry = fetcher.asked
      .slice(first + 1)
      .find((asked) => isBusy(asked) && asked.action.start <= from && from < asked.action.end);
    expect(retry).toBeDefined();
    expect(retry!.at - fetcher.asked[first].at).toBeGreaterThanOrEqual(RETRY_AFTER_S * 1000);
    expectCleanRequests(server);
  });

  it('takes each file whole from a server that answers a range with 200', async () => {
    const { info, data } = await torrent();
    const server = await start(servedUnder(NAME, data), { noRanges: true });
    const run = await downloadUntil(info, [`${server.origin}/files`], new WebSeedFetcher('http:'));
    expectByteIdentical(info, run.stored, data);
    const asked = server.requests.filter((request) => request.method === 'GET');
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.some((request) => request.headers.range === undefined)).toBe(true);
    expectCleanRequests(server);
  });

  it('follows a redirect', async () => {
    const { info, data } = await torrent();
    const files = servedUnder(NAME, data);
    files.set(MOVED_TO, files.get(MOVED)!);
    const server = await start(files, { redirects: new Map([[MOVED, MOVED_TO]]) });
    const run = await downloadUntil(
      info,
      [`${server.origin}/files`],
      new WebSeedFetcher('http:', corsRulesTransport()),
    );
    expectByteIdentical(info, run.stored, data);
    expect(gets(server, MOVED).length).toBeGreaterThan(0);
    expect(gets(server, MOVED_TO).length).toBeGreaterThan(0);
    expectCleanRequests(server);
  });

  it('a web seed that does not let this site read it is out, named in words, with no preflight', async () => {
    const { info, data } = await torrent();
    const server = await start(servedUnder(NAME, data), { noCors: true });
    const fetcher = new WebSeedFetcher('http:', corsRulesTransport());
    const failed = (run: Run) => run.session.stats(run.state.now).webSeeds![0].status === 'failed';
    const run = await downloadUntil(info, [`${server.origin}/files`], fetcher, failed);
    expect(run.session.stats(run.state.now).webSeeds![0].failure).toBe(corsRefusal(server.origin));
    expect(corsRefusal(server.origin)).toBe('The server 127.0.0.1 does not let this site read it');
    expect(server.requests.filter((request) => request.method === 'OPTIONS')).toEqual([]);
    expect(run.stored.size).toBe(0);
  });

  it('a file sent on to a server without CORS, and one redirected in a loop, are dropped from the seed in words', async () => {
    const { info, data } = await torrent();
    const elsewhere = await start(new Map(), { noCors: true });
    const files = servedUnder(NAME, data);
    elsewhere.files.set('/a.bin', files.get(`/files/${NAME}/a #b?.bin`)!);
    const looped = `/files/${NAME}/été ü.bin`;
    const redirects = new Map([
      [`/files/${NAME}/a #b?.bin`, `${elsewhere.origin}/a.bin`],
      [looped, '/loop/e.bin'],
      ['/loop/e.bin', looped],
    ]);
    const server = await start(files, { redirects });
    const fetcher = new WebSeedFetcher('http:', corsRulesTransport());
    const kept = '100% c d.bin';
    const file = info.files.find((entry) => entry.path.at(-1) === kept)!;
    const first = Math.floor(file.offset / info.pieceLength);
    const last = Math.floor((file.offset + file.length - 1) / info.pieceLength);
    const keptStored = (run: Run) =>
      Array.from({ length: last - first + 1 }, (_, i) => first + i).every((i) => run.stored.has(i));
    const run = await downloadUntil(
      info,
      [`${server.origin}/files`],
      fetcher,
      (run) => Object.keys(droppedByName(info, run)).length === 2 && keptStored(run),
    );
    expect(droppedByName(info, run)).toEqual({
      'a #b?.bin': REDIRECTED_TO_CORS,
      'été ü.bin': REDIRECTS_LEAD_NOWHERE,
    });
    // The seed goes on with the file it serves itself.
    expect(Buffer.compare(bytesOf(info, run.stored, kept), data.get(kept)!)).toBe(0);
  });

  it("uses a single-file torrent's URL as it is", async () => {
    const { info, data } = await randomTorrent('clip.webm', [['clip.webm', 700_000]], 4, 64 * 1024);
    const server = await start(new Map([['/media/a clip.webm', data.get('clip.webm')!]]));
    const run = await downloadUntil(
      info,
      [`${server.origin}/media/a%20clip.webm`],
      new WebSeedFetcher('http:'),
    );
    expectByteIdentical(info, run.stored, data);
    expect(new Set(server.requests.map((request) => request.path))).toEqual(new Set(['/media/a clip.webm']));
  });

  it('a web seed serves at most a budget lowered while its answers are held: the requests it no longer covers are left at the server', async () => {
    const { info, data } = await torrent();
    const server = await start(servedUnder(NAME, data), { hold: true });
    const fetcher = new WebSeedFetcher('http:');
    // With no peer, the seed is asked for every piece; its answers wait until the budget is set.
    const run = await downloadUntil(
      info,
      [`${server.origin}/files`],
      fetcher,
      () => server.held() > BUDGET_BYTES,
    );
    for (const action of run.session.handle({ type: 'webseed-budget', bytes: BUDGET_BYTES }, run.state.now)) {
      expect(action.type).toBe('webseed-abort');
      if (action.type === 'webseed-abort') fetcher.abort(action.request);
    }
    await until(() => server.held() <= BUDGET_BYTES, { what: 'the requests left by the client' });
    server.release();
    await until(() => run.session.stats(run.state.now).webSeedBudgetSpent === true, {
      what: 'the budget spent',
      beforeWait: () => run.tick(),
    });
    expect(server.served).toBeGreaterThan(0);
    expect(server.served).toBeLessThanOrEqual(BUDGET_BYTES);
    expect(run.state.complete).toBe(false);
  });
});
