// The `wan-swarm` bench's figures from its runs: the run at the median time until all were done (the lower middle
// for an even count), against seed 001's P2P bound and against the lab's prediction for the same shape.
import type { Prediction, SwarmShape } from '../../lab/network-shape';
import { atMost, failedFigure, figure, median, noGoal, type Figure } from '../lib/figure';
import type { WanSwarmPlan } from './wan-swarm-shape';
import type { SwarmUsage } from './wan-swarm-usage';

/** Everyone done within this many times the P2P bound. */
export const GOAL = 1.3;

export interface TabTime {
  name: string;
  /** From its own Download to its Seeding; null when it was not done. */
  seconds: number | null;
  /** From its own Download to its first verified piece (the UI shows it up to 500 ms late). */
  firstPiece: number | null;
  /** From its own Download to its first connected peer (seen within 20 ms). */
  firstPeer?: number | null;
  error?: string;
}

export interface SwarmRun {
  /** From the first Download to the last Seeding; null when a tab was not done. */
  last: number | null;
  tabs: TabTime[];
  load: string;
  used?: SwarmUsage;
  error?: string;
}

export interface SwarmResults {
  label: string;
  plan: WanSwarmPlan;
  bounds: { p2p: number; discrete: number };
  prediction: Prediction;
  runs: SwarmRun[];
}

/** The run at the median time among those where every tab was done. */
export function medianRun(runs: SwarmRun[]): SwarmRun | undefined {
  const complete = runs.filter((run) => run.last !== null).sort((a, b) => a.last! - b.last!);
  return complete[(complete.length - 1) >> 1];
}

function runsNote(runs: SwarmRun[]): string {
  const complete = runs.filter((run) => run.last !== null).length;
  const each = runs
    .map((run, i) => {
      const failed = run.tabs.find((tab) => tab.seconds === null);
      const why = run.error ?? (failed ? `${failed.name}: ${failed.error}` : '');
      return `run ${i + 1}: ${run.last !== null ? `${run.last.toFixed(1)} s` : `failed (${why})`}`;
    })
    .join('; ');
  return runs.length > 1 ? `median of the ${complete} complete runs of ${runs.length} (${each})` : each;
}

/** "tab 1 (2 Mbit/s up, 20 ms): 61.0 s, the lab 50.1 s (1.22x)" for each tab, and the median of those ratios. */
export function tabsAgainstLab(shape: SwarmShape, run: SwarmRun, prediction: Prediction): string {
  const ratios: number[] = [];
  const each = run.tabs.map((tab) => {
    const peer = shape.peers.find((candidate) => candidate.name === tab.name);
    const lab = prediction.seconds[tab.name];
    const ratio = tab.seconds !== null && lab ? tab.seconds / lab : null;
    if (ratio !== null) ratios.push(ratio);
    return (
      `${tab.name} (${peer ? `${Number(peer.upMbit.toFixed(2))} Mbit/s up, ${peer.rttMs} ms` : '?'}): ` +
      `${tab.seconds?.toFixed(1) ?? 'not done'} s (first peer ${tab.firstPeer?.toFixed(1) ?? '-'} s, ` +
      `first piece ${tab.firstPiece?.toFixed(1) ?? '-'} s), ` +
      `the lab ${lab?.toFixed(1) ?? 'not done'} s` +
      (ratio !== null ? ` (${ratio.toFixed(2)}x)` : '')
    );
  });
  const middle = ratios.length > 0 ? `; median per tab ${median(ratios).toFixed(2)}x` : '';
  return `${each.join('; ')}${middle}`;
}

export function swarmFigures({ label, plan, bounds, prediction, runs }: SwarmResults): Figure[] {
  const boundName = `wan-swarm: ${label}, all done, vs seed 001's P2P bound`;
  const labName = `wan-swarm: ${label}, all done, vs the lab on the same shape`;
  const boundBaseline = "seed 001's P2P bound for these uplinks (lab/bounds.ts)";
  const labBaseline = 'the lab on the same shape (lab/network-shape.ts)';
  const chosen = medianRun(runs);
  const rates =
    (plan.ratePercent !== 100 ? `every rate at ${plan.ratePercent} % of the issue's; ` : '') +
    (plan.uploadLimitPercent > 0
      ? `each downloading tab's Upload limit at ${plan.uploadLimitPercent} % of its uplink; `
      : '');
  const lab =
    `the lab ${prediction.last?.toFixed(1) ?? 'not done'} s ` +
    `(${prediction.last !== null ? (prediction.last / bounds.p2p).toFixed(2) : '-'}x the bound)`;
  const common = `${rates}${runsNote(runs)}; the bound for whole pieces ${bounds.discrete.toFixed(1)} s; ${lab}`;
  if (!chosen) {
    return [
      failedFigure(boundName, 's', boundBaseline, atMost(GOAL), common, bounds.p2p),
      failedFigure(labName, 's', labBaseline, noGoal, common, prediction.last),
    ];
  }
  const used = chosen.used ? `; ${chosen.used.note}` : '';
  return [
    figure(
      boundName,
      chosen.last,
      's',
      { name: boundBaseline, value: bounds.p2p },
      atMost(GOAL),
      `${common}; from the first Download to the last Seeding${used}; ${chosen.load}`,
    ),
    figure(
      labName,
      chosen.last,
      's',
      { name: labBaseline, value: prediction.last },
      noGoal,
      `${rates}${tabsAgainstLab(plan.shape, chosen, prediction)}`,
    ),
  ];
}
