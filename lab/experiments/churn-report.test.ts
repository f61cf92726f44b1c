import { describe, expect, it } from 'vitest';
import { churn } from './churn';
import { churnFigures, churnReport, type ChurnRun } from './churn-report';

const run = (scenario: string, times: Array<number | undefined>, crashed = 0): ChurnRun => ({
  scenario,
  stayed: [],
  crashed,
  times,
  endSeconds: 100,
  deadDials: 3,
});

describe('the churn report', () => {
  it('draws the scenarios and the seed’s sweep', () => {
    const [completion, sweep] = churnFigures([run('no faults', [5, 10])], [[5, 0.5]]);
    expect(completion.series.map((s) => s.name)).toEqual(['no faults']);
    expect(sweep.series[0].points).toEqual([[5, 0.5]]);
  });

  it('heads with each scenario’s completion and the earliest time the seed may leave', () => {
    const runs = [run('no faults', [5, 10]), run('tracker dies, two trackers', [10, undefined], 1)];
    const { headline, summary } = churnReport(churn.small, runs, [
      [5, 0.5],
      [10, 1],
      [15, 1],
    ]);
    expect(headline).toMatchObject({
      seedMustStaySeconds: 10,
      noFaultsCompleted: 1,
      noFaultsMeanSeconds: 7.5,
      trackerDiesTwoTrackersCompleted: 0.5,
    });
    expect(summary).toContain('| tracker dies, two trackers | 2 | 1 | 50 % | 10 | 10 | 3 |');
    expect(summary).toContain('From 10 s on, everyone finishes.');
  });

  it('says so when everyone finished in no case', () => {
    expect(churnReport(churn.small, [], [[5, 0.5]]).summary).toContain('In no case did everyone finish.');
  });
});
