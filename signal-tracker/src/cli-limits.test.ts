import { describe, expect, it } from 'vitest';
import { LIMIT_FLAGS, limitUsage, readLimits } from './cli-limits';
import { optionSource } from './cli-values';

describe('the limit flags', () => {
  it('reads each limit from its flag, else its variable, else its default', () => {
    const limits = readLimits(
      optionSource({ 'max-peers-per-swarm': '7' }, { MAX_PEERS_PER_SWARM: '9', OFFER_TTL: '20' }),
    );
    expect(limits.maxPeersPerSwarm).toBe(7);
    expect(limits.offerTtlSeconds).toBe(20);
    expect(limits.maxConnections).toBe(10_000);
    expect(Object.keys(limits)).toHaveLength(LIMIT_FLAGS.length);
  });

  it('refuses a limit below 1, naming its source', () => {
    expect(() => readLimits(optionSource({}, { MAX_FRAME_BYTES: '0' }))).toThrow(/MAX_FRAME_BYTES/);
  });

  it('lists every limit with its variable and default in the usage', () => {
    for (const limit of LIMIT_FLAGS) expect(limitUsage()).toContain(`--${limit.flag} <n>`);
    expect(limitUsage()).toContain('(MAX_PEERS_PER_SWARM, default 5000)');
  });
});
