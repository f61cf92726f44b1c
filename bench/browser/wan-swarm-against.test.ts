import { describe, expect, it } from 'vitest';
import { againstFigure, engineOrder } from './wan-swarm-against';
import type { SwarmRun } from './wan-swarm-figures';

const runs = (...lasts: Array<number | null>): SwarmRun[] =>
  lasts.map((last) => ({ last, tabs: [], load: 'load 2.0' }));

describe('the swarm against another build', () => {
  it('alternates which engine runs first', () => {
    expect(engineOrder(0)).toEqual(['ours', 'against']);
    expect(engineOrder(1)).toEqual(['against', 'ours']);
    expect(engineOrder(2)).toEqual(['ours', 'against']);
  });

  it('is met when every resampled ratio is under 1', () => {
    const result = againstFigure('shape', 'abc1234', runs(80, 81, 82, 80, 81), runs(90, 91, 92, 90, 91));
    expect(result.met).toBe(true);
    expect(result.comparison).toBe(true);
    expect(result.value).toBe(81);
    expect(result.baseline.value).toBe(91);
    expect(result.note).toContain('met');
  });

  it('is missed when ours is slower in every resample', () => {
    expect(againstFigure('shape', 'abc1234', runs(95, 96, 97), runs(80, 81, 82)).met).toBe(false);
  });

  it('cannot tell overlapping runs apart', () => {
    const result = againstFigure('shape', 'abc1234', runs(83, 85, 88), runs(87, 89, 84));
    expect(result.met).toBeNull();
    expect(result.note).toContain('not told apart');
  });

  it('leaves out runs not done, and says so', () => {
    const result = againstFigure('shape', 'abc1234', runs(80, null, 82), runs(90, 91, 92));
    expect(result.value).toBe(81);
    expect(result.note).toContain('1 of 3 not done');
  });

  it('fails when none of a side was done', () => {
    expect(againstFigure('shape', 'abc1234', runs(null, null), runs(90)).error).toContain(
      'ours: 2 of 2 not done',
    );
    expect(againstFigure('shape', 'abc1234', runs(90), runs(null)).error).toContain(
      'abc1234: 1 of 1 not done',
    );
  });
});
