import { describe, expect, it } from 'vitest';
import { toHex } from '../../../../../shared/codec/magnet';
import { encode, utf8ToBytes } from '../../../../../shared/codec/bencode';
import { encodeTorrent } from '../../../../../shared/codec/metainfo';
import { createAnyInfo, encodeAnyTorrent } from '../../../../../shared/codec/metainfo-v2';
import { subtleSha1, subtleSha256 } from '../../../lib/hash';
import { ActionError } from '../action-runner';
import { testBytes, testTorrent } from '../testing/core';
import { readTorrent, torrentFileReason } from './torrent-reader';

const hashers = { sha1: subtleSha1, sha256: subtleSha256 };

describe('readTorrent', () => {
  it('reads a v1 .torrent by its v1 info, with its trackers', async () => {
    const { info, torrent } = await testTorrent(testBytes(40_000, 1));
    const read = await readTorrent(torrent, hashers);
    expect(read.info.infoHashHex).toBe(info.infoHashHex);
    expect(read.metainfo.announce.flat()).toEqual(['wss://t.example/']);
  });

  it('runs a v2-only .torrent by its piece map, under its truncated v2 hash', async () => {
    const bytes = testBytes(40_000, 2);
    const blob = new Blob([bytes]);
    const { info } = await createAnyInfo(
      [
        {
          path: ['v2.bin'],
          length: bytes.length,
          read: async (at, n) => new Uint8Array(await blob.slice(at, at + n).arrayBuffer()),
        },
      ],
      { name: 'v2.bin', sha256: subtleSha256, pieceLength: 16384, version: 'v2' },
    );
    const torrent = encodeAnyTorrent({ info, announce: [] });
    const read = await readTorrent(torrent.slice().buffer, hashers);
    expect(read.metainfo.info.v1).toBeUndefined();
    expect(read.info.infoHashHex).toBe(toHex(info.v2!.infoHash.subarray(0, 20)));
    expect(read.info.pieceCount).toBe(3);
  });

  it('refuses a valid .torrent over the bounds in their own words: a v2 file tree of 2^26 pieces', async () => {
    const infoBytes = encode({
      'file tree': { 'huge.bin': { '': { length: 2 ** 40, 'pieces root': new Uint8Array(32).fill(7) } } },
      'meta version': 2,
      name: utf8ToBytes('huge.bin'),
      'piece length': 16384,
    });
    const failure = readTorrent(encodeTorrent({ info: { infoBytes }, announce: [] }).slice().buffer, hashers);
    await expect(failure).rejects.toBeInstanceOf(ActionError);
    await expect(failure).rejects.toThrow(
      /^This torrent is too large for this app: it is split into 67,108,864 pieces, and the most it takes is 419,430$/,
    );
  });

  it("says in the user's words that a file is not a .torrent", async () => {
    const text = new TextEncoder().encode('this is a text file').buffer;
    const failure = readTorrent(text, hashers);
    await expect(failure).rejects.toBeInstanceOf(ActionError);
    await expect(failure).rejects.toThrow(
      'Not a valid .torrent file: this file is not in the .torrent format (choose the .torrent file a BitTorrent app made)',
    );
  });
});

describe('torrentFileReason', () => {
  it('drops the wrapper that repeats what the message says, and starts in lower case', () => {
    expect(torrentFileReason('Not a .torrent file (Missing info dictionary)')).toBe(
      'missing info dictionary',
    );
    expect(torrentFileReason('Piece length is not a power of two')).toBe(
      'piece length is not a power of two',
    );
  });

  it("replaces a parser's words with what happened", () => {
    expect(torrentFileReason('invalid bencode: unexpected byte 0x74 at byte 0')).toMatch(
      /not in the \.torrent format/,
    );
    expect(torrentFileReason('Not a .torrent file (not a dictionary)')).toMatch(
      /not in the \.torrent format/,
    );
  });
});
