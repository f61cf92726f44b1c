// Experiment 3 (seed 002): gossip push, pull and push-pull dissemination of pieces next to BitTorrent's
// request-based exchange (the real engine), on the same swarm: the same peers, capacities, file and pieces. What
// the runs give is in gossip-report.ts.
import { GOSSIP_MODES, GossipSwarm } from '../sim/gossip';
import type { GossipMode } from '../sim/gossip';
import { LabSwarm } from '../sim/swarm';
import type { LabPeer } from '../sim/swarm';
import type { Experiment, ExperimentResult, RunContext } from './types';
import { CAPACITIES, addOriginalSeed, labTorrent, round } from './common';
import { gossipBound, gossipFigures, gossipReport } from './gossip-report';
import type { GossipParams, GossipRun as Run } from './gossip-report';

export type { GossipParams };

const SAMPLE_MS = 1000;

function runGossip(params: GossipParams, mode: GossipMode, limitMs: number): Run {
  const roundMs = (params.fanout * params.pieceLength * 1000) / params.peerUpload;
  const swarm = new GossipSwarm({
    mode,
    peers: params.peers,
    pieceCount: params.pieces,
    pieceLength: params.pieceLength,
    seedUpload: params.seedUpload,
    peerUpload: params.peerUpload,
    peerDownload: params.peerDownload,
    fanout: params.fanout,
    roundMs,
    latencyMs: params.latencyMs,
    seed: params.seed,
  });
  const progress: Array<[number, number]> = [];
  const redundant: Array<[number, number]> = [];
  const sample = () => {
    progress.push([swarm.now / 1000, round(swarm.progress(), 4)]);
    redundant.push([swarm.now / 1000, swarm.counters.redundantPieces + swarm.counters.failedPulls]);
    swarm.network.schedule(swarm.now + SAMPLE_MS, sample);
  };
  sample();
  swarm.network.runUntil(limitMs, () => swarm.allDone());
  sample();
  return {
    protocol: mode,
    progress,
    redundant,
    times: swarm.peers.map((p) => (p.completedAt === undefined ? undefined : p.completedAt / 1000)),
    messages: swarm.counters.messages,
    pieceMessages: swarm.counters.pieces,
    redundantPieces: swarm.counters.redundantPieces,
    failedPulls: swarm.counters.failedPulls,
  };
}

function runBitTorrent(params: GossipParams, context: RunContext, limitMs: number): Run {
  const torrent = labTorrent(
    params.pieces * params.pieceLength,
    params.pieceLength,
    context.hash,
    params.seed,
  );
  let pieceMessages = 0;
  let redundantPieces = 0;
  const swarm = new LabSwarm({
    torrent,
    hash: context.hash,
    seed: params.seed,
    latencyMs: params.latencyMs,
    onDeliver: (to, _from, data) => {
      // A `piece` message (id 7) travels alone in its send; with one block per piece its index says if it was news.
      if (data.length < 13 || data[4] !== 7) return;
      pieceMessages++;
      const index = new DataView(data.buffer, data.byteOffset).getUint32(5);
      if (to.have?.get(index)) redundantPieces++;
    },
  });
  addOriginalSeed(swarm, params);
  const peers: LabPeer[] = [];
  for (let i = 0; i < params.peers; i++)
    peers.push(swarm.addPeer({ upload: params.peerUpload, download: params.peerDownload }));
  const progress: Array<[number, number]> = [];
  const redundant: Array<[number, number]> = [];
  swarm.every(SAMPLE_MS, () => {
    let sum = 0;
    for (const p of peers) sum += p.have?.count() ?? 0;
    progress.push([swarm.now / 1000, round(sum / (peers.length * params.pieces), 4)]);
    redundant.push([swarm.now / 1000, redundantPieces]);
  });
  swarm.runUntil(limitMs, () => swarm.allDone(peers));
  progress.push([swarm.now / 1000, 1]);
  return {
    protocol: 'bittorrent',
    progress,
    redundant,
    times: peers.map((p) => (p.completedAt === undefined ? undefined : p.completedAt / 1000)),
    messages: swarm.network.messages,
    pieceMessages,
    redundantPieces,
    failedPulls: 0,
  };
}

export const gossip: Experiment<GossipParams> = {
  name: 'gossip',
  title: 'Gossip push, pull and push-pull against BitTorrent on the same swarm',
  defaults: {
    peers: 100,
    pieces: 64,
    ...CAPACITIES,
    fanout: 3,
    latencyMs: 25,
    seed: 3,
  },
  small: {
    peers: 30,
    pieces: 32,
    ...CAPACITIES,
    fanout: 3,
    latencyMs: 25,
    seed: 3,
  },
  run(params: GossipParams, context: RunContext): ExperimentResult {
    const bound = gossipBound(params);
    const limitMs = bound * 1000 * 20 + 600_000;
    const runs: Run[] = [];
    for (const mode of GOSSIP_MODES) {
      runs.push(runGossip(params, mode, limitMs));
      context.progress?.(gossipFigures(runs, bound), mode);
    }
    runs.push(runBitTorrent(params, context, limitMs));
    context.progress?.(gossipFigures(runs, bound), 'bittorrent');
    const { headline, summary } = gossipReport(params, runs, bound);
    return {
      experiment: 'gossip',
      params: { ...params },
      figures: gossipFigures(runs, bound),
      headline,
      summary,
    };
  },
};
