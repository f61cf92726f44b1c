// Experiment 5 (seed 004): churn and faults. Leechers arrive over time; in each scenario something goes wrong:
// peers crash without `stopped`, the original seed leaves (cleanly, or crashes), or a tracker dies (with one tracker
// per torrent, and with a second one to fail over to). Completion rate and time of the peers that stayed. What the
// runs give is in churn-report.ts.
import { LabSwarm } from '../sim/swarm';
import type { LabPeer } from '../sim/swarm';
import type { Experiment, ExperimentResult, RunContext } from './types';
import { CAPACITIES, addOriginalSeed, KiB, MiB, labTorrent, round } from './common';
import { churnFigures, churnReport } from './churn-report';
import type { ChurnParams, ChurnRun, Sweep } from './churn-report';

export type { ChurnParams };

const SCENARIOS = [
  'no faults',
  'peers crash',
  'seed leaves',
  'seed crashes',
  'tracker dies, one tracker',
  'tracker dies, two trackers',
] as const;
type Scenario = (typeof SCENARIOS)[number];

interface Run extends ChurnRun {
  scenario: Scenario;
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
    const sweep: Sweep = [];
    for (const scenario of SCENARIOS) {
      runs.push(runOnce(params, scenario, context));
      context.progress?.(churnFigures(runs, sweep), scenario);
    }
    for (const at of params.seedLeavesSweep) {
      const run = runOnce(params, 'seed leaves', context, at);
      sweep.push([
        at,
        round(run.times.filter((t) => t !== undefined).length / Math.max(1, run.times.length), 3),
      ]);
      context.progress?.(churnFigures(runs, sweep), `seed leaves at ${at} s`);
    }
    const { headline, summary } = churnReport(params, runs, sweep);
    return {
      experiment: 'churn',
      params: { ...params },
      figures: churnFigures(runs, sweep),
      headline,
      summary,
    };
  },
};
