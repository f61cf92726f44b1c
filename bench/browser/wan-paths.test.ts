import { describe, expect, it } from 'vitest';
import { expectedRate, pathLabel, transferTimeoutMs, wanPaths, wanPlan } from './wan-paths';

const MiB = 1024 * 1024;

describe('the wan bench paths', () => {
  it('measures each line of the issue with a shallow and a deep queue', () => {
    expect(wanPaths().map((path) => path.label)).toEqual([
      '50 ms, 100 Mbit/s, 250 ms queue',
      '50 ms, 100 Mbit/s, 5 s queue',
      '150 ms, 20 Mbit/s, 250 ms queue',
      '150 ms, 20 Mbit/s, 5 s queue',
      '100 ms, 0.2 % loss, 20 Mbit/s, 250 ms queue',
      '100 ms, 0.2 % loss, 20 Mbit/s, 5 s queue',
      '100 ms, 1 % loss, 20 Mbit/s, 250 ms queue',
      '100 ms, 1 % loss, 20 Mbit/s, 5 s queue',
      '300 ms, 10 Mbit/s, 250 ms queue',
      '300 ms, 10 Mbit/s, 5 s queue',
    ]);
    for (const { spec } of wanPaths()) expect(spec.downMbit).toBe(spec.upMbit);
  });

  it('names a queue in bytes too', () => {
    expect(pathLabel({ rttMs: 20, queue: { bytes: 3000 } })).toBe('20 ms, 3000 B queue');
  });

  it('moves 128 MiB over every path once by default', () => {
    const plan = wanPlan(new Set());
    expect(plan).toMatchObject({ sizeBytes: 128 * MiB, runs: 1 });
    expect(plan.paths).toHaveLength(10);
  });

  it('--tiny moves 4 MiB over two paths, and --wan-mib and --wan-runs override', () => {
    const tiny = wanPlan(new Set(['--tiny']));
    expect(tiny.sizeBytes).toBe(4 * MiB);
    expect(tiny.paths.map((path) => path.label)).toEqual([
      '50 ms, 100 Mbit/s, 250 ms queue',
      '100 ms, 0.2 % loss, 20 Mbit/s, 5 s queue',
    ]);
    expect(wanPlan(new Set(['--tiny', '--wan-mib=16', '--wan-runs=3']))).toMatchObject({
      sizeBytes: 16 * MiB,
      runs: 3,
    });
  });

  it('--wan-paths takes the paths at the places it names, and refuses a place that names none, in words', () => {
    const all = wanPaths();
    const plan = wanPlan(new Set(['--wan-paths=3,1']));
    expect(plan.paths.map((path) => path.label)).toEqual([all[2].label, all[0].label]);
    expect(() => wanPlan(new Set([`--wan-paths=0`]))).toThrow(/expected places from 1 to 10/);
    expect(() => wanPlan(new Set([`--wan-paths=2,x`]))).toThrow(/--wan-paths=2,x/);
  });

  it('allows the line rate on a clean path, and less where random loss limits the window', () => {
    expect(expectedRate({ rttMs: 50, upMbit: 100 })).toBe(12.5e6);
    const lossy = expectedRate({ rttMs: 100, upMbit: 20, loss: 0.01 });
    expect(lossy).toBeCloseTo(146_400, -2);
    expect(transferTimeoutMs({ rttMs: 100, upMbit: 20, loss: 0.01 }, 128 * MiB)).toBeGreaterThan(
      transferTimeoutMs({ rttMs: 100, upMbit: 20 }, 128 * MiB),
    );
  });
});
