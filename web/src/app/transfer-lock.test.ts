import { describe, expect, it } from 'vitest';
import type { TorrentView } from '../lib/messages/protocol';
import { isTransferring, TransferLock, type LockRequester } from './transfer-lock';

type Shape = Pick<TorrentView, 'state' | 'peers' | 'seeds'>;
const torrent = (state: TorrentView['state'], peers = 0, seeds = 0): Shape => ({ state, peers, seeds });

/** A lock manager that grants every request at once and records which locks are held. */
function fakeLocks(): LockRequester & { held: string[]; requests: number } {
  const fake = {
    held: [] as string[],
    requests: 0,
    request(name: string, callback: () => Promise<void>): Promise<unknown> {
      fake.requests++;
      fake.held.push(name);
      return callback().finally(() => fake.held.splice(fake.held.indexOf(name), 1));
    },
  };
  return fake;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('isTransferring', () => {
  it('counts downloads and metadata fetches, and seeding only to a peer that is not a seed', () => {
    expect(isTransferring(torrent('downloading'))).toBe(true);
    expect(isTransferring(torrent('fetching-metadata'))).toBe(true);
    expect(isTransferring(torrent('seeding', 2, 1))).toBe(true);
    expect(isTransferring(torrent('seeding', 1, 1))).toBe(false);
    expect(isTransferring(torrent('seeding'))).toBe(false);
    expect(isTransferring(torrent('paused', 3, 0))).toBe(false);
    expect(isTransferring(torrent('error', 3, 0))).toBe(false);
    expect(isTransferring(torrent('stopped', 3, 0))).toBe(false);
  });
});

describe('TransferLock', () => {
  it('holds the lock while any torrent transfers and lets it go when all are idle', async () => {
    const locks = fakeLocks();
    const lock = new TransferLock(locks, 'test-lock');
    lock.update([torrent('seeding'), torrent('downloading')]);
    await settle();
    expect(locks.held).toEqual(['test-lock']);
    lock.update([torrent('seeding'), torrent('seeding', 1, 1)]);
    await settle();
    expect(locks.held).toEqual([]);
    expect(lock.wanted).toBe(false);
  });

  it('asks once however many lists say the same, and again after an idle spell', async () => {
    const locks = fakeLocks();
    const lock = new TransferLock(locks);
    for (let i = 0; i < 5; i++) lock.update([torrent('downloading')]);
    await settle();
    expect(locks.requests).toBe(1);
    lock.update([]);
    lock.update([torrent('seeding', 3, 0)]);
    await settle();
    expect(locks.requests).toBe(2);
    expect(locks.held).toHaveLength(1);
  });

  it('lets the lock go on close', async () => {
    const locks = fakeLocks();
    const lock = new TransferLock(locks);
    lock.update([torrent('downloading')]);
    lock.close();
    await settle();
    expect(locks.held).toEqual([]);
  });

  it('goes on without a lock manager, or when the lock is refused', async () => {
    const none = new TransferLock(undefined);
    none.update([torrent('downloading')]);
    expect(none.wanted).toBe(false);
    const refusing = new TransferLock({ request: () => Promise.reject(new Error('no locks here')) });
    refusing.update([torrent('downloading')]);
    await settle();
    expect(refusing.wanted).toBe(true);
  });
});
