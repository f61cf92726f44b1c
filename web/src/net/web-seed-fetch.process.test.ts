// A download from a web seed alone, over real HTTP on loopback: the engine's session, the worker's fetcher and the
// range server (shared/testing/range-server.ts) with its faults.
import { afterEach, describe, expect, it } from 'vitest';
import { startRangeServer, type RangeServer } from '../../../shared/testing/range-server';
import { until } from '../../../shared/testing/until';
import { mixedContentRefusal, WebSeedFetcher } from './web-seed-fetch';
import { retryAfterMs } from './web-seed-answer';
import {
  bytesOf,
  randomTorrent,
  servedUnder,
  webSeedDownload as download,
} from './testing/web-seed-download';

const NAME = 'share #1 é';
const FILES: Array<[string, number]> = [
  ['a #b?.bin', 300_000],
  ['empty.txt', 0],
  ['100% c d.bin', 700_000],
  ['été.bin', 90_000],
];

let server: RangeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const torrent = () => randomTorrent(NAME, FILES, 3, 32 * 1024);
const served = (data: Map<string, Uint8Array>) => servedUnder(NAME, data);

describe('web seed over HTTP', () => {
  it('downloads byte-identical from a server sending at a paced rate, its answers sharing it', async () => {
    const { info, data } = await torrent();
    server = await startRangeServer(served(data));
    server.pace = 20_000_000;
    const run = download(info, [`${server.origin}/files`]);
    await until(() => run.state.complete, { what: 'the download to complete', beforeWait: () => run.tick() });
    for (const [name, bytes] of data)
      if (bytes.length > 0) expect(Buffer.compare(bytesOf(info, run.stored, name), bytes)).toBe(0);
  });

  it('downloads from a web seed alone, byte-identical, with a lone Range header and no pad or empty file', async () => {
    const { info, data } = await torrent();
    server = await startRangeServer(served(data));
    const run = download(info, [`${server.origin}/files`]);
    await until(() => run.state.complete, { what: 'the download to complete', beforeWait: () => run.tick() });
    for (const [name, bytes] of data)
      if (bytes.length > 0) expect(Buffer.compare(bytesOf(info, run.stored, name), bytes)).toBe(0);
    expect(server.requests.map((request) => request.method)).not.toContain('OPTIONS');
    for (const request of server.requests) {
      expect(request.path.startsWith(`/files/${NAME}/`)).toBe(true);
      expect(request.path).not.toMatch(/\.pad|empty\.txt/);
      expect(request.headers.range).toMatch(/^bytes=\d+-\d+$/);
    }
    expect(new Set(server.requests.map((request) => request.path)).size).toBe(3);
  });

  it('follows a redirect once per file, waits for Retry-After, and drops a missing file', async () => {
    const { info, data } = await torrent();
    const files = served(data);
    const moved = `/files/${NAME}/100% c d.bin`;
    files.set('/elsewhere/c.bin', files.get(moved)!);
    server = await startRangeServer(files, {
      redirects: new Map([[moved, '/elsewhere/c.bin']]),
      busy: new Map([[`/files/${NAME}/été.bin`, { times: 1, retryAfter: 2 }]]),
      notFound: new Set([`/files/${NAME}/a #b?.bin`]),
    });
    const run = download(info, [`${server.origin}/files/`]);
    await until(
      () => run.session.stats(run.state.now).webSeeds![0].droppedFiles.length === 1 && run.stored.size > 0,
      {
        what: 'the missing file dropped and pieces stored',
        beforeWait: () => run.tick(),
      },
    );
    await until(
      () => {
        const file = info.files.find((entry) => entry.path[0] === 'été.bin')!;
        return run.stored.has(Math.floor((file.offset + file.length - 1) / info.pieceLength));
      },
      { what: 'the busy file after its Retry-After', beforeWait: () => run.tick(500) },
    );
    const busy = server.requests.filter((request) => request.path.endsWith('été.bin'));
    expect(busy.length).toBe(2);
    expect(Buffer.compare(bytesOf(info, run.stored, '100% c d.bin'), data.get('100% c d.bin')!)).toBe(0);
    const redirected = server.requests.filter((request) => request.path === moved);
    expect(redirected).toHaveLength(1);
    expect(server.requests.filter((request) => request.path.endsWith('a #b?.bin'))).toHaveLength(1);
    expect(server.requests.map((request) => request.method)).not.toContain('OPTIONS');
  });

  it('refuses an http:// seed on an https:// page, in words, before any request', async () => {
    const { info, data } = await torrent();
    server = await startRangeServer(served(data));
    const run = download(info, [`${server.origin}/files`], new WebSeedFetcher('https:'));
    run.tick();
    await until(() => run.session.stats(run.state.now).webSeeds![0].status === 'failed', {
      beforeWait: () => run.tick(),
    });
    expect(run.session.stats(run.state.now).webSeeds![0].failure).toBe(mixedContentRefusal(server.origin));
    expect(server.requests).toHaveLength(0);
  });

  it('reads Retry-After in seconds or as a date', () => {
    expect(retryAfterMs('120', 0)).toBe(120_000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(retryAfterMs(null, 0)).toBeUndefined();
    expect(retryAfterMs('soon', 0)).toBeUndefined();
  });
});
