import { describe, expect, it } from 'vitest';
import { fastHash } from '../sim/hash';
import { applyOptions, parseArgs, parseNumber } from '../options';
import { EXPERIMENTS, experiment } from './index';

// Each experiment at a tiny size: it runs, its figures have data, and its headline agrees with its figures.
describe('experiments at tiny sizes', () => {
  it('scalability: the headline ratio is the largest ratio in the figure; the swarm beats client-server', () => {
    const exp = experiment('scalability');
    const result = exp.run({ ...exp.small, peers: [1, 10], fileBytes: 256 * 1024 }, { hash: fastHash });
    const ratio = result.figures.find((f) => f.id === 'scalability-ratio')!;
    const swarm = ratio.series.find((s) => s.name === 'swarm')!;
    expect(swarm.points).toHaveLength(2);
    expect(result.headline.maxSwarmRatio).toBe(Math.max(...swarm.points.map(([, y]) => y)));
    const time = result.figures.find((f) => f.id === 'scalability-time')!;
    const at = (name: string) => time.series.find((s) => s.name.startsWith(name))!.points[1][1];
    expect(at('swarm')).toBeLessThan(at('client-server, measured'));
    // Nobody beats a lower bound.
    expect(at('swarm')).toBeGreaterThanOrEqual(at('P2P bound'));
    expect(at('client-server, measured')).toBeGreaterThanOrEqual(at('client-server bound'));
    // A share of the capacity: never above 1 (bytes are counted as they leave, not whole when a block ends).
    const use = result.figures.find((f) => f.id === 'scalability-utilization')!.series[0].points;
    expect(use.length).toBeGreaterThan(5);
    expect(Math.max(...use.map(([, y]) => y))).toBeLessThanOrEqual(1);
    expect(Math.max(...use.map(([, y]) => y))).toBeGreaterThan(0.5);
  });

  // One experiment a test: each runs in well under Vitest's default timeout.
  const tiny: Array<[string, Record<string, unknown>]> = [
    ['pieces', { peers: 6, fileBytes: 128 * 1024, strategies: ['rarest', 'sequential'] }],
    ['gossip', { peers: 6, pieces: 8 }],
    ['incentives', { peers: 8, fileBytes: 128 * 1024 }],
    ['churn', { peers: 6, fileBytes: 128 * 1024, arrivalSeconds: 10 }],
    ['webseeds', { peers: 4, fileBytes: 128 * 1024, budgetShares: [0.25, 1] }],
  ];
  it.each(tiny)('%s draws at least one non-empty series per figure', (name, overrides) => {
    const exp = experiment(name);
    const result = exp.run({ ...exp.small, ...overrides }, { hash: fastHash });
    expect(result.figures.length).toBeGreaterThan(0);
    for (const figure of result.figures) {
      expect(
        figure.series.some((s) => s.points.length > 1),
        `${name}/${figure.id}`,
      ).toBe(true);
    }
    expect(Object.keys(result.headline).length).toBeGreaterThan(0);
  });

  it('knows every experiment by name and rejects unknown ones', () => {
    expect(EXPERIMENTS.map((e) => e.name)).toEqual([
      'scalability',
      'pieces',
      'gossip',
      'incentives',
      'churn',
      'webseeds',
    ]);
    expect(() => experiment('nope')).toThrow(/unknown experiment "nope"/);
  });
});

describe('options', () => {
  it('parses sizes, lists and flags against the defaults', () => {
    expect(parseNumber('64k')).toBe(65536);
    expect(parseNumber('2m')).toBe(2 * 1024 * 1024);
    expect(() => parseNumber('lots')).toThrow(/not a number/);
    const { positional, options } = parseArgs([
      'scalability',
      '--peers',
      '1,10',
      '--fileBytes=2m',
      '--small',
    ]);
    expect(positional).toEqual(['scalability']);
    expect(options).toEqual({ peers: '1,10', fileBytes: '2m', small: true });
    const params = applyOptions(
      { peers: [1], fileBytes: 1, name: 'x', flag: false },
      { peers: '1,10', fileBytes: '2m', flag: 'true' },
    );
    expect(params).toEqual({ peers: [1, 10], fileBytes: 2 * 1024 * 1024, name: 'x', flag: true });
    expect(() => applyOptions({ a: 1 }, { b: '2' })).toThrow(/unknown parameter --b/);
  });
});
