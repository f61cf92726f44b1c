// A private share's files as the service worker serves them: ranges decrypted record by record, and a damaged
// record fails the stream instead of giving wrong bytes.
import { describe, expect, it } from 'vitest';
import { WRONG_KEY_MESSAGE } from '../../../../shared/private-share/private-share';
import { fileResponse } from '../../sw/file-response';
import type { PieceSource } from '../../sw/piece-stream';
import { sealShare } from '../../worker/share/seal-share';
import { PrivateFiles } from './private-files';

const KiB = 1024;

function bytes(length: number, seed: number): Uint8Array {
  return new Uint8Array(length).map((_, i) => (i * seed + 11) % 256);
}

/** A private share of two files, its ciphertext cut into pieces, and its files as the tab with the key sees them. */
async function sealed() {
  const a = bytes(50 * KiB + 3, 7);
  const b = bytes(90 * KiB + 1, 13);
  const share = await sealShare(
    [
      { file: new Blob([a as Uint8Array<ArrayBuffer>]), path: ['a.bin'] },
      { file: new Blob([b as Uint8Array<ArrayBuffer>]), path: ['sub', 'b.bin'] },
    ],
    'pair',
  );
  const cipher = new Uint8Array(await share.content.slice(0, share.content.size).arrayBuffer());
  const pieces: ArrayBuffer[] = [];
  for (let at = 0; at < cipher.length; at += share.pieceLength)
    pieces.push(cipher.slice(at, at + share.pieceLength).buffer);
  const files = await PrivateFiles.open(share.part, {
    pieceLength: share.pieceLength,
    length: cipher.length,
  });
  if (!files) throw new Error('no files');
  return { a, b, pieces, files };
}

function source(files: PrivateFiles, pieces: ArrayBuffer[]): PieceSource {
  return {
    read: async (index) => files.decrypt(index, pieces[index]),
    want: () => undefined,
    pause: async () => undefined,
  };
}

describe('private files', () => {
  it('lists the real files and serves a range of one, decrypted', async () => {
    const { b, pieces, files } = await sealed();
    expect(files.manifest.files.map((f) => f.path.join('/'))).toEqual(['a.bin', 'sub/b.bin']);
    const torrent = { infoHashHex: 'ab'.repeat(20), ...files.files };
    const response = fileResponse(torrent, 1, 'bytes=1000-70000', false, source(files, pieces));
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe(`bytes 1000-70000/${b.length}`);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(b.subarray(1000, 70001));
  });

  it('fails the stream on a damaged piece: no wrong byte comes out', async () => {
    const { pieces, files } = await sealed();
    const damaged = pieces.slice();
    const copy = new Uint8Array(pieces[files.layout.manifestRecords]).slice();
    copy[10] ^= 0x40;
    damaged[files.layout.manifestRecords] = copy.buffer;
    const torrent = { infoHashHex: 'ab'.repeat(20), ...files.files };
    const response = fileResponse(torrent, 0, null, false, source(files, damaged));
    await expect(response.arrayBuffer()).rejects.toThrow(WRONG_KEY_MESSAGE);
  });
});
