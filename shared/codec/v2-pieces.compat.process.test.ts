// The piece map of v2-only torrents against libtorrent 2.0 (Debian's python3-libtorrent): libtorrent makes a v2-only
// .torrent of a folder or a file; we parse it to the same hashes, files, pads and pieces, and every piece of the
// files on disk passes the engine's check against its file's tree.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockDigests, nodeHashOf } from '../engine/verify/file-tree';
import { PieceLayers } from '../engine/v2/piece-layers';
import { toHex } from './hex';
import { parseAnyTorrent } from './metainfo-v2';
import { libtorrentMissing, ltCreate } from '../testing/libtorrent';
import { sha1 } from '../testing/sha1';
import { sha256, sha256Sync } from '../testing/sha256';
import { isTreeOnly, v2PieceMap } from './v2-pieces';

const KiB = 1024;
let root: string;

const folder: Array<[string[], number]> = [
  [['movie.bin'], 300 * KiB + 11],
  [['sub', 'exact.dat'], 64 * KiB],
  [['sub', 'tiny.txt'], 5],
  [['empty.txt'], 0],
  [['9.bin'], 20_000],
];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'swarmdrop-v2only-'));
  for (const [path, size] of folder) {
    mkdirSync(dirname(join(root, 'share', ...path)), { recursive: true });
    writeFileSync(join(root, 'share', ...path), randomBytes(size));
  }
  writeFileSync(join(root, 'clip.webm'), randomBytes(200 * KiB + 3));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.skipIf(libtorrentMissing !== undefined)(
  `v2-only torrents against libtorrent 2.0${libtorrentMissing ? ` (skipped: ${libtorrentMissing})` : ''}`,
  () => {
    it.each([
      ['share', 16 * KiB],
      ['share', 64 * KiB],
      ['clip.webm', 32 * KiB],
    ] as const)(
      'we parse libtorrent’s v2-only torrents to the same hashes and files (%s, pieces of %i)',
      async (name, pieceLength) => {
        const out = join(root, `${name}-${pieceLength}.torrent`);
        const theirs = await ltCreate(join(root, name), pieceLength, 'v2', out);
        expect(theirs.v1).toBeNull();
        const parsed = await parseAnyTorrent(new Uint8Array(readFileSync(out)), { sha1, sha256 });
        expect(parsed.info.version).toBe('v2');
        const v2 = parsed.info.v2!;
        expect(v2.infoHashHex).toBe(theirs.v2);
        const map = v2PieceMap(v2);
        expect(isTreeOnly(map)).toBe(true);
        expect(map.infoHashHex).toBe(theirs.v2!.slice(0, 40));
        expect(map.pieceCount).toBe(theirs.num_pieces);
        expect(map.pieceLength).toBe(theirs.piece_length);
        // Every file and pad at libtorrent's offsets: libtorrent pads the last file to a whole piece, a single file
        // too, and so does our map of a v2-only torrent.
        const theirFiles = theirs.files;
        expect(
          map.files.map((file) => ({
            // libtorrent names a single file's pad under the torrent's name, as it does a folder's.
            path: (map.multiFile || file.pad ? [map.name, ...file.path] : file.path).join('/'),
            size: file.length,
            offset: file.offset,
            pad: file.pad === true,
          })),
        ).toEqual(theirFiles.map(({ path, size, offset, pad }) => ({ path, size, offset, pad })));
        expect(v2.files.map((file) => (file.piecesRoot ? toHex(file.piecesRoot) : null))).toEqual(
          theirs.files.filter((file) => !file.pad).map((file) => file.root),
        );

        // Each piece of the files on disk, laid out on the map, passes the check against its file's tree.
        const data = new Uint8Array(map.length);
        for (const file of map.files) {
          if (file.pad || file.length === 0) continue;
          const path = map.multiFile ? join(root, name, ...file.path) : join(root, name);
          data.set(readFileSync(path), file.offset);
        }
        const layers = new PieceLayers(v2, parsed.pieceLayers, nodeHashOf(sha256Sync));
        expect(layers.missing).toBe(0);
        for (let index = 0; index < map.pieceCount; index++) {
          const piece = data.subarray(index * pieceLength, (index + 1) * pieceLength);
          const bytes = layers.treeBytes(index)!;
          expect(layers.checkDigests(index, blockDigests(piece.subarray(0, bytes), sha256Sync))).toBe(true);
          const bad = piece.slice(0, bytes);
          bad[bytes - 1] ^= 1;
          expect(layers.checkDigests(index, blockDigests(bad, sha256Sync))).toBe(false);
        }
      },
      60_000,
    );
  },
);
