import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createInfo } from '../../../../shared/codec/metainfo';
import { createAnyInfo } from '../../../../shared/codec/metainfo-v2';
import { subtleSha1, subtleSha256 } from '../../lib/hash';
import { randomBytes } from '../testing/harness';
import { PieceLayers } from '../../../../shared/engine/v2/piece-layers';
import { nodeHashOf } from '../../../../shared/engine/verify/file-tree';
import { sha256Sync } from '../../../../shared/hash/sha256';
import { blockHashes, knownPieceLayers, sessionV2 } from './v2-session';

const hashers = { sha1: subtleSha1, sha256: subtleSha256 };
const bytes = randomBytes(40 * 1024 + 5, 7);
const file = {
  path: ['x.bin'],
  length: bytes.length,
  read: async (at: number, n: number) => bytes.slice(at, at + n),
};

describe('sessionV2', () => {
  it("is a hybrid's v2 view with the layers given, and nothing for a v1 torrent", async () => {
    const { info, pieceLayers } = await createAnyInfo([file], {
      name: 'x.bin',
      ...hashers,
      pieceLength: 16384,
    });
    const v2 = await sessionV2(info.infoBytes, hashers, pieceLayers);
    expect(v2?.info.infoHashHex).toBe(info.v2!.infoHashHex);
    expect(v2?.pieceLayers).toBe(pieceLayers);
    expect((await sessionV2(info.infoBytes, hashers))?.pieceLayers).toBeUndefined();
    const v1 = await createInfo([file], { name: 'x.bin', sha1: subtleSha1 });
    expect(await sessionV2(v1.infoBytes, hashers)).toBeUndefined();
  });

  it('leaves a hybrid whose v2 part does not parse to its v1 view', async () => {
    const { info } = await createAnyInfo([file], { name: 'x.bin', ...hashers, pieceLength: 16384 });
    // The file tree's length no longer matches the v1 file's.
    const text = new TextDecoder('latin1')
      .decode(info.infoBytes)
      .replace(`6:lengthi${bytes.length}e`, '6:lengthi1e');
    const broken = Uint8Array.from(text, (c) => c.charCodeAt(0));
    expect(broken).not.toEqual(info.infoBytes);
    expect(await sessionV2(broken, hashers)).toBeUndefined();
  });
});

describe('blockHashes', () => {
  it('is the SHA-256 of each 16 KiB block, the last one short, concatenated', async () => {
    const digests = await blockHashes(bytes, subtleSha256);
    expect(digests.length).toBe(3 * 32);
    const last = createHash('sha256')
      .update(bytes.subarray(32 * 1024))
      .digest();
    expect(Buffer.from(digests.subarray(64))).toEqual(last);
    const first = createHash('sha256')
      .update(bytes.subarray(0, 16 * 1024))
      .digest();
    expect(Buffer.from(digests.subarray(0, 32))).toEqual(first);
  });
});

describe('knownPieceLayers', () => {
  it("reads back every layer a session's piece layers know, and nothing while one is missing", async () => {
    const { info, pieceLayers } = await createAnyInfo([file], {
      name: 'x.bin',
      ...hashers,
      pieceLength: 16384,
    });
    const known = new PieceLayers(info.v2!, pieceLayers, nodeHashOf(sha256Sync));
    expect(knownPieceLayers(info.v2!, (index) => known.expected(index))).toEqual(pieceLayers);
    const unknown = new PieceLayers(info.v2!, new Map(), nodeHashOf(sha256Sync));
    expect(knownPieceLayers(info.v2!, (index) => unknown.expected(index))).toBeUndefined();
  });
});
