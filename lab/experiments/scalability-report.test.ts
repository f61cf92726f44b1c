import { describe, expect, it } from 'vitest';
import { scalability } from './scalability';
import { scalabilityFigures, scalabilityReport } from './scalability-report';
import type { Row } from './scalability-run';

const row = (n: number, mode: Row['mode'], seconds: number, bound: number): Row => ({
  n,
  mode,
  seconds,
  bound,
  discrete: mode === 'swarm' ? bound * 1.1 : bound,
  completed: n,
  utilization: [[1, 0.5]],
  seedBound: 4,
  ...(mode === 'swarm' ? { coveredSeconds: 5 } : {}),
});

const rows = [
  row(1, 'swarm', 10, 8),
  row(1, 'client-server', 9, 8),
  row(10, 'swarm', 20, 10),
  row(10, 'client-server', 90, 80),
];

describe('the scalability report', () => {
  it('draws time, ratio and the largest swarm’s capacity in use', () => {
    const [time, ratio, use] = scalabilityFigures(rows);
    expect(time.series.find((s) => s.name === 'swarm, measured')!.points).toEqual([
      [1, 10],
      [10, 20],
    ]);
    expect(ratio.series.find((s) => s.name === 'swarm')!.points).toEqual([
      [1, 1.25],
      [10, 2],
    ]);
    expect(use.title).toContain('N = 10');
    expect(use.series[0].points).toEqual([[1, 0.5]]);
  });

  it('draws no capacity in use before a swarm ran', () => {
    expect(scalabilityFigures([])[2].series).toEqual([]);
  });

  it('heads with the worst swarm ratio and names the N over 1.3', () => {
    const { headline, summary } = scalabilityReport(scalability.small, rows);
    expect(headline.maxSwarmRatio).toBe(2);
    expect(headline.maxSwarmRatioAtN).toBe(10);
    expect(headline.swarmOver1_3AtN).toBe('10');
    expect(headline.maxClientServerRatio).toBe(1.125);
    expect(headline.largestN).toBe(10);
    expect(summary).toContain('it is above 1.3 at N = 10.');
    expect(summary).toContain('| 10 | 90 | 80 | 1.13 | 20 | 10 | 2 | 11 | 1.82 |');
  });

  it('marks the N that ran no client-server with a dash', () => {
    const { summary } = scalabilityReport(scalability.small, [row(1, 'swarm', 10, 8)]);
    expect(summary).toContain('| 1 | - | - | - | 10 | 8 | 1.25 | 8.8 | 1.14 |');
  });
});
