// Interoperability with WebTorrent: its own browser bundle, loaded in a page of its own origin, downloads what
// our tab shares through our tracker; and our tab downloads what the bundle seeds through bittorrent-tracker's
// server.
import { expect, test } from '@playwright/test';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  channelPath,
  expectStatus,
  openPeer,
  randomFile,
  saveFile,
  sha256,
  shareFiles,
  shareFolder,
  startDownload,
  tempDir,
  torrentItem,
  TRANSFER_TIMEOUT,
} from './helpers';
import { openBundle, serveBundlePage, wtSeed } from './webtorrent-bundle';

// The bundle's page also gets a `wtDownload` that resolves with the SHA-256 and size of the downloaded file.
const DOWNLOAD_SCRIPT = `
  async function digest(file) {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    return { sha256: Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join(''), size: bytes.length };
  }
  window.wtDownload = (magnet) =>
    new Promise((resolve, reject) => {
      client.add(magnet, (torrent) => {
        torrent.on('error', reject);
        const finish = () => digest(torrent.files[0]).then(resolve, reject);
        if (torrent.done) finish();
        else torrent.once('done', finish);
      });
    });
  // Every file of a multi-file torrent but BEP 47 pad files, by path, with its SHA-256.
  window.wtDownloadAll = (magnet) =>
    new Promise((resolve, reject) => {
      client.add(magnet, (torrent) => {
        torrent.on('error', reject);
        const finish = async () => {
          const out = {};
          for (const file of torrent.files) if (!file.path.includes('.pad')) out[file.path] = await digest(file);
          resolve({ files: out, infoHash: torrent.infoHash });
        };
        if (torrent.done) finish().catch(reject);
        else torrent.once('done', () => finish().catch(reject));
      });
    });`;

test("WebTorrent's browser bundle downloads what our tab shares, through our tracker", async ({
  browser,
}) => {
  const bundle = await serveBundlePage(DOWNLOAD_SCRIPT);
  try {
    const dir = tempDir();
    const file = randomFile(dir, 'to-webtorrent.bin', 1024 * 1024 + 12_345);
    const ours = await openPeer(browser);
    const magnet = await shareFiles(ours.page, file.path, 'to-webtorrent.bin');

    const context = await browser.newContext();
    const page = await context.newPage();
    await openBundle(page, bundle.url);
    const result = await page.evaluate(
      (link) =>
        (
          window as unknown as { wtDownload(m: string): Promise<{ sha256: string; size: number }> }
        ).wtDownload(link),
      magnet,
    );
    expect(result.size).toBe(file.bytes.length);
    expect(result.sha256).toBe(file.sha256);
    // Our side answered the bundle's offer: the channel WebTorrent's simple-peer opened was moved to our worker.
    expect(await channelPath(ours.page)).toBe('worker');
    await context.close();
    await ours.context.close();
  } finally {
    bundle.close();
  }
});

test("WebTorrent's bundle downloads our hybrid folder share (pad files between its files) by its v1 hash", async ({
  browser,
}) => {
  const bundle = await serveBundlePage(DOWNLOAD_SCRIPT);
  try {
    const dir = tempDir();
    const made = [
      randomFile(dir, 'album/one.bin', 300_001),
      randomFile(dir, 'album/two/three.bin', 1024 * 1024 + 99),
    ];
    const ours = await openPeer(browser);
    const magnet = await shareFolder(ours.page, `${dir}/album`, 'album');
    await expect
      .poll(() => torrentItem(ours.page, 'album').getByLabel('Magnet link').inputValue())
      .toMatch(/^magnet:\?xt=urn:btih:([0-9a-f]{40})&xt=urn:btmh:1220[0-9a-f]{64}&/);
    const infoHash = /urn:btih:([0-9a-f]{40})/.exec(magnet)![1];

    const context = await browser.newContext();
    const page = await context.newPage();
    await openBundle(page, bundle.url);
    const result = await page.evaluate(
      (link) =>
        (
          window as unknown as {
            wtDownloadAll(m: string): Promise<{
              infoHash: string;
              files: Record<string, { sha256: string; size: number }>;
            }>;
          }
        ).wtDownloadAll(link),
      magnet,
    );
    expect(result.infoHash).toBe(infoHash);
    expect(result.files).toEqual({
      'album/one.bin': { sha256: made[0].sha256, size: made[0].bytes.length },
      'album/two/three.bin': { sha256: made[1].sha256, size: made[1].bytes.length },
    });
    await context.close();
    await ours.context.close();
  } finally {
    bundle.close();
  }
});

test("our tab downloads what WebTorrent's bundle seeds, through bittorrent-tracker's server", async ({
  browser,
}) => {
  const payload = randomFile(tempDir(), 'from-webtorrent.bin', 1024 * 1024 + 777);
  const bytes = payload.bytes;
  const bundle = await serveBundlePage(DOWNLOAD_SCRIPT, payload.path);
  const { Server } = (await import('bittorrent-tracker')) as unknown as {
    Server: new (options: Record<string, unknown>) => {
      listen(port: number, host: string, callback: () => void): void;
      http: HttpServer;
      close(callback?: () => void): void;
    };
  };
  const tracker = new Server({ udp: false, http: true, ws: true, stats: false });
  await new Promise<void>((resolve) => tracker.listen(0, '127.0.0.1', resolve));
  const trackerUrl = `ws://127.0.0.1:${(tracker.http.address() as AddressInfo).port}`;
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    await openBundle(page, bundle.url);
    const magnet = await wtSeed(page, 'from-webtorrent.bin', trackerUrl);
    expect(magnet).toContain(encodeURIComponent(trackerUrl));

    const ours = await openPeer(browser);
    await startDownload(ours.page, magnet);
    const item = torrentItem(ours.page, 'from-webtorrent.bin');
    await expectStatus(item, 'Seeding', TRANSFER_TIMEOUT);
    const saved = await saveFile(ours.page, item, 'from-webtorrent.bin');
    expect(saved.size).toBe(bytes.length);
    expect(saved.sha256).toBe(sha256(bytes));
    // Our side made the offer: the channel our simple-peer created was moved to our worker before it opened.
    expect(await channelPath(ours.page)).toBe('worker');
    await context.close();
    await ours.context.close();
  } finally {
    tracker.close();
    bundle.close();
  }
});
