// Firefox for the end-to-end tests: Debian's firefox-esr driven headless over WebDriver BiDi by puppeteer-core
// (Playwright cannot drive a stock Firefox). One profile per peer: the pages of one profile share one engine. A peer is
// either a Firefox of its own (`launchFirefox`) or a browser context of the spec file's one Firefox
// (`firefoxPerFile`), which Firefox keeps as apart as two profiles. The steps mirror helpers.ts, through the DOM the
// app exposes (labels, aria-labels, data attributes).
import { test } from '@playwright/test';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer, { type Browser, type BrowserContext, type Page } from 'puppeteer-core';
import { sha256, tempDir, TRANSFER_TIMEOUT } from './helpers';
import { untilValue } from '../shared/testing/until';

export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
export const firefoxAvailable = existsSync(FIREFOX_PATH);

/** Preferences that land Firefox's downloads in `downloadDir` without asking. */
export function downloadPrefs(downloadDir: string): Record<string, string | number | boolean> {
  return {
    'browser.download.folderList': 2,
    'browser.download.dir': downloadDir,
    'browser.download.useDownloadDir': true,
    'browser.download.always_ask_before_handling_new_types': false,
    'browser.download.manager.showWhenStarting': false,
    'browser.helperApps.neverAsk.saveToDisk': 'application/octet-stream',
  };
}

export interface FirefoxOptions {
  acceptInsecureCerts?: boolean;
  prefs?: Record<string, string | number | boolean>;
}

/** A headless Firefox whose downloads land in `downloadDir` without asking, with `prefs` on top;
 * `acceptInsecureCerts` for pages and servers with the tests' self-signed certificates (https-app.ts). */
export async function launchFirefox(
  downloadDir: string,
  { acceptInsecureCerts = false, prefs = {} }: FirefoxOptions = {},
): Promise<Browser> {
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    acceptInsecureCerts,
    extraPrefsFirefox: {
      // WebRTC between pages on this machine (see the brief).
      'media.peerconnection.ice.loopback': true,
      'media.peerconnection.ice.obfuscate_host_addresses': false,
      ...downloadPrefs(downloadDir),
      ...prefs,
    },
  });
}

/** A peer in the spec file's Firefox: a browser context (a container of its own: cookies, IndexedDB, the
 * origin-private file system, service workers, Web Locks and broadcast channels apart from every other context's) whose
 * downloads land in `downloads`. */
export interface FirefoxPeer {
  context: BrowserContext;
  downloads: string;
}

/** One Firefox for the spec file that calls it (launched by its first `peer()`, closed after its last test), and a
 * `peer()` per person a test needs, each a fresh browser context closed after the test. The download folder is set
 * per context (WebDriver BiDi's `browser.setDownloadBehavior`), so each peer's files land in its own folder. */
export function firefoxPerFile(options: FirefoxOptions = {}): { peer(): Promise<FirefoxPeer> } {
  let browser: Browser | undefined;
  const open: BrowserContext[] = [];
  // The launch's own folder takes nothing: every context names its own.
  const launch = () => launchFirefox(tempDir('swarmdrop-firefox-unused-'), options);
  test.afterEach(async () => {
    // A test may have closed a peer itself (a person who leaves).
    const left = open.splice(0).filter((context) => !context.closed);
    await Promise.all(left.map((context) => context.close()));
  });
  test.afterAll(async () => {
    await browser?.close();
    browser = undefined;
  });
  return {
    async peer() {
      // A Firefox that went away (a crash) is launched again rather than failing every test after it.
      if (!browser?.connected) browser = await launch();
      const downloads = tempDir('swarmdrop-firefox-downloads-');
      const context = await browser.createBrowserContext({
        downloadBehavior: { policy: 'allow', downloadPath: downloads },
      });
      open.push(context);
      return { context, downloads };
    },
  };
}

/** What each page's console and uncaught errors said, kept so that a page that never starts can say why. */
const pageLogs = new WeakMap<Page, string[]>();
const PAGE_LOG_LINES = 60;

function recordPageLog(page: Page): void {
  const lines: string[] = [];
  pageLogs.set(page, lines);
  const keep = (line: string) => {
    lines.push(`${new Date().toISOString()} ${line}`);
    if (lines.length > PAGE_LOG_LINES) lines.shift();
  };
  page.on('console', (message) => keep(`console.${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => keep(`page error: ${String(error)}`));
}

/** Opens the app and waits until the engine is up (in this tab, or in the tab of the profile that holds it). */
export async function openFirefoxApp(browser: Browser | BrowserContext, url: string): Promise<Page> {
  const page = await browser.newPage();
  recordPageLog(page);
  await page.goto(url);
  await waitForApp(page);
  return page;
}

/** Resolves once the service worker controls `page`: helpers.ts `serviceWorkerControls` for Firefox. */
export async function serviceWorkerControlsFirefox(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, { timeout: 0 });
}

/** Opens the app and reloads it once the service worker controls it, so that the engine worker starts under the
 * service worker's control, as on every visit but the first (a first visit's engine worker starts before the service
 * worker takes the page over, and is not controlled). */
export async function openControlledFirefoxApp(
  browser: Browser | BrowserContext,
  url: string,
): Promise<Page> {
  const page = await openFirefoxApp(browser, url);
  await serviceWorkerControlsFirefox(page);
  await page.reload();
  await waitForApp(page);
  return page;
}

/** Waits until the app's engine is up; if it is not within 30 s, fails with what the page shows and logged. */
export async function waitForApp(page: Page): Promise<void> {
  try {
    await page.waitForFunction(() => !document.body.innerText.includes('Starting…'), { timeout: 30_000 });
  } catch (error) {
    const shown = await page
      .evaluate(() => document.body.innerText)
      .catch((reason: unknown) => `(the page could not be read: ${String(reason)})`);
    const locks = await page
      .evaluate(async () => JSON.stringify(await navigator.locks.query()))
      .catch((reason: unknown) => `(no lock state: ${String(reason)})`);
    const logged = pageLogs.get(page)?.join('\n') ?? '(not recorded)';
    throw new Error(
      `The app did not start in Firefox within 30 s (${String(error)}).\nThe page shows:\n${shown}\n` +
        `Its Web Locks: ${locks}\nIts log:\n${logged}`,
    );
  }
}

/** The torrent item's attribute, or null while there is no such item. */
async function itemAttribute(page: Page, name: string, attribute: string): Promise<string | null> {
  return page.evaluate(
    (name, attribute) => {
      const item = [...document.querySelectorAll('li.torrent')].find(
        (li) => li.getAttribute('aria-label') === name,
      );
      return item?.getAttribute(attribute) ?? null;
    },
    name,
    attribute,
  );
}

/** Waits until the torrent item `name` is in `state` (e.g. 'seeding'). */
export async function waitForState(
  page: Page,
  name: string,
  state: string,
  timeout = TRANSFER_TIMEOUT,
): Promise<void> {
  await page.waitForFunction(
    (name, state) =>
      [...document.querySelectorAll('li.torrent')].some(
        (li) => li.getAttribute('aria-label') === name && li.getAttribute('data-state') === state,
      ),
    { timeout, polling: 100 },
    name,
    state,
  );
}

export async function havePieces(page: Page, name: string): Promise<number> {
  return Number((await itemAttribute(page, name, 'data-have')) ?? NaN);
}

/** The torrent's number of pieces, all of them, had or not. */
export async function pieceCount(page: Page, name: string): Promise<number> {
  return Number((await itemAttribute(page, name, 'data-pieces')) ?? NaN);
}

/** Types `kib` into `Upload limit` and leaves the field, as helpers.ts `setUploadLimit` does in Chromium. */
export async function setUploadLimitInFirefox(page: Page, kib: number): Promise<void> {
  await page.type('#upload-limit', String(kib));
  await page.keyboard.press('Tab');
  await page.waitForFunction(
    (kib) => (document.getElementById('upload-limit') as HTMLInputElement).value === String(kib),
    {},
    kib,
  );
}

/** Shares a file through `Share files`, waits until it seeds and returns its magnet link. */
export async function shareInFirefox(page: Page, path: string, name: string): Promise<string> {
  const input = await page.$('input[type=file][multiple]');
  if (!input) throw new Error('no Share files input');
  await input.uploadFile(path);
  await waitForState(page, name, 'seeding', 60_000);
  const magnet = await page.evaluate((name) => {
    const item = [...document.querySelectorAll('li.torrent')].find(
      (li) => li.getAttribute('aria-label') === name,
    );
    return (item?.querySelector('input[id^="magnet-"]') as HTMLInputElement | null)?.value ?? '';
  }, name);
  if (!/^magnet:\?xt=urn:btih:[0-9a-f]{40}/i.test(magnet)) throw new Error(`no magnet link: ${magnet}`);
  return magnet;
}

/** Pastes a magnet link into `Magnet link or info hash` and presses `Download`. */
export async function downloadInFirefox(page: Page, magnet: string): Promise<void> {
  await page.evaluate((magnet) => {
    const field = document.getElementById('magnet-input') as HTMLInputElement;
    field.value = magnet;
    field.dispatchEvent(new Event('input', { bubbles: true }));
  }, magnet);
  const clicked = await page.evaluate(() => {
    const form = document.getElementById('magnet-input')?.closest('form');
    const button = [...(form?.querySelectorAll('button') ?? [])].find(
      (b) => b.textContent?.trim() === 'Download',
    );
    button?.click();
    return Boolean(button);
  });
  if (!clicked) throw new Error('no Download button');
}

/** Presses `Save <path>` and returns the SHA-256 of the file that lands in `downloadDir`. */
export async function saveInFirefox(page: Page, path: string, downloadDir: string): Promise<string> {
  await page.waitForFunction(
    (label) => {
      const button = document.querySelector(
        `button[aria-label="${CSS.escape(label)}"]`,
      ) as HTMLButtonElement | null;
      return button !== null && !button.disabled;
    },
    { timeout: TRANSFER_TIMEOUT },
    `Save ${path}`,
  );
  await page.evaluate((label) => {
    (document.querySelector(`button[aria-label="${CSS.escape(label)}"]`) as HTMLButtonElement).click();
  }, `Save ${path}`);
  return landedInFirefox(path.split('/').pop()!, downloadDir);
}

/** Waits until Firefox's download `name` lands whole in `downloadDir` and returns its SHA-256. */
export async function landedInFirefox(name: string, downloadDir: string): Promise<string> {
  // Firefox writes `<name>.part` first and renames it when the download is complete.
  await untilValue(
    () => readdirSync(downloadDir),
    (files) => files.includes(name) && !files.some((f) => f.endsWith('.part')),
    { what: `${name} to land in ${downloadDir}`, timeoutMs: TRANSFER_TIMEOUT, intervalMs: 100 },
  );
  return sha256(readFileSync(join(downloadDir, name)));
}

/** Presses `Play <path>` (a real click: the gesture that lets the player start with its sound) and waits until
 * playback passes 2 s. */
export async function playPastTwoSeconds(page: Page, path: string): Promise<void> {
  const play = `li.torrent button[aria-label="Play ${path}"]`;
  await page.waitForSelector(play, { timeout: 30_000 });
  await page.click(play);
  const video = `video[aria-label="${path}"]`;
  await page.waitForSelector(video, { timeout: 10_000 });
  await page.waitForFunction(
    (video) => (document.querySelector(video) as HTMLVideoElement).currentTime > 2,
    { timeout: 60_000, polling: 100 },
    video,
  );
}
