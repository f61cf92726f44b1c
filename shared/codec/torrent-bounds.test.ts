// The bounds of torrent-bounds.ts held by every reader, each version at its bound and just over it: a v1 info
// dictionary of MAX_INFO_BYTES, a v2 file tree of MAX_PIECES pieces (a 160-byte dictionary can name 2^36), a hybrid
// of MAX_INFO_BYTES, and a .torrent file whose info dictionary is over it.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encode, utf8ToBytes, type BDict } from './bencode';
import {
  createInfo,
  encodeTorrent,
  MAX_PARSED_PIECE_LENGTH,
  parseTorrent,
  parseVerifiedInfo,
  type SourceFile,
} from './metainfo';
import { createAnyInfo, parseAnyInfo, parseAnyTorrent, parseVerifiedV2 } from './metainfo-v2';
import { MAX_INFO_BYTES, MAX_PIECES, MAX_TORRENT_LENGTH, TorrentTooLargeError } from './torrent-bounds';
import { v2PieceMap } from './v2-pieces';
import { sha1, sha1Sync } from '../testing/sha1';
import { sha256, sha256Sync } from '../testing/sha256';

const KiB = 1024;
const hashers = { sha1, sha256 };
const utf8 = (text: string): Uint8Array => utf8ToBytes(text);
const root = (): Uint8Array => new Uint8Array(randomBytes(32));

/** `dict` with a `padding` string that makes it exactly `size` bytes bencoded (an info dictionary may carry keys we
 * do not read). */
function sized(dict: BDict, size: number): Uint8Array {
  const bare = encode(dict).length;
  // `7:padding` and the string's own length prefix (`<digits>:`) come with it.
  let fill = size - bare - 9 - 2;
  while (fill > 0 && encode({ ...dict, padding: new Uint8Array(fill) }).length > size) fill--;
  const bytes = encode({ ...dict, padding: new Uint8Array(fill) });
  expect(bytes.length).toBe(size);
  return bytes;
}

/** A v1 single-file info dictionary of `pieces` 16 KiB pieces, padded to `size` bytes. */
function v1Info(pieces: number, size: number, v2 = false): Uint8Array {
  const pieceLength = 16 * KiB;
  const length = pieces * pieceLength;
  const dict: BDict = {
    name: utf8('big.bin'),
    'piece length': pieceLength,
    length,
    pieces: new Uint8Array(pieces * 20),
  };
  if (v2) {
    dict['meta version'] = 2;
    dict['file tree'] = { 'big.bin': { '': { length, 'pieces root': root() } } };
  }
  return sized(dict, size);
}

/** The most 16 KiB pieces a v1 dictionary of exactly MAX_INFO_BYTES holds, with room for its other keys. */
const V1_FIT = Math.floor((MAX_INFO_BYTES - 200) / 20);

/** A v2-only info dictionary of one file of `length` bytes, in pieces of `pieceLength`. */
function v2Info(length: number, pieceLength = 16 * KiB, files = 1): Uint8Array {
  const tree: BDict = {};
  for (let i = 0; i < files; i++) tree[`f${i}.bin`] = { '': { length, 'pieces root': root() } };
  return encode({ 'file tree': tree, 'meta version': 2, name: utf8('huge'), 'piece length': pieceLength });
}

const refused = async (parsing: Promise<unknown>, words: RegExp): Promise<void> => {
  await expect(parsing).rejects.toThrow(TorrentTooLargeError);
  await expect(parsing).rejects.toThrow(words);
};
const PIECES_WORDS =
  /^This torrent is too large for this app: it is split into [\d,]+ pieces, and the most it takes is 419,430$/;

describe('the bounds', () => {
  it('are what an 8 MiB info dictionary of v1 hashes can describe', () => {
    expect(MAX_INFO_BYTES).toBe(8 * 1024 * 1024);
    expect(MAX_PIECES).toBe(419_430);
    expect(MAX_TORRENT_LENGTH).toBe(419_430 * MAX_PARSED_PIECE_LENGTH);
    expect(Number.isSafeInteger(MAX_TORRENT_LENGTH)).toBe(true);
  });
});

describe('a v1 info dictionary', () => {
  it('of MAX_INFO_BYTES is read; one byte more is refused in words before it is decoded', async () => {
    const info = await parseAnyInfo(v1Info(V1_FIT, MAX_INFO_BYTES), hashers);
    expect(info.v1?.pieceCount).toBe(V1_FIT);
    const over = v1Info(V1_FIT, MAX_INFO_BYTES + 1);
    await refused(
      parseAnyInfo(over, hashers),
      /^This torrent is too large for this app: its description takes 8,388,609 bytes, and the most it takes is 8,388,608$/,
    );
    expect(() => parseVerifiedInfo(over, sha1Sync(over))).toThrow(TorrentTooLargeError);
  });

  it('in a .torrent file (which may be up to 16 MiB) is held to the same bound: MAX_PIECES + 1 pieces are refused', async () => {
    const info = v1Info(MAX_PIECES + 1, (MAX_PIECES + 1) * 20 + 100);
    const torrent = encodeTorrent({ info: { infoBytes: info }, announce: [] });
    await refused(parseTorrent(torrent, sha1), /too large for this app/);
    await refused(parseAnyTorrent(torrent, hashers), /too large for this app/);
  });

  it('is refused before hashing when local files would make more than MAX_PIECES pieces', async () => {
    let reads = 0;
    const huge: SourceFile = {
      path: ['huge.bin'],
      length: (MAX_PIECES + 1) * 16 * KiB,
      read: async (_offset, length) => {
        reads++;
        return new Uint8Array(length);
      },
    };
    await refused(createInfo([huge], { name: 'huge.bin', sha1, pieceLength: 16 * KiB }), PIECES_WORDS);
    await refused(
      createAnyInfo([huge], { name: 'huge.bin', ...hashers, pieceLength: 16 * KiB }),
      PIECES_WORDS,
    );
    expect(reads).toBe(0);
  });
});

describe('a v2-only info dictionary', () => {
  it('of MAX_PIECES pieces is read; one byte more (MAX_PIECES + 1 pieces) is refused in words', async () => {
    const at = await parseAnyInfo(v2Info(MAX_PIECES * 16 * KiB), hashers);
    expect(at.v2?.pieceCount).toBe(MAX_PIECES);
    expect(v2PieceMap(at.v2!).pieceCount).toBe(MAX_PIECES);
    const over = v2Info(MAX_PIECES * 16 * KiB + 1);
    await refused(parseAnyInfo(over, hashers), PIECES_WORDS);
    expect(() => parseVerifiedV2(over, sha256Sync(over))).toThrow(PIECES_WORDS);
  });

  it('of 160 bytes naming 2^36 pieces (a 2^50-byte file) or a 2^40-byte file is refused', async () => {
    const tiny = v2Info(2 ** 50);
    expect(tiny.length).toBeLessThan(160);
    await refused(parseAnyInfo(tiny, hashers), /split into 68,719,476,736 pieces/);
    await refused(parseAnyInfo(v2Info(2 ** 40), hashers), /split into 67,108,864 pieces/);
  });

  it('counts the pieces of every file: two files of MAX_PIECES / 2 + 1 pieces are over', async () => {
    const half = Math.floor(MAX_PIECES / 2);
    expect((await parseAnyInfo(v2Info(half * 16 * KiB, 16 * KiB, 2), hashers)).v2?.pieceCount).toBe(2 * half);
    await refused(parseAnyInfo(v2Info((half + 1) * 16 * KiB, 16 * KiB, 2), hashers), PIECES_WORDS);
  });

  it('in pieces of the largest length holds MAX_TORRENT_LENGTH bytes, not one more, nor a larger piece length', async () => {
    const at = await parseAnyInfo(v2Info(MAX_TORRENT_LENGTH, MAX_PARSED_PIECE_LENGTH), hashers);
    expect(at.v2?.length).toBe(MAX_TORRENT_LENGTH);
    await refused(
      parseAnyInfo(v2Info(MAX_TORRENT_LENGTH + 1, MAX_PARSED_PIECE_LENGTH), hashers),
      PIECES_WORDS,
    );
    await expect(parseAnyInfo(v2Info(2 ** 40, 2 * MAX_PARSED_PIECE_LENGTH), hashers)).rejects.toThrow(
      /piece length/,
    );
  });
});

describe('a hybrid info dictionary', () => {
  it('of MAX_INFO_BYTES is read; one byte more is refused in words', async () => {
    const info = await parseAnyInfo(v1Info(V1_FIT, MAX_INFO_BYTES, true), hashers);
    expect(info.version).toBe('hybrid');
    expect(info.v1?.pieceCount).toBe(V1_FIT);
    expect(info.v2?.pieceCount).toBe(V1_FIT);
    await refused(parseAnyInfo(v1Info(V1_FIT, MAX_INFO_BYTES + 1, true), hashers), /its description takes/);
  });
});
