// One run of the scalability experiment (lab/experiments/scalability.ts): N peers and the original seed, as a
// client-server distribution or as a swarm, with the bounds of seed 001 for the same N.
import { clientServerBound, discreteP2pBound, p2pBound } from '../bounds';
import { freeRider } from '../sim/strategy';
import { LabSwarm } from '../sim/swarm';
import type { LabPeer } from '../sim/swarm';
import { watchCoverage } from '../sender-leaves';
import type { RunContext } from './types';
import type { SwarmParams } from './common';
import { labTorrent, round } from './common';

/** `peerUpload` is every peer's u_i and `peerDownload` every peer's d_i (so d_min = d); `seedUpload` is u_s. */
export interface ScalabilityParams extends Omit<SwarmParams, 'peers'> {
  /** The N to measure. */
  peers: number[];
  latencyMs: number;
  /** Also measure client-server up to this N (it takes N·F/u_s of virtual time). */
  clientServerMaxPeers: number;
  /** The swarm's seed super-seeds (BEP 16, the engine's default; upload/super-seed.ts). */
  superSeed: boolean;
}

export type Mode = 'client-server' | 'swarm';

export interface Row {
  n: number;
  mode: Mode;
  seconds: number;
  bound: number;
  /** Swarm: the bound for whole pieces (start-up doubling, lab/bounds.ts); client-server: its bound. */
  discrete: number;
  completed: number;
  /** Share of the swarm's total upload capacity in use, per second. */
  utilization: Array<[number, number]>;
  /** Swarm: when the peers other than the seed first held every piece between them (s; the seed could leave). */
  coveredSeconds?: number;
  /** The least that can take: F/u_s (s). */
  seedBound: number;
}

/** The seed and N peers; client-server: the server takes every client, which never upload and know only it. */
function addPeers(swarm: LabSwarm, params: ScalabilityParams, n: number, clientServer: boolean): LabPeer[] {
  const seed = swarm.addPeer({
    name: 'seed',
    seed: true,
    upload: params.seedUpload,
    download: params.peerDownload,
    // The server takes every client; in the swarm it is one peer among others.
    config: clientServer ? { maxPeers: n + 10, targetPeers: 0 } : { superSeed: params.superSeed },
    tickMs: clientServer ? 1000 : undefined,
  });
  const peers: LabPeer[] = [];
  for (let i = 0; i < n; i++) {
    peers.push(
      swarm.addPeer({
        upload: params.peerUpload,
        download: params.peerDownload,
        // Client-server: clients never upload and only know the server.
        ...(clientServer
          ? { config: { chokePolicy: freeRider, targetPeers: 1 }, trackers: [], tickMs: 5000 }
          : {}),
      }),
    );
  }
  if (clientServer) swarm.at(1, () => peers.forEach((peer) => swarm.connect(peer, seed)));
  return peers;
}

/** The fluid bound of the mode at N, and the swarm's bound for whole pieces (client-server: the same bound). */
function boundsAt(
  params: ScalabilityParams,
  n: number,
  clientServer: boolean,
): { bound: number; discrete: number } {
  const input = {
    peers: n,
    fileBytes: params.fileBytes,
    serverUpload: params.seedUpload,
    minDownload: params.peerDownload,
  };
  const peerUploads = Array.from({ length: n }, () => params.peerUpload);
  if (clientServer) {
    const bound = clientServerBound(input);
    return { bound, discrete: bound };
  }
  return {
    bound: p2pBound({ ...input, peerUploads }),
    discrete: discreteP2pBound({
      ...input,
      peerUploads,
      pieceBytes: params.pieceLength,
      latency: params.latencyMs / 1000,
    }),
  };
}

/** Samples, every second, the share of the swarm's whole upload capacity in use. */
function sampleUtilization(swarm: LabSwarm): Array<[number, number]> {
  const utilization: Array<[number, number]> = [];
  const capacity = swarm.peers.reduce((sum, p) => sum + p.host.upload, 0);
  let sentBefore = 0;
  // Bytes as they leave each uplink (a message under way pro rata), not whole at a message's end: a 16 KiB block
  // takes a second at 16 KiB/s, and counting it whole in the second it ends read up to twice the capacity.
  swarm.every(1000, () => {
    const sent = swarm.peers.reduce((sum, p) => sum + p.host.sentBy(swarm.now), 0);
    if (swarm.now > 0) utilization.push([swarm.now / 1000, round((sent - sentBefore) / capacity, 3)]);
    sentBefore = sent;
  });
  return utilization;
}

export function runOnce(params: ScalabilityParams, n: number, mode: Mode, context: RunContext): Row {
  const torrent = labTorrent(params.fileBytes, params.pieceLength, context.hash, params.seed);
  const clientServer = mode === 'client-server';
  const swarm = new LabSwarm({
    torrent,
    hash: context.hash,
    seed: params.seed * 1000 + n,
    latencyMs: params.latencyMs,
  });
  const peers = addPeers(swarm, params, n, clientServer);
  const { bound, discrete } = boundsAt(params, n, clientServer);
  const utilization = sampleUtilization(swarm);
  const covered = watchCoverage(swarm, peers, torrent.info.pieceCount);
  swarm.runUntil(bound * 1000 * 5 + 600_000, () => swarm.allDone(peers));
  const completed = peers.filter((p) => p.complete).length;
  const last = Math.max(...peers.map((p) => p.completedAt ?? swarm.now));
  const coveredAt = covered();
  return {
    ...{ n, mode, seconds: last / 1000, bound, discrete, completed, utilization },
    ...(coveredAt !== undefined && !clientServer ? { coveredSeconds: coveredAt / 1000 } : {}),
    seedBound: params.fileBytes / params.seedUpload,
  };
}
