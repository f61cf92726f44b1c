// Peer places held by peers that only send keep-alives, or that say they are interested and then never ask for a
// block, in a simulated swarm on the virtual clock: the sharing node's places are all taken by such peers, and an
// honest downloader that comes later still gets the data.
import { describe, expect, it } from 'vitest';
import { encodeHandshake, encodeMessage, reservedBytes } from '../../codec/wire';
import { sha1Sync } from '../../testing/sha1';
import { SLOT_REQUEST_DEADLINE_MS } from '../choke/slot-use';
import { DEFAULT_CONFIG } from '../contract/config';
import { IDLE_PLACE_GRACE_MS } from '../peer/idle-places';
import { idFrom } from '../testing/mock';
import { randomTorrent, Swarm, type SwarmNode } from '../testing/swarm';

const KiB = 1024;
const torrent = randomTorrent(3, 256 * KiB, { sha1: sha1Sync, pieceLength: 16 * KiB });
/** Within the engine's idle timeout: the connection is never closed for silence. */
const KEEP_ALIVE_MS = 60_000;

/** A peer that connects to `node`, shakes hands (and, `interested`, says it has no piece and wants ours), then sends
 * only keep-alives: it never asks for a block. What the node sends it is dropped (the swarm has no connection for its
 * key). */
function idlePeer(swarm: Swarm, node: SwarmNode, key: string, interested = false): void {
  const send = (data: Uint8Array) => node.deliver({ type: 'peer-data', peer: key, data });
  swarm.schedule(swarm.now, () => {
    node.deliver({ type: 'peer-connected', peer: key });
    const reserved = reservedBytes({ extended: true, fast: true });
    send(encodeHandshake({ infoHash: torrent.info.infoHash, peerId: idFrom(key), reserved }));
    if (!interested) return;
    send(encodeMessage({ type: 'have-none' }));
    send(encodeMessage({ type: 'interested' }));
  });
  const keepAlive = (): void => {
    if (node.closes.some((close) => close.peer === key)) return;
    send(encodeMessage({ type: 'keep-alive' }));
    swarm.schedule(swarm.now + KEEP_ALIVE_MS, keepAlive);
  };
  swarm.schedule(swarm.now + KEEP_ALIVE_MS, keepAlive);
}

describe('peer places held without exchange', () => {
  const places = [
    { who: 'a kept share (the keeper’s 20 places)', maxPeers: 20 },
    { who: 'a tab (50 places)', maxPeers: 50 },
  ];
  const kinds = [
    { what: 'keep-alive-only peers', interested: false },
    { what: 'peers interested that never ask', interested: true },
  ];
  it.each(places.flatMap((place) => kinds.map((kind) => ({ ...place, ...kind }))))(
    '$what leave $who reachable: an honest peer that comes later downloads the file',
    ({ maxPeers, interested }) => {
      const uploadRate = 64 * KiB;
      const swarm = new Swarm({ torrent, sha1: sha1Sync, seed: 5, uploadRate });
      const sharer = swarm.addNode({ name: 'sharer', seed: true, config: { maxPeers } });
      const idle = Array.from({ length: maxPeers }, (_, i) => `idle#${i}`);
      for (const key of idle) idlePeer(swarm, sharer, key, interested);
      swarm.runFor(1_000);
      expect(sharer.session.stats(swarm.now).peers).toBe(maxPeers);
      // A page that stops answering offers at the places reads this in the torrent's view (offer-cap.ts).
      expect(sharer.session.stats(swarm.now).idlePlace).toBeUndefined();
      swarm.runFor(IDLE_PLACE_GRACE_MS);
      expect(sharer.session.stats(swarm.now).idlePlace).toBe(true);

      const joinAt = IDLE_PLACE_GRACE_MS + 5_000;
      const honest = swarm.addNode({ name: 'honest', joinAt });
      // Each idle peer may hold one of the policy's slots once, for the deadline; then the file comes at the
      // sharer's uplink, with room for a few choke rounds.
      const turns = (maxPeers * SLOT_REQUEST_DEADLINE_MS) / DEFAULT_CONFIG.uploadSlots;
      const fileMs = (torrent.data.length / uploadRate) * 1000;
      const bound = joinAt + turns + 4 * fileMs;
      expect(swarm.run(() => honest.completedAt !== undefined, bound - swarm.now)).toBe(true);
      expect(honest.bytes()).toEqual(torrent.data);
      const replaced = sharer.closes.filter((close) => close.peer.startsWith('idle#'));
      expect(replaced.length).toBeGreaterThan(0);
      expect(replaced.every((close) => close.reason.includes('no piece data exchanged'))).toBe(true);
    },
  );

  it('refuses a newcomer while every peer holding a place exchanges data', () => {
    // Slow uplinks: the two downloaders are still fetching when the newcomer comes.
    const swarm = new Swarm({ torrent, sha1: sha1Sync, seed: 6, uploadRate: 2 * KiB });
    const sharer = swarm.addNode({ name: 'sharer', seed: true, config: { maxPeers: 2 } });
    const first = [swarm.addNode({ name: 'a' }), swarm.addNode({ name: 'b' })];
    swarm.runFor(IDLE_PLACE_GRACE_MS + 1_000);
    expect(first.every((node) => node.completedAt === undefined)).toBe(true);
    expect(sharer.session.stats(swarm.now).idlePlace).toBeUndefined();
    idlePeer(swarm, sharer, 'late');
    swarm.runFor(1_000);
    expect(sharer.closes.filter((close) => close.peer === 'late').map((close) => close.reason)).toEqual([
      'too many peers',
    ]);
  });
});
