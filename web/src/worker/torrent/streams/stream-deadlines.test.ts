import { describe, expect, it } from 'vitest';
import { Bitfield } from '../../../../../shared/codec/bitfield';
import { TorrentSession } from '../../../../../shared/engine/session/session';
import { idFrom, MockPeer } from '../../../../../shared/engine/testing/mock';
import { mulberry32 } from '../../../../../shared/engine/testing/random';
import { randomTorrent } from '../../../../../shared/engine/testing/swarm';
import { sha1Sync } from '../../../../../shared/testing/sha1';
import { URGENT_MS } from '../../../../../shared/engine/streaming/streaming';
import {
  behindDeadlines,
  MAX_WANTED_PIECES,
  streamDeadlines,
  WANT_BEHIND_MS,
  WANT_NOW_MS,
} from './stream-deadlines';

const pieceLength = 32 * 1024;
const { info } = randomTorrent(7, 64 * pieceLength, { sha1: sha1Sync, pieceLength });

/** A leecher playing its file with the playhead at piece `head` (1 piece a second), and a seeder with every piece
 * that it asks one block at a time; then a stream's wish. Returns the piece of the first block it asks for. */
function firstAskedWith(head: number, wish: Array<{ index: number; at: number }>): number {
  const clock = { now: 50_000 };
  const session = new TorrentSession({
    infoHash: info.infoHash,
    peerId: idFrom('-SD0001-leecher'),
    info,
    random: mulberry32(3),
    now: clock.now,
    config: { minPipeline: 1, maxPipeline: 1 },
  });
  session.handle({ type: 'tick' }, clock.now);
  session.handle(
    { type: 'playhead', file: 0, position: head * pieceLength, bytesPerSecond: pieceLength },
    clock.now,
  );
  session.handle({ type: 'piece-deadlines', deadlines: wish }, clock.now);
  const seeder = new MockPeer(session, 'seeder#1', idFrom('seeder'), info.infoHash, clock);
  seeder.connect();
  seeder.handshake();
  seeder.send({ type: 'bitfield', bytes: Bitfield.full(info.pieceCount).bytes });
  seeder.send({ type: 'unchoke' });
  return seeder.ofType('request')[0].index;
}

describe('streamDeadlines (what a stream waits for, against the playback window)', () => {
  it('puts the first piece before the window: a read the window does not cover is asked first', () => {
    const now = 50_000;
    // The window starts at the playhead's piece 40; the player reads piece 30 (its samples were not where time over
    // duration placed them).
    expect(firstAskedWith(40, streamDeadlines([30, 31, 32], info.pieceCount, now))).toBe(30);
    // Due a second from now (urgent), the window starts at that read too (streaming.ts, `followRead`)...
    expect(firstAskedWith(40, [{ index: 30, at: now + 1_000 }])).toBe(30);
    // ...but past the urgent horizon (a read not blocked yet), the window's pieces come first (from a second of media
    // behind the playhead).
    expect(firstAskedWith(40, [{ index: 30, at: now + URGENT_MS + 1_000 }])).toBe(39);
  });

  it('gives the rest a second from now and half a second apart, in order', () => {
    const deadlines = streamDeadlines([5, 9, 2], 64, 1_000);
    expect(deadlines).toEqual([
      { index: 5, at: 1_000 - WANT_NOW_MS },
      { index: 9, at: 2_000 },
      { index: 2, at: 2_500 },
    ]);
  });

  it('drops pieces outside the torrent and keeps at most MAX_WANTED_PIECES', () => {
    expect(streamDeadlines([-1, 64, 2.5, NaN, 3], 64, 0).map((d) => d.index)).toEqual([3]);
    const many = Array.from({ length: 200 }, (_, i) => i);
    expect(streamDeadlines(many, 1_000, 0)).toHaveLength(MAX_WANTED_PIECES);
  });
});

describe("behindDeadlines (a superseded stream's piece)", () => {
  it('gives its first piece in the torrent alone, due past the urgent horizon: no cancel of the window at once', () => {
    expect(behindDeadlines([7, 8, 9], 100, 1000)).toEqual([{ index: 7, at: 1000 + WANT_BEHIND_MS }]);
    expect(WANT_BEHIND_MS).toBeGreaterThan(URGENT_MS);
    expect(behindDeadlines([-1, 200], 100, 0)).toEqual([]);
  });
});
