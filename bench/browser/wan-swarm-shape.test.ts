import { describe, expect, it } from 'vitest';
import {
  logSpread,
  nodeOf,
  shapeLabel,
  swarmPeers,
  TABS,
  uploadLimitKib,
  wanSwarmPlan,
} from './wan-swarm-shape';

const MiB = 1024 * 1024;

describe('the wan-swarm bench shape', () => {
  it('spreads round trips from 20 to 200 ms and the tabs uplinks from 2 to 20 Mbit/s, downlinks ten times', () => {
    const peers = swarmPeers();
    expect(peers.map((peer) => [peer.name, peer.rttMs, peer.upMbit])).toEqual([
      ['seed', 63, 20],
      ['tab 1', 20, 2],
      ['tab 2', 47, 2.8],
      ['tab 3', 150, 3.9],
      ['tab 4', 27, 5.4],
      ['tab 5', 84, 7.5],
      ['tab 6', 200, 10.4],
      ['tab 7', 36, 14.4],
      ['tab 8', 112, 20],
    ]);
    for (const peer of peers) expect(peer.downMbit).toBeCloseTo(10 * peer.upMbit, 9);
    expect(new Set(peers.map((peer) => peer.rttMs)).size).toBe(9);
  });

  it('puts a quarter of the round trip on each access link', () => {
    const node = nodeOf(swarmPeers()[3]);
    expect(node.up).toMatchObject({ delayMs: 37.5, rateMbit: 3.9 });
    expect(node.down).toMatchObject({ delayMs: 37.5, rateMbit: 39 });
  });

  it('spreads on a log scale with both ends', () => {
    expect(logSpread(1, 100, 3)).toEqual([1, 10, 100]);
  });

  it("moves 64 MiB three times at the issue's rates by default; the smoke 4 MiB once; the rates scale", () => {
    const full = wanSwarmPlan(new Set());
    expect(full).toMatchObject({ runs: 3, ratePercent: 100 });
    expect(full.shape.fileBytes).toBe(64 * MiB);
    expect(full.shape.pieceBytes).toBe(64 * 1024);
    expect(full.shape.peers).toEqual(swarmPeers());
    expect(shapeLabel(full)).toBe('1 seed + 8 tabs, 64 MiB, 20-200 ms, 2-20 Mbit/s up');
    expect(shapeLabel(wanSwarmPlan(new Set(['--wan-swarm-rate=25', '--wan-swarm-mib=16'])))).toBe(
      '1 seed + 8 tabs, 16 MiB, 20-200 ms, 0.5-5 Mbit/s up',
    );
    const tiny = wanSwarmPlan(new Set(['--tiny']));
    expect(tiny).toMatchObject({ runs: 1 });
    expect(tiny.shape.fileBytes).toBe(4 * MiB);
    const half = wanSwarmPlan(new Set(['--wan-swarm-rate=50', '--wan-swarm-runs=5', '--wan-swarm-mib=64']));
    expect(half.runs).toBe(5);
    expect(half.shape.peers[0].upMbit).toBe(10);
    expect(half.shape.pieceBytes).toBe(64 * 1024);
    expect(shapeLabel(half)).toBe('1 seed + 8 tabs, 64 MiB, 20-200 ms, 1-10 Mbit/s up');
  });

  it("sets no tab's upload limit unless told, and a share of each tab's own uplink when told", () => {
    const plain = wanSwarmPlan(new Set());
    expect(plain.shape.peers.map((peer) => uploadLimitKib(plain, peer))).toEqual(Array(TABS + 1).fill(0));
    const limited = wanSwarmPlan(new Set(['--wan-swarm-rate=8', '--wan-swarm-upload-limit=50']));
    const [slowest, fastest] = [limited.shape.peers[1], limited.shape.peers[TABS]];
    // 0.16 Mbit/s is 19.5 KiB/s, half of it 10; 1.6 Mbit/s is 195 KiB/s, half of it 98.
    expect([uploadLimitKib(limited, slowest), uploadLimitKib(limited, fastest)]).toEqual([10, 98]);
  });
});
