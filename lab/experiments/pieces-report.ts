// What the piece-selection experiment reports from its runs (lab/experiments/pieces.ts): the peers finished and the
// copies of the rarest piece over time per strategy, with the seed staying and leaving early; the headline figures
// and the summary's table.
import type { PieceSelection } from '../sim/strategy';
import type { Figure, Headline, Series } from './types';
import type { SwarmParams } from './common';
import { bytes, completionCurve, mean, rate, round, table } from './common';

export interface PiecesParams extends SwarmParams {
  /** Leechers arrive uniformly over this many seconds. */
  arrivalSeconds: number;
  /** In the early-leave runs, the seed leaves after uploading this many copies of the file. */
  seedLeavesAfterCopies: number;
  strategies: string[];
}

/** One strategy's run, with the seed staying or leaving early. */
export interface PiecesRun {
  strategy: PieceSelection;
  seedLeaves: boolean;
  times: Array<number | undefined>;
  /** First time the leechers together held every piece (s), if ever. */
  coveredAt: number | undefined;
  rarestCopies: Array<[number, number]>;
  seedUploadedCopies: number;
  endSeconds: number;
}

export function piecesFigures(params: PiecesParams, runs: readonly PiecesRun[]): Figure[] {
  const stay = runs.filter((r) => !r.seedLeaves);
  const leave = runs.filter((r) => r.seedLeaves);
  const curve = (r: PiecesRun): Series => ({ name: r.strategy, points: completionCurve(r.times) });
  return [
    {
      id: 'pieces-completion',
      title: 'Peers finished over time (the seed stays)',
      xLabel: 'time (s)',
      yLabel: 'fraction of peers complete',
      series: stay.map(curve),
    },
    {
      id: 'pieces-rarest-copies',
      title: 'Copies of the rarest piece among the leechers',
      xLabel: 'time (s)',
      yLabel: 'copies of the rarest piece',
      series: stay.map((r) => ({ name: r.strategy, points: r.rarestCopies })),
    },
    {
      id: 'pieces-seed-leaves',
      title: `Peers finished when the seed leaves after ${params.seedLeavesAfterCopies} copies`,
      xLabel: 'time (s)',
      yLabel: 'fraction of peers complete',
      series: leave.map(curve),
    },
  ];
}

/** A strategy's figures: its mean and last finish and the seed's stay with the seed staying, and the share
 * finished when the seed leaves early. */
function outcomes(strategies: readonly PieceSelection[], runs: readonly PiecesRun[]) {
  return strategies.map((strategy) => {
    const stay = runs.find((r) => r.strategy === strategy && !r.seedLeaves)!;
    const leave = runs.find((r) => r.strategy === strategy && r.seedLeaves)!;
    const done = stay.times.filter((t): t is number => t !== undefined);
    return {
      strategy,
      mean: mean(done),
      last: done.length === stay.times.length ? Math.max(...done) : NaN,
      coveredAt: stay.coveredAt ?? NaN,
      seedCopies: stay.seedUploadedCopies,
      leaveCompleted: leave.times.filter((t) => t !== undefined).length / leave.times.length,
    };
  });
}

export function piecesReport(
  params: PiecesParams,
  strategies: readonly PieceSelection[],
  runs: readonly PiecesRun[],
): { headline: Headline; summary: string } {
  const rows = outcomes(strategies, runs);
  const headline: Headline = {};
  for (const r of rows) {
    headline[`${r.strategy}MeanSeconds`] = round(r.mean, 1);
    headline[`${r.strategy}AllDoneSeconds`] = round(r.last, 1);
    headline[`${r.strategy}SeedNeededSeconds`] = round(r.coveredAt, 1);
    headline[`${r.strategy}CompletedWhenSeedLeaves`] = round(r.leaveCompleted, 3);
  }
  const best = rows.reduce((a, b) => (b.mean < a.mean ? b : a));
  headline.fastest = best.strategy;
  const summary = [
    `${params.peers} leechers arriving over ${params.arrivalSeconds} s; file ${bytes(params.fileBytes)} in ${bytes(params.pieceLength)} pieces; ` +
      `seed ${rate(params.seedUpload)}, peers ${rate(params.peerUpload)} up / ${rate(params.peerDownload)} down. ` +
      `"Seed needed" is when the leechers first held every piece between them (the seed could leave from then on). ` +
      `In the early-leave runs the seed leaves cleanly after ${params.seedLeavesAfterCopies} copies' worth of time.`,
    '',
    table(
      [
        'strategy',
        'mean finish (s)',
        'all done (s)',
        'seed needed until (s)',
        'seed uploaded (copies)',
        'finished if the seed leaves early',
      ],
      rows.map((r) => [
        r.strategy,
        round(r.mean, 1),
        Number.isFinite(r.last) ? round(r.last, 1) : 'not all',
        Number.isFinite(r.coveredAt) ? round(r.coveredAt, 1) : 'never',
        round(r.seedCopies, 2),
        `${round(r.leaveCompleted * 100, 1)} %`,
      ]),
    ),
  ].join('\n');
  return { headline, summary };
}
