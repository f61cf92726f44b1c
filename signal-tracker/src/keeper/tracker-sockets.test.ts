import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../tracker/limits';
import { MAX_SHARES } from './keep-policy';
import { swarmsPerSocket, TRACKER_SOCKETS, TrackerSockets } from './tracker-sockets';

describe('TrackerSockets', () => {
  it('puts the most shares the keeper keeps on a bounded pool, within the per-connection limits', () => {
    const sockets = new TrackerSockets('ws://127.0.0.1:8000/');
    const taken = Array.from({ length: MAX_SHARES }, () => sockets.take());
    const perUrl = new Map<string, number>();
    for (const { url } of taken) perUrl.set(url, (perUrl.get(url) ?? 0) + 1);
    expect(perUrl.size).toBe(TRACKER_SOCKETS);
    expect(Math.max(...perUrl.values())).toBe(swarmsPerSocket());
    expect(swarmsPerSocket()).toBeLessThanOrEqual(DEFAULT_LIMITS.maxSwarmsPerConnection);
    // Each swarm's announce and an answer to each offer relayed to the socket, in one second at worst.
    expect(swarmsPerSocket() + DEFAULT_LIMITS.maxOffersPerSecondPerRecipient).toBeLessThan(
      DEFAULT_LIMITS.maxMessagesPerSecond,
    );
    expect(TRACKER_SOCKETS).toBeLessThan(DEFAULT_LIMITS.maxConnectionsPerAddress);
    expect(taken[0].url).toBe('ws://127.0.0.1:8000/?keeper=0');
  });

  it('puts a share joining on the socket that shares leaving freed', () => {
    const sockets = new TrackerSockets('ws://127.0.0.1:8000/');
    const taken = Array.from({ length: 2 * TRACKER_SOCKETS }, () => sockets.take());
    // Shares leave from one socket only: the next ones fill it again, not the busy ones.
    sockets.release(taken[3].index);
    sockets.release(taken[3 + TRACKER_SOCKETS].index);
    expect(sockets.take().index).toBe(taken[3].index);
    expect(sockets.take().index).toBe(taken[3].index);
    expect(sockets.take().index).toBe(0);
  });
});
