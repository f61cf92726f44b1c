import { describe, expect, it } from 'vitest';
import { lifecyclePlan } from './lifecycle-plan';

const MiB = 1024 * 1024;

describe('the lifecycle bench plan', () => {
  it('watches a seeding tab hidden for 6 minutes, then frozen for 60 s, three times', () => {
    const plan = lifecyclePlan(new Set());
    expect(plan).toMatchObject({
      hiddenS: 360,
      intensiveAfterS: 10,
      freezeS: 60,
      runs: 3,
    });
    expect(plan.path.label).toBe('50 ms, 20 Mbit/s, 1 s queue');
  });

  it('shares a file the line cannot carry before the last measure ends', () => {
    for (const flags of [new Set<string>(), new Set(['--tiny'])]) {
      const plan = lifecyclePlan(flags);
      const lineBytesPerS = (plan.path.spec.upMbit! * 1e6) / 8;
      const moving = plan.warmupS + 2 * plan.visibleS + plan.hiddenS + plan.afterResumeS;
      expect(plan.sizeBytes).toBeGreaterThanOrEqual(lineBytesPerS * moving);
      expect(plan.sizeBytes % MiB).toBe(0);
    }
  });

  it('makes a short smoke of it, and takes the runs from a flag', () => {
    const tiny = lifecyclePlan(new Set(['--tiny']));
    expect(tiny).toMatchObject({ hiddenS: 30, freezeS: 15, runs: 1 });
    expect(tiny.sizeBytes).toBeLessThan(128 * MiB);
    expect(lifecyclePlan(new Set(['--lifecycle-runs=5']))).toMatchObject({ runs: 5 });
    expect(() => lifecyclePlan(new Set(['--lifecycle-runs=0']))).toThrow(/whole number/);
    expect(lifecyclePlan(new Set(['--tiny', '--lifecycle-freeze=60']))).toMatchObject({
      freezeS: 60,
      runs: 1,
    });
    expect(() => lifecyclePlan(new Set(['--lifecycle-freeze=-1']))).toThrow(/whole number/);
  });
});
