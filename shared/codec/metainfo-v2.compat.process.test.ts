// BitTorrent v2 and hybrid metainfo against libtorrent 2.0 (Debian's python3-libtorrent) and parse-torrent.
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import parseReference from 'parse-torrent';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawValueRange } from './bencode';
import { toHex } from './hex';
import { createAnyInfo, encodeAnyTorrent, parseAnyTorrent, type AnyMetainfo } from './metainfo-v2';
import type { SourceFile } from './metainfo';
import { libtorrentMissing, ltCheck, ltCreate, ltDescribe, type LtTorrent } from '../testing/libtorrent';
import { sha1 } from '../testing/sha1';
import { sha256 } from '../testing/sha256';

const KiB = 1024;
const MiB = 1024 * KiB;
const hashers = { sha1, sha256 };

/** A share on disk: its files as paths below the share (for a single file, [name]) and their sizes. */
interface Fixture {
  name: string;
  single: boolean;
  files: { path: string[]; size: number }[];
}

const folder: Fixture = {
  name: 'share',
  single: false,
  files: [
    { path: ['movie.bin'], size: 3 * MiB + 123 },
    { path: ['sub', 'deep', 'exact.dat'], size: MiB },
    { path: ['sub', 'notes.txt'], size: 700 * KiB + 5 },
    { path: ['empty.txt'], size: 0 },
    { path: ['Zebra.bin'], size: 50_000 },
    // integer-like names come first in a JavaScript object's key order, not in a bencoded dictionary's
    { path: ['10.bin'], size: 16 * KiB },
    { path: ['9.bin'], size: 16 * KiB + 1 },
    { path: ['été', 'ä.bin'], size: 20_000 },
    // two pad files of the same size share the path .pad/<size>
    { path: ['twin-1.bin'], size: 5000 },
    { path: ['twin-2.bin'], size: 5000 },
  ],
};

const singleFile: Fixture = {
  name: 'clip.webm',
  single: true,
  files: [{ path: ['clip.webm'], size: 2.5 * MiB + 7 }],
};

let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'swarmdrop-v2-'));
  for (const fixture of [folder, singleFile]) {
    for (const file of fixture.files) {
      const path = fixture.single ? join(root, fixture.name) : join(root, fixture.name, ...file.path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, randomBytes(file.size));
    }
  }
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

const fixturePath = (fixture: Fixture): string => join(root, fixture.name);

function sources(fixture: Fixture): SourceFile[] {
  return fixture.files.map((file) => {
    const data = new Uint8Array(
      readFileSync(fixture.single ? fixturePath(fixture) : join(fixturePath(fixture), ...file.path)),
    );
    return {
      path: file.path,
      length: data.length,
      read: async (offset, length) => data.slice(offset, offset + length),
    };
  });
}

/** libtorrent's name for one of our files. */
const ltPath = (name: string, multiFile: boolean, path: string[]): string =>
  (multiFile ? [name, ...path] : path).join('/');

/** Our parse against libtorrent's description of the same .torrent: hashes, files in order, roots, pads. */
function expectSameFiles(ours: AnyMetainfo, theirs: LtTorrent): void {
  const { v1, v2 } = ours.info;
  expect(v1?.infoHashHex ?? null).toBe(theirs.v1);
  expect(v2?.infoHashHex ?? null).toBe(theirs.v2);
  const name = (v2 ?? v1)!.name;
  const multiFile = (v2 ?? v1)!.multiFile;
  expect(name).toBe(theirs.name);
  expect((v2 ?? v1)!.pieceLength).toBe(theirs.piece_length);
  if (v1) {
    const pads = new Set(ours.info.padFiles);
    expect(
      v1.files.map((file, i) => ({
        path: ltPath(name, multiFile, file.path),
        size: file.length,
        offset: file.offset,
        pad: pads.has(i),
      })),
    ).toEqual(theirs.files.map(({ path, size, offset, pad }) => ({ path, size, offset, pad })));
    expect(v1.pieceCount).toBe(theirs.num_pieces);
  }
  if (v2) {
    expect(
      v2.files.map((file) => ({
        path: ltPath(name, multiFile, file.path),
        size: file.length,
        offset: file.offset,
        root: file.piecesRoot ? toHex(file.piecesRoot) : null,
      })),
    ).toEqual(
      theirs.files
        .filter((file) => !file.pad)
        .map(({ path, size, offset, root }) => ({ path, size, offset, root })),
    );
    const layered = v2.files.filter((file) => file.pieceCount > 1).map((file) => toHex(file.piecesRoot!));
    expect([...ours.pieceLayers.keys()].sort()).toEqual([...new Set(layered)].sort());
  }
}

const infoBytesOf = (torrent: Uint8Array): Uint8Array => {
  const range = rawValueRange(torrent, 'info')!;
  return torrent.slice(range.start, range.end);
};

describe.skipIf(libtorrentMissing !== undefined)(
  `BitTorrent v2 metainfo against libtorrent 2.0${libtorrentMissing ? ` (skipped: ${libtorrentMissing})` : ''}`,
  () => {
    const cases: [string, number, 'hybrid' | 'v2', Fixture][] = [
      ['a folder', 16 * KiB, 'hybrid', folder],
      ['a folder', 256 * KiB, 'hybrid', folder],
      ['a folder', MiB, 'v2', folder],
      ['one file', 64 * KiB, 'hybrid', singleFile],
      ['one file', MiB, 'v2', singleFile],
    ];

    it.each(cases)(
      'we parse libtorrent’s torrent of %s in pieces of %i (%s) and make a byte-identical info dictionary',
      async (_, pieceLength, kind, fixture) => {
        const out = join(root, `lt-${fixture.name}-${pieceLength}-${kind}.torrent`);
        const theirs = await ltCreate(fixturePath(fixture), pieceLength, kind, out);
        expect(theirs.v2).not.toBeNull();
        expect(theirs.v1 === null).toBe(kind === 'v2');
        const torrent = new Uint8Array(readFileSync(out));
        const parsed = await parseAnyTorrent(torrent, hashers);
        expect(parsed.info.version).toBe(kind);
        expectSameFiles(parsed, theirs);

        const made = await createAnyInfo(sources(fixture), {
          name: fixture.name,
          ...hashers,
          pieceLength,
          version: kind,
        });
        expect(toHex(made.info.infoBytes)).toBe(toHex(infoBytesOf(torrent)));
        expect(made.info.v2!.infoHashHex).toBe(theirs.v2);
        expect([...made.pieceLayers.entries()].map(([k, v]) => [k, toHex(v)])).toEqual(
          [...parsed.pieceLayers.entries()].map(([k, v]) => [k, toHex(v)]),
        );
      },
      60_000,
    );

    it.each([
      ['a folder', 64 * KiB, folder],
      ['one file', 256 * KiB, singleFile],
    ] as const)(
      'libtorrent reads our hybrid .torrent of %s in pieces of %i with the same hashes and files, and finds every piece good',
      async (_, pieceLength, fixture) => {
        const made = await createAnyInfo(sources(fixture), { name: fixture.name, ...hashers, pieceLength });
        const torrent = encodeAnyTorrent({ ...made, announce: [['wss://tracker.example/announce']] });
        const path = join(root, `ours-${fixture.name}.torrent`);
        writeFileSync(path, torrent);
        const parsed = await parseAnyTorrent(torrent, hashers);
        expect(parsed.info.version).toBe('hybrid');
        expectSameFiles(parsed, await ltDescribe(path));

        const check = await ltCheck(path, root);
        expect(check).toMatchObject({ progress_ppm: 1_000_000, have: made.info.v1!.pieceCount });

        // WebTorrent's parser reads it as the v1 torrent it also is
        const reference = await parseReference(torrent);
        expect(reference.infoHash).toBe(made.info.v1!.infoHashHex);
        expect(reference.length).toBe(made.info.v1!.length);
        expect(reference.pieceLength).toBe(pieceLength);
      },
      60_000,
    );

    it('libtorrent finds the piece we corrupted bad, in our v2-only torrent', async () => {
      const copy = join(root, 'copy');
      cpSync(fixturePath(folder), join(copy, folder.name), { recursive: true });
      const made = await createAnyInfo(sources(folder), {
        name: folder.name,
        sha256,
        pieceLength: 256 * KiB,
        version: 'v2',
      });
      const path = join(root, 'ours-v2.torrent');
      writeFileSync(path, encodeAnyTorrent({ ...made, announce: [] }));
      expect(await ltCheck(path, copy)).toMatchObject({ progress_ppm: 1_000_000 });

      const victim = join(copy, folder.name, 'sub', 'notes.txt');
      const data = readFileSync(victim);
      data[300 * KiB] ^= 0xff; // piece 1 of notes.txt
      writeFileSync(victim, data);
      const check = await ltCheck(path, copy);
      expect(check.progress_ppm).toBeLessThan(1_000_000);
      expect(check.have).toBe(made.info.v2!.pieceCount - 1);
    }, 60_000);
  },
);
