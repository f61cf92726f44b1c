import { describe, expect, it } from 'vitest';
import { createAnyInfo } from './metainfo-v2';
import type { SourceFile } from './metainfo';
import { sha1 } from '../testing/sha1';
import { sha256, sha256Sync } from '../testing/sha256';
import { isTreeOnly, storedInfo, v2PieceMap } from './v2-pieces';

const KiB = 1024;

const source = (path: string[], length: number): SourceFile => ({
  path,
  length,
  read: async (_at, size) => new Uint8Array(size).fill(path.length + length),
});

describe('the piece map of a v2 view', () => {
  it('lays out a folder as its hybrid does: every file on a piece boundary, pads between, no SHA-1', async () => {
    const files = [
      source(['a.bin'], 40 * KiB),
      source(['b', 'empty.txt'], 0),
      source(['b', 'exact.bin'], 32 * KiB),
      source(['c.bin'], 5),
    ];
    const v2 = (await createAnyInfo(files, { name: 'share', sha256, pieceLength: 16 * KiB, version: 'v2' }))
      .info.v2!;
    const hybrid = (await createAnyInfo(files, { name: 'share', sha1, sha256, pieceLength: 16 * KiB })).info
      .v1!;
    const map = v2PieceMap(v2);
    expect(isTreeOnly(map)).toBe(true);
    expect(isTreeOnly(hybrid)).toBe(false);
    expect(map.infoHashHex).toBe(v2.truncatedInfoHashHex);
    expect(map.pieceCount).toBe(hybrid.pieceCount);
    expect(map.length).toBe(hybrid.length);
    const shape = (info: typeof map) =>
      info.files.map((file) => ({ length: file.length, offset: file.offset, pad: file.pad === true }));
    expect(shape(map)).toEqual(shape(hybrid));
    expect(map.files.filter((file) => !file.pad).map((file) => file.path.join('/'))).toEqual([
      'a.bin',
      'b/empty.txt',
      'b/exact.bin',
      'c.bin',
    ]);
    expect(map.infoBytes).toBe(v2.infoBytes);
  });

  it('pads a v2-only single file to its last piece boundary too, as libtorrent 2.0 lays out (and requests) it', async () => {
    const v2 = (
      await createAnyInfo([source(['clip.webm'], 50 * KiB)], {
        name: 'clip.webm',
        sha256,
        pieceLength: 16 * KiB,
        version: 'v2',
      })
    ).info.v2!;
    const map = v2PieceMap(v2);
    expect(map.multiFile).toBe(false);
    expect(map.files).toEqual([
      { path: ['clip.webm'], length: 50 * KiB, offset: 0 },
      { path: ['.pad', String(14 * KiB)], length: 14 * KiB, offset: 50 * KiB, pad: true },
    ]);
    expect(map.length).toBe(64 * KiB);
    expect(map.pieceCount).toBe(4);
  });

  it("gives a hybrid's single file no pad: its last piece is as short as the v1 view's", async () => {
    const { info } = await createAnyInfo([source(['clip.webm'], 50 * KiB)], {
      name: 'clip.webm',
      sha256,
      sha1,
      pieceLength: 16 * KiB,
      version: 'hybrid',
    });
    const map = v2PieceMap(info.v2!);
    expect(map.files).toEqual([{ path: ['clip.webm'], length: 50 * KiB, offset: 0 }]);
    expect(map.length).toBe(info.v1!.length);
  });

  it('reads a stored dictionary by the hash it is kept under: the piece map for the truncated v2 hash', async () => {
    const files = [source(['a.bin'], 40 * KiB), source(['c.bin'], 5)];
    const hybrid = (await createAnyInfo(files, { name: 'share', sha1, sha256, pieceLength: 16 * KiB })).info;
    const v1 = storedInfo(hybrid.infoBytes, hybrid.v1!.infoHash, sha256Sync);
    expect(isTreeOnly(v1)).toBe(false);
    expect(v1.infoHashHex).toBe(hybrid.v1!.infoHashHex);
    const byV2 = storedInfo(hybrid.infoBytes, hybrid.v2!.truncatedInfoHash, sha256Sync);
    expect(isTreeOnly(byV2)).toBe(true);
    expect(byV2).toEqual(v2PieceMap(hybrid.v2!));
  });
});
