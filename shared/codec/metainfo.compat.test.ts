// Cross-checks of metainfo against the reference packages create-torrent and parse-torrent.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import createTorrent, { type CreateTorrentOptions } from 'create-torrent';
import parseReference from 'parse-torrent';
import { createInfo, encodeTorrent, parseTorrent, type Metainfo, type SourceFile } from './metainfo';
import { toHex } from './hex';
import { sha1, sha1Sync } from '../testing/sha1';

interface Spec {
  path: string[];
  bytes: Uint8Array;
}

/** A .torrent made by create-torrent from Buffers named by their paths. */
function referenceTorrent(specs: Spec[], opts: CreateTorrentOptions): Promise<Uint8Array> {
  const buffers = specs.map((spec) => Object.assign(Buffer.from(spec.bytes), { name: spec.path.join('/') }));
  return new Promise((resolve, reject) => {
    createTorrent(
      buffers.length === 1 ? buffers[0] : buffers,
      { filterJunkFiles: false, ...opts },
      (err, torrent) => (err ? reject(err) : resolve(new Uint8Array(torrent))),
    );
  });
}

const sources = (specs: Spec[]): SourceFile[] =>
  specs.map((spec) => ({
    path: spec.path,
    length: spec.bytes.length,
    read: async (offset, length) => spec.bytes.slice(offset, offset + length),
  }));

const splitHashes = (pieces: Uint8Array): string[] =>
  Array.from({ length: pieces.length / 20 }, (_, i) => toHex(pieces.subarray(i * 20, i * 20 + 20)));

/** Asserts that our parse and parse-torrent's agree on every field both have. */
async function expectSameAsReference(torrent: Uint8Array, ours: Metainfo): Promise<void> {
  const theirs = await parseReference(torrent);
  const { info } = ours;
  expect(info.infoHashHex).toBe(theirs.infoHash);
  expect(info.name).toBe(theirs.name);
  expect(info.pieceLength).toBe(theirs.pieceLength);
  expect(info.length).toBe(theirs.length);
  expect(splitHashes(info.pieces)).toEqual(theirs.pieces);
  expect(
    info.files.map((file) => ({
      // parse-torrent puts the torrent name in front of every path, even for a single file
      path: (info.multiFile ? [info.name, ...file.path] : file.path).join('/'),
      length: file.length,
      offset: file.offset,
    })),
  ).toEqual(theirs.files?.map(({ path, length, offset }) => ({ path, length, offset })));
  // parse-torrent flattens the tiers into one deduplicated list
  expect(ours.announce.flat()).toEqual(theirs.announce);
  expect(ours.urlList).toEqual(theirs.urlList);
  expect(info.private).toBe(theirs.private ?? false);
  expect(ours.comment).toBe(theirs.comment);
  expect(ours.createdBy).toBe(theirs.createdBy);
  expect(ours.creationDate).toBe(theirs.created ? theirs.created.getTime() / 1000 : undefined);
}

function bytes(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed * 17 + (i >> 8)) & 0xff);
}

const announceList = [['wss://a.example/announce', 'wss://b.example'], ['ws://localhost:8000/']];

describe('a .torrent made by create-torrent', () => {
  it('parses to the same fields as parse-torrent gives (multi-file, empty file, tiers, web seeds)', async () => {
    const specs: Spec[] = [
      { path: ['Folder é', 'a.txt'], bytes: bytes(33_000, 1) },
      { path: ['Folder é', 'empty'], bytes: new Uint8Array() },
      { path: ['Folder é', 'sub', 'b.bin'], bytes: bytes(40_000, 2) },
    ];
    const torrent = await referenceTorrent(specs, {
      announceList,
      urlList: ['https://seed.example/'],
      comment: 'a comment',
      createdBy: 'create-torrent',
      creationDate: new Date(1_700_000_000_000),
      private: true,
    });
    const ours = await parseTorrent(torrent, sha1);
    expect(ours.info.multiFile).toBe(true);
    expect(ours.info.name).toBe('Folder é');
    expect(ours.info.files.map((f) => f.path)).toEqual([['a.txt'], ['empty'], ['sub', 'b.bin']]);
    expect(ours.announce).toEqual(announceList);
    expect(ours.creationDate).toBe(1_700_000_000);
    await expectSameAsReference(torrent, ours);
  });

  it('parses a single-file torrent the same way', async () => {
    const torrent = await referenceTorrent([{ path: ['one.bin'], bytes: bytes(100_000, 3) }], {
      announceList: [['wss://only.example']],
    });
    const ours = await parseTorrent(torrent, sha1);
    expect(ours.info.multiFile).toBe(false);
    expect(ours.announce).toEqual([['wss://only.example']]);
    await expectSameAsReference(torrent, ours);
  });

  it('agrees for random file sets and piece lengths', async () => {
    const name = fc.constantFrom('a', 'b.txt', 'Ünï', 'x y', 'z');
    const spec = fc.record({
      path: fc.array(name, { minLength: 1, maxLength: 2 }),
      // No empty files here: create-torrent's block-iterator counts an empty Buffer as one byte, which adds a
      // zero byte to the last piece and, when the total is a multiple of the piece length, an extra piece hash
      // (a torrent we rightly refuse). The fixed case above has an empty file where that does not matter.
      length: fc.integer({ min: 1, max: 5000 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(spec, { minLength: 2, maxLength: 4, selector: (s) => s.path.join('/') }),
        fc.constantFrom(1024, 2048, 16384),
        async (files, pieceLength) => {
          const paths = files.map((f) => f.path.join('/'));
          fc.pre(!paths.some((p) => paths.some((q) => q.startsWith(`${p}/`))));
          const specs = files.map((f, i) => ({ path: ['root', ...f.path], bytes: bytes(f.length, i) }));
          const torrent = await referenceTorrent(specs, { announceList, pieceLength });
          await expectSameAsReference(torrent, await parseTorrent(torrent, sha1));
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('a .torrent made by us', () => {
  it('parses in parse-torrent to the same info hash and fields', async () => {
    const specs: Spec[] = [
      { path: ['a.txt'], bytes: bytes(20_000, 4) },
      { path: ['nested', 'empty'], bytes: new Uint8Array() },
      { path: ['nested', 'b'], bytes: bytes(7, 5) },
    ];
    const info = await createInfo(sources(specs), { name: 'Share', sha1, private: true });
    const torrent = encodeTorrent({
      info,
      announce: announceList,
      urlList: ['https://seed.example/'],
      comment: 'from us',
      createdBy: 'swarmdrop',
      creationDate: 1_700_000_000,
    });
    await expectSameAsReference(torrent, await parseTorrent(torrent, sha1));
  });

  it('has the same info dictionary, byte for byte, as create-torrent makes from the same files', async () => {
    const cases: { name: string; specs: Spec[]; pieceLength?: number }[] = [
      { name: 'single.bin', specs: [{ path: ['single.bin'], bytes: bytes(70_000, 6) }] },
      {
        name: 'dir',
        pieceLength: 1024,
        specs: [
          { path: ['x'], bytes: bytes(1500, 7) },
          { path: ['y', 'z'], bytes: bytes(3000, 8) },
          { path: ['y', 'é'], bytes: bytes(1, 9) },
        ],
      },
    ];
    for (const { name, specs, pieceLength } of cases) {
      const info = await createInfo(sources(specs), { name, sha1, pieceLength });
      const reference = await referenceTorrent(
        info.multiFile ? specs.map((s) => ({ path: [name, ...s.path], bytes: s.bytes })) : specs,
        { announceList: [], pieceLength: info.pieceLength },
      );
      const theirs = await parseReference(reference);
      expect(info.infoHashHex).toBe(theirs.infoHash);
    }
  });

  it('differs from create-torrent with an empty file only in the last piece hash, which create-torrent gets wrong', async () => {
    const specs: Spec[] = [
      { path: ['dir', 'x'], bytes: bytes(1500, 7) },
      { path: ['dir', 'zero'], bytes: new Uint8Array() },
      { path: ['dir', 'y'], bytes: bytes(3000, 8) },
    ];
    const info = await createInfo(sources(specs.map((s) => ({ path: s.path.slice(1), bytes: s.bytes }))), {
      name: 'dir',
      sha1,
      pieceLength: 1024,
    });
    const theirs = await parseReference(
      await referenceTorrent(specs, { announceList: [], pieceLength: 1024 }),
    );
    const ours = splitHashes(info.pieces);
    expect(ours.slice(0, -1)).toEqual(theirs.pieces?.slice(0, -1));
    // create-torrent hashed the last 404 bytes plus a stray zero byte; ours hashes exactly the data.
    const all = new Uint8Array([...specs[0].bytes, ...specs[2].bytes]);
    expect(ours.at(-1)).toBe(toHex(sha1Sync(all.subarray(4096))));
    expect(theirs.pieces?.at(-1)).toBe(toHex(sha1Sync(new Uint8Array([...all.subarray(4096), 0]))));
  });
});
