import { describe, expect, it } from 'vitest';
import { medianRun, serveFigures, type ServeRun } from './keeper-figures';

const run = (tabRate: number | null, keeperRate: number | null, failure?: string): ServeRun => ({
  tabRate,
  keeperRate,
  tabCpuMsPerMB: tabRate === null ? null : 10,
  keeperCpuMsPerMB: keeperRate === null ? null : 5,
  ...(failure ? { failure } : {}),
});

describe('medianRun', () => {
  it('takes the run at the median ratio of keeper to tab', () => {
    const runs = [run(100, 90), run(100, 50), run(50, 50)];
    expect(medianRun(runs)).toBe(runs[0]);
  });

  it('counts a failed keeper download as the worst and leaves out a run without a tab baseline', () => {
    const runs = [run(100, null, 'stalled'), run(null, 80), run(100, 90), run(100, 95)];
    expect(medianRun(runs)).toBe(runs[2]);
  });
});

describe('serveFigures', () => {
  it('rates the keeper against the tab at the median run, and CPU per MB as medians', () => {
    const [rate, cpu] = serveFigures([run(100, 85), run(100, 70), run(100, 90)], '256 MiB', 'load');
    expect(rate).toMatchObject({ value: 85, baseline: { value: 100 }, met: true });
    expect(cpu).toMatchObject({ value: 5, baseline: { value: 10 }, ratio: 0.5 });
  });

  it('says why when no keeper download completed', () => {
    const [rate] = serveFigures([run(100, null, 'not complete after 300 s')], '256 MiB', 'load');
    expect(rate).toMatchObject({ value: null, met: false, error: 'not complete after 300 s' });
  });
});
