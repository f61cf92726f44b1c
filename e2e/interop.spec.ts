// Interoperability with WebTorrent: its own browser bundle, loaded in a page of its own origin, downloads what
// our tab shares through our tracker; and our tab downloads what the bundle seeds through bittorrent-tracker's
// server.
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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

test.describe.configure({ timeout: 180_000 });

const BUNDLE = readFileSync('node_modules/webtorrent/dist/webtorrent.min.js');
const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>WebTorrent bundle</title>
<script type="module">
  import WebTorrent from '/webtorrent.min.js';
  const client = new WebTorrent();
  client.on('error', (error) => (window.wtError = String(error)));
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
  window.wtSeed = async (name, tracker) => {
    const file = new File([await (await fetch('/payload')).arrayBuffer()], name);
    return new Promise((resolve) => {
      client.seed(file, { announce: [tracker] }, (torrent) => resolve(torrent.magnetURI));
    });
  };
  window.wtReady = true;
</script>`;

/** A page of its own origin with WebTorrent's bundle (and `payload` at /payload, for it to seed). */
async function bundleServer(payload?: Buffer): Promise<{ server: HttpServer; url: string }> {
  const server = createServer((req, res) => {
    if (req.url === '/payload' && payload) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(payload);
    } else if (req.url === '/webtorrent.min.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(BUNDLE);
    } else {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(PAGE);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

async function openBundle(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { wtReady?: boolean }).wtReady === true);
}

test("WebTorrent's browser bundle downloads what our tab shares, through our tracker", async ({
  browser,
}) => {
  const { server, url } = await bundleServer();
  try {
    const dir = tempDir();
    const file = randomFile(dir, 'to-webtorrent.bin', 1024 * 1024 + 12_345);
    const ours = await openPeer(browser);
    const magnet = await shareFiles(ours.page, file.path, 'to-webtorrent.bin');

    const context = await browser.newContext();
    const page = await context.newPage();
    await openBundle(page, url);
    const result = await page.evaluate(
      (link) =>
        (
          window as unknown as { wtDownload(m: string): Promise<{ sha256: string; size: number }> }
        ).wtDownload(link),
      magnet,
    );
    expect(result.size).toBe(file.bytes.length);
    expect(result.sha256).toBe(file.sha256);
    await context.close();
    await ours.context.close();
  } finally {
    server.close();
  }
});

test("our tab downloads what WebTorrent's bundle seeds, through bittorrent-tracker's server", async ({
  browser,
}) => {
  const bytes = randomFile(tempDir(), 'from-webtorrent.bin', 1024 * 1024 + 777).bytes;
  const { server, url } = await bundleServer(bytes);
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
    await openBundle(page, url);
    const magnet = await page.evaluate(
      (tr) =>
        (window as unknown as { wtSeed(n: string, t: string): Promise<string> }).wtSeed(
          'from-webtorrent.bin',
          tr,
        ),
      trackerUrl,
    );
    expect(magnet).toContain(encodeURIComponent(trackerUrl));

    const ours = await openPeer(browser);
    await startDownload(ours.page, magnet);
    const item = torrentItem(ours.page, 'from-webtorrent.bin');
    await expectStatus(item, 'Seeding', TRANSFER_TIMEOUT);
    const saved = await saveFile(ours.page, item, 'from-webtorrent.bin');
    expect(saved.size).toBe(bytes.length);
    expect(saved.sha256).toBe(sha256(bytes));
    await context.close();
    await ours.context.close();
  } finally {
    tracker.close();
    server.close();
  }
});
