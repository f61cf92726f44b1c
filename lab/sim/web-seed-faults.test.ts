// The web-seed fault matrix as a scenario of the engine, in virtual time: a hybrid torrent (pad files between its
// files, one empty file) downloaded from a simulated web seed with the faults of real servers
// (shared/engine/testing/web-seed-faults.ts). What the worker's fetcher makes of real HTTP (redirects, CORS, the
// Retry-After header) is web/src/net/web-seed-matrix.process.test.ts.
import { describe, expect, it } from 'vitest';
import type { TorrentInfo } from '../../shared/codec/metainfo';
import { createAnyInfo } from '../../shared/codec/metainfo-v2';
import { mulberry32, randomBytes } from '../../shared/engine/testing/random';
import {
  FaultyWebSeedServer,
  type LoggedRequest,
  type WebSeedFaults,
} from '../../shared/engine/testing/web-seed-faults';
import { WEB_SEED_FILES, WEB_SEED_TORRENT_NAME } from '../../shared/engine/testing/web-seed-files';
import { sha1, sha1Sync } from '../../shared/testing/sha1';
import { sha256 } from '../../shared/testing/sha256';
import { LabSwarm, type LabPeer } from './swarm';

const KiB = 1024;
const URL = 'https://files.example.org/files';
const BUSY_FILE = 'été ü.bin';
const RETRY_AFTER_MS = 2000;

/** The hybrid torrent of FILES and its bytes as the torrent lays them out (pad files as zeros). */
async function hybridTorrent(): Promise<{ info: TorrentInfo; data: Uint8Array }> {
  const random = mulberry32(7);
  const files = new Map(WEB_SEED_FILES.map(([name, length]) => [name, randomBytes(random, length)]));
  const { info } = await createAnyInfo(
    [...files].map(([name, bytes]) => ({
      path: [name],
      length: bytes.length,
      read: async (offset: number, length: number) => bytes.slice(offset, offset + length),
    })),
    { name: WEB_SEED_TORRENT_NAME, sha1, sha256, pieceLength: 256 * KiB },
  );
  const v1 = info.v1!;
  const data = new Uint8Array(v1.length);
  for (const entry of v1.files) if (!entry.pad) data.set(files.get(entry.path.at(-1)!)!, entry.offset);
  return { info: v1, data };
}

const fileIndex = (info: TorrentInfo, name: string) =>
  info.files.findIndex((entry) => entry.path.at(-1) === name);

/** A swarm with the faulty web seed and one peer that knows it. */
async function withSeed(faults: WebSeedFaults | ((info: TorrentInfo) => WebSeedFaults)) {
  const torrent = await hybridTorrent();
  const swarm = new LabSwarm({ torrent, hash: sha1Sync, seed: 5 });
  const server = new FaultyWebSeedServer(
    swarm.network,
    { files: torrent.info.files, data: torrent.data },
    { url: URL, upload: 4096 * KiB, latencyMs: 20 },
    typeof faults === 'function' ? faults(torrent.info) : faults,
  );
  swarm.webSeeds.set(URL, server);
  const peer = swarm.addPeer({ upload: 256 * KiB, download: 8192 * KiB, webSeeds: [URL] });
  return { torrent, swarm, server, peer };
}

/** The files the peer's web seed is no longer asked for (none before the peer joined). */
const droppedFiles = (swarm: LabSwarm, peer: LabPeer) =>
  peer.session?.stats(swarm.now).webSeeds?.[0].droppedFiles ?? [];

/** Do two requests of one file ask for some of the same bytes? */
const overlap = (a: LoggedRequest, b: LoggedRequest) =>
  a.file === b.file && (a.whole || b.whole || (a.start < b.end && b.start < a.end));

describe('the web-seed fault matrix in virtual time', () => {
  it('a download from a web seed alone completes, never asking for a pad file or an empty file', async () => {
    const { torrent, swarm, server, peer } = await withSeed({});
    expect(swarm.runUntil(120_000, () => peer.complete)).toBe(true);
    expect(peer.errors).toEqual([]);
    expect(server.log.length).toBeGreaterThan(0);
    for (const request of server.log) {
      const entry = torrent.info.files[request.file];
      expect(entry.pad ?? false).toBe(false);
      expect(entry.length).toBeGreaterThan(0);
    }
    expect(torrent.info.files.some((entry) => entry.pad)).toBe(true);
  });

  it('after a 503 with Retry-After, the refused bytes are asked again only once it passed', async () => {
    const { swarm, server, peer } = await withSeed((info) => ({
      busy: new Map([[fileIndex(info, BUSY_FILE), { times: 1, retryAfterMs: RETRY_AFTER_MS }]]),
    }));
    expect(swarm.runUntil(120_000, () => peer.complete)).toBe(true);
    const busy = server.log.find((request) => request.answer === 'busy')!;
    expect(busy).toBeDefined();
    // Another run of the same file may have been in flight beside the busy one; the retry asks again for its bytes.
    const retry = server.log.find((request) => request.at > busy.at && overlap(request, busy));
    expect(retry).toBeDefined();
    expect(retry!.at - busy.at).toBeGreaterThanOrEqual(RETRY_AFTER_MS);
  });

  it('takes each file whole from a server that answers a range with 200', async () => {
    const { torrent, swarm, server, peer } = await withSeed({ noRanges: true });
    expect(swarm.runUntil(120_000, () => peer.complete)).toBe(true);
    expect(server.log.some((request) => request.answer === 'no-ranges')).toBe(true);
    const served = server.log.filter((request) => request.answer === 'served');
    expect(served.length).toBeGreaterThan(0);
    expect(served.every((request) => request.whole)).toBe(true);
    const wanted = torrent.info.files.filter((entry) => !entry.pad && entry.length > 0).length;
    expect(new Set(served.map((request) => request.file)).size).toBe(wanted);
  });

  it('a file whose bytes differ on the web seed is dropped from it, a peer brings its pieces, and the seed is never asked for them again', async () => {
    const { torrent, swarm, server, peer } = await withSeed((info) => ({
      altered: new Map([[fileIndex(info, BUSY_FILE), 1000]]),
    }));
    const altered = fileIndex(torrent.info, BUSY_FILE);
    const dropped = () => droppedFiles(swarm, peer);
    // With no peer yet, the web seed is asked for every file, the altered one too.
    expect(swarm.runUntil(60_000, () => dropped().length > 0)).toBe(true);
    expect(dropped()).toEqual([{ file: altered, reason: 'its bytes differ from the torrent' }]);
    swarm.addPeer({ seed: true, upload: 1024 * KiB });
    expect(swarm.runUntil(300_000, () => peer.complete)).toBe(true);
    expect(peer.errors).toEqual([]);
    const asked = server.log.filter((request) => request.file === altered);
    expect(asked.length).toBeGreaterThan(0);
    // After the bad piece, the seed was never asked for the file's bytes again.
    expect(
      asked.filter((request, i) => asked.slice(0, i).some((before) => overlap(before, request))),
    ).toEqual([]);
  });
});
