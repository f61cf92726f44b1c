import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keeperIceServers, keeperTurn } from './keeper-ice';

const STUN = { urls: ['stun:stun.example.org'] };
const turn = { urls: ['turn:relay.example.org:3478'], secret: 's3cret', ttlSeconds: 600 };

describe("the keeper's ICE servers", () => {
  it("are the tracker's alone without TURN", () => {
    expect(keeperIceServers([STUN], undefined, 0)).toEqual([STUN]);
  });

  it('carry a fresh TURN credential of the REST-API scheme, valid for the TTL from now', () => {
    const [stun, relay] = keeperIceServers([STUN], turn, 1_000_000) as [
      unknown,
      { urls: string[]; username: string; credential: string },
    ];
    expect(stun).toEqual(STUN);
    expect(relay.urls).toEqual(turn.urls);
    expect(Number(relay.username.split(':')[0])).toBe(1000 + 600);
    expect(relay.credential).toBe(createHmac('sha1', 's3cret').update(relay.username).digest('base64'));
    const again = keeperIceServers([STUN], turn, 1_000_000)[1] as { username: string };
    expect(again.username).not.toBe(relay.username);
  });

  it("are given the relays' settings without the per-address limits", () => {
    const limits = { burst: 1, refillMs: 1, maxAddresses: 1 };
    expect(keeperTurn({ ...turn, limits })).toEqual(turn);
    expect(keeperTurn(undefined)).toBeUndefined();
  });
});
