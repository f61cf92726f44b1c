// Experiment 2 (seeds 001 and 003): piece selection. Rarest first against random and sequential (lowest index first,
// like a streaming client), on the same swarm: completion times, how long the original seed must stay (until the
// leechers together hold every piece), the copies of the rarest piece over time, and the case of a seed that leaves
// early. What the runs give is in pieces-report.ts.
import { LabSwarm } from '../sim/swarm';
import type { LabPeer } from '../sim/swarm';
import type { PieceSelection } from '../sim/strategy';
import { PIECE_SELECTIONS } from '../sim/strategy';
import type { Experiment, ExperimentResult, RunContext } from './types';
import { CAPACITIES, addOriginalSeed, KiB, MiB, completionSeconds, labTorrent, pieceCopies } from './common';
import { piecesFigures, piecesReport } from './pieces-report';
import type { PiecesParams, PiecesRun as Run } from './pieces-report';

export type { PiecesParams };

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
    for (const strategy of strategies) {
      for (const seedLeaves of [false, true]) {
        runs.push(runOnce(params, strategy, seedLeaves, context));
        context.progress?.(
          piecesFigures(params, runs),
          `${strategy}${seedLeaves ? ', seed leaves early' : ''}`,
        );
      }
    }
    const { headline, summary } = piecesReport(params, strategies, runs);
    return {
      experiment: 'pieces',
      params: { ...params },
      figures: piecesFigures(params, runs),
      headline,
      summary,
    };
  },
};
