// A btmh-only magnet link's session and metadata that hashes right but names more pieces than any torrent we take
// (torrent-bounds.ts): a 160-byte v2 info dictionary of a 2^40-byte file in 16 KiB pieces names 2^26 of them. The
// session refuses it in words before it builds anything per piece; at the bound it downloads as any torrent.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encode, utf8ToBytes } from '../../codec/bencode';
import { MAX_PIECES } from '../../codec/torrent-bounds';
import { sha256Sync } from '../../testing/sha256';
import { TorrentSession } from '../session/session';
import { idFrom, MockPeer } from '../testing/mock';
import { mulberry32 } from '../testing/random';
import type { EngineAction } from '../contract/engine-types';

const PIECE = 16 * 1024;

/** A v2-only info dictionary of one file of `length` bytes in 16 KiB pieces. */
function v2Info(length: number): Uint8Array {
  return encode({
    'file tree': { 'huge.bin': { '': { length, 'pieces root': new Uint8Array(randomBytes(32)) } } },
    'meta version': 2,
    name: utf8ToBytes('huge.bin'),
    'piece length': PIECE,
  });
}

/** A session joined by the btmh-only magnet link of `infoBytes`, and a v2 peer that serves them. */
function fetchByBtmh(infoBytes: Uint8Array): { session: TorrentSession; actions: EngineAction[] } {
  const infoHashV2 = sha256Sync(infoBytes);
  const infoHash = infoHashV2.slice(0, 20);
  const session = new TorrentSession({
    infoHash,
    infoHashV2,
    peerId: idFrom('btmh-user'),
    random: mulberry32(5),
    now: 0,
  });
  session.handle({ type: 'tick' }, 0);
  const peer = new MockPeer(session, 'seeder#1', idFrom('seeder'), infoHash, { now: 0 });
  peer.connect();
  peer.handshake({ v2: true });
  peer.extendedHandshake({ metadataSize: infoBytes.length });
  return { session, actions: peer.serveMetadata(infoBytes) };
}

describe('metadata over the bounds, by a btmh-only magnet link', () => {
  it('a 2^40-byte file in 16 KiB pieces is refused in words, and nothing is set up per piece', () => {
    const infoBytes = v2Info(2 ** 40);
    expect(infoBytes.length).toBeLessThan(160);
    const { session, actions } = fetchByBtmh(infoBytes);
    expect(actions.filter((a) => a.type === 'error')).toEqual([
      {
        type: 'error',
        reason:
          'This torrent is too large for this app: it is split into 67,108,864 pieces, and the most it takes is 419,430',
      },
    ]);
    expect(actions.some((a) => a.type === 'metadata')).toBe(false);
    expect(session.info).toBeUndefined();
    expect(session.stats(0).state).toBe('error');
  });

  it('MAX_PIECES pieces are taken: the metadata is known and the session downloads', () => {
    const { session, actions } = fetchByBtmh(v2Info(MAX_PIECES * PIECE));
    expect(actions.filter((a) => a.type === 'error')).toEqual([]);
    expect(actions.some((a) => a.type === 'metadata')).toBe(true);
    expect(session.info?.pieceCount).toBe(MAX_PIECES);
    expect(session.stats(0).state).toBe('downloading');
  });
});
