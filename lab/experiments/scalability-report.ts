// What the scalability experiment reports from its rows (lab/experiments/scalability-run.ts): the time and ratio
// figures, the swarm's use of its upload capacity, the headline figures and the summary's table.
import type { Figure, Series } from './types';
import { bytes, rate, round, table } from './common';
import type { Mode, Row, ScalabilityParams } from './scalability-run';

type Points = Array<[number, number]>;

const of = (rows: readonly Row[], mode: Mode) => rows.filter((r) => r.mode === mode);

/** Time for all N peers to finish, measured and bounded, in both modes. */
function timeFigure(rows: readonly Row[]): Figure {
  const pick = (mode: Mode, key: 'seconds' | 'bound' | 'discrete'): Points =>
    of(rows, mode).map((r) => [r.n, round(r[key], 3)]);
  return {
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
      { name: 'P2P bound max(F/us, F/dmin, NF/(us+Σui))', points: pick('swarm', 'bound'), dashed: true },
      {
        name: 'P2P bound for whole pieces (start-up doubling)',
        points: pick('swarm', 'discrete'),
        dashed: true,
      },
    ],
  };
}

/** Measured time over its bound, in both modes, with the 1.3 target. */
function ratioFigure(rows: readonly Row[]): Figure {
  const ratio = (mode: Mode, key: 'bound' | 'discrete' = 'bound'): Points =>
    of(rows, mode).map((r) => [r.n, round(r.seconds / r[key], 3)]);
  const ns = [...new Set(rows.map((r) => r.n))];
  const target: Points = ns.length
    ? [
        [Math.min(...ns), 1.3],
        [Math.max(...ns), 1.3],
      ]
    : [];
  return {
    id: 'scalability-ratio',
    title: 'Measured time over its bound',
    xLabel: 'peers N',
    yLabel: 'measured / bound',
    logX: true,
    series: [
      { name: 'client-server', points: ratio('client-server'), color: 1 },
      { name: 'swarm', points: ratio('swarm'), color: 0 },
      { name: 'swarm over the whole-piece bound', points: ratio('swarm', 'discrete'), color: 2 },
      { name: 'target 1.3', points: target, dashed: true, color: 8 },
    ],
  };
}

/** The largest swarm's use of its upload capacity over time, and where its bound finishes. */
function utilizationFigure(rows: readonly Row[]): Figure {
  const swarmRuns = of(rows, 'swarm');
  const largest = swarmRuns[swarmRuns.length - 1];
  const series = (run: Row): Series[] => [
    { name: 'swarm', points: run.utilization, color: 0 },
    {
      name: 'P2P bound finishes here',
      points: [
        [round(run.bound, 1), 0],
        [round(run.bound, 1), 1],
      ],
      dashed: true,
      color: 8,
    },
  ];
  return {
    id: 'scalability-utilization',
    title: `Upload capacity in use over time, swarm of N = ${largest?.n ?? '-'}`,
    xLabel: 'time (s)',
    yLabel: 'share of all upload capacity in use',
    series: largest ? series(largest) : [],
  };
}

export function scalabilityFigures(rows: readonly Row[]): Figure[] {
  return [timeFigure(rows), ratioFigure(rows), utilizationFigure(rows)];
}

/** The whole-piece bound over the fluid one at the largest N. */
function biggestBounds(rows: readonly Row[]): number {
  const last = rows[rows.length - 1];
  return last ? last.discrete / last.bound : NaN;
}

/** The headline figures, with the swarm's worst run and the N over 1.3 that the summary names. */
function headlineOf(rows: readonly Row[]) {
  const swarmRows = of(rows, 'swarm');
  const worst = swarmRows.reduce((a, b) => (b.seconds / b.bound > a.seconds / a.bound ? b : a));
  const over = swarmRows.filter((r) => r.seconds / r.bound > 1.3).map((r) => r.n);
  const csRows = of(rows, 'client-server');
  const csWorst = csRows.length ? Math.max(...csRows.map((r) => r.seconds / r.bound)) : NaN;
  const biggest = swarmRows[swarmRows.length - 1];
  const csBiggest = csRows[csRows.length - 1];
  const worstDiscrete = Math.max(...swarmRows.map((r) => r.seconds / r.discrete));
  const leaves = swarmRows.map((r) => (r.coveredSeconds ?? Infinity) / r.seedBound);
  const headline = {
    maxSwarmRatio: round(worst.seconds / worst.bound, 3),
    /** The swarm's worst time until the peers other than the seed hold every piece, over F/u_s. */
    maxSenderLeaveRatio: round(Math.max(...leaves), 3),
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
  return { headline, worst, over, csWorst };
}

/** One row of the summary's table per N: client-server (or '-') and swarm, each against its bounds. */
function tableRows(rows: readonly Row[]): Array<Array<string | number>> {
  const csRows = of(rows, 'client-server');
  const swarmRows = of(rows, 'swarm');
  return [...new Set(rows.map((r) => r.n))].map((n) => {
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
      sw.coveredSeconds === undefined ? '-' : round(sw.coveredSeconds, 1),
      sw.coveredSeconds === undefined ? '-' : round(sw.coveredSeconds / sw.seedBound, 2),
    ];
  });
}

export function scalabilityReport(params: ScalabilityParams, rows: readonly Row[]) {
  const { headline, worst, over, csWorst } = headlineOf(rows);
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
    `The seed ${params.superSeed ? 'super-seeds (BEP 16)' : 'does not super-seed'}; the time until the other peers` +
      ` hold every piece between them (the seed could leave) is at most **${headline.maxSenderLeaveRatio}** times` +
      ` F/u_s = ${round(params.fileBytes / params.seedUpload, 1)} s, the least it can be.`,
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
        'the others hold every piece (s)',
        'over F/u_s',
      ],
      tableRows(rows),
    ),
  ].join('\n');
  return { headline, summary };
}
