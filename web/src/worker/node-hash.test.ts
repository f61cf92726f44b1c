import { describe, expect, it } from 'vitest';
import { nodeHashOf } from '../../../shared/engine/verify/file-tree';
import { sha256Sync } from '../../../shared/hash/sha256';
import { wasmNodeHash } from './node-hash';

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
