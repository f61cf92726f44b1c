import { describe, expect, it } from 'vitest';
import {
  KNOWN_TORRENTS,
  KNOWN_TTL_MS,
  KnownTorrents,
  torrentGoneMessage,
  torrentKnownMessage,
} from './known-torrents';

const hash = (n: number) => n.toString(16).padStart(40, '0');

describe('KnownTorrents (what the service worker keeps of a torrent between requests)', () => {
  it('gives an entry back until it expires, and never after a forget', () => {
    const known = new KnownTorrents<string>();
    known.set(hash(1), 'one', 1000);
    expect(known.get(hash(1), 1000 + KNOWN_TTL_MS - 1)).toBe('one');
    expect(known.get(hash(1), 1000 + KNOWN_TTL_MS)).toBeUndefined();
    known.set(hash(2), 'two', 0);
    known.forget(hash(2));
    expect(known.get(hash(2), 0)).toBeUndefined();
    // A clock that went back does not make an entry young.
    known.set(hash(3), 'three', 500);
    expect(known.get(hash(3), 100)).toBeUndefined();
  });

  it('keeps at most KNOWN_TORRENTS, the oldest set going first; setting again makes an entry the newest', () => {
    const known = new KnownTorrents<number>();
    for (let i = 0; i < KNOWN_TORRENTS; i++) known.set(hash(i), i, 0);
    known.set(hash(0), 0, 0);
    known.set(hash(KNOWN_TORRENTS), KNOWN_TORRENTS, 0);
    expect(known.size).toBe(KNOWN_TORRENTS);
    expect(known.get(hash(1), 0)).toBeUndefined();
    expect(known.get(hash(0), 0)).toBe(0);
    expect(known.get(hash(KNOWN_TORRENTS), 0)).toBe(KNOWN_TORRENTS);
  });
});

describe('the channel messages', () => {
  it('takes a well-formed record and refuses anything else', () => {
    const good = {
      type: 'torrent-known',
      infoHashHex: hash(7),
      storageId: hash(7),
      infoBytes: new ArrayBuffer(4),
    };
    expect(torrentKnownMessage(good)).toEqual(good);
    for (const bad of [
      null,
      'torrent-known',
      { ...good, type: 'piece-verified' },
      { ...good, infoHashHex: 'XYZ' },
      { ...good, storageId: '' },
      { ...good, storageId: 'x'.repeat(129) },
      { ...good, infoBytes: new Uint8Array(4) },
    ])
      expect(torrentKnownMessage(bad)).toBeUndefined();
  });

  it('takes a well-formed removal and refuses anything else', () => {
    expect(torrentGoneMessage({ type: 'torrent-gone', infoHashHex: hash(9) })).toEqual({
      type: 'torrent-gone',
      infoHashHex: hash(9),
    });
    expect(torrentGoneMessage({ type: 'torrent-gone', infoHashHex: 'zz' })).toBeUndefined();
    expect(torrentGoneMessage({ type: 'torrent-known', infoHashHex: hash(9) })).toBeUndefined();
  });
});
