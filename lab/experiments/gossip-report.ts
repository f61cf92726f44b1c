// What the gossip experiment reports from its runs (lab/experiments/gossip.ts): the pieces held, the peers finished
// and the redundant messages over time per protocol, the headline figures and the summary's table.
import type { GossipMode } from '../sim/gossip';
import type { Figure, Headline } from './types';
import type { SwarmParams } from './common';
import { bytes, completionCurve, mean, rate, round, table } from './common';

export interface GossipParams extends Omit<SwarmParams, 'fileBytes'> {
  /** The file is this many pieces. */
  pieces: number;
  /** Peers contacted per round (seed 002 used 3). */
  fanout: number;
  latencyMs: number;
}

export type Protocol = GossipMode | 'bittorrent';

/** One protocol's run on the swarm. */
export interface GossipRun {
  protocol: Protocol;
  progress: Array<[number, number]>;
  redundant: Array<[number, number]>;
  times: Array<number | undefined>;
  messages: number;
  pieceMessages: number;
  redundantPieces: number;
  failedPulls: number;
}

/** Seed 001's P2P bound for the swarm, in seconds. */
export function gossipBound(params: GossipParams): number {
  const fileBytes = params.pieces * params.pieceLength;
  return Math.max(
    fileBytes / params.seedUpload,
    fileBytes / params.peerDownload,
    (params.peers * fileBytes) / (params.seedUpload + params.peers * params.peerUpload),
  );
}

export function gossipFigures(runs: readonly GossipRun[], bound: number): Figure[] {
  const boundLine: Array<[number, number]> = [
    [round(bound, 2), 0],
    [round(bound, 2), 1],
  ];
  return [
    {
      id: 'gossip-progress',
      title: 'Pieces held by the peers over time',
      xLabel: 'time (s)',
      yLabel: 'mean fraction of pieces held',
      series: [
        ...runs.map((r) => ({ name: r.protocol, points: r.progress })),
        { name: 'P2P bound', points: boundLine, dashed: true },
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
}

/** The protocol whose last peer finished first. */
function fastestOf(runs: readonly GossipRun[]): GossipRun {
  return runs.reduce((a, b) => {
    const ta = Math.max(...a.times.map((t) => t ?? Infinity));
    const tb = Math.max(...b.times.map((t) => t ?? Infinity));
    return tb < ta ? b : a;
  });
}

/** The headline figures and one table row per protocol. */
function headlineAndRows(params: GossipParams, runs: readonly GossipRun[], bound: number) {
  const headline: Headline = { boundSeconds: round(bound, 1) };
  const rows = runs.map((r) => {
    const done = r.times.filter((t): t is number => t !== undefined);
    const all = done.length === r.times.length ? Math.max(...done) : NaN;
    const needed = params.peers * params.pieces;
    headline[`${r.protocol}AllDoneSeconds`] = round(all, 1);
    headline[`${r.protocol}RedundantPerUsefulPiece`] = round((r.redundantPieces + r.failedPulls) / needed, 3);
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
  headline.fastest = fastestOf(runs).protocol;
  return { headline, rows };
}

export function gossipReport(params: GossipParams, runs: readonly GossipRun[], bound: number) {
  const { headline, rows } = headlineAndRows(params, runs, bound);
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
  return { headline, summary };
}
