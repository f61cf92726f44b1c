import { describe, expect, it } from 'vitest';
import { fastHash } from '../sim/hash';
import { scalability } from './scalability';
import { runOnce } from './scalability-run';

const params = { ...scalability.small, fileBytes: 128 * 1024 };

describe('one scalability run', () => {
  it('distributes to every client from the server alone, never faster than its bound', () => {
    const row = runOnce(params, 4, 'client-server', { hash: fastHash });
    expect(row.completed).toBe(4);
    expect(row.discrete).toBe(row.bound);
    expect(row.seconds).toBeGreaterThanOrEqual(row.bound);
  });

  it('finishes a swarm sooner than the server alone, within its whole-piece bound’s reach', () => {
    const swarm = runOnce(params, 4, 'swarm', { hash: fastHash });
    const server = runOnce(params, 4, 'client-server', { hash: fastHash });
    expect(swarm.completed).toBe(4);
    expect(swarm.seconds).toBeLessThan(server.seconds);
    expect(swarm.discrete).toBeGreaterThanOrEqual(swarm.bound);
    expect(swarm.seconds).toBeGreaterThanOrEqual(swarm.bound);
  });

  it('samples the share of upload capacity in use every second, never above all of it', () => {
    const { utilization } = runOnce(params, 4, 'swarm', { hash: fastHash });
    expect(utilization.map(([t]) => t).slice(0, 3)).toEqual([1, 2, 3]);
    for (const [, share] of utilization) expect(share).toBeLessThanOrEqual(1);
  });
});
