// A swarm laid out as the network emulator lays one out (netem/, docs/netem.md): each peer with its own round trip,
// uplink and downlink. The lab runs the same shape (the same engine on the simulated network, each host with the
// latency of its own access link) and predicts when each peer finishes, next to seed 001's bounds for its uplinks.
import { discreteP2pBound, p2pBound } from './bounds';
import { labTorrent } from './experiments/common';
import type { SyncHash } from './sim/hash';
import { LabSwarm, type SwarmOptions } from './sim/swarm';
import type { EngineConfig } from '../shared/engine/contract/engine-types';

/** One peer of the shape. */
export interface ShapedPeer {
  name: string;
  /** The original seed (exactly one peer of a shape is). */
  seed?: boolean;
  /** The round trip between two peers of this round trip, ms: each of its access links (up and down) carries a
   * quarter of it, so the round trip between peers a and b is (a + b) / 2, as in the emulator. */
  rttMs: number;
  /** The queue in front of its uplink, ms at the uplink's rate (as the emulator's `queue.ms`); none when absent. */
  queueMs?: number;
  upMbit: number;
  downMbit: number;
}

export interface SwarmShape {
  peers: ShapedPeer[];
  fileBytes: number;
  pieceBytes: number;
}

/** Bytes per second of a rate in Mbit/s. */
export function bytesPerSecond(mbit: number): number {
  return (mbit * 1e6) / 8;
}

function parts(shape: SwarmShape): { seed: ShapedPeer; leechers: ShapedPeer[] } {
  const seeds = shape.peers.filter((peer) => peer.seed);
  if (seeds.length !== 1) throw new RangeError(`a shape has one seed, not ${seeds.length}`);
  const leechers = shape.peers.filter((peer) => !peer.seed);
  if (leechers.length === 0) throw new RangeError('a shape needs at least one downloading peer');
  return { seed: seeds[0], leechers };
}

/** Seed 001's P2P bound for the shape's uplinks (`p2pBound`), and the bound for whole pieces (`discreteP2pBound`,
 * with the shortest one-way path of the shape as every hop's latency, so it stays a lower bound), in seconds. */
export function shapeBounds(shape: SwarmShape): { p2p: number; discrete: number } {
  const { seed, leechers } = parts(shape);
  const input = {
    peers: leechers.length,
    fileBytes: shape.fileBytes,
    serverUpload: bytesPerSecond(seed.upMbit),
    minDownload: Math.min(...leechers.map((peer) => bytesPerSecond(peer.downMbit))),
    peerUploads: leechers.map((peer) => bytesPerSecond(peer.upMbit)),
  };
  const [first, second] = shape.peers.map((peer) => peer.rttMs).sort((a, b) => a - b);
  return {
    p2p: p2pBound(input),
    discrete: discreteP2pBound({
      ...input,
      pieceBytes: shape.pieceBytes,
      latency: (first + second) / 4 / 1000,
    }),
  };
}

export interface Prediction {
  /** Seconds from the start until each downloading peer finished, by name (null: not by the end of the run). */
  seconds: Record<string, number | null>;
  /** Seconds until the last one finished (null when one did not). */
  last: number | null;
}

/**
 * Runs the shape in the lab: the seed and every downloading peer join at once, each host with its peer's rates, a
 * quarter of its round trip on each access link and the queue in front of its uplink. `seed` seeds the lab's random
 * choices and the file's bytes; `config` is every peer's engine config beside the defaults (a choke policy to try);
 * `observe` sees the swarm before it runs (to sample it as it goes).
 */
export function predictSwarm(
  shape: SwarmShape,
  options: {
    hash: SyncHash;
    seed: number;
    config?: Partial<EngineConfig>;
    observe?: (swarm: LabSwarm) => void;
    /** Sees every message as it reaches a peer (to tell where each peer's bytes come from). */
    onDeliver?: SwarmOptions['onDeliver'];
  },
): Prediction {
  const { leechers } = parts(shape);
  const torrent = labTorrent(shape.fileBytes, shape.pieceBytes, options.hash, options.seed);
  const swarm = new LabSwarm({
    torrent,
    hash: options.hash,
    seed: options.seed,
    config: options.config,
    onDeliver: options.onDeliver,
  });
  const peers = shape.peers.map((peer) =>
    swarm.addPeer({
      name: peer.name,
      seed: peer.seed,
      upload: bytesPerSecond(peer.upMbit),
      download: bytesPerSecond(peer.downMbit),
      latencyMs: peer.rttMs / 4,
      ...(peer.queueMs !== undefined ? { queueMs: peer.queueMs } : {}),
    }),
  );
  const downloading = peers.filter((peer) => !peer.spec.seed);
  options.observe?.(swarm);
  // Ten times the fluid bound and ten minutes: a run that needs more has gone wrong, and says so with nulls.
  const until = shapeBounds(shape).p2p * 10_000 + 600_000;
  swarm.runUntil(until, () => swarm.allDone(downloading));
  const seconds: Record<string, number | null> = {};
  for (const [i, peer] of downloading.entries())
    seconds[leechers[i].name] = peer.completedAt !== undefined ? peer.completedAt / 1000 : null;
  const times = Object.values(seconds);
  const last = times.some((time) => time === null) ? null : Math.max(...(times as number[]));
  return { seconds, last };
}
