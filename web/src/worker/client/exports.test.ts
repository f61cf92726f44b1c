import { describe, expect, it } from 'vitest';
import { parseAnyTorrent } from '../../../../shared/codec/metainfo-v2';
import { subtleSha1, subtleSha256 } from '../../lib/hash';
import { ActionError } from './action-runner';
import { getEncryptedCopy, getFile, getSharedHandles, getTorrentFile, readPiece } from './exports';
import { addMagnet } from './intake/add-magnet';
import { share } from './intake/add-share';
import { context, testBytes, testCore } from './testing/core';

const UNKNOWN = 'f'.repeat(40);
const MAGNET = '0123456789abcdef0123456789abcdef01234567';

async function shared() {
  const made = testCore();
  const bytes = testBytes(40_000, 1);
  const files = [{ file: new File([bytes], 'a.bin'), path: ['a.bin'] }];
  const { infoHashHex } = await share(made.core, { files, name: 'a.bin' }, context());
  return { ...made, bytes, infoHashHex };
}

describe('getFile', () => {
  it('gives a complete file as a Blob of its bytes', async () => {
    const { core, bytes, infoHashHex } = await shared();
    const blob = await getFile(core, { infoHashHex, fileIndex: 0 });
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(bytes);
  });

  it('says why there is no file to give', async () => {
    const { core, infoHashHex } = await shared();
    await addMagnet(core, { link: MAGNET }, context());
    const refusals = [
      [UNKNOWN, 0, 'Unknown torrent'],
      [MAGNET, 0, 'The torrent metadata is not known yet'],
      [infoHashHex, 5, 'No such file in the torrent'],
    ] as const;
    for (const [hash, fileIndex, reason] of refusals) {
      const refused = getFile(core, { infoHashHex: hash, fileIndex });
      await expect(refused).rejects.toBeInstanceOf(ActionError);
      await expect(refused).rejects.toThrow(reason);
    }
  });
});

describe('getTorrentFile', () => {
  it('gives the .torrent with its trackers and, for a hybrid, its piece layers', async () => {
    const { core, infoHashHex } = await shared();
    const { blob, name } = await getTorrentFile(core, { infoHashHex });
    expect(name).toBe('a.bin.torrent');
    expect(blob.type).toBe('application/x-bittorrent');
    const metainfo = await parseAnyTorrent(new Uint8Array(await blob.arrayBuffer()), {
      sha1: subtleSha1,
      sha256: subtleSha256,
    });
    expect(metainfo.info.v1?.infoHashHex).toBe(infoHashHex);
    expect(metainfo.announce.flat()).toEqual(['wss://app.example/']);
    expect(metainfo.info.v2).toBeDefined();
    expect(metainfo.pieceLayers.size).toBe(1);
  });

  it('refuses a torrent it does not know, or whose metadata it does not have yet', async () => {
    const { core } = testCore();
    await addMagnet(core, { link: MAGNET }, context());
    await expect(getTorrentFile(core, { infoHashHex: UNKNOWN })).rejects.toThrow('Unknown torrent');
    await expect(getTorrentFile(core, { infoHashHex: MAGNET })).rejects.toThrow(
      'The torrent metadata is not known yet',
    );
  });
});

describe('getSharedHandles', () => {
  it('refuses a torrent that is not shared from files on disk', async () => {
    const { core, infoHashHex } = await shared();
    expect(() => getSharedHandles(core, { infoHashHex })).toThrow(
      'This torrent is not shared from files on disk',
    );
    expect(() => getSharedHandles(core, { infoHashHex: UNKNOWN })).toThrow(ActionError);
  });
});

describe('getEncryptedCopy', () => {
  it("gives a private share's one file as the swarm holds it, which holds none of the plaintext", async () => {
    const { core } = testCore();
    const marker = new TextEncoder().encode('PLAINTEXT MARKER '.repeat(2000));
    const files = [{ file: new File([marker], 'secret.txt'), path: ['secret.txt'] }];
    const { infoHashHex } = await share(core, { files, name: 'secret.txt', encrypt: true }, context());
    const { blob, name } = await getEncryptedCopy(core, { infoHashHex });
    expect(name).toBe('private share');
    const copy = new Uint8Array(await blob.arrayBuffer());
    expect(copy.length).toBe(core.registry.get(infoHashHex)!.info!.length);
    expect(Buffer.from(copy).includes(Buffer.from('PLAINTEXT MARKER'))).toBe(false);
    const plain = await getFile(core, { infoHashHex, fileIndex: 0 });
    expect(new Uint8Array(await plain.arrayBuffer())).toEqual(marker);
  });

  it('refuses a share that is not encrypted', async () => {
    const { core, infoHashHex } = await shared();
    await expect(getEncryptedCopy(core, { infoHashHex })).rejects.toThrow('This share is not encrypted');
  });
});

describe('readPiece', () => {
  it('gives each piece as peers are served it: its bytes hash to the piece hash of the .torrent', async () => {
    const { core, bytes, infoHashHex } = await shared();
    const { blob } = await getTorrentFile(core, { infoHashHex });
    const metainfo = await parseAnyTorrent(new Uint8Array(await blob.arrayBuffer()), {
      sha1: subtleSha1,
      sha256: subtleSha256,
    });
    const v1 = metainfo.info.v1!;
    for (let index = 0; index < v1.pieceCount; index++) {
      const piece = new Uint8Array(await readPiece(core, { infoHashHex, index }));
      const start = index * v1.pieceLength;
      expect(piece).toEqual(bytes.subarray(start, start + v1.pieceLength));
      expect(await subtleSha1(piece)).toEqual(v1.pieces.subarray(index * 20, index * 20 + 20));
    }
  });

  it('refuses a piece past the torrent, or of a torrent it does not know', async () => {
    const { core, infoHashHex } = await shared();
    await expect(readPiece(core, { infoHashHex, index: 1000 })).rejects.toThrow(
      'No such piece in the torrent',
    );
    await expect(readPiece(core, { infoHashHex: UNKNOWN, index: 0 })).rejects.toThrow('Unknown torrent');
  });
});
