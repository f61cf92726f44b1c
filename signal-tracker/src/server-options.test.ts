import { describe, expect, it } from 'vitest';
import { parseCli } from './cli';
import { serverOptions } from './server-options';

describe('serverOptions', () => {
  it('turns seconds into milliseconds and the CLI limits into the tracker limits', () => {
    const config = parseCli(
      ['--interval', '30', '--offer-ttl', '40', '--header-timeout', '5', '--max-sdp-bytes', '2048'],
      { MAX_PEERS_PER_SWARM: '77', PROCESS_LEASE: '3', SEND_TIMEOUT: '12' },
    );
    const logError = () => {};
    const options = serverOptions(config, logError);
    expect(options).toMatchObject({
      intervalMs: 30_000,
      offerTtlMs: 40_000,
      headerTimeoutMs: 5_000,
      sendTimeoutMs: 12_000,
      idleTimeoutMs: 5_000,
      processLeaseMs: 3_000,
      announceDeadlineMs: 30_000,
      maxPayload: 65_536,
      logError,
    });
    expect(options.limits).toMatchObject({ maxPeersPerSwarm: 77, maxSdpLength: 2048 });
    // Every tracker limit the CLI sets is a limit of the tracker's own.
    expect(Object.keys(options.limits!)).toHaveLength(12);
  });
});
