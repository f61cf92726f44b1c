import { describe, expect, it } from 'vitest';
import { fastHash } from './sim/hash';
import { predictSwarm, shapeBounds, type SwarmShape } from './network-shape';

const KiB = 1024;

function shape(rttMs: (i: number) => number): SwarmShape {
  return {
    fileBytes: 512 * KiB,
    pieceBytes: 16 * KiB,
    peers: [
      { name: 'seed', seed: true, rttMs: rttMs(0), upMbit: 2, downMbit: 20 },
      ...[1, 2, 3, 4].map((i) => ({ name: `tab ${i}`, rttMs: rttMs(i), upMbit: 0.5 * i, downMbit: 5 * i })),
    ],
  };
}

describe('a swarm shaped as the emulator shapes it, in the lab', () => {
  it('seed 001 bound for its uplinks', () => {
    const { p2p, discrete } = shapeBounds(shape(() => 50));
    // N·F / (u_s + Σu_i): 4 copies of 512 KiB over 2 + 0.5 + 1 + 1.5 + 2 Mbit/s.
    expect(p2p).toBeCloseTo((4 * 512 * KiB) / ((7 * 1e6) / 8), 9);
    expect(discrete).toBeGreaterThanOrEqual(p2p);
  });

  it('every downloading peer finishes, no sooner than the bound, and the same seed gives the same times', () => {
    const near = shape(() => 20);
    const first = predictSwarm(near, { hash: fastHash, seed: 3 });
    expect(Object.keys(first.seconds)).toEqual(['tab 1', 'tab 2', 'tab 3', 'tab 4']);
    expect(first.last).not.toBeNull();
    expect(first.last!).toBeGreaterThanOrEqual(shapeBounds(near).discrete);
    expect(predictSwarm(near, { hash: fastHash, seed: 3 })).toEqual(first);
  });

  it('takes longer when the round trips are longer', () => {
    const near = predictSwarm(
      shape(() => 20),
      { hash: fastHash, seed: 3 },
    );
    const far = predictSwarm(
      shape((i) => 200 + 100 * i),
      { hash: fastHash, seed: 3 },
    );
    expect(far.last!).toBeGreaterThan(near.last!);
  });

  it('refuses a shape without exactly one seed', () => {
    const noSeed = { ...shape(() => 20), peers: shape(() => 20).peers.slice(1) };
    expect(() => shapeBounds(noSeed)).toThrow(/one seed/);
  });
});
