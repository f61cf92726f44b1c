// Shared steps for the end-to-end tests: peers as browser contexts, files to share, the torrent items of the UI.
import {
  chromium,
  expect,
  test,
  type Browser,
  type BrowserContext,
  type Download,
  type Locator,
  type Page,
} from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { encode, utf8ToBytes } from '../shared/codec/bencode';
import { until } from '../shared/testing/until';
import { E2E_STATS_TOKEN, LAUNCH_OPTIONS } from '../playwright.config';

/** Generous: a download waits for WebRTC, the tracker and the transfer. */
export const TRANSFER_TIMEOUT = 90_000;

export interface Peer {
  context: BrowserContext;
  page: Page;
}

/** A fresh browser context (its own storage, like another person's browser) with the app open. */
export async function openPeer(browser: Browser, path = '/'): Promise<Peer> {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  await openApp(page, path);
  return { context, page };
}

/** A Chromium profile kept on disk (its storage survives reloads, like a real browser's), with one page. */
export async function persistentPeer(): Promise<Peer> {
  const context = await chromium.launchPersistentContext(tempDir('swarmdrop-profile-'), {
    ...LAUNCH_OPTIONS,
    acceptDownloads: true,
    baseURL: test.info().project.use.baseURL,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page };
}

/** Opens the app and waits until the engine worker is up. */
export async function openApp(page: Page, path = '/'): Promise<void> {
  await page.goto(path);
  await expect(page.getByText('Starting…')).toHaveCount(0, { timeout: 30_000 });
}

export function tempDir(prefix = 'swarmdrop-e2e-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface MadeFile {
  path: string;
  name: string;
  bytes: Buffer;
  sha256: string;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A file of random bytes in `dir` (at `relative`, folders created). */
export function randomFile(dir: string, relative: string, size: number): MadeFile {
  const path = join(dir, relative);
  mkdirSync(dirname(path), { recursive: true });
  const bytes = randomBytes(size);
  writeFileSync(path, bytes);
  return { path, name: relative.split('/').pop()!, bytes, sha256: sha256(bytes) };
}

export function torrents(page: Page): Locator {
  return page.getByRole('list', { name: 'Torrents' });
}

/** The torrent item named `name`. */
export function torrentItem(page: Page, name: string): Locator {
  return torrents(page).getByRole('listitem', { name, exact: true });
}

/**
 * Presses `Share files` or `Share a folder` as a person does (on its label): where the browser hands out file handles
 * the app reads the files in place, through the browser's handle picker.
 */
export async function chooseToShare(page: Page, name: 'Share files' | 'Share a folder'): Promise<void> {
  await page.locator('label', { has: page.getByLabel(name, { exact: true }) }).click();
}

/** Opens a torrent item's details (its magnet link, QR code, .torrent, figures and swarm) unless they are open. */
export async function openDetails(item: Locator): Promise<void> {
  const details = item.locator('details.card-details');
  if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
  await expect(details).toHaveAttribute('open');
}

export async function expectStatus(item: Locator, status: string, timeout = TRANSFER_TIMEOUT): Promise<void> {
  await expect(item.getByText(status, { exact: true })).toBeVisible({ timeout });
}

/** Shares files through `Share files` and waits until the torrent seeds; returns its magnet link. */
export async function shareFiles(page: Page, files: string | string[], name: string): Promise<string> {
  await page.getByLabel('Share files').setInputFiles(files);
  const item = torrentItem(page, name);
  await expectStatus(item, 'Seeding', 60_000);
  const magnet = await item.getByLabel('Magnet link').inputValue();
  expect(magnet).toMatch(/^magnet:\?xt=urn:btih:[0-9a-f]{40}/i);
  return magnet;
}

/** Shares a folder through `Share a folder` and waits until the torrent (named for the folder) seeds; returns its
 * magnet link. */
export async function shareFolder(
  page: Page,
  folder: string,
  name: string,
  timeout = 60_000,
): Promise<string> {
  await page.getByLabel('Share a folder').setInputFiles(folder);
  const item = torrentItem(page, name);
  await expectStatus(item, 'Seeding', timeout);
  return item.getByLabel('Magnet link').inputValue();
}

/** Pastes a magnet link into `Magnet link or info hash` and presses `Download`. */
export async function startDownload(page: Page, magnet: string): Promise<void> {
  await page.getByLabel('Magnet link or info hash').fill(magnet);
  await page.getByRole('button', { name: 'Download', exact: true }).click();
}

/** Presses `Save <path>` and returns the saved bytes' SHA-256. */
export async function saveFile(
  page: Page,
  item: Locator,
  path: string,
): Promise<{ sha256: string; size: number }> {
  const button = item.getByRole('button', { name: `Save ${path}`, exact: true });
  await expect(button).toBeEnabled({ timeout: TRANSFER_TIMEOUT });
  const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
  return hashDownload(download);
}

export async function hashDownload(download: Download): Promise<{ sha256: string; size: number }> {
  const stream = await download.createReadStream();
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest('hex'), size };
}

/** Numbers the torrent item exposes as data attributes. */
export async function itemNumbers(
  item: Locator,
): Promise<{ have: number; pieces: number; length: number; downloaded: number; sessionDownloaded: number }> {
  const read = async (name: string) => Number((await item.getAttribute(`data-${name}`)) ?? NaN);
  return {
    have: await read('have'),
    pieces: await read('pieces'),
    length: await read('length'),
    downloaded: await read('downloaded'),
    sessionDownloaded: await read('session-downloaded'),
  };
}

/** The pieces a torrent item has, as a string of 0 and 1 (from its piece map). */
export async function havePieces(item: Locator): Promise<string> {
  return (await item.locator('[data-bitfield]').getAttribute('data-bitfield')) ?? '';
}

export interface TrackerSwarm {
  infoHash: string;
  complete: number;
  incomplete: number;
  peers: Array<{
    peerId: string;
    role: 'seeder' | 'leecher';
    uploaded: number;
    downloaded: number;
    left: number | null;
  }>;
}

/** The swarm of `infoHashHex` in a tracker's /stats.json. */
export async function trackerSwarm(
  page: Page,
  baseUrl: string,
  infoHashHex: string,
): Promise<TrackerSwarm | undefined> {
  const response = await page.request.get(new URL('/stats.json', baseUrl).href, {
    headers: { authorization: `Bearer ${E2E_STATS_TOKEN}` },
  });
  const stats = (await response.json()) as { swarms: TrackerSwarm[] };
  return stats.swarms.find((swarm) => swarm.infoHash === infoHashHex);
}

export function infoHashOf(magnet: string): string {
  const match = /xt=urn:btih:([0-9a-f]{40})/i.exec(magnet);
  if (!match) throw new Error(`no hex info hash in ${magnet}`);
  return match[1].toLowerCase();
}

/** A .torrent of `pieces` small (16 KiB) pieces with random hashes, which nobody seeds; returns its path. */
export function unseededTorrent(dir: string, name: string, pieces: number): string {
  const pieceLength = 16 * 1024;
  const info = {
    name: utf8ToBytes(name),
    'piece length': pieceLength,
    length: pieces * pieceLength,
    pieces: randomBytes(pieces * 20),
  };
  const path = join(dir, `${name}.torrent`);
  writeFileSync(path, encode({ announce: utf8ToBytes('ws://127.0.0.1:1/'), info }));
  return path;
}

/** Starts another `node signal-tracker` on `port` (with extra flags), and waits for its /health. */
export async function startTracker(port: number, args: string[] = []): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      'signal-tracker',
      '--port',
      String(port),
      '--host',
      '127.0.0.1',
      '--stats-token',
      E2E_STATS_TOKEN,
      ...args,
    ],
    { stdio: 'ignore' },
  );
  const healthy = () =>
    fetch(`http://127.0.0.1:${port}/health`).then(
      (response) => response.ok,
      () => false, // not up yet
    );
  try {
    await until(healthy, {
      what: `the tracker to start on port ${port}`,
      timeoutMs: 30_000,
      intervalMs: 100,
    });
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return child;
}

/** Types an upload limit (KiB/s; 0 for none) into `Upload limit`. */
export async function setUploadLimit(page: Page, kib: number): Promise<void> {
  const field = page.getByLabel('Upload limit');
  await field.fill(kib > 0 ? String(kib) : '');
  await field.press('Tab');
}

/** axe-core's serious and critical violations on the page (or in `include`, a selector), one line each. */
export async function seriousViolations(page: Page, include?: string): Promise<string[]> {
  const builder = new AxeBuilder({ page });
  if (include) builder.include(include);
  const results = await builder.analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id} (${violation.impact}): ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
    );
}

/** Where the engine tab read and wrote its latest connection's data channel: 'worker' (moved to the engine's
 * worker), 'page' (today's path), or null before any connection opened. */
export async function channelPath(page: Page): Promise<string | null> {
  return page.evaluate(() => document.documentElement.dataset.channels ?? null);
}

// The piece stores as a page sees them. Each runs in the page (`page.evaluate(fn, arg)`, in Playwright's Chromium
// and in puppeteer's Firefox alike), so each is self-contained.

/** In the page: the sizes of the piece files in the origin-private directory `pieces`, by name. */
export async function pieceFileSizesInPage(): Promise<Record<string, number>> {
  const root = await navigator.storage.getDirectory();
  let directory: FileSystemDirectoryHandle;
  try {
    directory = await root.getDirectoryHandle('pieces');
  } catch {
    return {};
  }
  const sizes: Record<string, number> = {};
  const entries = (
    directory as unknown as { entries(): AsyncIterable<[string, FileSystemFileHandle]> }
  ).entries();
  for await (const [name, handle] of entries) sizes[name] = (await handle.getFile()).size;
  return sizes;
}

/** In the page: the keys of the app's IndexedDB store that start with `prefix`. */
export async function storedKeysInPage(prefix: string): Promise<string[]> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open('swarmdrop');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const keys = await new Promise<IDBValidKey[]>((resolve, reject) => {
    const request = db.transaction('kv').objectStore('kv').getAllKeys();
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  db.close();
  return keys.map(String).filter((key) => key.startsWith(prefix));
}

/** In the page: sets (or clears) the stored setting that makes the engine keep piece bytes in IndexedDB (the store
 * of browsers without synchronous file handles); it takes effect when the engine starts again. */
export async function forceIndexedDbInPage(on: boolean): Promise<void> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open('swarmdrop');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  await new Promise<void>((resolve, reject) => {
    const transaction = db.transaction('kv', 'readwrite');
    const store = transaction.objectStore('kv');
    if (on) store.put({ pieces: 'indexeddb' }, 'setting:piece-store');
    else store.delete('setting:piece-store');
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error);
  });
  db.close();
}

/** Resolves once the service worker controls `page` (it is active at once and claims the open pages; the page's
 * registration may still be on its way on a busy machine, so this waits for the events rather than a few seconds). */
export async function serviceWorkerControls(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 0 });
}

/** Resolves once the service worker controls `page` and its cache holds the app's shell (cached after the worker is
 * active, all of it at once: the page is in the cache only with the rest). */
export async function shellCached(page: Page): Promise<void> {
  await serviceWorkerControls(page);
  await expect
    .poll(
      () =>
        page.evaluate(async () => {
          const names = await caches.keys();
          const shell = names.find((name) => name.startsWith('swarmdrop-shell-'));
          return shell !== undefined && (await (await caches.open(shell)).match('/index.html')) !== undefined;
        }),
      { timeout: 30_000 },
    )
    .toBe(true);
}
