import { describe, expect, it } from 'vitest';
import type { TorrentInfo } from '../../../../shared/codec/metainfo';
import { PRIVATE_SHARE_NAME, WRONG_KEY_MESSAGE } from '../../../../shared/private-share/private-share';
import { sealShare } from '../share/seal-share';
import type { TorrentRecord } from '../storage/records';
import { file, randomBytes, until } from '../testing/harness';
import { PrivateShareState } from './private-state';
import { fakeInfo, settle, verifiedOf } from './testing/fakes';

const KiB = 1024;

/** A sealed share of two files, its ciphertext as pieces, and the info that lays them out. */
async function sealed() {
  const files = [
    { file: file(randomBytes(40 * KiB, 1), 'a.mp4'), path: ['trip', 'a.mp4'] },
    { file: file(randomBytes(9 * KiB, 2), 'b.txt'), path: ['trip', 'b.txt'] },
  ];
  const share = await sealShare(files, 'trip');
  const cipher = new Uint8Array(await share.content.slice(0, share.content.size).arrayBuffer());
  const info = fakeInfo(
    [{ name: PRIVATE_SHARE_NAME, length: cipher.length }],
    share.pieceLength,
    PRIVATE_SHARE_NAME,
  );
  return { share, cipher, info };
}

function setup(record: Pick<TorrentRecord, 'private' | 'name'>, info: TorrentInfo, cipher: Uint8Array) {
  const seen = { wanted: [] as number[][], found: 0, failures: [] as string[] };
  const verified = verifiedOf(info);
  const state = new PrivateShareState(record, {
    info: () => info,
    verified: () => verified,
    readPieces: async (indices) =>
      indices.map((i) => cipher.slice(i * info.pieceLength, (i + 1) * info.pieceLength).buffer),
    want: (pieces) => seen.wanted.push(pieces),
    manifestFound: () => seen.found++,
    fail: (reason) => seen.failures.push(reason),
    removed: () => false,
    failed: () => seen.failures.length > 0,
  });
  return { state, seen, verified };
}

describe('PrivateShareState', () => {
  it('asks for the first records, then decrypts the manifest once they are stored and offers the real files', async () => {
    const { share, cipher, info } = await sealed();
    const record: Pick<TorrentRecord, 'private' | 'name'> = {
      name: PRIVATE_SHARE_NAME,
      private: { key: share.part.key },
    };
    const { state, seen, verified } = setup(record, info, cipher);
    state.checkManifest();
    await settle();
    expect(seen.wanted).toEqual([[0, 1]]);
    expect(state.layout()).toBeUndefined();
    for (let i = 0; i < info.pieceCount; i++) verified.add(i);
    state.checkManifest();
    await until(() => seen.found > 0, []);
    expect(seen.found).toBe(1);
    expect(record.private?.manifest).toEqual(share.part.manifest);
    expect(state.layout()?.files.map((f) => [f.path.join('/'), f.length])).toEqual([
      ['trip/a.mp4', 40 * KiB],
      ['trip/b.txt', 9 * KiB],
    ]);
    expect(await state.files()).toBeDefined();
  });

  it('stops the torrent with the reason when the key does not open the manifest', async () => {
    const { cipher, info } = await sealed();
    const other = await sealed();
    const record = { name: PRIVATE_SHARE_NAME, private: { key: other.share.part.key } };
    const { state, seen, verified } = setup(record, info, cipher);
    for (let i = 0; i < info.pieceCount; i++) verified.add(i);
    state.checkManifest();
    await until(() => seen.failures.length > 0, []);
    expect(seen.failures).toEqual([WRONG_KEY_MESSAGE]);
    state.checkManifest();
    await settle();
    expect(seen.failures).toEqual([WRONG_KEY_MESSAGE]);
  });

  it('takes a key only for a private share whose files are not known yet; a public torrent stays public', async () => {
    const { share, cipher, info } = await sealed();
    const open = setup(
      { name: 'public', private: undefined },
      fakeInfo([{ name: 'x', length: 10 }], 16, 'x'),
      cipher,
    );
    expect(open.state.setKey(share.part.key)).toBe(false);
    const record: Pick<TorrentRecord, 'private' | 'name'> = {
      name: PRIVATE_SHARE_NAME,
      private: { key: 'wrong' },
    };
    const { state } = setup(record, info, cipher);
    expect(state.setKey(share.part.key)).toBe(true);
    expect(record.private).toEqual({ key: share.part.key });
    record.private = share.part;
    expect(state.setKey('another')).toBe(false);
  });

  it('has no decryption for a torrent that is not private, and none before the manifest is known', async () => {
    const { share, cipher, info } = await sealed();
    expect(await setup({ name: 'x' }, info, cipher).state.files()).toBeUndefined();
    const pending = setup({ name: PRIVATE_SHARE_NAME, private: { key: share.part.key } }, info, cipher);
    await expect(pending.state.files()).rejects.toThrow('The files are not known yet');
  });
});
