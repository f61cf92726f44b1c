import { describe, expect, it } from 'vitest';
import { sha1Sync } from '../../testing/sha1';
import { randomTorrent, Swarm } from '../testing/swarm';
import { HeldRequests, ServeHold } from './serve-hold';

const KiB = 1024;
const block = (index: number, begin = 0) => ({ index, begin, length: 16 * KiB });

describe('HeldRequests (a test hold on the pieces served)', () => {
  it('admits every piece without a hold', () => {
    const held = new HeldRequests<string>(undefined);
    for (let i = 0; i < 100; i++) expect(held.admits(i)).toBe(true);
    expect(held.takeReleased()).toEqual([]);
  });

  it('admits the first n pieces asked for, each again for its later blocks, and no other until released', () => {
    const hold = new ServeHold(2);
    const held = new HeldRequests<string>(hold);
    expect(held.admits(7)).toBe(true);
    expect(held.admits(3)).toBe(true);
    expect(held.admits(7)).toBe(true);
    expect(held.admits(0)).toBe(false);
    expect(held.admits(8)).toBe(false);
    hold.release();
    expect(held.admits(0)).toBe(true);
    expect(held.admits(8)).toBe(true);
  });

  it('admits every piece but the one a hold of one piece names, that one too once released', () => {
    const hold = ServeHold.allBut(5);
    const held = new HeldRequests<string>(hold);
    for (let i = 0; i < 100; i++) expect(held.admits(i)).toBe(i !== 5);
    expect(held.admits(5)).toBe(false);
    hold.release();
    expect(held.admits(5)).toBe(true);
  });

  it('holds everything with a hold of 0 pieces', () => {
    const held = new HeldRequests<string>(new ServeHold(0));
    expect(held.admits(0)).toBe(false);
  });

  it('gives back the parked requests once released, oldest first, each once; a repeat or a cancel is not kept', () => {
    const hold = new ServeHold(0);
    const held = new HeldRequests<string>(hold);
    held.park('a', block(1));
    held.park('b', block(1));
    held.park('a', block(1)); // the same request asked again
    held.park('a', block(2, 16 * KiB));
    held.park('c', block(4));
    expect(held.size).toBe(4);
    expect(held.cancel('b', 1, 0)).toBe(true);
    expect(held.cancel('b', 1, 0)).toBe(false);
    held.forget('c');
    expect(held.takeReleased()).toEqual([]); // not released yet
    hold.release();
    expect(held.takeReleased()).toEqual([
      { peer: 'a', request: block(1) },
      { peer: 'a', request: block(2, 16 * KiB) },
    ]);
    expect(held.takeReleased()).toEqual([]);
  });

  it('refuses a hold that is not a whole number of pieces', () => {
    expect(() => new ServeHold(-1)).toThrow(RangeError);
    expect(() => new ServeHold(1.5)).toThrow(RangeError);
    expect(() => ServeHold.allBut(-1)).toThrow(RangeError);
    expect(() => ServeHold.allBut(0.5)).toThrow(RangeError);
  });
});

describe('a seeder under a hold (two sessions in virtual time)', () => {
  const torrent = randomTorrent(9, 512 * KiB, { sha1: sha1Sync, pieceLength: 32 * KiB });

  it('serves exactly the held pieces, keeps its leecher waiting, and serves the rest once released', () => {
    const hold = new ServeHold(3);
    const swarm = new Swarm({ torrent, sha1: sha1Sync, seed: 4 });
    const seeder = swarm.addNode({ name: 'seeder', seed: true, config: { serveHold: hold } });
    const leecher = swarm.addNode({ name: 'leecher', joinAt: 10 });
    const have = () => leecher.session.have?.count() ?? 0;
    expect(swarm.run(() => have() === 3, 30_000)).toBe(true);
    // A minute later (requests time out and are asked again meanwhile), still those three and nothing else.
    swarm.runFor(60_000);
    expect(have()).toBe(3);
    expect(new Set(seeder.reads.map((read) => read.index)).size).toBe(3);
    expect(leecher.completedAt).toBeUndefined();
    hold.release();
    expect(swarm.run(() => leecher.completedAt !== undefined, 30_000)).toBe(true);
    expect(Buffer.compare(Buffer.from(leecher.bytes()), Buffer.from(torrent.data))).toBe(0);
    expect(leecher.errors).toEqual([]);
    expect(seeder.errors).toEqual([]);
  });

  it('under a hold of one piece, serves every other piece and keeps its leecher one short until released', () => {
    const hold = ServeHold.allBut(4);
    const swarm = new Swarm({ torrent, sha1: sha1Sync, seed: 5 });
    const seeder = swarm.addNode({ name: 'seeder', seed: true, config: { serveHold: hold } });
    const leecher = swarm.addNode({ name: 'leecher', joinAt: 10 });
    const pieces = torrent.info.pieceCount;
    const have = () => leecher.session.have?.count() ?? 0;
    expect(swarm.run(() => have() === pieces - 1, 30_000)).toBe(true);
    swarm.runFor(60_000);
    expect(have()).toBe(pieces - 1);
    expect(leecher.session.have?.get(4)).toBe(false);
    expect(seeder.reads.some((read) => read.index === 4)).toBe(false);
    expect(leecher.completedAt).toBeUndefined();
    hold.release();
    expect(swarm.run(() => leecher.completedAt !== undefined, 30_000)).toBe(true);
    expect(Buffer.compare(Buffer.from(leecher.bytes()), Buffer.from(torrent.data))).toBe(0);
    expect(leecher.errors).toEqual([]);
    expect(seeder.errors).toEqual([]);
  });
});
