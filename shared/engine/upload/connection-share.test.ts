import { describe, expect, it } from 'vitest';
import { BLOCK_SIZE } from '../../codec/wire';
import { blockPieces, pacedSeeder } from '../testing/paced-seeder';
import { PACE_WINDOW_MS, connectionShare, paceWindow } from './pacer';

/** A capacity whose paced window is `blocks` blocks. */
const capacityOf = (blocks: number) => (blocks * BLOCK_SIZE * 1000) / PACE_WINDOW_MS;

/** Reads answered and sent, oldest first, until none is pending. */
function sendAll(seeder: ReturnType<typeof pacedSeeder>): void {
  while (seeder.pending.length > 0) {
    const { peer, index, begin } = seeder.pending.shift()!;
    seeder.uploader.onReadDone(peer, index, begin, new Uint8Array(BLOCK_SIZE), 0);
  }
}

describe('what one connection may hold where the adapter reports each (connectionShare)', () => {
  it('is an even share of the window among the connections with requests, a block at least', () => {
    expect(connectionShare(8 * BLOCK_SIZE, 2)).toBe(4 * BLOCK_SIZE);
    expect(connectionShare(8 * BLOCK_SIZE, 1)).toBe(8 * BLOCK_SIZE);
    expect(connectionShare(2 * BLOCK_SIZE, 4)).toBe(BLOCK_SIZE);
    expect(connectionShare(2 * BLOCK_SIZE, 0)).toBe(2 * BLOCK_SIZE);
  });

  it('a connection whose association holds its share gets no more reads; the others get theirs', () => {
    const seeder = pacedSeeder(blockPieces(16), ['a', 'b']);
    const [a, b] = seeder.peers;
    seeder.uploader.capacity.observe(capacityOf(8), 0);
    expect(seeder.uploader.pacer.window(seeder.uploader.capacity.estimate)).toBe(paceWindow(capacityOf(8)));
    // Both ask while the transport is full, then it drains.
    seeder.uploader.onUploadQueue(8 * BLOCK_SIZE, 0, []);
    seeder.ask(a, [0, 1, 2, 3]);
    seeder.ask(b, [4, 5, 6, 7]);
    expect(seeder.reads).toEqual([]);
    seeder.uploader.onUploadQueue(0, 5, []);
    // Each connection is read its share (4 blocks), however the rank orders the two.
    expect(seeder.reads.filter((read) => read.startsWith('a:'))).toHaveLength(4);
    expect(seeder.reads.filter((read) => read.startsWith('b:'))).toHaveLength(4);
    sendAll(seeder);
    // a's association has sent nothing (its congestion window is full); b's sent everything.
    const before = seeder.reads.length;
    seeder.uploader.onUploadQueue(4 * BLOCK_SIZE, 10, [[a, 4 * BLOCK_SIZE]]);
    const next = seeder.reads.slice(before);
    expect(next.length).toBeGreaterThan(0);
    expect(next.every((read) => read.startsWith('b:'))).toBe(true);
  });

  it('without reports per connection, the window is shared by rank alone, as before', () => {
    const seeder = pacedSeeder(blockPieces(16), ['a', 'b']);
    const [a, b] = seeder.peers;
    seeder.uploader.capacity.observe(capacityOf(8), 0);
    seeder.uploader.onUploadQueue(8 * BLOCK_SIZE, 0);
    seeder.ask(a, [0, 1, 2, 3]);
    seeder.ask(b, [4, 5, 6, 7]);
    seeder.uploader.onUploadQueue(0, 5);
    expect(seeder.reads).toHaveLength(8);
    // Equal in rank, the older requests go first: the whole window to one connection.
    expect(seeder.reads.every((read) => read.startsWith('a:'))).toBe(true);
  });

  it('a connection that holds more than the window, and never drains (its peer vanished), holds nobody else back', () => {
    const seeder = pacedSeeder(blockPieces(16), ['a', 'b']);
    const [a, b] = seeder.peers;
    seeder.uploader.capacity.observe(capacityOf(8), 0);
    seeder.uploader.onUploadQueue(16 * BLOCK_SIZE, 0, [[a, 16 * BLOCK_SIZE]]);
    seeder.ask(b, [4, 5, 6, 7]);
    seeder.uploader.onUploadQueue(16 * BLOCK_SIZE, 5, [[a, 16 * BLOCK_SIZE]]);
    expect(seeder.reads.filter((read) => read.startsWith('b:')).length).toBeGreaterThan(0);
  });
});
