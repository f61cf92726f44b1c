// WebTorrent 3 in Node (the `webtorrent` package) and our tab, through our tracker: it downloads what the tab
// shares (a hybrid share, by its v1 hash), and the tab downloads what it seeds; byte-identical both ways.
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  expectStatus,
  openPeer,
  randomFile,
  saveFile,
  sha256,
  shareFiles,
  startDownload,
  tempDir,
  torrentItem,
  TRANSFER_TIMEOUT,
} from './helpers';
import { startNodeProcess } from '../node-host/testing/node-process';
import type { WebTorrentJob } from './webtorrent-node';

const webTorrent = (job: WebTorrentJob) => startNodeProcess('e2e/webtorrent-node.ts', job);

test('WebTorrent 3 in Node downloads what our tab shares, through our tracker', async ({
  browser,
  baseURL,
}) => {
  const ours = await openPeer(browser);
  const folder = tempDir('swarmdrop-wt-node-');
  let wt: ReturnType<typeof webTorrent> | undefined;
  try {
    const file = randomFile(tempDir(), 'to-webtorrent-node.bin', 3 * 1024 * 1024 + 4321);
    const magnet = await shareFiles(ours.page, file.path, 'to-webtorrent-node.bin');
    const infoHash = /urn:btih:([0-9a-f]{40})/.exec(magnet)![1];
    const tracker = `ws://${new URL(baseURL!).host}/`;
    // Its v1 hash and our tracker: what WebTorrent 3 joins a hybrid share by.
    const v1Magnet = `magnet:?xt=urn:btih:${infoHash}&tr=${encodeURIComponent(tracker)}`;
    wt = webTorrent({ add: v1Magnet, folder });
    await wt.said('done');
    const got = readFileSync(join(folder, 'to-webtorrent-node.bin'));
    expect({ sha256: sha256(got), size: got.length }).toEqual({
      sha256: file.sha256,
      size: file.bytes.length,
    });
  } finally {
    await wt?.stop();
    await ours.context.close();
  }
});

test('our tab downloads what WebTorrent 3 in Node seeds, through our tracker', async ({
  browser,
  baseURL,
}) => {
  const file = randomFile(tempDir(), 'from-webtorrent-node.bin', 2 * 1024 * 1024 + 77);
  const tracker = `ws://${new URL(baseURL!).host}/`;
  const wt = webTorrent({ seed: file.path, tracker });
  try {
    const magnet = String((await wt.said('magnet')).magnet);
    const ours = await openPeer(browser);
    await startDownload(ours.page, magnet);
    const item = torrentItem(ours.page, 'from-webtorrent-node.bin');
    await expectStatus(item, 'Seeding', TRANSFER_TIMEOUT);
    expect(await saveFile(ours.page, item, 'from-webtorrent-node.bin')).toEqual({
      sha256: file.sha256,
      size: file.bytes.length,
    });
    await ours.context.close();
  } finally {
    await wt.stop();
  }
});
