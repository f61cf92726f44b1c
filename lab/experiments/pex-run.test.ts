import { describe, expect, it } from 'vitest';
import { fastHash } from '../sim/hash';
import { runPex } from './pex-run';

describe('peer exchange in the lab', () => {
  it('a swarm whose tracker gave one peer an announce, then failed, meets the rest through its neighbours and finishes', () => {
    const params = { peers: 40, fileBytes: 256 * 1024, seed: 3 };
    const gone = runPex({ ...params, trackerDiesAtMs: 10_000, trackerOffers: 1 }, fastHash);
    expect(gone.completed).toBe(40);
    expect(gone.swarmConnections, JSON.stringify(gone)).toBeGreaterThan(0);
    expect(gone.medianPeersAfter ?? 0).toBeGreaterThanOrEqual(gone.medianPeersAtDeath ?? Infinity);
  });
});
