import { describe, expect, it } from 'vitest';
import { createInfo } from '../../../../shared/codec/metainfo';
import { createAnyInfo } from '../../../../shared/codec/metainfo-v2';
import { subtleSha1, subtleSha256 } from '../../lib/hash';
import { v2InfoHash } from './v2-hash';

const file = { path: ['x.bin'], length: 3, read: async () => new Uint8Array([1, 2, 3]) };

describe('v2InfoHash', () => {
  it("is a hybrid's SHA-256 info hash, and nothing for a v1 torrent", async () => {
    const { info } = await createAnyInfo([file], { name: 'x.bin', sha1: subtleSha1, sha256: subtleSha256 });
    expect(v2InfoHash(info.infoBytes)).toEqual(info.v2!.infoHash);
    const v1 = await createInfo([file], { name: 'x.bin', sha1: subtleSha1 });
    expect(v2InfoHash(v1.infoBytes)).toBeUndefined();
  });
});
