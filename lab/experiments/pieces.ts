// Experiment 2 (seeds 001 and 003): piece selection. Rarest first against random and sequential (lowest index first,
// like a streaming client), on the same swarm: completion times, how long the original seed must stay (until the
// leechers together hold every piece), the copies of the rarest piece over time, and the case of a seed that leaves
// early.
import { LabSwarm } from '../sim/swarm';
import type { LabPeer } from '../sim/swarm';
import type { PieceSelection } from '../sim/strategy';
import { PIECE_SELECTIONS } from '../sim/strategy';
import type { Experiment, ExperimentResult, Figure, RunContext, Series } from './types';
import type { SwarmParams } from './common';
import {
  CAPACITIES,
  addOriginalSeed,
  KiB,
  MiB,
  bytes,
  completionCurve,
  completionSeconds,
  labTorrent,
  mean,
  pieceCopies,
  rate,
  round,
  table,
} from './common';

export interface PiecesParams extends SwarmParams {
  /** Leechers arrive uniformly over this many seconds. */
  arrivalSeconds: number;
  /** In the early-leave runs, the seed leaves after uploading this many copies of the file. */
  seedLeavesAfterCopies: number;
  strategies: string[];
}

interface Run {
  strategy: PieceSelection;
  seedLeaves: boolean;
  times: Array<number | undefined>;
  /** First time the leechers together held every piece (s), if ever. */
  coveredAt: number | undefined;
  rarestCopies: Array<[number, number]>;
  seedUploadedCopies: number;
  endSeconds: number;
}

function runOnce(
  params: PiecesParams,
  strategy: PieceSelection,
  seedLeaves: boolean,
  context: RunContext,
): Run {
  const torrent = labTorrent(params.fileBytes, params.pieceLength, context.hash, params.seed);
  const pieceCount = torrent.info.pieceCount;
  const swarm = new LabSwarm({ torrent, hash: context.hash, seed: params.seed });
  // The original seed serves pieces, it does not pick them: its strategy does not matter.
  const seed = addOriginalSeed(swarm, params);
  const peers: LabPeer[] = [];
  for (let i = 0; i < params.peers; i++) {
    const joinAt = Math.floor(swarm.random() * params.arrivalSeconds * 1000);
    peers.push(
      swarm.addPeer({
        upload: params.peerUpload,
        download: params.peerDownload,
        joinAt,
        pieceSelection: strategy,
      }),
    );
  }
  const leaveAt = (params.seedLeavesAfterCopies * params.fileBytes * 1000) / params.seedUpload;
  if (seedLeaves) swarm.at(leaveAt, () => swarm.leave(seed));
  let coveredAt: number | undefined;
  const rarestCopies: Array<[number, number]> = [];
  let held = -1;
  let heldSince = 0;
  swarm.every(1000, () => {
    const copies = pieceCopies(peers, pieceCount);
    let min = Infinity;
    let total = 0;
    for (const c of copies) {
      min = Math.min(min, c);
      total += c;
    }
    rarestCopies.push([swarm.now / 1000, min]);
    if (coveredAt === undefined && min > 0) coveredAt = swarm.now / 1000;
    if (total !== held) {
      held = total;
      heldSince = swarm.now;
    }
  });
  // Once the seed has left, a piece nobody holds is lost: stop when nothing has moved for a minute.
  const stalled = () => !seed.alive && swarm.now - heldSince > 60_000;
  const bound = (params.peers * params.fileBytes) / (params.seedUpload + params.peers * params.peerUpload);
  const limit = (params.arrivalSeconds + bound * 6 + 300) * 1000;
  swarm.runUntil(limit, () => (swarm.allDone(peers) && coveredAt !== undefined) || stalled());
  return {
    strategy,
    seedLeaves,
    times: completionSeconds(peers),
    coveredAt,
    rarestCopies,
    seedUploadedCopies: seed.host.bytesSent / params.fileBytes,
    endSeconds: swarm.now / 1000,
  };
}

export const pieces: Experiment<PiecesParams> = {
  name: 'pieces',
  title: 'Piece selection: rarest first, random, sequential; a seed that leaves early',
  defaults: {
    peers: 100,
    fileBytes: 1 * MiB,
    ...CAPACITIES,
    arrivalSeconds: 10,
    seedLeavesAfterCopies: 3,
    strategies: [...PIECE_SELECTIONS],
    seed: 2,
  },
  small: {
    peers: 30,
    fileBytes: 512 * KiB,
    ...CAPACITIES,
    arrivalSeconds: 5,
    seedLeavesAfterCopies: 3,
    strategies: [...PIECE_SELECTIONS],
    seed: 2,
  },
  run(params: PiecesParams, context: RunContext): ExperimentResult {
    const strategies = params.strategies.map((s) => {
      if (!PIECE_SELECTIONS.includes(s as PieceSelection)) {
        throw new RangeError(`unknown strategy "${s}"; known: ${PIECE_SELECTIONS.join(', ')}`);
      }
      return s as PieceSelection;
    });
    const runs: Run[] = [];
    const figures = (): Figure[] => {
      const stay = runs.filter((r) => !r.seedLeaves);
      const leave = runs.filter((r) => r.seedLeaves);
      const curve = (r: Run): Series => ({ name: r.strategy, points: completionCurve(r.times) });
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
    };
    for (const strategy of strategies) {
      for (const seedLeaves of [false, true]) {
        runs.push(runOnce(params, strategy, seedLeaves, context));
        context.progress?.(figures(), `${strategy}${seedLeaves ? ', seed leaves early' : ''}`);
      }
    }
    const rows = strategies.map((strategy) => {
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
    const headline: Record<string, number | string> = {};
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
    return { experiment: 'pieces', params: { ...params }, figures: figures(), headline, summary };
  },
};
