import { describe, expect, it } from 'vitest';
import type { TorrentHost } from '../torrent/host';
import { PeerTransports } from '../transport/peer-transports';
import { TorrentRegistry } from './registry';
import { MessageRouter } from './router';

const HASH = 'a'.repeat(40);
const P = '11'.repeat(20);

function setup() {
  const calls: unknown[][] = [];
  const registry = new TorrentRegistry();
  registry.add(
    HASH,
    new Proxy({} as TorrentHost, {
      get:
        (_, method: string) =>
        (...args: unknown[]) =>
          calls.push([
            method,
            ...args.filter((arg) => typeof arg !== 'object' || arg === null || !('send' in arg)),
          ]),
    }),
  );
  const router = new MessageRouter({
    registry,
    transports: new PeerTransports(() => undefined),
    runAction: async () => undefined,
    publishSoon: () => undefined,
    shutdown: async () => undefined,
  });
  return { calls, router };
}

describe("MessageRouter's meetings through the swarm", () => {
  it("hands the page's descriptions and failed meetings to the torrent's session, and the peer a connection was made for", async () => {
    const { calls, router } = setup();
    await router.route({
      type: 'signal-out',
      infoHashHex: HASH,
      to: P,
      kind: 'offer',
      payload: new Uint8Array([7]).buffer,
    });
    await router.route({ type: 'signal-out', infoHashHex: HASH, to: P, kind: 'decline' });
    await router.route({ type: 'meet-failed', infoHashHex: HASH, peer: P, reason: 'closed' });
    await router.route({ type: 'peer-connected', infoHashHex: HASH, peer: 'c1', identities: [], expect: P });
    expect(calls).toEqual([
      ['swarmEvent', { type: 'signal-out', to: P, kind: 'offer', payload: new Uint8Array([7]) }],
      ['swarmEvent', { type: 'signal-out', to: P, kind: 'decline' }],
      ['swarmEvent', { type: 'meet-failed', peer: P, reason: 'closed' }],
      ['peerConnected', 'c1', [], P],
    ]);
  });
});
