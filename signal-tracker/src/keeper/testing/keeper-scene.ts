// What the keeper's process tests share: temporary folders, trackers with a keeper, Node peers on WebRTC in the tabs'
// place, the keeper's HTTP routes, and a newcomer that downloads from whoever is in the swarm. Everything a test sets
// up is undone after it (`scene.cleanup()` in afterEach), in reverse order.
import { join } from 'node:path';
import { expect } from 'vitest';
import { makeTorrent } from '../../../../node-host/make-torrent';
import { NodeHost, type AddOptions } from '../../../../node-host/node-host';
import type { NodeTorrent } from '../../../../node-host/node-torrent';
import { joinRtcSwarm, type RtcSwarm, type RtcSwarmOptions } from '../../../../node-host/rtc-swarm';
import { cornerCaseFiles, readTree, Scratch, writeFixture } from '../../../../node-host/testing/fixtures';
import { readTorrent } from '../../../../node-host/torrent-source';
import { until } from '../../../../shared/testing/until';
import { startServer, type RunningServer, type ServerOptions } from '../../server';
import type { KeeperLimits } from '../keep-policy';
import type { Challenge } from '../keep-proof';
import { proofFor } from './keep-proofs';

export const MB = 1024 * 1024;
export const TOKEN = 'open-sesame';
export const LIMITS: KeeperLimits = { quotaBytes: 8 * MB, perAddressBytes: 4 * MB, hours: 24, token: TOKEN };

/** Where the tracker is: its app's URL (for the keeper's routes) and its WebSocket URL. */
export interface TrackerAt {
  url: string;
  trackerUrl: string;
}

/** A share made for a test: its folder, the torrent and the body of a keep request for it. */
export interface Share {
  source: string;
  root: string;
  torrent: Uint8Array;
  infoHash: string;
  request: { infoHash: string; torrent: string; token: string };
}

export interface ScenePeer {
  torrent: NodeTorrent;
  swarm: RtcSwarm;
  /** Leaves the swarm and joins it again through `at` (a tracker restarted on its port, or another). */
  rejoin(at: TrackerAt): Promise<void>;
  leave(): Promise<void>;
}

/** How a peer is added (its engine config, a tap, its store) and how it reaches others (ICE servers, relay only,
 * how long a stalled channel is kept). */
export type PeerOptions = Partial<AddOptions> & Pick<RtcSwarmOptions, 'iceServers' | 'relayOnly' | 'stallMs'>;

let clientCount = 0;

export class KeeperScene {
  readonly scratch = new Scratch('keeper');

  folder(): Promise<string> {
    return this.scratch.folder();
  }

  cleanup(): Promise<void> {
    return this.scratch.cleanup();
  }

  /** A tracker in this process with a keeper in `keepFolder` (the keeper runs in its own process). */
  async tracker(keepFolder: string, limits = LIMITS, options: ServerOptions = {}): Promise<RunningServer> {
    const server = await startServer({
      port: 0,
      host: '127.0.0.1',
      staticDir: null,
      logError: () => {},
      keeper: { folder: keepFolder, limits },
      ...options,
    });
    return this.scratch.keep(server, (running) => running.close());
  }

  /** A peer in a tab's place: the torrent of `folderPath`'s files, in that swarm through the tracker. */
  async peer(
    at: TrackerAt,
    torrent: Uint8Array,
    folderPath: string,
    options: PeerOptions = {},
  ): Promise<ScenePeer> {
    const { iceServers, relayOnly, stallMs, ...add } = options;
    const host = new NodeHost();
    const added = await host.add({ torrent, folder: folderPath, ...add });
    const join = (where: TrackerAt) =>
      joinRtcSwarm(added, {
        tracker: `${where.trackerUrl}?client=${clientCount++}`,
        peerId: host.peerId,
        ...(iceServers ? { iceServers } : {}),
        ...(relayOnly ? { relayOnly } : {}),
        ...(stallMs ? { stallMs } : {}),
      });
    const peer: ScenePeer = {
      torrent: added,
      swarm: join(at),
      rejoin: async (where) => {
        await peer.swarm.stop();
        peer.swarm = join(where);
      },
      leave: async () => {
        await peer.swarm.stop();
        await host.stop();
      },
    };
    this.scratch.keep(undefined, () => peer.leave());
    return peer;
  }

  /** A folder of the corner cases of a multi-file torrent, in pieces of 32 KiB, and its v1 torrent. */
  async share(seed = 5, files = cornerCaseFiles(32 * 1024)): Promise<Share> {
    const source = await this.folder();
    const root = await writeFixture(source, 'share', files, seed);
    const torrent = await makeTorrent(root, { kind: 'v1', pieceLength: 32 * 1024 });
    const infoHash = (await readTorrent(torrent)).info.infoHashHex;
    const request = { infoHash, torrent: Buffer.from(torrent).toString('base64'), token: TOKEN };
    holders.set(infoHash, { folder: source, torrent });
    return { source, root, torrent, infoHash, request };
  }

  /** A newcomer with an empty folder downloads the share from whoever is in the swarm, byte for byte. */
  async downloadFromSwarm(at: TrackerAt, share: Share, options: PeerOptions = {}): Promise<void> {
    const target = await this.folder();
    const newcomer = await this.peer(at, share.torrent, target, options);
    await new Promise<void>((resolve) => newcomer.torrent.once('done', resolve));
    expect(await readTree(join(target, 'share'))).toEqual(await readTree(share.root));
  }
}

export async function post(
  at: TrackerAt,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(new URL(path, at.url), {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The stop token each share's keep returned, as the tab that asked keeps it: keepStatus shows it. */
const heldTokens = new Map<string, string>();

/** Where the data of each share made by `scene.share()` is: its holder proves it to the keeper. */
const holders = new Map<string, { folder: string; torrent: Uint8Array }>();

/** A keep request as the sharer's tab asks it: with the proof the keeper's challenge asks for (the piece it names,
 * read from the share's files). */
async function provedKeep(at: TrackerAt, body: unknown, headers: Record<string, string>) {
  const answer = await post(at, '/keep', body, headers);
  const challenge = answer.body.challenge as Challenge | undefined;
  const holder = holders.get((body as { infoHash?: string }).infoHash ?? '');
  if (answer.status !== 428 || !challenge || !holder || typeof body !== 'object') return answer;
  const proof = await proofFor(holder.folder, holder.torrent, challenge);
  return post(at, '/keep', { ...body, proof }, headers);
}

/** A keep request with its proof, asked again while the keeper is starting; the stop token it returns is held for
 * keepStatus. */
export async function askKeep(at: TrackerAt, body: unknown, headers: Record<string, string> = {}) {
  let answer = await provedKeep(at, body, headers);
  await until(
    async () => {
      if (answer.status !== 503) return true;
      answer = await provedKeep(at, body, headers);
      return false;
    },
    { what: 'the keeper answers the keep request', timeoutMs: 20_000, intervalMs: 200 },
  );
  const { infoHash } = body as { infoHash?: unknown };
  const { stopToken } = answer.body;
  if (typeof infoHash === 'string' && typeof stopToken === 'string') heldTokens.set(infoHash, stopToken);
  return answer;
}

export interface StatusAnswer {
  progress?: number;
  kept?: boolean;
  expiresAt?: number;
  error?: string;
}

/** The keeper's status of a share, asked with `stopToken` (by default the one its keep returned to askKeep). */
export async function keepStatus(
  at: TrackerAt,
  infoHash: string,
  stopToken = heldTokens.get(infoHash) ?? '',
): Promise<StatusAnswer> {
  const url = new URL(`/keep/status?infoHash=${infoHash}`, at.url);
  const response = await fetch(url, { headers: { 'x-keep-stop-token': stopToken } });
  return (await response.json()) as StatusAnswer;
}

/** Waits until the tracker has a seeder's announce in the swarm of `infoHash`. */
export function untilSeeding(server: RunningServer, infoHash: string): Promise<void> {
  return until(
    () => server.tracker.swarmStats(() => '').some((s) => s.infoHash === infoHash && s.complete > 0),
    { what: "the tracker has the sharer's announce as a seeder", timeoutMs: 20_000, intervalMs: 100 },
  );
}

/** Waits until the keeper has every piece of `infoHash`. */
export function untilKept(
  at: TrackerAt,
  infoHash: string,
  what = 'the keeper has every piece',
): Promise<void> {
  return until(async () => (await keepStatus(at, infoHash)).kept === true, {
    what,
    timeoutMs: 30_000,
    intervalMs: 200,
  });
}
