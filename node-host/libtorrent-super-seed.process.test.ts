// A super-seeding seed (BEP 16) against libtorrent 2.0.8 (Debian's python3-libtorrent) over TCP on 127.0.0.1: the
// engine's Node host super-seeds a share and libtorrent downloads it, alone or beside other libtorrent downloaders.
// libtorrent closes a peer whose `have`s add up to every piece when it wants none of them ("uninteresting
// upload-only peer"): a super-seeding seed must not look like one while libtorrent still lacks pieces.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { libtorrentMissing, ltTimeline, type LtPeer } from '../shared/testing/libtorrent';
import { until } from '../shared/testing/until';
import { cornerCaseFiles, treeDifferences } from './testing/fixtures';
import { LtScratch, makeShare, type Shape } from './testing/lt-shares';

const KiB = 1024;
const TRANSFER_MS = 90_000;
const WAIT_MS = 45_000;

const CORNERS: Shape = {
  name: 'folder of corner cases, 16 KiB pieces',
  pieceLength: 16 * KiB,
  files: cornerCaseFiles(16 * KiB),
};
const ONE_FILE: Shape = {
  name: 'one file of 24 pieces of 32 KiB',
  pieceLength: 32 * KiB,
  files: [{ path: '', length: 24 * 32 * KiB - 100 }],
  single: true,
};

const scratch = new LtScratch('lt-super-seed');
afterEach(() => scratch.cleanup());

interface Case {
  shape: Shape;
  maker: 'libtorrent' | 'swarmdrop';
  downloaders: number;
}

const CASES: Case[] = [
  { shape: CORNERS, maker: 'libtorrent', downloaders: 1 },
  { shape: ONE_FILE, maker: 'swarmdrop', downloaders: 3 },
];
const TITLE =
  '$downloaders libtorrent downloader(s) get the whole file from a super-seeding seed: $shape.name by $maker';

describe.skipIf(libtorrentMissing)('a super-seeding engine and libtorrent 2.0.8 over TCP', () => {
  it.each(CASES)(TITLE, (testCase) => transfer(testCase), TRANSFER_MS);
});

async function transfer({ shape, maker, downloaders }: Case): Promise<void> {
  const share = await makeShare(await scratch.folder(), shape, maker, 'v1');
  const host = scratch.nodeHost();
  await host.add({ torrent: share.torrent, folder: share.source, config: { superSeed: true } });
  const port = await host.listen(0);
  const leechers: Array<{ folder: string; peer: LtPeer }> = [];
  for (let i = 0; i < downloaders; i++) {
    const folder = await scratch.folder();
    const torrentPath = join(folder, 'given.torrent');
    await writeFile(torrentPath, share.torrent);
    leechers.push({ folder, peer: await scratch.ltPeer({ torrent: torrentPath, savePath: folder }) });
  }
  for (const { peer } of leechers)
    await until(() => peer.state() === 'downloading', {
      what: 'libtorrent ready to download',
      timeoutMs: WAIT_MS,
      explain: () => ltTimeline(peer),
    });
  for (const { peer } of leechers) peer.connect('127.0.0.1', port);
  for (const { peer } of leechers)
    await until(() => peer.seeding(), { what: 'libtorrent downloaded', timeoutMs: WAIT_MS }).catch(
      (error: unknown) => {
        throw new Error(`${String(error)}; libtorrent said:\n${ltTimeline(peer)}`);
      },
    );
  for (const { folder, peer } of leechers) {
    expect(await treeDifferences(share.root, join(folder, share.name))).toEqual([]);
    const closes = peer.events.filter((event) => event.event === 'peer_disconnected');
    expect(closes.filter((event) => /upload-only/.test(String(event.text)))).toEqual([]);
  }
}
