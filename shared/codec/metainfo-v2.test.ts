import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bytesToBinary, decode, encode, utf8ToBytes, type BDict, type BValue } from './bencode';
import { toHex } from './hex';
import { leafHashes, rootFromLeaves } from '../hash/merkle';
import { MetainfoError, createInfo, parseInfo, parseTorrent, type SourceFile } from './metainfo';
import {
  compareCanonicalPaths,
  createAnyInfo,
  encodeAnyTorrent,
  parseAnyInfo,
  parseAnyTorrent,
  type AnyTorrentInfo,
} from './metainfo-v2';
import { sha1, sha1Sync } from '../testing/sha1';
import { sha256, sha256Sync } from '../testing/sha256';

const KiB = 1024;
const hashers = { sha1, sha256 };

function source(path: string[], data: Uint8Array): SourceFile {
  return { path, length: data.length, read: async (offset, length) => data.slice(offset, offset + length) };
}

const files = {
  'b/x.bin': new Uint8Array(randomBytes(70 * KiB + 3)),
  'a.txt': new Uint8Array(randomBytes(5000)),
  empty: new Uint8Array(0),
  'b/y.bin': new Uint8Array(randomBytes(32 * KiB)),
};
const folderSources = (): SourceFile[] =>
  Object.entries(files).map(([path, data]) => source(path.split('/'), data));

const utf8 = (text: string): Uint8Array => utf8ToBytes(text);
const key = (text: string): string => bytesToBinary(utf8(text));

async function expectError(info: BDict | Uint8Array, message: RegExp): Promise<void> {
  const bytes = info instanceof Uint8Array ? info : encode(info);
  const parsing = parseAnyInfo(bytes, hashers);
  await expect(parsing).rejects.toThrow(MetainfoError);
  await expect(parseAnyInfo(bytes, hashers)).rejects.toThrow(message);
}

/** A small valid v2-only info dictionary to break in one place. */
function v2Dict(tree: BDict, pieceLength = 16 * KiB): BDict {
  return { 'file tree': tree, 'meta version': 2, name: utf8('t'), 'piece length': pieceLength };
}
const fileNode = (length: number, root?: Uint8Array): BDict => ({
  '': root ? { length, 'pieces root': root } : { length },
});

describe('createAnyInfo and parseAnyInfo', () => {
  it('make a hybrid: canonical order, pad files after unaligned files, both views of the same files', async () => {
    const { info, pieceLayers } = await createAnyInfo(folderSources(), {
      name: 'share',
      ...hashers,
      pieceLength: 32 * KiB,
    });
    expect(info.version).toBe('hybrid');
    const { v1, v2 } = info as Required<AnyTorrentInfo>;
    expect(v1.files.map((f) => [f.path.join('/'), f.length, f.offset])).toEqual([
      ['a.txt', 5000, 0],
      ['.pad/27768', 27768, 5000],
      ['b/x.bin', 70 * KiB + 3, 32 * KiB],
      ['.pad/26621', 26621, 102 * KiB + 3],
      ['b/y.bin', 32 * KiB, 128 * KiB],
      ['empty', 0, 160 * KiB],
    ]);
    expect(info.padFiles).toEqual([1, 3]);
    expect(v2.files.map((f) => [f.path.join('/'), f.offset, f.pieceCount])).toEqual([
      ['a.txt', 0, 1],
      ['b/x.bin', 32 * KiB, 3],
      ['b/y.bin', 128 * KiB, 1],
      ['empty', 160 * KiB, 0],
    ]);
    expect(v2.length).toBe(5000 + 70 * KiB + 3 + 32 * KiB);
    expect(v2.pieceCount).toBe(5);
    expect(v1.pieceCount).toBe(5);
    expect(toHex(v2.infoHash)).toBe(toHex(sha256Sync(info.infoBytes)));
    expect(toHex(v1.infoHash)).toBe(toHex(sha1Sync(info.infoBytes)));
    expect(v2.truncatedInfoHashHex).toBe(v2.infoHashHex.slice(0, 40));

    // each file's root is the merkle root of its blocks; v1 piece 1 is x.bin's first 32 KiB
    for (const file of v2.files.filter((f) => f.length > 0)) {
      const data = files[file.path.join('/') as keyof typeof files];
      expect(toHex(file.piecesRoot!)).toBe(
        toHex(await rootFromLeaves(await leafHashes(data, sha256), sha256)),
      );
    }
    expect(toHex(v1.pieces.subarray(20, 40))).toBe(toHex(sha1Sync(files['b/x.bin'].subarray(0, 32 * KiB))));
    const lastOfX = new Uint8Array(32 * KiB);
    lastOfX.set(files['b/x.bin'].subarray(64 * KiB));
    expect(toHex(v1.pieces.subarray(60, 80))).toBe(toHex(sha1Sync(lastOfX)));
    // only x.bin is longer than a piece
    expect([...pieceLayers.keys()]).toEqual([toHex(v2.files[1].piecesRoot!)]);
    expect(pieceLayers.get(toHex(v2.files[1].piecesRoot!))).toHaveLength(3 * 32);
    // the v1 parser of metainfo.ts reads the hybrid as a v1 torrent (pad files as files)
    expect((await parseInfo(info.infoBytes, sha1)).infoHashHex).toBe(v1.infoHashHex);
  });

  it('names pad files by their size, two of one size at one path, and reads a hybrid without the tail pad', async () => {
    const twins = [source(['t1'], new Uint8Array(5000)), source(['t2'], new Uint8Array(5000).fill(1))];
    const { info } = await createAnyInfo(twins, { name: 'twins', ...hashers, pieceLength: 16 * KiB });
    expect(info.v1!.files.map((f) => f.path.join('/'))).toEqual(['t1', '.pad/11384', 't2', '.pad/11384']);
    // libtorrent 2.0.0 to 2.0.7 left out the pad file after the last file
    const dict = decode(info.infoBytes) as BDict;
    (dict.files as BDict[]).pop();
    const untailed = await parseAnyInfo(encode(dict), hashers);
    expect(untailed.version).toBe('hybrid');
    expect(untailed.v1!.length).toBe(16 * KiB + 5000);
    expect(untailed.padFiles).toEqual([1]);
  });

  it('makes a v2-only info dictionary that the v1 parser refuses', async () => {
    const { info } = await createAnyInfo(folderSources(), { name: 'share', sha256, version: 'v2' });
    expect(info.version).toBe('v2');
    expect(info.v1).toBeUndefined();
    const dict = decode(info.infoBytes) as BDict;
    expect(Object.keys(dict).sort()).toEqual(['file tree', 'meta version', 'name', 'piece length']);
    await expect(parseInfo(info.infoBytes, sha1)).rejects.toThrow(/no pieces/);
    await expect(createAnyInfo(folderSources(), { name: 'share', sha256 })).rejects.toThrow(/needs SHA-1/);
  });

  it('makes a single-file torrent without pad files, its short last piece as it is', async () => {
    const data = new Uint8Array(randomBytes(40 * KiB));
    const { info } = await createAnyInfo([source(['f.bin'], data)], {
      name: 'f.bin',
      ...hashers,
      pieceLength: 16 * KiB,
    });
    const { v1, v2 } = info as Required<AnyTorrentInfo>;
    expect(v1.multiFile).toBe(false);
    expect(v2.multiFile).toBe(false);
    expect(v1.files).toEqual([{ path: ['f.bin'], length: 40 * KiB, offset: 0 }]);
    expect(toHex(v1.pieces.subarray(40, 60))).toBe(toHex(sha1Sync(data.subarray(32 * KiB))));
    expect(Object.keys((decode(info.infoBytes) as BDict)['file tree'])).toEqual(['f.bin']);
  });

  it('reads a v1 torrent as v1 only, with its pad files named', async () => {
    const v1 = await createInfo(folderSources(), { name: 'share', sha1 });
    const any = await parseAnyInfo(v1.infoBytes, hashers);
    expect(any).toMatchObject({ version: 'v1', padFiles: [] });
    expect(any.v1).toEqual(v1);
  });

  it('orders files by the UTF-8 bytes of each path component', () => {
    const sorted = [['é'], ['😀'], ['\uFFFD'], ['Z'], ['a', 'b'], ['a'], ['10'], ['9'], ['ab']]
      .map((path) => path.map(utf8))
      .sort(compareCanonicalPaths)
      .map((path) => path.map((c) => new TextDecoder().decode(c)).join('/'));
    expect(sorted).toEqual(['10', '9', 'Z', 'a', 'a/b', 'ab', 'é', '\uFFFD', '😀']);
  });

  it('keeps a file named __proto__ as an ordinary file', async () => {
    const data = new Uint8Array(randomBytes(100));
    const { info } = await createAnyInfo([source(['__proto__'], data), source(['x'], data)], {
      name: 'n',
      sha256,
      version: 'v2',
    });
    expect(info.v2!.files.map((f) => f.path)).toEqual([['__proto__'], ['x']]);
  });

  it('reads ahead while hashing, reports progress to the total, and gives the same result one piece at a time', async () => {
    const progress: number[] = [];
    const ahead = await createAnyInfo(folderSources(), {
      name: 'share',
      ...hashers,
      pieceLength: 16 * KiB,
      onProgress: (hashed, total) => progress.push(hashed / total),
    });
    const serial = await createAnyInfo(folderSources(), {
      name: 'share',
      ...hashers,
      pieceLength: 16 * KiB,
      maxInFlight: 1,
    });
    expect(toHex(ahead.info.infoBytes)).toBe(toHex(serial.info.infoBytes));
    expect(progress.at(-1)).toBe(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const failing = { sha1: () => Promise.reject(new Error('no SHA-1 today')), sha256 };
    await expect(createAnyInfo(folderSources(), { name: 'share', ...failing })).rejects.toThrow(
      'no SHA-1 today',
    );
  });

  it('refuses bad input to create', async () => {
    const one = [source(['a'], new Uint8Array(10))];
    await expect(createAnyInfo(one, { name: 'n', ...hashers, pieceLength: 48 * KiB })).rejects.toThrow(
      /power of two/,
    );
    await expect(createAnyInfo(one, { name: 'n', ...hashers, pieceLength: 8 * KiB })).rejects.toThrow(
      /power of two/,
    );
    await expect(
      createAnyInfo([source(['a'], new Uint8Array(0))], { name: 'n', ...hashers }),
    ).rejects.toThrow(/no data/);
    await expect(
      createAnyInfo([source(['..'], new Uint8Array(1))], { name: 'n', ...hashers }),
    ).rejects.toThrow(/Unsafe/);
    const short: SourceFile = { path: ['a'], length: 10, read: async () => new Uint8Array(3) };
    await expect(createAnyInfo([short], { name: 'n', ...hashers })).rejects.toThrow(
      /gave 3 bytes instead of 10/,
    );
  });
});

describe('parseAnyInfo refuses malformed v2 info dictionaries with a clear MetainfoError', () => {
  const root = new Uint8Array(32).fill(7);

  it('a valid minimal one parses', async () => {
    const info = await parseAnyInfo(encode(v2Dict({ [key('f')]: fileNode(10, root) })), hashers);
    expect(info.v2!.files).toEqual([{ path: ['f'], length: 10, piecesRoot: root, offset: 0, pieceCount: 1 }]);
  });

  it.each<[string, BDict, RegExp]>([
    [
      'meta version 3',
      { ...v2Dict({ [key('f')]: fileNode(10, root) }), 'meta version': 3 },
      /meta version 3/,
    ],
    ['no file tree', { 'meta version': 2, name: utf8('t'), 'piece length': 16 * KiB }, /no file tree/],
    [
      'a piece length not a power of two',
      v2Dict({ [key('f')]: fileNode(10, root) }, 48 * KiB),
      /power of two/,
    ],
    ['a piece length below 16 KiB', v2Dict({ [key('f')]: fileNode(10, root) }, 8 * KiB), /power of two/],
    ['an empty file tree', v2Dict({}), /empty/],
    ['an empty folder', v2Dict({ [key('d')]: {} }), /folder "d" is empty/],
    [
      'a file and a folder at one path',
      v2Dict({ [key('d')]: { '': { length: 1 }, [key('x')]: fileNode(1, root) } }),
      /both a file and a folder/,
    ],
    ['a file with no root', v2Dict({ [key('f')]: fileNode(10) }), /no 32-byte pieces root/],
    [
      'a root of 20 bytes',
      v2Dict({ [key('f')]: fileNode(10, root.subarray(0, 20)) }),
      /no 32-byte pieces root/,
    ],
    ['a negative length', v2Dict({ [key('f')]: fileNode(-1, root) }), /below 0/],
    [
      'a dot-dot folder',
      v2Dict({ [key('..')]: { [key('f')]: fileNode(1, root) } }),
      /Unsafe path component "\.\."/,
    ],
    [
      'a name that is not UTF-8',
      v2Dict({ [bytesToBinary(new Uint8Array([0xff]))]: fileNode(1, root) }),
      /not valid UTF-8/,
    ],
    ['a file that is a string', v2Dict({ [key('f')]: utf8('x') }), /not a dictionary/],
    ['only empty files', v2Dict({ [key('f')]: fileNode(0) }), /no data/],
    ['a file tree that is a file', v2Dict({ '': { length: 1, 'pieces root': root } }), /itself a file/],
  ])('%s', async (_, dict, message) => {
    await expectError(dict, message);
  });

  it('a tree deeper than the limits', async () => {
    let tree: BDict = fileNode(1, root);
    for (let i = 0; i < 70; i++) tree = { [key('d')]: tree };
    await expectError(v2Dict(tree), /nest|deep/i);
  });

  it('hybrids whose v1 and v2 views differ', async () => {
    const { info } = await createAnyInfo(folderSources(), {
      name: 'share',
      ...hashers,
      pieceLength: 32 * KiB,
    });
    const dict = decode(info.infoBytes) as BDict;
    const v1Files = dict.files as BDict[];
    const variant = (change: (d: BDict, list: BDict[]) => void): BDict => {
      const copy = decode(info.infoBytes) as BDict;
      change(copy, copy.files as BDict[]);
      return copy;
    };
    // a.txt's pad file dropped (still 5 pieces): x.bin no longer starts on a piece boundary
    await expectError(
      variant((_, list) => list.splice(1, 1)),
      /differ: "b\/x.bin" starts at byte 5000 in v1, not on its piece boundary 32768/,
    );
    await expectError(
      variant((_, list) => {
        list[0].length = 5001;
        list[1].length = 27767;
      }),
      /"a.txt" has 5001 bytes in v1, 5000 in v2/,
    );
    await expectError(
      variant((_, list) => delete list[1].attr),
      /differ: 5 files against 4/,
    );
    await expectError(
      variant((_, list) => (list[2].path = [utf8('b'), utf8('z.bin')])),
      /file 1 is "b\/z.bin" in v1 and "b\/x.bin" in v2/,
    );
    await expectError(
      variant((d) => (d['name.utf-8'] = utf8('other'))),
      /the name is "other" in v1 and "share" in v2/,
    );
    await expectError(
      variant((_, list) => list.push({ attr: utf8('p'), length: 32 * KiB, path: [utf8('.pad'), utf8('x')] })),
      /piece hashes/,
    );
    expect(v1Files).toHaveLength(6);
  });
});

describe('parseAnyTorrent and encodeAnyTorrent', () => {
  it('round-trip a hybrid with its piece layers and trackers', async () => {
    const made = await createAnyInfo(folderSources(), { name: 'share', ...hashers, pieceLength: 16 * KiB });
    const torrent = encodeAnyTorrent({ ...made, announce: [['wss://a.example']], comment: 'hi' });
    const parsed = await parseAnyTorrent(torrent, hashers);
    expect(toHex(parsed.info.infoBytes)).toBe(toHex(made.info.infoBytes));
    expect(parsed.pieceLayers).toEqual(made.pieceLayers);
    expect(parsed.pieceLayers.size).toBe(2); // x.bin and y.bin are longer than 16 KiB
    expect(parsed.announce).toEqual([['wss://a.example']]);
    expect(parsed.comment).toBe('hi');
    // the v1 parser reads the same .torrent by its v1 hash
    expect((await parseTorrent(torrent, sha1)).info.infoHashHex).toBe(made.info.v1!.infoHashHex);
  });

  it('accepts a .torrent without piece layers, and refuses a layer of the wrong size or root', async () => {
    const made = await createAnyInfo(folderSources(), {
      name: 'share',
      sha256,
      version: 'v2',
      pieceLength: 16 * KiB,
    });
    const bare = await parseAnyTorrent(encodeAnyTorrent({ info: made.info, announce: [] }), hashers);
    expect(bare.pieceLayers.size).toBe(0);

    const [rootHex, layer] = [...made.pieceLayers.entries()][0];
    const withLayer = (value: Uint8Array): Uint8Array =>
      encodeAnyTorrent({ info: made.info, pieceLayers: new Map([[rootHex, value]]), announce: [] });
    await expect(parseAnyTorrent(withLayer(layer.subarray(32)), hashers)).rejects.toThrow(
      /not \d+ hashes of 32 bytes/,
    );
    const changed = layer.slice();
    changed[5] ^= 1;
    await expect(parseAnyTorrent(withLayer(changed), hashers)).rejects.toThrow(
      /does not match its pieces root/,
    );
    const outer = decode(withLayer(layer), { strictKeyOrder: false }) as Record<string, BValue>;
    outer['piece layers'] = utf8('x');
    await expect(parseAnyTorrent(encode(outer), hashers)).rejects.toThrow(
      /piece layers are not a dictionary/,
    );
  });
});
