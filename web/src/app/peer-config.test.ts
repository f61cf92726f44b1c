import { describe, expect, it } from 'vitest';
import { PEER_CONFIG_REFRESH_MS, PEER_CONFIG_RETRY_MS, readPeerConfig } from './peer-config';

const turn = { urls: ['turn:relay.example:3478'], username: '1:a', credential: 'c' };
const stun = { urls: 'stun:relay.example:3478' };

describe('readPeerConfig', () => {
  it('asks again at half the credential life the tracker gives, never later than the longest wait', () => {
    const config = readPeerConfig(200, null, { iceServers: [stun, turn], relay: true, refreshSeconds: 600 });
    expect(config).toEqual({ iceServers: [stun, turn], relay: true, fresh: true, refreshMs: 600_000 });
    expect(readPeerConfig(200, null, { iceServers: [], relay: true, refreshSeconds: 86_400 }).refreshMs).toBe(
      PEER_CONFIG_REFRESH_MS,
    );
    expect(readPeerConfig(200, null, { iceServers: [stun] }).refreshMs).toBe(PEER_CONFIG_REFRESH_MS);
  });

  it('keeps the relay on a refusal, with no credential, and retries when the tracker says', () => {
    const body = { iceServers: [stun], relay: true, error: 'Too many relay credentials …' };
    expect(readPeerConfig(429, '40', body)).toEqual({
      iceServers: [stun],
      relay: true,
      fresh: false,
      refreshMs: 40_000,
    });
    expect(readPeerConfig(429, null, body).refreshMs).toBe(PEER_CONFIG_RETRY_MS);
    expect(readPeerConfig(429, '0.001', body).refreshMs).toBe(1000);
  });

  it('treats any other answer as no answer', () => {
    expect(readPeerConfig(500, null, null)).toEqual({
      iceServers: [],
      relay: false,
      fresh: false,
      refreshMs: PEER_CONFIG_RETRY_MS,
    });
  });
});
