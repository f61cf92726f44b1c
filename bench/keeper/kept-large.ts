// The keeper keeping a large torrent (4 GiB by default): a Node host seeds a generated file through the tracker in a
// sharing tab's place, the bench asks the keeper to keep it (POST /keep, as the card does), and the keeper's resident
// memory is sampled while it fetches every piece; the seeder leaves, a Node host downloads the torrent from the keeper
// alone, and the keeper's memory is sampled while it serves. Node peers on both sides, so the figures are the
// keeper's own, not a browser's.
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { noRoomFor } from '../lib/session';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { choosePieceLength } from '../../shared/codec/metainfo';
import { until } from '../../shared/testing/until';
import { makeTorrent } from '../../node-host/make-torrent';
import { NodeHost } from '../../node-host/node-host';
import { joinRtcSwarm } from '../../node-host/rtc-swarm';
import type { RunningServer } from '../../signal-tracker/src/server';
import { MAX_PROOF_PIECE_BYTES, type Challenge } from '../../signal-tracker/src/keeper/keep-proof';
import { proofFor } from '../../signal-tracker/src/keeper/testing/keep-proofs';
import type { LargeKeep } from './keeper-figures';
import { rssOf, watchKeeperCpu, watchRss } from './keeper-process';

const MiB = 1024 * 1024;
const CHUNK = 16 * MiB;
/** Copies of the torrent on disk at once (the seeder's, the keeper's, the downloader's) and room for the rest. */
const COPIES = 3;
const MARGIN = 1024 * MiB;
/** The slowest rate either transfer may take before the bench gives up, in bytes per second. */
const SLOWEST = 1_000_000;

/** A file of `size` bytes that no two pieces share (random chunks, each MiB stamped with its place), written
 * chunk by chunk so the bench's own memory stays small. */
function generatedFile(dir: string, name: string, size: number): string {
  const path = join(dir, name);
  const chunk = randomBytes(CHUNK);
  const fd = openSync(path, 'w');
  try {
    for (let at = 0; at < size; at += CHUNK) {
      for (let mib = 0; mib < CHUNK / MiB; mib++) chunk.writeUInt32LE((at + mib * MiB) / MiB, mib * MiB);
      writeSync(fd, chunk, 0, Math.min(CHUNK, size - at));
    }
  } finally {
    closeSync(fd);
  }
  return path;
}

async function post(server: RunningServer, path: string, body: unknown) {
  const response = await fetch(new URL(path, server.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Asks the keeper to keep `torrent` (its files in `folder`) with the proof its challenge asks for, again while the
 * keeper is starting (503); resolves with the stop token. */
async function askKeep(
  server: RunningServer,
  infoHash: string,
  torrent: Uint8Array,
  folder: string,
): Promise<string> {
  const body = { infoHash, torrent: Buffer.from(torrent).toString('base64') };
  const proved = async () => {
    const asked = await post(server, '/keep', body);
    if (asked.status !== 428) return asked;
    const proof = await proofFor(folder, torrent, asked.body.challenge as Challenge);
    return post(server, '/keep', { ...body, proof });
  };
  let answer = await proved();
  await until(
    async () => {
      if (answer.status !== 503) return true;
      answer = await proved();
      return false;
    },
    { what: 'the keeper to take the keep request', timeoutMs: 30_000, intervalMs: 500 },
  );
  if (answer.status !== 200) throw new Error(`the keeper refused: ${String(answer.body.error)}`);
  return String(answer.body.stopToken);
}

async function keptFully(server: RunningServer, infoHash: string, stopToken: string): Promise<boolean> {
  const url = new URL(`/keep/status?infoHash=${infoHash}`, server.url);
  const response = await fetch(url, { headers: { 'x-keep-stop-token': stopToken } });
  return response.ok && ((await response.json()) as { kept?: boolean }).kept === true;
}

/** A Node host in a tab's place, in the torrent's swarm through the tracker. */
async function nodePeer(server: RunningServer, torrent: Uint8Array, folder: string, role: string) {
  const host = new NodeHost();
  const added = await host.add({ torrent, folder });
  const swarm = joinRtcSwarm(added, { tracker: `${server.trackerUrl}?bench=${role}`, peerId: host.peerId });
  return {
    torrent: added,
    leave: async () => {
      await swarm.stop();
      await host.stop();
    },
  };
}

const seconds = (since: number) => (Date.now() - since) / 1000;
const mib = (bytes: number) => `${(bytes / MiB).toFixed(0)} MiB`;

/** Keeps a generated torrent of `size` bytes and samples the keeper's (`pid`) RSS while it fetches and serves it. */
export async function keepLarge(
  server: RunningServer,
  pid: string,
  size: number,
  log: (message: string) => void,
): Promise<LargeKeep> {
  const noRoom = noRoomFor(COPIES, size, MARGIN);
  if (noRoom) throw new Error(`keeping ${size / MiB} MiB: ${noRoom}`);
  const label = mib(size);
  const dirs = [
    mkdtempSync(join(tmpdir(), 'swarmdrop-bench-kept-')),
    mkdtempSync(join(tmpdir(), 'swarmdrop-bench-leech-')),
  ];
  const leaving: Array<() => Promise<void>> = [];
  let stopToken: string | undefined;
  let infoHash = '';
  try {
    let since = Date.now();
    const path = generatedFile(dirs[0], `kept-${size / MiB}MiB.bin`, size);
    // The keeper takes pieces no larger than a proof carries.
    const pieceLength = Math.min(choosePieceLength(size), MAX_PROOF_PIECE_BYTES);
    const torrent = await makeTorrent(path, { kind: 'v1', pieceLength });
    const seeder = await nodePeer(server, torrent, dirs[0], 'seed');
    leaving.push(seeder.leave);
    infoHash = seeder.torrent.source.info.infoHashHex;
    log(
      `  ${label}: generated, made into a torrent and checked by its seeder in ${seconds(since).toFixed(0)} s`,
    );
    const restRss = rssOf(pid);
    since = Date.now();
    const fetchRss = watchRss(pid);
    stopToken = await askKeep(server, infoHash, torrent, dirs[0]);
    const held = stopToken;
    await until(() => keptFully(server, infoHash, held), {
      what: `the keeper to fetch ${label}`,
      timeoutMs: 60_000 + (size / SLOWEST) * 1000,
      intervalMs: 500,
    });
    const fetched = fetchRss.stop();
    const fetchSeconds = seconds(since);
    log(
      `  keeper fetched ${label} in ${fetchSeconds.toFixed(0)} s; RSS peak ${mib(fetched.peak)}, at rest ${mib(restRss)}`,
    );
    await seeder.leave();
    leaving.pop();

    const leech = await nodePeer(server, torrent, dirs[1], 'leech');
    leaving.push(leech.leave);
    since = Date.now();
    const serveRss = watchRss(pid);
    const cpu = watchKeeperCpu(pid);
    await until(() => leech.torrent.stats().left === 0, {
      what: `a Node host to download ${label} from the keeper`,
      timeoutMs: 60_000 + (size / SLOWEST) * 1000,
      intervalMs: 250,
    });
    const served = serveRss.stop();
    const serveSeconds = seconds(since);
    const cpuMsPerMB = (cpu.stop() * 1000) / (size / 1e6);
    log(
      `  keeper served ${label} in ${serveSeconds.toFixed(0)} s; RSS peak ${mib(served.peak)}; ${cpuMsPerMB.toFixed(1)} CPU-ms/MB`,
    );
    const lost = (watch: { lost: boolean }) => (watch.lost ? '; the keeper process went away meanwhile' : '');
    return {
      label,
      restRss,
      fetchPeak: fetched.peak,
      servePeak: served.peak,
      fetchNote:
        `${fetched.samples} samples every 250 ms; a Node host seeded it; fetched at ` +
        `${(size / 1e6 / fetchSeconds).toFixed(1)} MB/s${lost(fetched)}`,
      serveNote:
        `${served.samples} samples every 250 ms; a Node host downloaded it at ${(size / 1e6 / serveSeconds).toFixed(1)} MB/s; ` +
        `keeper ${cpuMsPerMB.toFixed(1)} CPU-ms/MB${lost(served)}`,
    };
  } finally {
    for (const leave of leaving.reverse()) await leave().catch(() => {});
    if (stopToken) await post(server, '/keep/stop', { infoHash, stopToken }).catch(() => {});
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}
