import { describe, expect, it } from 'vitest';
import { encode, utf8ToBytes } from '../../../shared/codec/bencode';
import { notATorrent } from './check-torrent';

const buffer = (bytes: Uint8Array) => bytes.slice().buffer as ArrayBuffer;

describe('notATorrent', () => {
  it('refuses what is not a .torrent, in words', async () => {
    expect(await notATorrent(buffer(utf8ToBytes('holiday photos')))).toBe(
      'Not a valid .torrent file: this file is not in the .torrent format (choose the .torrent file a BitTorrent app made)',
    );
  });

  it('takes a .torrent', async () => {
    const info = { length: 5, name: utf8ToBytes('a.txt'), 'piece length': 16384, pieces: new Uint8Array(20) };
    const torrent = encode({ info });
    expect(await notATorrent(buffer(torrent))).toBeUndefined();
  });
});
