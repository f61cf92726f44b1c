// What the churn experiment reports from its runs (lab/experiments/churn.ts): the peers that stayed and finished per
// scenario, the share that finish by when the seed leaves, the headline figures and the summary's table.
import type { LabPeer } from '../sim/swarm';
import type { Figure, Headline } from './types';
import type { SwarmParams } from './common';
import { bytes, completionCurve, mean, rate, round, table } from './common';

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

/** One scenario's run. */
export interface ChurnRun {
  scenario: string;
  stayed: LabPeer[];
  crashed: number;
  times: Array<number | undefined>;
  endSeconds: number;
  deadDials: number;
}

/** [the time the seed leaves cleanly, s; the share of peers that finish]. */
export type Sweep = Array<[number, number]>;

export function churnFigures(runs: readonly ChurnRun[], sweep: Sweep): Figure[] {
  return [
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
}

/** The headline figures per scenario and one table row each. */
function headlineAndRows(runs: readonly ChurnRun[], headline: Headline) {
  return runs.map((r) => {
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
}

export function churnReport(params: ChurnParams, runs: readonly ChurnRun[], sweep: Sweep) {
  const cliff = sweep.find(([, share]) => share >= 1);
  const headline: Headline = {};
  headline.seedMustStaySeconds = cliff ? cliff[0] : NaN;
  const rows = headlineAndRows(runs, headline);
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
  return { headline, summary };
}
