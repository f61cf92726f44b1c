import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toHex } from '../../../shared/codec/hex';
import {
  BLOCK_SIZE,
  leafHashes,
  merkleProof,
  pieceLayerFromLeaves,
  rootFromLeaves,
  rootFromPieceLayer,
  verifyProof,
} from '../../../shared/hash/merkle';
import { parseAnyTorrent } from '../../../shared/codec/metainfo-v2';
import { libtorrentMissing, ltCreate } from '../../../shared/testing/libtorrent';
import { sha1 } from '../../../shared/testing/sha1';
import { sha256 as nodeSha256, sha256Sync } from '../../../shared/testing/sha256';
import { nodeHashOf } from '../../../shared/engine/verify/file-tree';
import {
  appNodeHash,
  appSha256,
  INNER_NODE_HASH,
  merkleSha256,
  nobleSha256,
  subtleSha256,
  wasmNodeHash,
  wasmSha256,
} from './hash';

const KiB = 1024;
const variants = [
  ['SubtleCrypto for every node', merkleSha256('subtle')],
  ['@noble/hashes for inner nodes', merkleSha256('noble')],
  ['hash-wasm for inner nodes', merkleSha256('wasm')],
  [`the app's choice (${INNER_NODE_HASH})`, appSha256],
] as const;

describe('SHA-256 for merkle trees', () => {
  it('SubtleCrypto and @noble/hashes are SHA-256, for every length around a block and an inner node', async () => {
    for (const length of [0, 1, 55, 56, 63, 64, 65, 127, 128, BLOCK_SIZE - 1, BLOCK_SIZE, BLOCK_SIZE + 1]) {
      const data = randomBytes(length);
      const expected = toHex(sha256Sync(data));
      expect(toHex(await subtleSha256(data))).toBe(expected);
      expect(toHex(await nobleSha256(data))).toBe(expected);
      expect(toHex(await wasmSha256(data))).toBe(expected);
      for (const [, sha256] of variants) expect(toHex(await sha256(data))).toBe(expected);
    }
    // A view into a larger buffer hashes only its bytes.
    const buffer = randomBytes(200);
    const view = buffer.subarray(10, 74);
    expect(toHex(await appSha256(view))).toBe(toHex(sha256Sync(view)));
  });

  it.each(variants)('%s gives the reference roots, piece layers and proofs', async (_, sha256) => {
    for (const blocks of [1, 2, 3, 16, 37]) {
      const data = randomBytes(blocks * BLOCK_SIZE - 100);
      const reference = await leafHashes(data, nodeSha256);
      const leaves = await leafHashes(data, sha256);
      expect(leaves.map(toHex)).toEqual(reference.map(toHex));
      const root = await rootFromLeaves(leaves, sha256);
      expect(toHex(root)).toBe(toHex(await rootFromLeaves(reference, nodeSha256)));
      const layer = await pieceLayerFromLeaves(leaves, 64 * KiB, sha256);
      expect(layer.map(toHex)).toEqual(
        (await pieceLayerFromLeaves(reference, 64 * KiB, nodeSha256)).map(toHex),
      );
      if (layer.length > 0)
        expect(toHex(await rootFromPieceLayer(layer, 64 * KiB, sha256))).toBe(toHex(root));
      const last = leaves.length - 1;
      const proof = await merkleProof(leaves, last, 1, sha256);
      expect(await verifyProof(root, [leaves[last]], last, proof, sha256)).toBe(true);
    }
  });
});

describe('wasmNodeHash', () => {
  it('hashes two nodes as the TypeScript node hash does, call after call', async () => {
    const wasm = await wasmNodeHash();
    expect(wasm).toBeDefined();
    const reference = nodeHashOf(sha256Sync);
    for (let i = 0; i < 50; i++) {
      const left = Uint8Array.from({ length: 32 }, (_, j) => (i * 7 + j * 13) & 0xff);
      const right = Uint8Array.from({ length: 32 }, (_, j) => (i * 11 + j * 3 + 1) & 0xff);
      const got = wasm!(left, right);
      expect(got).toBeInstanceOf(Uint8Array);
      expect([...got]).toEqual([...reference(left, right)]);
    }
  });

  it('gives each node its own bytes (a later call does not change an earlier result)', async () => {
    const wasm = (await wasmNodeHash())!;
    const first = wasm(new Uint8Array(32), new Uint8Array(32));
    const copy = first.slice();
    wasm(new Uint8Array(32).fill(1), new Uint8Array(32).fill(2));
    expect([...first]).toEqual([...copy]);
  });
});

describe('appNodeHash', () => {
  it('hashes two nodes as the TypeScript node hash does, whatever INNER_NODE_HASH says', async () => {
    const reference = nodeHashOf(sha256Sync);
    const left = new Uint8Array(32).fill(3);
    const right = new Uint8Array(32).fill(4);
    for (const inner of ['subtle', 'noble', 'wasm'] as const)
      expect([...(await appNodeHash(inner))(left, right)]).toEqual([...reference(left, right)]);
  });
});

describe.skipIf(libtorrentMissing !== undefined)(
  `SHA-256 for merkle trees against libtorrent 2.0${libtorrentMissing ? ` (skipped: ${libtorrentMissing})` : ''}`,
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'swarmdrop-sha256-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it.each(variants)(
      '%s gives the pieces roots of a v2 torrent libtorrent made, and checks its piece layers',
      async (_, sha256) => {
        const file = join(dir, 'clip.bin');
        const data = randomBytes(1024 * KiB + 4321);
        writeFileSync(file, data);
        const out = join(dir, 'clip.torrent');
        const theirs = await ltCreate(file, 64 * KiB, 'v2', out);
        // The parse checks every piece layer against its file's pieces root with this SHA-256.
        const parsed = await parseAnyTorrent(new Uint8Array(readFileSync(out)), { sha1, sha256 });
        expect(parsed.info.v2!.infoHashHex).toBe(theirs.v2);
        expect(parsed.pieceLayers.size).toBe(1);
        const root = await rootFromLeaves(await leafHashes(new Uint8Array(data), sha256), sha256);
        expect(toHex(root)).toBe(theirs.files[0].root);
      },
      60_000,
    );
  },
);
