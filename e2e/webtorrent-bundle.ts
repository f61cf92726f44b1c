// WebTorrent's own browser bundle (node_modules/webtorrent/dist/webtorrent.min.js) on a page of its own origin,
// for the interoperability tests and the benchmarks. The page exposes `wtSeed(name, tracker)`, which seeds the
// file served at /payload and resolves with its magnet link, plus whatever `script` adds (e.g. `wtDownload`).
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from '@playwright/test';

const BUNDLE_PATH = 'node_modules/webtorrent/dist/webtorrent.min.js';
/** WebTorrent's service worker, which streams a torrent's files to the page (`client.createServer`). */
const WORKER_PATH = 'node_modules/webtorrent/dist/sw.min.js';

function pageHtml(script: string, clientOptions: object): string {
  return `<!doctype html>
<meta charset="utf-8">
<title>WebTorrent bundle</title>
<script type="module">
  import WebTorrent from '/webtorrent.min.js';
  const client = new WebTorrent(${JSON.stringify(clientOptions)});
  client.on('error', (error) => (window.wtError = String(error)));
  window.wtSeed = async (name, tracker) => {
    const file = new File([await (await fetch('/payload')).blob()], name);
    return new Promise((resolve) => {
      client.seed(file, { announce: [tracker] }, (torrent) => resolve(torrent.magnetURI));
    });
  };
  ${script}
  window.wtReady = true;
</script>`;
}

export interface BundlePage {
  url: string;
  close(): void;
}

/** Where the page is served and how its client is made. */
export interface BundleOptions {
  /** The address and port to listen on (by default a free port on 127.0.0.1). */
  listen?: { host: string; port: number };
  /** The WebTorrent client's options (`new WebTorrent(options)`), as JSON. */
  clientOptions?: object;
}

/** Serves the page (with `script` run where `client` is the WebTorrent client), the bundle, and `payloadPath` at /payload. */
export async function serveBundlePage(
  script: string,
  payloadPath?: string,
  options: BundleOptions = {},
): Promise<BundlePage> {
  const bundle = readFileSync(BUNDLE_PATH);
  const html = pageHtml(script, options.clientOptions ?? {});
  const server = createServer((req, res) => {
    if (req.url === '/payload' && payloadPath) {
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': statSync(payloadPath).size,
      });
      createReadStream(payloadPath).pipe(res);
    } else if (req.url === '/webtorrent.min.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(bundle);
    } else if (req.url === '/sw.min.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(readFileSync(WORKER_PATH));
    } else {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html);
    }
  });
  const { host, port } = options.listen ?? { host: '127.0.0.1', port: 0 };
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return {
    url: `http://${host}:${(server.address() as AddressInfo).port}/`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

export async function openBundle(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { wtReady?: boolean }).wtReady === true);
}

/** Seeds the page's /payload as `name`, announcing to `tracker`; resolves with the magnet link. */
export function wtSeed(page: Page, name: string, tracker: string): Promise<string> {
  return page.evaluate(
    ([n, t]) => (window as unknown as { wtSeed(n: string, t: string): Promise<string> }).wtSeed(n, t),
    [name, tracker] as const,
  );
}
