// WebTorrent's own browser bundle (node_modules/webtorrent/dist/webtorrent.min.js) on a page of its own
// origin, seeding a payload it fetches from that origin and downloading through our tracker.
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from '@playwright/test';

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>WebTorrent bundle</title>
<script type="module">
  import WebTorrent from '/webtorrent.min.js';
  const client = new WebTorrent();
  client.on('error', (error) => (window.wtError = String(error)));
  window.wtSeed = async (name, tracker) => {
    const file = new File([await (await fetch('/payload')).blob()], name);
    return new Promise((resolve) => {
      client.seed(file, { announce: [tracker] }, (torrent) => resolve(torrent.magnetURI));
    });
  };
  window.wtDownload = (magnet) =>
    new Promise((resolve, reject) => {
      const start = performance.now();
      let first;
      const torrent = client.add(magnet);
      torrent.on('error', reject);
      torrent.on('verified', () => (first ??= performance.now() - start));
      torrent.on('done', () => resolve({ firstMs: first ?? null, doneMs: performance.now() - start, length: torrent.length }));
    });
  window.wtReady = true;
</script>`;

export interface BundleServer {
  url: string;
  close(): void;
}

/** Serves the bundle's page, the bundle, and `payloadPath` at /payload. */
export async function bundleServer(payloadPath: string): Promise<BundleServer> {
  const bundle = readFileSync('node_modules/webtorrent/dist/webtorrent.min.js');
  const server: Server = createServer((req, res) => {
    if (req.url === '/payload') {
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': statSync(payloadPath).size,
      });
      createReadStream(payloadPath).pipe(res);
    } else if (req.url === '/webtorrent.min.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(bundle);
    } else {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(PAGE);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

type WtWindow = {
  wtReady?: boolean;
  wtSeed(name: string, tracker: string): Promise<string>;
  wtDownload(magnet: string): Promise<{ firstMs: number | null; doneMs: number; length: number }>;
};

export async function openBundle(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as WtWindow).wtReady === true);
}

export function wtSeed(page: Page, name: string, tracker: string): Promise<string> {
  return page.evaluate(([n, t]) => (window as unknown as WtWindow).wtSeed(n, t), [name, tracker] as const);
}

export function wtDownload(page: Page, magnet: string) {
  return page.evaluate((m) => (window as unknown as WtWindow).wtDownload(m), magnet);
}
