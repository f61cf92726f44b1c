// Two peers on one path whose requests stall again and again: the seed's downlink holds everything for `stallMs`
// every `everyMs`, as an ordered, reliable channel holds the requests behind a lost packet until its retransmission
// timeout. What the stalls cost the transfer shows whether the pipeline's requests outlast them (docs/lab.md,
// "Stalls on a lossy path").
import { labTorrent } from './experiments/common';
import { bytesPerSecond } from './network-shape';
import type { SyncHash } from './sim/hash';
import { LabSwarm } from './sim/swarm';

export interface StalledPath {
  rttMs: number;
  mbit: number;
  fileBytes: number;
  /** How long each stall holds the requests, ms. */
  stallMs: number;
  /** A stall begins this often, from `firstStallMs` until the transfer ends. */
  everyMs: number;
  firstStallMs: number;
  /** A queue in front of the seed's uplink, ms at its rate (uplink-queue.ts; default none): it holds what the seed
   * has to send, up to that depth. */
  queueMs?: number;
}

export interface StalledRun {
  /** Seconds until the download finished (null: not in ten times the line's time). */
  seconds: number | null;
  /** The file's time at the line's rate, seconds. */
  lineSeconds: number;
  /** For each stall the transfer outlasted until the next began: the share of the line the seed's uplink carried
   * from its end to the next stall (how far the rate climbed back between stalls). */
  between: number[];
}

/** Runs one seed and one downloading peer on the path (each access link a quarter of the round trip, as
 * `network-shape.ts` lays a path out), with the stalls; `seed` seeds the lab's random choices and the file. */
export function runStalledPath(path: StalledPath, options: { hash: SyncHash; seed: number }): StalledRun {
  if (!(path.everyMs > path.stallMs && path.stallMs > 0))
    throw new RangeError('a stall must end before the next');
  const rate = bytesPerSecond(path.mbit);
  const torrent = labTorrent(path.fileBytes, 256 * 1024, options.hash, options.seed);
  const swarm = new LabSwarm({ torrent, hash: options.hash, seed: options.seed });
  const link = { upload: rate, download: rate * 10, latencyMs: path.rttMs / 4 };
  const queue = path.queueMs !== undefined ? { queueMs: path.queueMs } : {};
  const seed = swarm.addPeer({ name: 'seed', seed: true, ...link, ...queue });
  const peer = swarm.addPeer({ name: 'peer', ...link });
  const lineSeconds = path.fileBytes / rate;
  const until = lineSeconds * 10_000;
  const between: number[] = [];
  const gapMs = path.everyMs - path.stallMs;
  for (let at = path.firstStallMs; at < until; at += path.everyMs) {
    const from = at;
    swarm.at(from, () => swarm.network.hold(seed.host, from + path.stallMs));
    swarm.at(from + path.stallMs, () => {
      const sent = seed.host.sentBy(swarm.now);
      swarm.at(swarm.now + gapMs, () => {
        if (!peer.complete) between.push((seed.host.sentBy(swarm.now) - sent) / ((rate * gapMs) / 1000));
      });
    });
  }
  swarm.runUntil(until, () => swarm.allDone([peer]));
  const seconds = peer.completedAt !== undefined ? peer.completedAt / 1000 : null;
  return { seconds, lineSeconds, between };
}
