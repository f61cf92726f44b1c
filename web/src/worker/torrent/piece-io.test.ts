import { describe, expect, it } from 'vitest';
import { PieceReadError } from '../storage/piece-storage';
import { exactBuffer, readBlock, storePiece } from './piece-io';
import { fakeInfo, settle, verifiedOf } from './testing/fakes';
import { recordingHost } from './testing/ports-host';

describe('storePiece', () => {
  it('writes the piece, steers the streams, and tells the host once it is stored', async () => {
    const host = recordingHost();
    const data = new Uint8Array([1, 2, 3]);
    storePiece(host, 4, data, () => true);
    expect(host.written).toEqual([{ index: 4, data: data.buffer }]);
    expect(host.verifiedSteered).toEqual([4]);
    expect(host.counted).toEqual([3]);
    await settle();
    expect(host.counted).toEqual([3, -3]);
    expect(host.landed).toEqual([4]);
    expect(host.stored).toEqual([4]);
  });

  it("fails the torrent with the store's reason, unless its session was replaced meanwhile", async () => {
    const host = recordingHost();
    host.writePiece = () => Promise.reject(new DOMException('full', 'QuotaExceededError'));
    storePiece(host, 1, new Uint8Array(4), () => true);
    storePiece(host, 2, new Uint8Array(4), () => false);
    await settle();
    expect(host.failures).toEqual(['storage quota exceeded']);
    expect(host.landed).toEqual([1, 2]);
    expect(host.stored).toEqual([]);
  });

  it('keeps the exact bytes of a view: its own buffer when it covers it all', () => {
    const whole = new Uint8Array(4);
    expect(exactBuffer(whole)).toBe(whole.buffer);
    expect(exactBuffer(new Uint8Array(8).subarray(2, 6)).byteLength).toBe(4);
  });
});

describe('readBlock', () => {
  const info = fakeInfo([{ name: 'a', length: 40 }], 10);

  it('answers a read of a stored piece with its block, kept from being transferred away', async () => {
    const host = recordingHost();
    host.verifiedPieces = verifiedOf(info, [1]);
    const block = new Uint8Array(5);
    host.readBlock = async () => block;
    readBlock(host, 'p1', { index: 1, begin: 0, length: 5 }, () => true);
    await settle();
    expect(host.fed).toEqual([{ type: 'read-done', peer: 'p1', index: 1, begin: 0, data: block }]);
    expect(host.keep.has(block.buffer)).toBe(true);
  });

  it("says a piece not stored, or the store's reason, has failed", async () => {
    const host = recordingHost();
    host.verifiedPieces = verifiedOf(info, [1]);
    host.readBlock = () => Promise.reject(new PieceReadError('piece 1 is damaged'));
    readBlock(host, 'p1', { index: 0, begin: 0, length: 5 }, () => true);
    readBlock(host, 'p1', { index: 1, begin: 0, length: 5 }, () => true);
    await settle();
    expect(host.fed).toEqual([
      { type: 'read-failed', peer: 'p1', index: 0, begin: 0, reason: 'piece not stored' },
      { type: 'read-failed', peer: 'p1', index: 1, begin: 0, reason: 'piece 1 is damaged' },
    ]);
  });

  it('stops a share whose shared file changed instead of failing the one block', async () => {
    const host = recordingHost();
    host.verifiedPieces = verifiedOf(info, [1]);
    host.failShared = () => true;
    host.readBlock = () => Promise.reject(new Error('changed'));
    readBlock(host, 'p1', { index: 1, begin: 0, length: 5 }, () => true);
    await settle();
    expect(host.fed).toEqual([]);
  });
});
