// Experiment 1 (seeds 001 and 003): the time for N peers to all have the file, when only the original seed uploads
// (client-server) and when every peer uploads too (the swarm), against the bounds of seed 001.
import { clientServerBound, discreteP2pBound, p2pBound } from '../bounds';
import { freeRider } from '../sim/strategy';
import { LabSwarm } from '../sim/swarm';
import type { LabPeer } from '../sim/swarm';
import type { Experiment, ExperimentResult, Figure, RunContext } from './types';
import type { SwarmParams } from './common';
import { CAPACITIES, KiB, MiB, bytes, labTorrent, rate, round, table } from './common';

/** `peerUpload` is every peer's u_i and `peerDownload` every peer's d_i (so d_min = d); `seedUpload` is u_s. */
export interface ScalabilityParams extends Omit<SwarmParams, 'peers'> {
  /** The N to measure. */
  peers: number[];
  latencyMs: number;
  /** Also measure client-server up to this N (it takes N·F/u_s of virtual time). */
  clientServerMaxPeers: number;
}

interface Row {
  n: number;
  mode: 'client-server' | 'swarm';
  seconds: number;
  bound: number;
  /** Swarm: the bound for whole pieces (start-up doubling, lab/bounds.ts); client-server: its bound. */
  discrete: number;
  completed: number;
  /** Share of the swarm's total upload capacity in use, per second. */
  utilization: Array<[number, number]>;
}

function runOnce(params: ScalabilityParams, n: number, mode: Row['mode'], context: RunContext): Row {
  const torrent = labTorrent(params.fileBytes, params.pieceLength, context.hash, params.seed);
  const clientServer = mode === 'client-server';
  const swarm = new LabSwarm({
    torrent,
    hash: context.hash,
    seed: params.seed * 1000 + n,
    latencyMs: params.latencyMs,
  });
  const seed = swarm.addPeer({
    name: 'seed',
    seed: true,
    upload: params.seedUpload,
    download: params.peerDownload,
    // The server takes every client; in the swarm it is one peer among others.
    config: clientServer ? { maxPeers: n + 10, targetPeers: 0 } : {},
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
  const input = {
    peers: n,
    fileBytes: params.fileBytes,
    serverUpload: params.seedUpload,
    minDownload: params.peerDownload,
  };
  const peerUploads = peers.map(() => params.peerUpload);
  const bound = clientServer ? clientServerBound(input) : p2pBound({ ...input, peerUploads });
  const discrete = clientServer
    ? bound
    : discreteP2pBound({
        ...input,
        peerUploads,
        pieceBytes: params.pieceLength,
        latency: params.latencyMs / 1000,
      });
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
  swarm.runUntil(bound * 1000 * 5 + 600_000, () => swarm.allDone(peers));
  const completed = peers.filter((p) => p.complete).length;
  const last = Math.max(...peers.map((p) => p.completedAt ?? swarm.now));
  return { n, mode, seconds: last / 1000, bound, discrete, completed, utilization };
}

/** The whole-piece bound over the fluid one at the largest N. */
function biggestBounds(rows: readonly Row[]): number {
  const last = rows[rows.length - 1];
  return last ? last.discrete / last.bound : NaN;
}

export const scalability: Experiment<ScalabilityParams> = {
  name: 'scalability',
  title: 'Scalability: distribution time against N, client-server and swarm, with the bounds',
  defaults: {
    peers: [1, 2, 5, 10, 20, 50, 100, 200, 1000],
    fileBytes: 1 * MiB,
    ...CAPACITIES,
    latencyMs: 25,
    clientServerMaxPeers: 1000,
    seed: 1,
  },
  small: {
    peers: [1, 2, 5, 10, 20, 40],
    fileBytes: 512 * KiB,
    ...CAPACITIES,
    latencyMs: 25,
    clientServerMaxPeers: 40,
    seed: 1,
  },
  run(params: ScalabilityParams, context: RunContext): ExperimentResult {
    const rows: Row[] = [];
    const figures = (): Figure[] => {
      const pick = (mode: Row['mode'], key: 'seconds' | 'bound' | 'discrete'): Array<[number, number]> =>
        rows.filter((r) => r.mode === mode).map((r) => [r.n, round(r[key], 3)]);
      const ratio = (mode: Row['mode'], key: 'bound' | 'discrete' = 'bound'): Array<[number, number]> =>
        rows.filter((r) => r.mode === mode).map((r) => [r.n, round(r.seconds / r[key], 3)]);
      const ns = [...new Set(rows.map((r) => r.n))];
      const swarmRuns = rows.filter((r) => r.mode === 'swarm');
      const largest = swarmRuns[swarmRuns.length - 1];
      return [
        {
          id: 'scalability-time',
          title: 'Time for all N peers to finish',
          xLabel: 'peers N',
          yLabel: 'distribution time (s)',
          logX: true,
          logY: true,
          series: [
            { name: 'client-server, measured', points: pick('client-server', 'seconds') },
            {
              name: 'client-server bound max(NF/us, F/dmin)',
              points: pick('client-server', 'bound'),
              dashed: true,
            },
            { name: 'swarm, measured', points: pick('swarm', 'seconds') },
            {
              name: 'P2P bound max(F/us, F/dmin, NF/(us+Σui))',
              points: pick('swarm', 'bound'),
              dashed: true,
            },
            {
              name: 'P2P bound for whole pieces (start-up doubling)',
              points: pick('swarm', 'discrete'),
              dashed: true,
            },
          ],
        },
        {
          id: 'scalability-ratio',
          title: 'Measured time over its bound',
          xLabel: 'peers N',
          yLabel: 'measured / bound',
          logX: true,
          series: [
            { name: 'client-server', points: ratio('client-server'), color: 1 },
            { name: 'swarm', points: ratio('swarm'), color: 0 },
            { name: 'swarm over the whole-piece bound', points: ratio('swarm', 'discrete'), color: 2 },
            {
              name: 'target 1.3',
              points: ns.length
                ? [
                    [Math.min(...ns), 1.3],
                    [Math.max(...ns), 1.3],
                  ]
                : [],
              dashed: true,
              color: 8,
            },
          ],
        },
        {
          id: 'scalability-utilization',
          title: `Upload capacity in use over time, swarm of N = ${largest?.n ?? '-'}`,
          xLabel: 'time (s)',
          yLabel: 'share of all upload capacity in use',
          series: largest
            ? [
                { name: 'swarm', points: largest.utilization, color: 0 },
                {
                  name: 'P2P bound finishes here',
                  points: [
                    [round(largest.bound, 1), 0],
                    [round(largest.bound, 1), 1],
                  ],
                  dashed: true,
                  color: 8,
                },
              ]
            : [],
        },
      ];
    };
    for (const n of params.peers) {
      if (!Number.isInteger(n) || n < 1) throw new RangeError(`peer counts must be integers >= 1, got ${n}`);
      rows.push(runOnce(params, n, 'swarm', context));
      context.progress?.(figures(), `swarm N=${n}`);
      if (n <= params.clientServerMaxPeers) {
        rows.push(runOnce(params, n, 'client-server', context));
        context.progress?.(figures(), `client-server N=${n}`);
      }
    }
    const swarmRows = rows.filter((r) => r.mode === 'swarm');
    const worst = swarmRows.reduce((a, b) => (b.seconds / b.bound > a.seconds / a.bound ? b : a));
    const over = swarmRows.filter((r) => r.seconds / r.bound > 1.3).map((r) => r.n);
    const csRows = rows.filter((r) => r.mode === 'client-server');
    const csWorst = csRows.length ? Math.max(...csRows.map((r) => r.seconds / r.bound)) : NaN;
    const biggest = swarmRows[swarmRows.length - 1];
    const csBiggest = csRows[csRows.length - 1];
    const worstDiscrete = Math.max(...swarmRows.map((r) => r.seconds / r.discrete));
    const headline = {
      maxSwarmRatio: round(worst.seconds / worst.bound, 3),
      maxSwarmRatioAtN: worst.n,
      maxSwarmRatioToDiscreteBound: round(worstDiscrete, 3),
      discreteBoundOverFluidAtLargestN: round(biggestBounds(swarmRows), 3),
      swarmWithin1_3: over.length === 0,
      swarmOver1_3AtN: over.join(',') || 'none',
      maxClientServerRatio: round(csWorst, 3),
      largestN: biggest.n,
      swarmSecondsAtLargestN: round(biggest.seconds, 1),
      discreteBoundSecondsAtLargestN: round(biggest.discrete, 1),
      clientServerSecondsAtLargestN: csBiggest ? round(csBiggest.seconds, 1) : NaN,
      incompleteRuns: rows.filter((r) => r.completed < r.n).length,
    };
    const summary = [
      `File ${bytes(params.fileBytes)} in pieces of ${bytes(params.pieceLength)}; seed upload u_s = ${rate(params.seedUpload)}, ` +
        `peer upload u_i = ${rate(params.peerUpload)}, download d = ${rate(params.peerDownload)}, latency ${params.latencyMs} ms.`,
      '',
      `The swarm's worst ratio of measured time to the P2P bound is **${headline.maxSwarmRatio}** (at N = ${worst.n}); ` +
        (over.length ? `it is above 1.3 at N = ${over.join(', ')}.` : 'it stays within 1.3 at every N.') +
        ` Client-server stays within ${round(csWorst, 2)}× of its bound. Against the bound for whole pieces (no peer` +
        ` serves before it holds a piece, so uploaders at most double every piece time), the swarm's worst ratio is` +
        ` **${headline.maxSwarmRatioToDiscreteBound}**.`,
      '',
      table(
        [
          'N',
          'client-server (s)',
          'CS bound (s)',
          'CS ratio',
          'swarm (s)',
          'P2P bound (s)',
          'swarm ratio',
          'whole-piece bound (s)',
          'ratio to it',
        ],
        [...new Set(rows.map((r) => r.n))].map((n) => {
          const cs = csRows.find((r) => r.n === n);
          const sw = swarmRows.find((r) => r.n === n)!;
          return [
            n,
            cs ? round(cs.seconds, 1) : '-',
            cs ? round(cs.bound, 1) : '-',
            cs ? round(cs.seconds / cs.bound, 2) : '-',
            round(sw.seconds, 1),
            round(sw.bound, 1),
            round(sw.seconds / sw.bound, 2),
            round(sw.discrete, 1),
            round(sw.seconds / sw.discrete, 2),
          ];
        }),
      ),
    ].join('\n');
    return { experiment: 'scalability', params: { ...params }, figures: figures(), headline, summary };
  },
};
