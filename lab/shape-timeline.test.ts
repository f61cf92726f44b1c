import { describe, expect, it } from 'vitest';
import { fastHash } from './sim/hash';
import { predictSwarm, type SwarmShape } from './network-shape';
import { formatTimeline, IDLE_CAUSES, idleCause, ShapeTimeline } from './shape-timeline';

const MiB = 1024 * 1024;

describe('idleCause', () => {
  const peer = (interested: boolean, choked: boolean, asking = false) => ({ interested, choked, asking });

  it('says nobody wants our pieces when no peer is interested', () => {
    expect(idleCause([])).toBe('nobody wants');
    expect(idleCause([peer(false, true), peer(false, false)])).toBe('nobody wants');
  });

  it('blames a choke when a peer that wants our pieces is choked', () => {
    expect(idleCause([peer(true, false, true), peer(true, true)])).toBe('choked a peer that wants');
  });

  it('tells requests on their way from no request at all among unchoked peers', () => {
    expect(idleCause([peer(true, false, true), peer(true, false)])).toBe('requests on the way');
    expect(idleCause([peer(true, false), peer(false, true)])).toBe('none asked');
  });
});

describe('ShapeTimeline', () => {
  it('accounts for every uplink, every idle look and the spread of every piece of a small swarm', () => {
    const shape: SwarmShape = {
      fileBytes: MiB / 2,
      pieceBytes: 16 * 1024,
      peers: [
        { name: 'seed', seed: true, rttMs: 40, upMbit: 2, downMbit: 20 },
        { name: 'a', rttMs: 40, upMbit: 1, downMbit: 10 },
        { name: 'b', rttMs: 80, upMbit: 0.5, downMbit: 5 },
      ],
    };
    const timeline = new ShapeTimeline({ bucketMs: 1_000 });
    const run = predictSwarm(shape, {
      hash: fastHash,
      seed: 1,
      onDeliver: (to, from, data) => timeline.delivered(to, from, data),
      observe: (swarm) => timeline.observe(swarm),
    });
    expect(run.last).not.toBeNull();
    const report = timeline.report();
    expect(report.names).toEqual(['seed', 'a', 'b']);
    for (const shares of report.uplink)
      for (const share of shares) expect(share).toBeLessThanOrEqual(1 + 1e-9);
    // The seed's uplink carried at least one copy of the file.
    const seedBytes = report.uplink[0].reduce((sum, share) => sum + share, 0) * (2e6 / 8);
    expect(seedBytes).toBeGreaterThanOrEqual(shape.fileBytes);
    for (const idle of report.idle) {
      const total = IDLE_CAUSES.reduce((sum, cause) => sum + idle[cause], 0);
      expect(total).toBeGreaterThan(0);
      expect(total).toBeLessThanOrEqual(1);
    }
    // The first column: everything the downloading peers received came from the seed, which alone held pieces.
    expect(report.fromSeed[1][0]).toBe(1);
    expect(report.spread.p10).toBeLessThanOrEqual(report.spread.median);
    expect(report.spread.median).toBeLessThanOrEqual(report.spread.p90);
    expect(formatTimeline(report).join('\n')).toContain('a piece from the first downloading peer to all');
  });
});
