import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { decode, encode, type BDict } from './bencode';
import {
  MAX_PIECE_LENGTH,
  MIN_PIECE_LENGTH,
  MAX_FILES,
  MAX_PATH_DEPTH,
  MAX_PATH_LENGTH,
  MetainfoError,
  choosePieceLength,
  createInfo,
  encodeTorrent,
  infoDict,
  parseInfo,
  parseTorrent,
  parseVerifiedInfo,
  pieceSize,
  type SourceFile,
  type TorrentInfo,
} from './metainfo';
import { toHex } from './hex';
import { sha1, sha1Sync } from '../testing/sha1';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Deterministic test data of `length` bytes. */
function data(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed * 2654435761;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

interface Reads {
  calls: { path: string; offset: number; length: number }[];
}

/** A SourceFile over bytes that records its reads. */
function source(path: string[], bytes: Uint8Array, reads?: Reads): SourceFile {
  return {
    path,
    length: bytes.length,
    read: async (offset, length) => {
      reads?.calls.push({ path: path.join('/'), offset, length });
      return bytes.slice(offset, offset + length);
    },
  };
}

/** The expected piece hashes of the concatenated data, computed independently. */
function expectedPieces(all: Uint8Array, pieceLength: number): Uint8Array {
  const out: number[] = [];
  for (let at = 0; at < all.length; at += pieceLength)
    out.push(...sha1Sync(all.subarray(at, at + pieceLength)));
  return new Uint8Array(out);
}

const concat = (parts: Uint8Array[]): Uint8Array => new Uint8Array(parts.flatMap((p) => Array.from(p)));

describe('choosePieceLength', () => {
  it('clamps at 16 KiB and 4 MiB', () => {
    expect(choosePieceLength(0)).toBe(MIN_PIECE_LENGTH);
    expect(choosePieceLength(1)).toBe(16 * 1024);
    expect(choosePieceLength(10 * 1024 * 1024)).toBe(16 * 1024);
    expect(choosePieceLength(1024 ** 4)).toBe(MAX_PIECE_LENGTH);
  });

  it('gives a power of two with 1,000 to 2,000 pieces when not clamped', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2000 * 16 * 1024 + 1, max: 2000 * 4 * 1024 * 1024 }), (total) => {
        const pieceLength = choosePieceLength(total);
        expect(Number.isInteger(Math.log2(pieceLength))).toBe(true);
        expect(pieceLength).toBeGreaterThanOrEqual(MIN_PIECE_LENGTH);
        expect(pieceLength).toBeLessThanOrEqual(MAX_PIECE_LENGTH);
        const pieces = Math.ceil(total / pieceLength);
        expect(pieces).toBeGreaterThan(1000);
        expect(pieces).toBeLessThanOrEqual(2000);
      }),
    );
  });
});

describe('createInfo', () => {
  it('makes a single-file torrent for one file named like the torrent', async () => {
    const bytes = data(40_000);
    const info = await createInfo([source(['film.bin'], bytes)], { name: 'film.bin', sha1 });
    expect(info.multiFile).toBe(false);
    expect(info.name).toBe('film.bin');
    expect(info.pieceLength).toBe(16384);
    expect(info.pieceCount).toBe(3);
    expect(info.length).toBe(40_000);
    expect(info.files).toEqual([{ path: ['film.bin'], length: 40_000, offset: 0 }]);
    expect(info.pieces).toEqual(expectedPieces(bytes, 16384));
    expect(info.infoHash).toEqual(sha1Sync(info.infoBytes));
    expect(info.infoHashHex).toBe(toHex(info.infoHash));
    const dict = infoDict(info);
    expect(Object.keys(dict).sort()).toEqual(['length', 'name', 'piece length', 'pieces']);
    expect(dict.name).toEqual(utf8('film.bin'));
    expect(pieceSize(info, 0)).toBe(16384);
    expect(pieceSize(info, 2)).toBe(40_000 - 2 * 16384);
    expect(() => pieceSize(info, 3)).toThrow(RangeError);
    expect(() => pieceSize(info, -1)).toThrow(RangeError);
  });

  it('makes a multi-file torrent whose pieces span files, with an empty file among them', async () => {
    const parts = [data(1000, 1), data(0), data(2500, 3), data(7, 4)];
    const reads: Reads = { calls: [] };
    const files = [
      source(['a.txt'], parts[0], reads),
      source(['empty'], parts[1], reads),
      source(['sub', 'b.bin'], parts[2], reads),
      source(['sub', 'deeper', 'c'], parts[3], reads),
    ];
    const info = await createInfo(files, { name: 'Folder é', sha1, pieceLength: 1024 });
    expect(info.multiFile).toBe(true);
    expect(info.pieceCount).toBe(4);
    expect(info.files).toEqual([
      { path: ['a.txt'], length: 1000, offset: 0 },
      { path: ['empty'], length: 0, offset: 1000 },
      { path: ['sub', 'b.bin'], length: 2500, offset: 1000 },
      { path: ['sub', 'deeper', 'c'], length: 7, offset: 3500 },
    ]);
    expect(info.pieces).toEqual(expectedPieces(concat(parts), 1024));
    expect(infoDict(info).files).toEqual([
      { length: 1000, path: [utf8('a.txt')] },
      { length: 0, path: [utf8('empty')] },
      { length: 2500, path: [utf8('sub'), utf8('b.bin')] },
      { length: 7, path: [utf8('sub'), utf8('deeper'), utf8('c')] },
    ]);
    // Every byte read exactly once, never more than a piece at a time, the empty file never.
    expect(reads.calls.every((call) => call.length <= 1024 && call.length > 0)).toBe(true);
    expect(reads.calls.reduce((sum, call) => sum + call.length, 0)).toBe(3507);
    expect(reads.calls.some((call) => call.path === 'empty')).toBe(false);
    expect(reads.calls.slice(0, 2)).toEqual([
      { path: 'a.txt', offset: 0, length: 1000 },
      { path: 'sub/b.bin', offset: 0, length: 24 },
    ]);
  });

  it('uses the files form for one file whose path is not [name]', async () => {
    const info = await createInfo([source(['dir', 'x'], data(10))], { name: 'x', sha1 });
    expect(info.multiFile).toBe(true);
    expect(info.files[0].path).toEqual(['dir', 'x']);
  });

  it('reports progress up to the total', async () => {
    const seen: [number, number][] = [];
    await createInfo([source(['f'], data(10_000))], {
      name: 'f',
      sha1,
      pieceLength: 1024,
      onProgress: (hashed, total) => seen.push([hashed, total]),
    });
    expect(seen.length).toBe(10);
    expect(seen.at(-1)).toEqual([10_000, 10_000]);
    for (let i = 1; i < seen.length; i++) expect(seen[i][0]).toBeGreaterThan(seen[i - 1][0]);
  });

  it('hands each piece to onPiece in order and waits for it, a few pieces at a time', async () => {
    const bytes = data(10_000);
    const reads: Reads = { calls: [] };
    const handed: [number, Uint8Array][] = [];
    const held: (() => void)[] = [];
    let holding = true;
    const creating = createInfo(
      [source(['a'], bytes.subarray(0, 3000), reads), source(['b'], bytes.subarray(3000), reads)],
      {
        name: 'x',
        sha1,
        pieceLength: 1024,
        maxInFlight: 2,
        onPiece: (index, piece) => {
          handed.push([index, piece.slice()]);
          return holding ? new Promise<void>((resolve) => held.push(resolve)) : undefined;
        },
      },
    );
    await vi.waitFor(() => expect(handed.length).toBe(2));
    await new Promise((resolve) => setTimeout(resolve, 10));
    // Two pieces pending and not released: reading stopped after them.
    expect(handed.map(([index]) => index)).toEqual([0, 1]);
    expect(reads.calls.length).toBe(2);
    holding = false;
    held.forEach((resolve) => resolve());
    const info = await creating;
    expect(handed.map(([index]) => index)).toEqual([...Array(10).keys()]);
    for (const [index, piece] of handed) {
      expect(piece).toEqual(bytes.subarray(index * 1024, (index + 1) * 1024));
    }
    expect(info.pieces).toEqual(expectedPieces(bytes, 1024));
  });

  it('fails when onPiece fails', async () => {
    const onPiece = async (index: number): Promise<void> => {
      if (index === 3) throw new Error('quota exceeded');
    };
    await expect(
      createInfo([source(['f'], data(10_000))], { name: 'f', sha1, pieceLength: 1024, onPiece }),
    ).rejects.toThrow('quota exceeded');
  });

  it('sets private when asked', async () => {
    const info = await createInfo([source(['f'], data(10))], { name: 'f', sha1, private: true });
    expect(info.private).toBe(true);
    expect(infoDict(info).private).toBe(1);
  });

  it('refuses an empty total, unsafe names and clashing paths before reading anything', async () => {
    const reads: Reads = { calls: [] };
    const fails = async (files: SourceFile[], name: string, message: RegExp): Promise<void> => {
      await expect(createInfo(files, { name, sha1 })).rejects.toThrow(MetainfoError);
      await expect(createInfo(files, { name, sha1 })).rejects.toThrow(message);
    };
    const one = (path: string[], length = 5): SourceFile => source(path, data(length), reads);
    await fails([one(['a'], 0), one(['b'], 0)], 'x', /no data \(0 bytes in all\)/);
    await fails([], 'x', /No files/);
    await fails([one(['a'])], '..', /Unsafe name/);
    await fails([one(['a'])], 'a/b', /slash/);
    await fails([one(['..', 'a'])], 'x', /refers to a folder/);
    await fails([one(['ok', 'bad\u0001'])], 'x', /control character/);
    await fails([one([])], 'x', /empty path/);
    await fails([one(['a']), one(['a'])], 'x', /Two files use the path "a"/);
    await fails([one(['a']), one(['a', 'b'])], 'x', /Two files use the path "a"/);
    await fails([one(['a', 'b']), one(['a'])], 'x', /Two files use the path "a"/);
    expect(reads.calls).toEqual([]);
  });

  it('fails clearly when a file reads short or hashing fails', async () => {
    const short: SourceFile = {
      path: ['f'],
      length: 100,
      read: async (_offset, length) => new Uint8Array(length - 1),
    };
    await expect(createInfo([short], { name: 'f', sha1 })).rejects.toThrow(/gave 99 bytes instead of 100/);
    let calls = 0;
    const flaky = async (bytes: Uint8Array): Promise<Uint8Array> => {
      if (++calls === 2) throw new Error('hash failed');
      return sha1(bytes);
    };
    await expect(
      createInfo([source(['f'], data(10_000))], { name: 'f', sha1: flaky, pieceLength: 1024 }),
    ).rejects.toThrow('hash failed');
  });

  it('round-trips through parseInfo for any file list', async () => {
    const fileArb = fc.record({
      path: fc.array(fc.constantFrom('a', 'b', 'é', 'long name.txt'), { minLength: 1, maxLength: 3 }),
      length: fc.nat(3000),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fileArb, { minLength: 1, maxLength: 5, selector: (f) => f.path.join('/') }),
        fc.integer({ min: 200, max: 4096 }),
        async (specs, pieceLength) => {
          const paths = specs.map((s) => s.path.join('/'));
          const clash = paths.some((p) => paths.some((q) => q.startsWith(`${p}/`)));
          const total = specs.reduce((sum, s) => sum + s.length, 0);
          fc.pre(!clash && total > 0);
          const contents = specs.map((s, i) => data(s.length, i + 1));
          const files = specs.map((s, i) => source(s.path, contents[i]));
          const info = await createInfo(files, { name: 'torrent', sha1, pieceLength });
          expect(info.pieces).toEqual(expectedPieces(concat(contents), pieceLength));
          const parsed = await parseInfo(info.infoBytes, sha1);
          expect(parsed).toEqual(info);
          let sum = 0;
          for (let i = 0; i < parsed.pieceCount; i++) sum += pieceSize(parsed, i);
          expect(sum).toBe(total);
        },
      ),
      { numRuns: 60 },
    );
  });
});

/** Bencodes an info dictionary with defaults for the required fields, overridden by `fields`. */
function infoBytes(fields: Record<string, unknown>): Uint8Array {
  const base: Record<string, unknown> = {
    name: utf8('x'),
    'piece length': 16384,
    pieces: new Uint8Array(20),
    length: 100,
  };
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) delete base[key];
    else base[key] = value;
  }
  return encode(base as BDict);
}

describe('parseInfo against hostile info dictionaries', () => {
  const multi = (files: Array<{ length: number; path: Uint8Array[] }>) =>
    infoBytes({ length: undefined, files, pieces: new Uint8Array(20) });

  it('refuses a 180 KB dictionary with one path of 60,000 components from the lengths alone', () => {
    const bytes = multi([{ length: 100, path: Array.from({ length: 60_000 }, () => utf8('a')) }]);
    expect(bytes.length).toBeGreaterThan(180_000);
    expect(() => parseVerifiedInfo(bytes, new Uint8Array(20))).toThrow(
      new MetainfoError(`File 0 has a path 60000 folders deep (max ${MAX_PATH_DEPTH})`),
    );
  });

  it('accepts a path exactly at the depth and length limits, and refuses one past them', () => {
    const deep = (depth: number) => Array.from({ length: depth }, (_, i) => utf8(`d${i}`));
    expect(
      parseVerifiedInfo(multi([{ length: 100, path: deep(MAX_PATH_DEPTH) }]), new Uint8Array(20)).files,
    ).toHaveLength(1);
    expect(() =>
      parseVerifiedInfo(multi([{ length: 100, path: deep(MAX_PATH_DEPTH + 1) }]), new Uint8Array(20)),
    ).toThrow(/folders deep/);
    // Two components of 2047 characters and a separator: 4095, then 4097.
    const long = (n: number) => [utf8('x'.repeat(2047)), utf8('y'.repeat(n))];
    expect(
      parseVerifiedInfo(multi([{ length: 100, path: long(2048) }]), new Uint8Array(20)).files,
    ).toHaveLength(1);
    expect(() => parseVerifiedInfo(multi([{ length: 100, path: long(2049) }]), new Uint8Array(20))).toThrow(
      `File 0 has a path of 4097 characters (max ${MAX_PATH_LENGTH})`,
    );
  });

  it('refuses more files than the limit before reading any of them', () => {
    const files = Array.from({ length: MAX_FILES + 1 }, () => ({ length: 0, path: [utf8('f')] }));
    expect(() => parseVerifiedInfo(multi(files), new Uint8Array(20))).toThrow(
      `The torrent lists ${MAX_FILES + 1} files (max ${MAX_FILES})`,
    );
  });

  it('still finds clashing paths in a tree of many deep files', () => {
    const path = (i: number) => [
      ...Array.from({ length: 60 }, (_, d) => utf8(`level${d}`)),
      utf8(`file${i}`),
    ];
    const files = Array.from({ length: 2000 }, (_, i) => ({ length: 1, path: path(i) }));
    const ok = infoBytes({ length: undefined, files, pieces: new Uint8Array(20) });
    expect(parseVerifiedInfo(ok, new Uint8Array(20)).files).toHaveLength(2000);
    const clash = [...files, { length: 1, path: path(0).slice(0, 30) }]; // a file where a folder is
    expect(() => parseVerifiedInfo(multi(clash), new Uint8Array(20))).toThrow(
      /Two files use the path "level0\/.*level29"/,
    );
    const twice = [...files, { length: 1, path: path(1999) }];
    expect(() => parseVerifiedInfo(multi(twice), new Uint8Array(20))).toThrow(/Two files use the path/);
  });

  it('lets BEP 47 pad files share a path with each other, never with another file or a folder', () => {
    const p = utf8('p');
    const entry = (path: string[], attr?: Uint8Array) => ({
      length: 1,
      path: path.map(utf8),
      ...(attr && { attr }),
    });
    const list = (...files: BDict[]) => infoBytes({ length: undefined, files, pieces: new Uint8Array(20) });
    const pads = parseVerifiedInfo(
      list(entry(['a']), entry(['.pad', '1'], p), entry(['b']), entry(['.pad', '1'], utf8('xp'))),
      new Uint8Array(20),
    );
    expect(pads.files.map((f) => f.path.join('/'))).toEqual(['a', '.pad/1', 'b', '.pad/1']);
    expect(pads.files.map((f) => f.pad === true)).toEqual([false, true, false, true]);
    const clashes = [
      [entry(['.pad', '1']), entry(['.pad', '1'], p)],
      [entry(['.pad', '1'], p), entry(['.pad', '1'])],
      [entry(['.pad', '1'], p), entry(['.pad', '1', 'x'], p)],
      [entry(['.pad'], p), entry(['.pad', '1'], p)],
      [entry(['.pad', '1'], utf8('x')), entry(['.pad', '1'], utf8('x'))],
    ];
    for (const files of clashes)
      expect(() => parseVerifiedInfo(list(...files), new Uint8Array(20))).toThrow(
        /Two files use the path "\.pad/,
      );
  });
});

describe('parseInfo', () => {
  it('reads a valid dictionary and hashes its exact bytes', async () => {
    const bytes = infoBytes({ private: 1 });
    const info = await parseInfo(bytes, sha1);
    expect(info.name).toBe('x');
    expect(info.pieceCount).toBe(1);
    expect(info.private).toBe(true);
    expect(info.infoHash).toEqual(sha1Sync(bytes));
    expect(info.infoBytes).toEqual(bytes);
    expect(encode(infoDict(info))).toEqual(bytes);
  });

  it('has a synchronous form for metadata already checked against its info hash', async () => {
    const bytes = infoBytes({});
    const hash = sha1Sync(bytes);
    expect(parseVerifiedInfo(bytes, hash)).toEqual(await parseInfo(bytes, sha1));
    expect(() => parseVerifiedInfo(bytes, hash.subarray(1))).toThrow(/20 bytes, not 19/);
    expect(() => parseVerifiedInfo(infoBytes({ name: utf8('a/b') }), hash)).toThrow(MetainfoError);
  });

  it('explains what is wrong', async () => {
    const fails = async (bytes: Uint8Array, message: RegExp): Promise<void> => {
      expect(() => parseVerifiedInfo(bytes, new Uint8Array(20))).toThrow(message);
      await expect(parseInfo(bytes, sha1)).rejects.toThrow(MetainfoError);
      await expect(parseInfo(bytes, sha1)).rejects.toThrow(message);
    };
    await fails(utf8('d4:name'), /not valid bencode: Unexpected end of input at byte 7/);
    await fails(utf8('d1:bi1e1:ai1ee'), /not valid bencode: .*out of order/);
    await fails(utf8('li1ee'), /not a dictionary/);
    await fails(infoBytes({ name: undefined }), /no name/);
    await fails(infoBytes({ name: utf8('..') }), /Unsafe name "\.\."/);
    await fails(infoBytes({ name: new Uint8Array([0xff]) }), /name is not valid UTF-8/);
    await fails(infoBytes({ 'piece length': undefined }), /no integer piece length/);
    await fails(infoBytes({ 'piece length': 0 }), /piece length 0 is below 1/);
    await fails(infoBytes({ 'piece length': 2 ** 30 }), /above the limit/);
    await fails(infoBytes({ pieces: new Uint8Array(21) }), /21 bytes, not a multiple of 20/);
    await fails(
      infoBytes({ pieces: new Uint8Array(40) }),
      /2 piece hashes but 100 bytes in pieces of 16384 need 1/,
    );
    await fails(infoBytes({ length: 0, pieces: new Uint8Array() }), /holds no data/);
    await fails(infoBytes({ length: -1 }), /length -1 is below 0/);
    await fails(infoBytes({ files: [] }), /both length and files/);
    await fails(infoBytes({ length: undefined, files: [] }), /files list is empty/);
    const file = (path: unknown, length: unknown = 100): unknown => ({ length, path });
    await fails(
      infoBytes({ length: undefined, files: [file([utf8('..')])] }),
      /Unsafe path component "\.\."/,
    );
    await fails(infoBytes({ length: undefined, files: [file([utf8('/etc')])] }), /slash/);
    await fails(infoBytes({ length: undefined, files: [file([utf8('a\nb')])] }), /control character/);
    await fails(infoBytes({ length: undefined, files: [file([])] }), /File 0 has no path/);
    await fails(infoBytes({ length: undefined, files: [file([5])] }), /not a string/);
    await fails(infoBytes({ length: undefined, files: [file([utf8('a')], utf8('1'))] }), /length of file 0/);
    await fails(infoBytes({ length: undefined, files: [5] }), /File 0 is not a dictionary/);
    await fails(
      infoBytes({ length: undefined, files: [file([utf8('a')], 50), file([utf8('a')], 50)] }),
      /Two files use the path "a"/,
    );
  });
});

describe('parseTorrent and encodeTorrent', () => {
  const makeInfo = (): Promise<TorrentInfo> =>
    createInfo([source(['a'], data(3000)), source(['b'], data(10))], {
      name: 'pair',
      sha1,
      pieceLength: 1024,
    });

  it('round-trips trackers, web seeds and the info bytes', async () => {
    const info = await makeInfo();
    const announce = [['wss://one.example/announce', 'wss://two.example'], ['ws://localhost:8000']];
    const bytes = encodeTorrent({
      info,
      announce,
      urlList: ['https://seed.example/'],
      comment: 'hello é',
      createdBy: 'swarmdrop',
      creationDate: 1_700_000_000,
    });
    const torrent = decode(bytes) as BDict;
    expect(torrent.announce).toEqual(utf8('wss://one.example/announce'));
    const parsed = await parseTorrent(bytes, sha1);
    expect(parsed.info).toEqual(info);
    expect(parsed.announce).toEqual(announce);
    expect(parsed.urlList).toEqual(['https://seed.example/']);
    expect(parsed.comment).toBe('hello é');
    expect(parsed.createdBy).toBe('swarmdrop');
    expect(parsed.creationDate).toBe(1_700_000_000);
  });

  it('writes extra top-level fields beside the info dictionary, never a second info', async () => {
    const info = await makeInfo();
    const bytes = encodeTorrent({
      info,
      announce: [],
      fields: { 'piece layers': {}, info: 5, zz: utf8('z') },
    });
    const torrent = decode(bytes) as BDict;
    expect(Object.keys(torrent)).toEqual(['info', 'piece layers', 'zz']);
    expect((await parseTorrent(bytes, sha1)).info).toEqual(info);
  });

  it('leaves out announce and url-list when there are none', async () => {
    const info = await makeInfo();
    const torrent = decode(encodeTorrent({ info, announce: [] })) as BDict;
    expect(Object.keys(torrent)).toEqual(['info']);
    const parsed = await parseTorrent(encodeTorrent({ info, announce: [[]] }), sha1);
    expect(parsed.announce).toEqual([]);
    expect(parsed.urlList).toEqual([]);
    expect(parsed.comment).toBeUndefined();
  });

  it('hashes the info bytes as they are in the file, whatever surrounds them', async () => {
    const info = await makeInfo();
    // Outer keys out of order, an unknown key, a single url-list string and announce without a list.
    const raw = concat([
      utf8('d8:url-list20:https://seed.example4:info'),
      info.infoBytes,
      utf8('8:announce17:wss://t.example/a5:extrali1eee'),
    ]);
    const parsed = await parseTorrent(raw, sha1);
    expect(parsed.info.infoHash).toEqual(sha1Sync(info.infoBytes));
    expect(parsed.announce).toEqual([['wss://t.example/a']]);
    expect(parsed.urlList).toEqual(['https://seed.example']);
  });

  it('cleans tracker tiers: trims, drops empty entries and repeats, keeps order', async () => {
    const info = await makeInfo();
    const torrent = {
      announce: utf8('wss://ignored.example'),
      'announce-list': [[utf8(' wss://a '), utf8('')], [], [utf8('wss://b'), utf8('wss://a')], 5],
      info: decode(info.infoBytes),
    } as unknown as BDict;
    const parsed = await parseTorrent(encode(torrent), sha1);
    expect(parsed.announce).toEqual([['wss://a'], ['wss://b']]);
  });

  it('explains what is wrong', async () => {
    const fails = async (bytes: Uint8Array, message: RegExp): Promise<void> => {
      await expect(parseTorrent(bytes, sha1)).rejects.toThrow(MetainfoError);
      await expect(parseTorrent(bytes, sha1)).rejects.toThrow(message);
    };
    await fails(utf8('<html>'), /Not a \.torrent file \(invalid bencode: Unexpected byte 0x3c at byte 0\)/);
    await fails(utf8(''), /Not a \.torrent file/);
    await fails(utf8('li1ee'), /not a dictionary/);
    await fails(utf8('d8:announce1:xe'), /no info dictionary/);
    await fails(utf8('d4:infoi1ee'), /no info dictionary/);
    await fails(utf8('d4:infod1:bi1e1:ai1eee'), /info dictionary is not valid bencode: .*out of order/);
  });
});
