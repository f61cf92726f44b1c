import { describe, expect, it } from 'vitest';
import { pieces } from './pieces';
import { piecesFigures, piecesReport, type PiecesRun } from './pieces-report';

const run = (
  strategy: PiecesRun['strategy'],
  seedLeaves: boolean,
  times: Array<number | undefined>,
): PiecesRun => ({
  strategy,
  seedLeaves,
  times,
  coveredAt: seedLeaves ? undefined : 12,
  rarestCopies: [[0, 0]],
  seedUploadedCopies: 2,
  endSeconds: 50,
});

const runs = [
  run('rarest', false, [10, 20]),
  run('rarest', true, [10, 30]),
  run('sequential', false, [30, 40]),
  run('sequential', true, [10, undefined]),
];

describe('the piece-selection report', () => {
  it('draws the runs with the seed staying apart from those where it leaves', () => {
    const [completion, rarest, leaves] = piecesFigures(pieces.small, runs);
    expect(completion.series.map((s) => s.name)).toEqual(['rarest', 'sequential']);
    expect(rarest.series).toHaveLength(2);
    expect(leaves.title).toContain(`after ${pieces.small.seedLeavesAfterCopies} copies`);
    expect(leaves.series.map((s) => s.points.at(-1))).toEqual([
      [30, 1],
      [10, 0.5],
    ]);
  });

  it('heads with each strategy’s times and the share finished when the seed leaves early', () => {
    const { headline, summary } = piecesReport(pieces.small, ['rarest', 'sequential'], runs);
    expect(headline).toMatchObject({
      rarestMeanSeconds: 15,
      rarestAllDoneSeconds: 20,
      rarestSeedNeededSeconds: 12,
      sequentialCompletedWhenSeedLeaves: 0.5,
      fastest: 'rarest',
    });
    expect(summary).toContain('| sequential | 35 | 40 | 12 | 2 | 50 % |');
  });
});
