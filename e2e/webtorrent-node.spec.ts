// WebTorrent 3 in Node (the `webtorrent` package) and our tabs, through our tracker: it downloads what a tab shares
// (a hybrid share, by its v1 hash) and uploads it on, and a tab downloads what it seeds; byte-identical both ways.
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  expectStatus,
  openPeer,
  type Peer,
  randomFile,
  saveFile,
  sha256,
  shareFiles,
  startDownload,
  tempDir,
  torrentItem,
  TRANSFER_TIMEOUT,
} from './helpers';
import { heldPeer } from './hold';
import { startNodeProcess } from '../node-host/testing/node-process';
import type { WebTorrentJob } from './webtorrent-node';

const webTorrent = (job: WebTorrentJob) => startNodeProcess('e2e/webtorrent-node.ts', job);

// Our tabs speak peer exchange (sd_pex) among themselves; WebTorrent ignores the extension. It downloads from the
// sharer and a tab that serves one piece only (the test hold); once the sharer left, a tab that joins gets every
// other piece from WebTorrent.
test('WebTorrent 3 in Node, among tabs that meet through peer exchange, downloads our share and uploads it to a tab that joins', async ({
  browser,
  baseURL,
}) => {
  const sharer = await openPeer(browser);
  const held = await heldPeer(browser, 1);
  const folder = tempDir('swarmdrop-wt-node-');
  const name = 'to-webtorrent-node.bin';
  let wt: ReturnType<typeof webTorrent> | undefined;
  let joiner: Peer | undefined;
  try {
    const file = randomFile(tempDir(), name, 3 * 1024 * 1024 + 4321);
    const magnet = await shareFiles(sharer.page, file.path, name);
    await startDownload(held.page, magnet);
    await expectStatus(torrentItem(held.page, name), 'Seeding', TRANSFER_TIMEOUT);
    const infoHash = /urn:btih:([0-9a-f]{40})/.exec(magnet)![1];
    const tracker = `ws://${new URL(baseURL!).host}/`;
    // Its v1 hash and our tracker: what WebTorrent 3 joins a hybrid share by.
    const v1Magnet = `magnet:?xt=urn:btih:${infoHash}&tr=${encodeURIComponent(tracker)}`;
    wt = webTorrent({ add: v1Magnet, folder });
    await wt.said('done');
    const got = readFileSync(join(folder, name));
    expect({ sha256: sha256(got), size: got.length }).toEqual({
      sha256: file.sha256,
      size: file.bytes.length,
    });
    await sharer.context.close();
    joiner = await openPeer(browser);
    await startDownload(joiner.page, magnet);
    const item = torrentItem(joiner.page, name);
    await expectStatus(item, 'Seeding', TRANSFER_TIMEOUT);
    expect(await saveFile(joiner.page, item, name)).toEqual({ sha256: file.sha256, size: file.bytes.length });
  } finally {
    await wt?.stop();
    await joiner?.context.close();
    await held.context.close();
    await sharer.context.close();
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
