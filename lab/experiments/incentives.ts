// Experiment 4 (seed 000; Cohen 2003; BitTyrant; PropShare; BitThief): contributors, free riders (never upload) and
// strategic peers, under each candidate choke policy of the engine (shared/engine/choke/policies.ts) run by the
// contributors and the seed, and without choking; the download time of each class, over several random seeds and two
// swarm sizes. A mixed run gives each candidate a share of the contributors, in one swarm.
// One run is in incentives-run.ts, what the runs give in incentives-report.ts.
import { CHOKE_POLICIES, DEFAULT_CHOKE_POLICY_NAME } from '../../shared/engine/choke/policies';
import type { Experiment, ExperimentResult, RunContext } from './types';
import { CAPACITIES, KiB, MiB } from './common';
import { candidate, incentiveTasks, MIXED, NO_CHOKING, policiesAt, seedsAndSizes } from './incentives-run';
import type { IncentivesParams } from './incentives-run';
import { cellOf, incentiveFigures, incentiveReport, type Tally } from './incentives-report';

export type { IncentivesParams };

/** Throws a RangeError on shares out of range and an Error on an unknown policy, before any run. */
function validate(params: IncentivesParams): void {
  for (const key of ['freeRiderShare', 'strategicShare'] as const) {
    if (!(params[key] >= 0 && params[key] <= 1))
      throw new RangeError(`${key} must be in [0, 1], got ${params[key]}`);
  }
  if (params.freeRiderShare + params.strategicShare > 1)
    throw new RangeError('free riders and strategic peers exceed 100 %');
  if (!(params.strategicUploadShare > 0 && params.strategicUploadShare <= 1)) {
    throw new RangeError(`strategicUploadShare must be in (0, 1], got ${params.strategicUploadShare}`);
  }
  for (const policy of [...params.policies, ...params.largePolicies]) if (policy !== MIXED) candidate(policy);
}

/** Runs every policy at every size and seed in order, telling the progress after each run and each cell. */
function runAll(params: IncentivesParams, context: RunContext): Tally {
  const tally: Tally = { runs: [], cells: new Map() };
  const tasks = incentiveTasks(params, context);
  for (const size of seedsAndSizes(params).sizes) {
    for (const policy of policiesAt(params, size)) {
      for (const task of tasks.filter((t) => t.policy === policy && t.size === size)) {
        // The CLI's other processes may have run it already (`RunContext.memo`): runs are deterministic.
        tally.runs.push(context.memo ? context.memo(task.key, task.compute) : task.compute());
        context.progress?.(incentiveFigures(params, tally), `${policy}, ${size} leechers, seed ${task.seed}`);
      }
      const c = cellOf(tally.runs, params, policy, size);
      if (c && policy !== MIXED) tally.cells.set(`${policy}@${size}`, c);
      context.progress?.(incentiveFigures(params, tally), `${policy}, ${size} leechers`);
    }
  }
  return tally;
}

export const incentives: Experiment<IncentivesParams> = {
  name: 'incentives',
  title: 'Incentives: contributors, free riders and strategic peers under each choke policy',
  defaults: {
    peers: 80,
    freeRiderShare: 0.25,
    strategicShare: 0.25,
    strategicUploadShare: 0.5,
    fileBytes: 1 * MiB,
    pieceLength: 16 * KiB,
    seedUpload: 32 * KiB,
    peerUpload: 16 * KiB,
    peerDownload: 64 * KiB,
    arrivalSeconds: 10,
    lingerSeconds: 0,
    seed: 4,
    largePeers: 500,
    // The seed policy too: its edge at 80 leechers is the one to check at 500.
    largePolicies: [...new Set(['tit-for-tat', DEFAULT_CHOKE_POLICY_NAME, 'tft+credit+forward'])],
    seeds: [4, 5, 6],
    policies: [...Object.keys(CHOKE_POLICIES), NO_CHOKING, MIXED],
  },
  small: {
    peers: 24,
    freeRiderShare: 0.25,
    strategicShare: 0.25,
    strategicUploadShare: 0.5,
    fileBytes: 512 * KiB,
    ...CAPACITIES,
    arrivalSeconds: 5,
    lingerSeconds: 0,
    seed: 4,
    largePeers: 0,
    largePolicies: [DEFAULT_CHOKE_POLICY_NAME],
    seeds: [4],
    policies: ['tit-for-tat', DEFAULT_CHOKE_POLICY_NAME, NO_CHOKING].filter(
      (p, i, all) => all.indexOf(p) === i,
    ),
  },
  tasks: (params, context) => incentiveTasks(params, context),
  run(params: IncentivesParams, context: RunContext): ExperimentResult {
    validate(params);
    const tally = runAll(params, context);
    const { headline, summary } = incentiveReport(params, tally);
    return {
      experiment: 'incentives',
      params: { ...params },
      figures: incentiveFigures(params, tally),
      headline,
      summary,
    };
  },
};
