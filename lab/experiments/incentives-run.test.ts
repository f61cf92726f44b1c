import { describe, expect, it } from 'vitest';
import { fastHash } from '../sim/hash';
import { incentives } from './incentives';
import {
  candidate,
  incentiveTasks,
  MIXED,
  NO_CHOKING,
  policiesAt,
  runOnce,
  seedsAndSizes,
} from './incentives-run';
import type { IncentivesParams } from './incentives-run';

const tiny: IncentivesParams = { ...incentives.small, peers: 8, fileBytes: 128 * 1024 };

describe('one incentives run', () => {
  it('has every class in its shares, and counts the piece bytes between classes', () => {
    const run = runOnce(tiny, 'tit-for-tat', 8, 4, { hash: fastHash });
    const roles = run.peers.map((p) => p.role);
    expect(roles.filter((r) => r === 'free rider')).toHaveLength(2);
    expect(roles.filter((r) => r === 'strategic')).toHaveLength(2);
    expect(roles.filter((r) => r === 'contributor')).toHaveLength(4);
    expect(run.times).toHaveLength(8);
    expect(run.received['seed>contributor']).toBeGreaterThan(0);
    const sent = run.peers.reduce((sum, p) => sum + p.bytesSent, 0);
    const fromLeechers = Object.entries(run.received)
      .filter(([key]) => !key.startsWith('seed>'))
      .reduce((sum, [, bytes]) => sum + bytes, 0);
    // What the leechers sent holds every piece byte they delivered, and their messages' headers.
    expect(sent).toBeGreaterThanOrEqual(fromLeechers);
  });

  it('is the same run for the same seed, as the run cache assumes', () => {
    const a = runOnce(tiny, NO_CHOKING, 8, 5, { hash: fastHash });
    const b = runOnce(tiny, NO_CHOKING, 8, 5, { hash: fastHash });
    expect(JSON.parse(JSON.stringify(a))).toEqual(JSON.parse(JSON.stringify(b)));
  });

  it('deals the candidates of a mixed run out to the contributors', () => {
    const params = { ...tiny, policies: ['tit-for-tat', 'tft+recip+forward', MIXED] };
    const run = runOnce(params, MIXED, 8, 4, { hash: fastHash });
    const contributors = run.peers.map((p) => p.role).filter((r) => r.startsWith('contributor'));
    expect(new Set(contributors)).toEqual(
      new Set(['contributor (tit-for-tat)', 'contributor (tft+recip+forward)']),
    );
  });
});

describe('the runs of the experiment', () => {
  it('are every policy of each size at every seed, each under its own key', () => {
    const params = { ...tiny, largePeers: 12, largePolicies: [NO_CHOKING], seeds: [1, 2] };
    expect(seedsAndSizes(params)).toEqual({ seeds: [1, 2], sizes: [8, 12] });
    expect(policiesAt(params, 12)).toEqual([NO_CHOKING]);
    const tasks = incentiveTasks(params, { hash: fastHash });
    expect(tasks.map((t) => `${t.policy}@${t.size}#${t.seed}`)).toEqual([
      ...tiny.policies.flatMap((p) => [`${p}@8#1`, `${p}@8#2`]),
      `${NO_CHOKING}@12#1`,
      `${NO_CHOKING}@12#2`,
    ]);
    expect(new Set(tasks.map((t) => t.key)).size).toBe(tasks.length);
  });

  it('runs the first seed alone when no seeds are listed', () => {
    expect(seedsAndSizes({ ...tiny, seeds: [], seed: 9 }).seeds).toEqual([9]);
  });

  it('knows the engine’s policies and no choking, and names the known ones for an unknown one', () => {
    expect(candidate('tit-for-tat')).toBeDefined();
    expect(candidate(NO_CHOKING)).toBeDefined();
    expect(() => candidate('generous')).toThrow(/unknown policy "generous"; known: .*tit-for-tat/);
  });
});
