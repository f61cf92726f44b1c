// Storage that refuses pieces (a full disk) and then works again: the session waits, says why, tries again after
// its wait, and finishes with every piece, losing none it had.
import { describe, expect, it } from 'vitest';
import { sha1Sync } from '../../testing/sha1';
import type { EngineAction, EngineEvent } from '../contract/engine-types';
import { randomTorrent, Swarm, type SwarmNode } from '../testing/swarm';
import { STORAGE_RETRY_MS } from './storage-stall';

const KiB = 1024;
const torrent = randomTorrent(33, 512 * KiB, { sha1: sha1Sync, pieceLength: 32 * KiB });

/** Every event the node's session gets and every action it returns. */
function record(node: SwarmNode): { events: EngineEvent[]; actions: EngineAction[] } {
  const log = { events: [] as EngineEvent[], actions: [] as EngineAction[] };
  const session = node.session;
  const handle = session.handle.bind(session);
  session.handle = (event, now) => {
    log.events.push(event);
    const actions = handle(event, now);
    log.actions.push(...actions);
    return actions;
  };
  return log;
}

/** A seed and a leech whose disk is full once it stored `room` pieces, until `free()`. */
function fullDisk(room: number) {
  const swarm = new Swarm({ torrent, sha1: sha1Sync, seed: 7, uploadRate: 512 * KiB, storeLatencyMs: 3 });
  swarm.addNode({ name: 'seed', seed: true });
  let freed = false;
  const leech = swarm.addNode({
    name: 'leech',
    storeFails: () => (!freed && leech.storage.size >= room ? 'no space left on the device' : undefined),
  });
  return { swarm, leech, log: record(leech), free: () => (freed = true) };
}

const refusals = (events: EngineEvent[]) => events.filter((e) => e.type === 'store-failed').length;

describe('a session whose storage refuses pieces', () => {
  it('waits with the words why, asks nothing meanwhile, and raises no error', () => {
    const { swarm, leech, log } = fullDisk(4);
    expect(swarm.run(() => refusals(log.events) > 0, 60_000)).toBe(true);
    const stats = leech.session.stats(swarm.now);
    expect(stats.state).toBe('error');
    expect(stats.error).toBe('Waiting for storage: no space left on the device');
    const stored = leech.storage.size;
    expect(stats.have).toBe(stored);
    const asking = () =>
      leech.session.stats(swarm.now).peerStats.some((p) => p.amInterested || p.requestsInFlight > 0);
    expect(asking()).toBe(false);
    const stalledAt = swarm.now;
    expect(swarm.run(asking, 4 * STORAGE_RETRY_MS)).toBe(true);
    expect(swarm.now - stalledAt).toBeGreaterThan(STORAGE_RETRY_MS / 2);
    expect(leech.errors).toEqual([]);
    expect(log.actions.some((a) => a.type === 'error')).toBe(false);
  });

  it('tries again after its wait and, once space is freed, completes with every byte right and no piece lost', () => {
    const { swarm, leech, log, free } = fullDisk(5);
    expect(swarm.run(() => refusals(log.events) > 0, 60_000)).toBe(true);
    const keptBefore = [...leech.storage.keys()];
    // Still full: it tries again after its wait and is refused again.
    const first = refusals(log.events);
    expect(swarm.run(() => refusals(log.events) > first, 4 * STORAGE_RETRY_MS)).toBe(true);
    expect(leech.session.stats(swarm.now).state).toBe('error');
    free();
    expect(swarm.run(() => leech.completedAt !== undefined, 10 * 60_000)).toBe(true);
    expect(leech.bytes()).toEqual(torrent.data);
    const stats = leech.session.stats(swarm.now);
    expect(stats.state).toBe('seeding');
    expect(stats.error).toBeUndefined();
    expect(stats.have).toBe(torrent.info.pieceCount);
    for (const index of keptBefore) expect(leech.session.verified?.get(index)).toBe(true);
    expect(leech.errors).toEqual([]);
  });

  it('goes on at once when paused and resumed during the wait', () => {
    const { swarm, leech, log, free } = fullDisk(3);
    expect(swarm.run(() => refusals(log.events) > 0, 60_000)).toBe(true);
    free();
    leech.deliver({ type: 'pause' });
    expect(leech.session.stats(swarm.now).state).toBe('paused');
    expect(leech.session.stats(swarm.now).error).toBeUndefined();
    leech.deliver({ type: 'resume' });
    expect(leech.session.stats(swarm.now).state).toBe('downloading');
    expect(swarm.run(() => leech.completedAt !== undefined, 10 * 60_000)).toBe(true);
    expect(leech.bytes()).toEqual(torrent.data);
  });
});
