// Experiment 5 (seed 004): churn and faults. Leechers arrive over time; in each scenario something goes wrong:
// peers crash without `stopped`, the original seed leaves (cleanly, or crashes), or a tracker dies (with one tracker
// per torrent, and with a second one to fail over to). Completion rate and time of the peers that stayed.
import { LabSwarm } from '../sim/swarm';
import type { LabPeer } from '../sim/swarm';
import type { Experiment, ExperimentResult, Figure, RunContext } from './types';
import type { SwarmParams } from './common';
import {
  CAPACITIES,
  addOriginalSeed,
  KiB,
  MiB,
  bytes,
  completionCurve,
  labTorrent,
  mean,
  rate,
  round,
  table,
} from './common';

export interface ChurnParams extends SwarmParams {
  /** Leechers arrive uniformly over this many seconds. */
  arrivalSeconds: number;
  /** Share of leechers that crash while downloading. */
  crashShare: number;
  /** The seed leaves / crashes at this time, s. */
  seedLeavesAt: number;
  /** Also: the completion rate when the seed leaves cleanly at each of these times, s. */
  seedLeavesSweep: number[];
  /** The first tracker dies at this time, s. */
  trackerFailsAt: number;
  /** Finished leechers keep seeding this long, then leave cleanly (-1: stay). */
  lingerSeconds: number;
}

const SCENARIOS = [
  'no faults',
  'peers crash',
  'seed leaves',
  'seed crashes',
  'tracker dies, one tracker',
  'tracker dies, two trackers',
] as const;
type Scenario = (typeof SCENARIOS)[number];

interface Run {
  scenario: Scenario;
  stayed: LabPeer[];
  crashed: number;
  times: Array<number | undefined>;
  endSeconds: number;
  deadDials: number;
}

function runOnce(
  params: ChurnParams,
  scenario: Scenario,
  context: RunContext,
  seedLeavesAt = params.seedLeavesAt,
): Run {
  const torrent = labTorrent(params.fileBytes, params.pieceLength, context.hash, params.seed);
  const twoTrackers = scenario === 'tracker dies, two trackers';
  const swarm = new LabSwarm({
    torrent,
    hash: context.hash,
    seed: params.seed,
    trackers: twoTrackers ? 2 : 1,
  });
  const seed = addOriginalSeed(swarm, params);
  const peers: LabPeer[] = [];
  const crashing = new Set<LabPeer>();
  const bound = (params.peers * params.fileBytes) / (params.seedUpload + params.peers * params.peerUpload);
  for (let i = 0; i < params.peers; i++) {
    const joinAt = Math.floor(swarm.random() * params.arrivalSeconds * 1000);
    const peer = swarm.addPeer({ upload: params.peerUpload, download: params.peerDownload, joinAt });
    peers.push(peer);
    // The same draws in every scenario, so the scenarios differ only by their fault.
    const crashes = swarm.random() < params.crashShare;
    const crashAfter = swarm.random() * bound * 1000;
    if (scenario === 'peers crash' && crashes) {
      crashing.add(peer);
      swarm.at(joinAt + crashAfter, () => {
        if (!peer.complete) swarm.crash(peer);
      });
    }
  }
  if (scenario === 'seed leaves') swarm.at(seedLeavesAt * 1000, () => swarm.leave(seed));
  if (scenario === 'seed crashes') swarm.at(seedLeavesAt * 1000, () => swarm.crash(seed));
  if (scenario.startsWith('tracker dies'))
    swarm.at(params.trackerFailsAt * 1000, () => swarm.trackers[0].fail());
  if (params.lingerSeconds >= 0) swarm.leaveWhenDone(peers, params.lingerSeconds * 1000);
  // Stop when every peer that is still there has finished, or when nothing has completed for two minutes.
  let lastChange = 0;
  let doneCount = 0;
  swarm.every(1000, () => {
    const n = peers.filter((p) => p.complete).length;
    if (n !== doneCount) {
      doneCount = n;
      lastChange = swarm.now;
    }
  });
  const arrived = () => swarm.now > params.arrivalSeconds * 1000;
  swarm.runUntil((params.arrivalSeconds + bound * 10 + 600) * 1000, () => {
    if (!arrived()) return false;
    return swarm.allDone(peers) || swarm.now - lastChange > 120_000;
  });
  const stayed = peers.filter((p) => !p.crashed);
  return {
    scenario,
    stayed,
    crashed: peers.length - stayed.length,
    times: stayed.map((p) => (p.completedAt === undefined ? undefined : (p.completedAt - p.joinAt) / 1000)),
    endSeconds: swarm.now / 1000,
    deadDials: swarm.deadDials,
  };
}

export const churn: Experiment<ChurnParams> = {
  name: 'churn',
  title: 'Churn and faults: crashes, the seed leaving, a tracker dying',
  defaults: {
    peers: 80,
    fileBytes: 1 * MiB,
    ...CAPACITIES,
    arrivalSeconds: 120,
    crashShare: 0.3,
    seedLeavesAt: 40,
    seedLeavesSweep: [10, 15, 20, 25, 30, 35, 40],
    trackerFailsAt: 30,
    lingerSeconds: 60,
    seed: 5,
  },
  small: {
    peers: 24,
    fileBytes: 512 * KiB,
    ...CAPACITIES,
    arrivalSeconds: 60,
    crashShare: 0.3,
    seedLeavesAt: 20,
    seedLeavesSweep: [5, 10, 15, 20],
    trackerFailsAt: 15,
    lingerSeconds: 30,
    seed: 5,
  },
  run(params: ChurnParams, context: RunContext): ExperimentResult {
    if (!(params.crashShare >= 0 && params.crashShare <= 1))
      throw new RangeError(`crashShare must be in [0, 1], got ${params.crashShare}`);
    const runs: Run[] = [];
    const sweep: Array<[number, number]> = [];
    const figures = (): Figure[] => [
      {
        id: 'churn-completion',
        title: 'Peers that stayed and finished, by download time',
        xLabel: 'time since joining (s)',
        yLabel: 'fraction of the peers that stayed',
        series: runs.map((r) => ({ name: r.scenario, points: completionCurve(r.times) })),
      },
      {
        id: 'churn-seed-leaves',
        title: 'Peers that finish, by the time the original seed leaves',
        xLabel: 'the seed leaves at (s)',
        yLabel: 'fraction of peers that finish',
        series: [{ name: 'seed leaves cleanly', points: sweep }],
      },
    ];
    for (const scenario of SCENARIOS) {
      runs.push(runOnce(params, scenario, context));
      context.progress?.(figures(), scenario);
    }
    for (const at of params.seedLeavesSweep) {
      const run = runOnce(params, 'seed leaves', context, at);
      sweep.push([
        at,
        round(run.times.filter((t) => t !== undefined).length / Math.max(1, run.times.length), 3),
      ]);
      context.progress?.(figures(), `seed leaves at ${at} s`);
    }
    const cliff = sweep.find(([, share]) => share >= 1);
    const headline: Record<string, number | string> = {};
    headline.seedMustStaySeconds = cliff ? cliff[0] : NaN;
    const rows = runs.map((r) => {
      const done = r.times.filter((t): t is number => t !== undefined);
      const rateDone = done.length / Math.max(1, r.times.length);
      const key = r.scenario
        .replace(/[^a-z]+(.)/g, (_, c: string) => c.toUpperCase())
        .replace(/[^a-zA-Z]/g, '');
      headline[`${key}Completed`] = round(rateDone, 3);
      headline[`${key}MeanSeconds`] = round(mean(done), 1);
      return [
        r.scenario,
        r.times.length,
        r.crashed,
        `${round(rateDone * 100, 1)} %`,
        done.length ? round(mean(done), 1) : '-',
        done.length ? round(Math.max(...done), 1) : '-',
        r.deadDials,
      ];
    });
    const summary = [
      `${params.peers} leechers arriving over ${params.arrivalSeconds} s; file ${bytes(params.fileBytes)}; seed ${rate(params.seedUpload)}, ` +
        `peers ${rate(params.peerUpload)} up / ${rate(params.peerDownload)} down; finished leechers seed ${params.lingerSeconds} s more, then leave. ` +
        `Faults: ${round(params.crashShare * 100)} % of leechers crash mid-download (no \`stopped\`; the tracker keeps them until its 60 s timeout); ` +
        `the seed leaves or crashes at ${params.seedLeavesAt} s; the first tracker dies at ${params.trackerFailsAt} s. ` +
        '"Dead dials" are connection attempts to peers that were gone (stale tracker entries).',
      '',
      table(
        [
          'scenario',
          'peers that stayed',
          'crashed',
          'finished',
          'mean download (s)',
          'slowest (s)',
          'dead dials',
        ],
        rows,
      ),
      '',
      `When the seed leaves cleanly at t, the share of peers that finish: ${sweep.map(([t, share]) => `${t} s → ${round(share * 100, 1)} %`).join(', ')}.` +
        (cliff ? ` From ${cliff[0]} s on, everyone finishes.` : ' In no case did everyone finish.'),
    ].join('\n');
    return { experiment: 'churn', params: { ...params }, figures: figures(), headline, summary };
  },
};
