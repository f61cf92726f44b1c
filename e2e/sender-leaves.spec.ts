// The sender leaves early: a seeder whose uplink is limited, four downloading tabs and WebTorrent 3 in Node. Its card
// says the tab can close once the others hold every piece between them; the test closes it right then, and every
// downloader still finishes with the sender's bytes, from the others alone.
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  expectStatus,
  itemNumbers,
  openPeer,
  randomFile,
  saveFile,
  setUploadLimit,
  sha256,
  shareFiles,
  startDownload,
  tempDir,
  torrentItem,
  TRANSFER_TIMEOUT,
} from './helpers';
import { startNodeProcess } from '../node-host/testing/node-process';
import type { WebTorrentJob } from './webtorrent-node';

const CAN_CLOSE = 'You can close this tab: the others hold every piece';
const NAME = 'sender-leaves.bin';
/** The seeder's upload limit (KiB/s): one copy of the file takes it about six seconds, so the others hold every
 * piece between them well before any of them could have had the whole file from it. */
const UPLOAD_KIB = 512;
const DOWNLOADERS = 4;

test('the sender is told it can close the tab, closes it, and every downloader still finishes', async ({
  browser,
  baseURL,
}) => {
  const file = randomFile(tempDir(), NAME, 3 * 1024 * 1024 + 4321);
  const seeder = await openPeer(browser);
  await setUploadLimit(seeder.page, UPLOAD_KIB);
  const magnet = await shareFiles(seeder.page, file.path, NAME);
  const sent = torrentItem(seeder.page, NAME);
  await expect(sent.getByText(CAN_CLOSE)).toHaveCount(0);

  const tabs = await Promise.all(Array.from({ length: DOWNLOADERS }, () => openPeer(browser)));
  await Promise.all(tabs.map((tab) => startDownload(tab.page, magnet)));
  // WebTorrent joins the hybrid share by its v1 hash, through our tracker.
  const infoHash = /urn:btih:([0-9a-f]{40})/.exec(magnet)![1];
  const tracker = `ws://${new URL(baseURL!).host}/`;
  const folder = tempDir('swarmdrop-sender-leaves-wt-');
  const job: WebTorrentJob = {
    add: `magnet:?xt=urn:btih:${infoHash}&tr=${encodeURIComponent(tracker)}`,
    folder,
  };
  const wt = startNodeProcess('e2e/webtorrent-node.ts', job);
  try {
    await expect(sent.getByText(CAN_CLOSE)).toBeVisible({ timeout: TRANSFER_TIMEOUT });
    await seeder.context.close();
    // What the swarm held when the sender left, for the report (not asserted: it depends on the machine's load).
    const whole = await Promise.all(
      tabs.map(async (tab) => {
        const numbers = await itemNumbers(torrentItem(tab.page, NAME));
        return numbers.have === numbers.pieces;
      }),
    );
    const wholeAtClose = String(whole.filter(Boolean).length);
    test
      .info()
      .annotations.push({ type: 'downloading tabs whole when the sender left', description: wholeAtClose });

    for (const tab of tabs) {
      const item = torrentItem(tab.page, NAME);
      await expectStatus(item, 'Seeding', TRANSFER_TIMEOUT);
      expect(await saveFile(tab.page, item, NAME)).toEqual({ sha256: file.sha256, size: file.bytes.length });
    }
    await wt.said('done');
    const got = readFileSync(join(folder, NAME));
    expect({ sha256: sha256(got), size: got.length }).toEqual({
      sha256: file.sha256,
      size: file.bytes.length,
    });
  } finally {
    await wt.stop();
    await Promise.all(tabs.map((tab) => tab.context.close()));
  }
});
