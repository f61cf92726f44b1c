import { describe, expect, it } from 'vitest';
import { medianRun, peersFigure, resumeFigure, uploadFigure, type LifecycleRun } from './lifecycle-figures';
import { lifecyclePlan } from './lifecycle-plan';

const plan = lifecyclePlan(new Set());

function run(hidden: number, resumeS: number | null, peersAfter: number | null = 1): LifecycleRun {
  return {
    visibleMBps: 2,
    hiddenMBps: hidden,
    visibleWakesPerS: 20,
    hiddenWakesPerS: 1,
    resumeS,
    steadyGapS: 0.5,
    peersBefore: 1,
    peersAfter,
    load: 'load 1',
  };
}

const failed: LifecycleRun = { ...run(0, null, null), hiddenMBps: null, peersBefore: null, error: 'lost' };

describe('the lifecycle figures', () => {
  it('takes the median run, the lower middle for an even count, with the lowest and highest as the interval', () => {
    const runs = [run(1.9, 1), run(1.5, 2), run(2, 3)];
    const chosen = medianRun(runs, (r) => r.hiddenMBps);
    expect(chosen?.run).toBe(runs[0]);
    expect(chosen?.interval).toBe('median of 3 complete runs of 3, from 1.50 to 2.00');
    expect(medianRun([run(1, 1), run(2, 1)], (r) => r.hiddenMBps)?.run.hiddenMBps).toBe(1);
  });

  it('compares the hidden rate with the visible one of the same run, goal 0.9x', () => {
    const upload = uploadFigure(plan, [run(1.9, 1), failed, run(1.5, 2), run(2, 3)]);
    expect(upload).toMatchObject({ value: 1.9, ratio: 0.95, goal: '>= 0.9x', met: true });
    expect(upload.note).toContain('run 2: lost');
    expect(uploadFigure(plan, [failed]).met).toBe(false);
  });

  it('holds the time to blocks after a resume to 5 s, and fails without one', () => {
    expect(resumeFigure(plan, [run(2, 1), run(2, 7), run(2, 6)])).toMatchObject({ value: 6, met: false });
    expect(resumeFigure(plan, [run(2, 1), run(2, 2), run(2, 6)])).toMatchObject({ value: 2, met: true });
    expect(resumeFigure(plan, [failed])).toMatchObject({ value: null, met: false, goal: '<= 5 s' });
  });

  it('fails the peers figure when any run lost a peer for good', () => {
    expect(peersFigure(plan, [run(2, 1), run(2, 1)]).met).toBe(true);
    expect(peersFigure(plan, [run(2, 1), run(2, 1, null), failed])).toMatchObject({ value: 0, met: false });
  });
});
