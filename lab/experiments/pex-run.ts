// Peer exchange in the lab (sd_pex, docs/protocols.md): N peers and the seed join at once, as in the scalability
// experiment, and the tracker either stays up or fails `trackerDiesAtMs` after the start (and answers nothing more).
// The lab's peers run the real engine, whose peer exchange meets peers through their neighbours
// (shared/engine/testing/sim-meetings.ts carries the relayed offers); the run measures when every peer has finished,
// the connections the meetings opened, and how fast news of a departure reached the peers that knew the leaver.
import { LabSwarm } from '../sim/swarm';
import type { LabPeer } from '../sim/swarm';
import type { SyncHash } from '../sim/hash';
import { CAPACITIES, labTorrent } from './common';

const MiB = 1024 * 1024;

export interface PexParams {
  peers: number;
  fileBytes: number;
  seed: number;
  /** The tracker fails this long after the start (undefined: it stays up). */
  trackerDiesAtMs?: number;
  /** The most peers the tracker hands out per announce (undefined: as many as asked). */
  trackerOffers?: number;
  /** Virtual time the run may take at most, ms (default an hour). */
  limitMs?: number;
}

/** A swarm whose tracker hands out at most `offers` peers an announce, as a tracker asked for few offers does. */
class FewOffersSwarm extends LabSwarm {
  offers = Infinity;

  protected override findPeers(peer: LabPeer, count: number): void {
    super.findPeers(peer, Math.min(count, this.offers));
  }
}

export interface PexRow {
  peers: number;
  trackerDiesAtMs: number | null;
  trackerOffers: number | null;
  /** Until every peer finished, s (null: not all did within the run's limit). */
  seconds: number | null;
  completed: number;
  /** Connections opened by meetings through the swarm, and offers the peers made for them. */
  swarmConnections: number;
  swarmOffers: number;
  /** Peers' connections when the tracker failed, and their median 20 s later. */
  medianPeersAtDeath: number | null;
  medianPeersAfter: number | null;
}

/** Over how long the peers arrive while the tracker stays up (as when it fails: its life). */
const ARRIVALS_MS = 10_000;

export const PEX_DEFAULTS: PexParams = { peers: 1000, fileBytes: 1 * MiB, seed: 1, trackerDiesAtMs: 10_000 };

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const peerCount = (peers: readonly LabPeer[]) => median(peers.map((p) => p.neighbours.size));

export function runPex(params: PexParams, hash: SyncHash): PexRow {
  const torrent = labTorrent(params.fileBytes, CAPACITIES.pieceLength, hash, params.seed);
  const swarm = new FewOffersSwarm({ torrent, hash, seed: params.seed * 1000 + params.peers, latencyMs: 25 });
  swarm.offers = params.trackerOffers ?? Infinity;
  swarm.addPeer({
    name: 'seed',
    seed: true,
    upload: CAPACITIES.seedUpload,
    download: CAPACITIES.peerDownload,
  });
  const peers: LabPeer[] = [];
  // They arrive over the tracker's life: the first know only the few who came before, and meet the rest later.
  const arrivals = params.trackerDiesAtMs ?? ARRIVALS_MS;
  for (let i = 0; i < params.peers; i++) {
    const joinAt = Math.floor((i * arrivals) / params.peers);
    peers.push(swarm.addPeer({ upload: CAPACITIES.peerUpload, download: CAPACITIES.peerDownload, joinAt }));
  }
  let atDeath: number | null = null;
  let after: number | null = null;
  const dies = params.trackerDiesAtMs;
  if (dies !== undefined) {
    swarm.at(dies, () => {
      for (const tracker of swarm.trackers) tracker.fail();
      atDeath = peerCount(peers);
    });
    swarm.at(dies + 20_000, () => (after = peerCount(peers)));
  }
  swarm.runUntil(params.limitMs ?? 3_600_000, () => swarm.allDone(peers));
  const completed = peers.filter((p) => p.complete).length;
  const { made } = swarm.meetings;
  return {
    peers: params.peers,
    trackerDiesAtMs: dies ?? null,
    trackerOffers: params.trackerOffers ?? null,
    seconds: completed === peers.length ? Math.max(...peers.map((p) => p.completedAt ?? 0)) / 1000 : null,
    completed,
    swarmConnections: made.connections,
    swarmOffers: made.offers,
    medianPeersAtDeath: atDeath,
    medianPeersAfter: after,
  };
}
