// Experiment 3 (seed 002): gossip push, pull and push-pull dissemination of pieces next to BitTorrent's
// request-based exchange (the real engine), on the same swarm: the same peers, capacities, file and pieces.
import { GOSSIP_MODES, GossipSwarm } from '../sim/gossip';
import type { GossipMode } from '../sim/gossip';
import { LabSwarm } from '../sim/swarm';
import type { LabPeer } from '../sim/swarm';
import type { Experiment, ExperimentResult, Figure, RunContext } from './types';
import type { SwarmParams } from './common';
import {
  CAPACITIES,
  addOriginalSeed,
  bytes,
  completionCurve,
  labTorrent,
  mean,
  rate,
  round,
  table,
} from './common';

export interface GossipParams extends Omit<SwarmParams, 'fileBytes'> {
  /** The file is this many pieces. */
  pieces: number;
  /** Peers contacted per round (seed 002 used 3). */
  fanout: number;
  latencyMs: number;
}

type Protocol = GossipMode | 'bittorrent';

interface Run {
  protocol: Protocol;
  progress: Array<[number, number]>;
  redundant: Array<[number, number]>;
  times: Array<number | undefined>;
  messages: number;
  pieceMessages: number;
  redundantPieces: number;
  failedPulls: number;
}

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
    const fileBytes = params.pieces * params.pieceLength;
    const bound = Math.max(
      fileBytes / params.seedUpload,
      fileBytes / params.peerDownload,
      (params.peers * fileBytes) / (params.seedUpload + params.peers * params.peerUpload),
    );
    const limitMs = bound * 1000 * 20 + 600_000;
    const runs: Run[] = [];
    const figures = (): Figure[] => [
      {
        id: 'gossip-progress',
        title: 'Pieces held by the peers over time',
        xLabel: 'time (s)',
        yLabel: 'mean fraction of pieces held',
        series: [
          ...runs.map((r) => ({ name: r.protocol, points: r.progress })),
          {
            name: 'P2P bound',
            points: [
              [round(bound, 2), 0],
              [round(bound, 2), 1],
            ] as Array<[number, number]>,
            dashed: true,
          },
        ],
      },
      {
        id: 'gossip-completion',
        title: 'Peers finished over time',
        xLabel: 'time (s)',
        yLabel: 'fraction of peers complete',
        series: runs.map((r) => ({ name: r.protocol, points: completionCurve(r.times) })),
      },
      {
        id: 'gossip-redundant',
        title: 'Redundant messages (pieces already held, failed pulls), cumulative',
        xLabel: 'time (s)',
        yLabel: 'redundant messages',
        series: runs.map((r) => ({ name: r.protocol, points: r.redundant })),
      },
    ];
    for (const mode of GOSSIP_MODES) {
      runs.push(runGossip(params, mode, limitMs));
      context.progress?.(figures(), mode);
    }
    runs.push(runBitTorrent(params, context, limitMs));
    context.progress?.(figures(), 'bittorrent');
    const headline: Record<string, number | string> = { boundSeconds: round(bound, 1) };
    const rows = runs.map((r) => {
      const done = r.times.filter((t): t is number => t !== undefined);
      const all = done.length === r.times.length ? Math.max(...done) : NaN;
      const needed = params.peers * params.pieces;
      headline[`${r.protocol}AllDoneSeconds`] = round(all, 1);
      headline[`${r.protocol}RedundantPerUsefulPiece`] = round(
        (r.redundantPieces + r.failedPulls) / needed,
        3,
      );
      return [
        r.protocol,
        round(mean(done), 1),
        Number.isFinite(all) ? round(all, 1) : 'not all',
        round(all / bound, 2),
        r.messages,
        r.pieceMessages,
        r.redundantPieces,
        r.failedPulls,
        round((r.redundantPieces + r.failedPulls) / needed, 2),
      ];
    });
    const fastest = runs.reduce((a, b) => {
      const ta = Math.max(...a.times.map((t) => t ?? Infinity));
      const tb = Math.max(...b.times.map((t) => t ?? Infinity));
      return tb < ta ? b : a;
    });
    headline.fastest = fastest.protocol;
    const summary = [
      `${params.peers} peers and one seed; ${params.pieces} pieces of ${bytes(params.pieceLength)}; seed ${rate(params.seedUpload)}, ` +
        `peers ${rate(params.peerUpload)} up / ${rate(params.peerDownload)} down; gossip fanout ${params.fanout}, one round = ` +
        `${round((params.fanout * params.pieceLength) / params.peerUpload, 2)} s (the time to upload ${params.fanout} pieces). ` +
        `The P2P bound is ${round(bound, 1)} s. BitTorrent's messages are counted per send (a send may carry several requests).`,
      '',
      table(
        [
          'protocol',
          'mean finish (s)',
          'all done (s)',
          'over bound',
          'messages',
          'piece messages',
          'redundant pieces',
          'failed pulls',
          'redundant per useful piece',
        ],
        rows,
      ),
    ].join('\n');
    return { experiment: 'gossip', params: { ...params }, figures: figures(), headline, summary };
  },
};
