import { describe, expect, it } from 'vitest';
import { sha1Sync } from '../../testing/sha1';
import type { EngineAction, EngineEvent } from '../contract/engine-types';
import { randomTorrent, Swarm, type SwarmNode, type SwarmOptions } from './swarm';

const KiB = 1024;
const MiB = 1024 * KiB;
const torrent = randomTorrent(21, 256 * KiB, { sha1: sha1Sync, pieceLength: 32 * KiB });

interface Logged {
  at: number;
  event?: EngineEvent;
  action?: EngineAction;
}

/** Records every event a node's session gets and every action it returns, with the virtual time. */
function record(node: SwarmNode): Logged[] {
  const log: Logged[] = [];
  const session = node.session;
  const handle = session.handle.bind(session);
  session.handle = (event, now) => {
    log.push({ at: now, event });
    const actions = handle(event, now);
    for (const action of actions) log.push({ at: now, action });
    return actions;
  };
  return log;
}

function twoNodes(options: Partial<SwarmOptions>) {
  const swarm = new Swarm({ torrent, sha1: sha1Sync, seed: 4, uploadRate: 1 * MiB, ...options });
  const seed = swarm.addNode({ name: 'seed', seed: true });
  const leech = swarm.addNode({ name: 'leech' });
  const seedLog = record(seed);
  const leechLog = record(leech);
  expect(swarm.run(() => leech.completedAt !== undefined, 120_000)).toBe(true);
  return { swarm, seed, leech, seedLog, leechLog };
}

/** For each action of `type`, the delay until the answer event that `matches` it. */
function delays(
  log: Logged[],
  type: EngineAction['type'],
  matches: (action: EngineAction, event: EngineEvent) => boolean,
): number[] {
  const out: number[] = [];
  log.forEach((entry, i) => {
    const action = entry.action;
    if (action?.type !== type) return;
    const answer = log.slice(i + 1).find((e) => e.event && matches(action, e.event));
    expect(answer, `an answer to ${type}`).toBeDefined();
    out.push(answer!.at - entry.at);
  });
  expect(out.length).toBeGreaterThan(0);
  return out;
}

const hashAnswer = (a: EngineAction, e: EngineEvent) =>
  a.type === 'hash' && e.type === 'hashed' && e.id === a.id;
const storeAnswer = (a: EngineAction, e: EngineEvent) =>
  a.type === 'store' && e.type === 'stored' && e.index === a.index;
const readAnswer = (a: EngineAction, e: EngineEvent) =>
  a.type === 'read' && e.type === 'read-done' && e.index === a.index && e.begin === a.begin;

describe('simulated hashing and storage latency', () => {
  it('answers at once by default', () => {
    const { leechLog, seedLog } = twoNodes({});
    expect(delays(leechLog, 'hash', hashAnswer).every((d) => d === 0)).toBe(true);
    expect(delays(leechLog, 'store', storeAnswer).every((d) => d === 0)).toBe(true);
    expect(delays(seedLog, 'read', readAnswer).every((d) => d === 0)).toBe(true);
  });

  it('delays each answer by the configured virtual time; a node hashes one piece at a time', () => {
    const hashMsPerMiB = 400; // a 32 KiB piece: 12.5 ms
    const { leechLog, seedLog, leech } = twoNodes({ hashMsPerMiB, storeLatencyMs: 30, readLatencyMs: 7 });
    const pieceMs = (32 * KiB * hashMsPerMiB) / MiB;
    const hashDelays = delays(leechLog, 'hash', hashAnswer);
    expect(Math.min(...hashDelays)).toBeCloseTo(pieceMs, 9);
    expect(hashDelays.every((d) => d >= pieceMs - 1e-9)).toBe(true);
    const hashedAt = leechLog.filter((e) => e.event?.type === 'hashed').map((e) => e.at);
    for (let i = 1; i < hashedAt.length; i++)
      expect(hashedAt[i] - hashedAt[i - 1]).toBeGreaterThanOrEqual(pieceMs - 1e-9);
    expect(delays(leechLog, 'store', storeAnswer).every((d) => Math.abs(d - 30) < 1e-9)).toBe(true);
    expect(delays(seedLog, 'read', readAnswer).every((d) => Math.abs(d - 7) < 1e-9)).toBe(true);
    expect(leech.errors).toEqual([]);
  });

  it('slower storage and hashing finish later than instant ones', () => {
    const fast = twoNodes({}).leech.completedAt!;
    const slow = twoNodes({ hashMsPerMiB: 2_000, storeLatencyMs: 50, readLatencyMs: 20 }).leech.completedAt!;
    expect(slow).toBeGreaterThan(fast);
  });

  it('a failing store becomes a store-failed event, and the session waits for storage without an error', () => {
    const swarm = new Swarm({ torrent, sha1: sha1Sync, seed: 4, uploadRate: 1 * MiB, storeLatencyMs: 5 });
    swarm.addNode({ name: 'seed', seed: true });
    const leech = swarm.addNode({
      name: 'leech',
      storeFails: (index) => (index === 2 ? 'disk full' : undefined),
    });
    const log = record(leech);
    swarm.run(() => log.some((e) => e.event?.type === 'store-failed'), 60_000);
    const failed = log.find((e) => e.event?.type === 'store-failed');
    expect(failed?.event).toEqual({ type: 'store-failed', index: 2, reason: 'disk full' });
    expect(leech.session.stats(swarm.now).error).toBe('Waiting for storage: disk full');
    expect(leech.errors).toEqual([]);
    expect(leech.storage.has(2)).toBe(false);
  });
});
