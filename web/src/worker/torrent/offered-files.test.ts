import { describe, expect, it } from 'vitest';
import type { TorrentInfo } from '../../../../shared/codec/metainfo';
import type { FileLayout } from '../storage/file-blob';
import type { TorrentRecord } from '../storage/records';
import { OfferedFiles } from './offered-files';
import { fakeInfo, settle, verifiedOf } from './testing/fakes';

const info = fakeInfo(
  [
    { name: 'a', length: 15 },
    { name: 'empty', length: 0 },
    { name: 'b', length: 25 },
  ],
  10,
);

function setup(
  record: Pick<TorrentRecord, 'private'>,
  known: TorrentInfo | undefined,
  options: { written?: boolean; layout?: FileLayout; verified?: number[] } = {},
) {
  const seen = { hurries: 0, milestones: 0, persists: 0 };
  let current = known;
  const offered = new OfferedFiles(record, known, {
    info: () => current,
    verified: () => (current ? verifiedOf(current, options.verified ?? []) : undefined),
    privateLayout: () => options.layout,
    persist: async () => {
      seen.persists++;
      return options.written ?? true;
    },
    hurry: () => seen.hurries++,
    removed: () => false,
    milestone: () => seen.milestones++,
  });
  return { offered, seen, learn: (next: TorrentInfo) => (current = next) };
}

describe('OfferedFiles', () => {
  it("offers a torrent's files at once when its record already holds the info", () => {
    expect(setup({}, info).offered.offered).toBe(true);
    expect(setup({ private: { key: 'k' } }, info).offered.offered).toBe(false);
  });

  it('offers the files once the record that holds their layout is written', async () => {
    const { offered, seen, learn } = setup({}, undefined);
    expect(offered.offered).toBe(false);
    learn(info);
    await offered.persistLayout();
    expect(seen).toEqual({ hurries: 1, milestones: 1, persists: 1 });
    expect(offered.offered).toBe(true);
    offered.withdraw();
    expect(offered.offered).toBe(false);
  });

  it('offers nothing while the write failed, or a private share has no manifest', async () => {
    const failed = setup({}, undefined, { written: false });
    failed.learn(info);
    await failed.offered.persistLayout();
    expect(failed.offered.offered).toBe(false);
    const sealed = setup({ private: { key: 'k' } }, info);
    await sealed.offered.persistLayout();
    await settle();
    expect(sealed.offered.offered).toBe(false);
    expect(sealed.seen.milestones).toBe(0);
  });

  it("lists the info's files, or a private share's real ones", () => {
    expect(setup({}, info).offered.files()).toBe(info.files);
    const layout = { pieceLength: 10, files: [{ path: ['real.txt'], length: 30, offset: 0 }] };
    const sealed = setup({ private: { key: 'k' } }, info, { layout });
    expect(sealed.offered.files()).toBe(layout.files);
    expect(setup({ private: { key: 'k' } }, info).offered.files()).toEqual([]);
  });

  it('calls a file complete once every piece holding its bytes is stored; an empty file at once', () => {
    const { offered } = setup({}, info, { verified: [0, 1] });
    expect([0, 1, 2, 3].map((index) => offered.fileComplete(index))).toEqual([true, true, false, false]);
    expect(setup({}, undefined).offered.fileComplete(0)).toBe(false);
  });
});
