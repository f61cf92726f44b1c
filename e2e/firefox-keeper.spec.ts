// The keeper from Firefox (through puppeteer-core): a tracker started with --keep-dir in a temporary folder; Firefox A
// (a browser context of the file's Firefox) shares a file, presses `Keep online`, and once the card says the tab can
// close, A closes; a fresh Firefox B (another context) downloads the file byte-identical from the keeper alone. An encrypted share the same, with nothing of its
// plaintext in the keeper's folder.
import { expect, test } from '@playwright/test';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page as FirefoxPage } from 'puppeteer-core';
import { freePort } from '../signal-tracker/src/testing/daemons';
import {
  downloadInFirefox,
  firefoxAvailable,
  firefoxPerFile,
  openFirefoxApp,
  saveInFirefox,
  shareInFirefox,
  waitForState,
} from './firefox';
import { randomFile, sha256, startTracker, tempDir, TRANSFER_TIMEOUT } from './helpers';

test.skip(!firefoxAvailable, 'firefox-esr is not installed (apt-get install firefox-esr)');
const firefox = firefoxPerFile();

const KEPT = /^Kept online until \d\d:\d\d: this tab can close$/;
const MARKER = 'KEEPER-PLAINTEXT-MARKER-f1re ';

const trackers: Array<{ kill(signal: NodeJS.Signals): boolean }> = [];
test.afterEach(() => {
  for (const tracker of trackers.splice(0)) tracker.kill('SIGTERM');
});

async function keeperTracker(keepDir: string): Promise<string> {
  const port = await freePort();
  trackers.push(await startTracker(port, ['--keep-dir', keepDir, '--keep-hours', '24']));
  return `http://127.0.0.1:${port}`;
}

/** Presses the button of the torrent item `name` whose text is exactly `text`. */
async function pressInItem(page: FirefoxPage, name: string, text: string): Promise<void> {
  await page.waitForFunction(
    (name, text) =>
      [
        ...([...document.querySelectorAll('li.torrent')]
          .find((li) => li.getAttribute('aria-label') === name)
          ?.querySelectorAll('button') ?? []),
      ].some((b) => b.textContent?.trim() === text && !b.disabled),
    { timeout: 30_000, polling: 100 },
    name,
    text,
  );
  await page.evaluate(
    (name, text) => {
      const item = [...document.querySelectorAll('li.torrent')].find(
        (li) => li.getAttribute('aria-label') === name,
      );
      [...(item?.querySelectorAll('button') ?? [])].find((b) => b.textContent?.trim() === text)?.click();
    },
    name,
    text,
  );
}

/** Presses `Keep online for 24 hours` on the item `name` and waits until its card says the tab can close. */
async function keepOnline(page: FirefoxPage, name: string): Promise<void> {
  await pressInItem(page, name, 'Keep online for 24 hours');
  await page.waitForFunction(
    (name, kept) =>
      [
        ...([...document.querySelectorAll('li.torrent')]
          .find((li) => li.getAttribute('aria-label') === name)
          ?.querySelectorAll('[role="status"]') ?? []),
      ].some((status) => new RegExp(kept).test(status.textContent?.trim() ?? '')),
    { timeout: TRANSFER_TIMEOUT, polling: 200 },
    name,
    KEPT.source,
  );
}

/** Every file under `folder`: its path and bytes. */
function filesUnder(folder: string): Array<{ path: string; bytes: Buffer }> {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .map((name) => join(folder, name))
    .filter((path) => statSync(path).isFile())
    .map((path) => ({ path, bytes: readFileSync(path) }));
}

test('Firefox keeps a share online, closes, and another Firefox downloads it from the keeper alone', async () => {
  const origin = await keeperTracker(tempDir('swarmdrop-keep-'));
  const file = randomFile(tempDir(), 'fx-kept.bin', 3 * 1024 * 1024 + 11);
  const a = await firefox.peer();
  const sharer = await openFirefoxApp(a.context, `${origin}/`);
  const magnet = await shareInFirefox(sharer, file.path, 'fx-kept.bin');
  await keepOnline(sharer, 'fx-kept.bin');
  // The sharer's tabs, engine and service worker go with its context.
  await a.context.close();

  const b = await firefox.peer();
  const page = await openFirefoxApp(b.context, `${origin}/`);
  await downloadInFirefox(page, magnet);
  await waitForState(page, 'fx-kept.bin', 'seeding');
  expect(await saveInFirefox(page, 'fx-kept.bin', b.downloads)).toBe(file.sha256);
});

test('Firefox keeps an encrypted share as ciphertext; another Firefox opens its link from the keeper alone', async () => {
  const keepDir = tempDir('swarmdrop-keep-');
  const origin = await keeperTracker(keepDir);
  const plain = Buffer.from(MARKER.repeat(3000));
  const path = join(tempDir(), 'fx-secret-notes.txt');
  writeFileSync(path, plain);

  const a = await firefox.peer();
  const sharer = await openFirefoxApp(a.context, `${origin}/`);
  await sharer.evaluate(() => {
    const box = [...document.querySelectorAll('label')]
      .find((label) => label.textContent?.trim() === 'Encrypt for people with the link')
      ?.querySelector('input') as HTMLInputElement;
    box.click();
  });
  const input = await sharer.$('input[type=file][multiple]');
  await input!.uploadFile(path);
  await waitForState(sharer, 'fx-secret-notes.txt', 'seeding', 60_000);
  // The page's copy lands in the page: no clipboard permission needed.
  await sharer.evaluate(() => {
    navigator.clipboard.writeText = async (text: string) => {
      (window as unknown as { copied?: string }).copied = text;
    };
  });
  await pressInItem(sharer, 'fx-secret-notes.txt', 'Copy share link');
  const link = await sharer.evaluate(() => (window as unknown as { copied?: string }).copied ?? '');
  expect(link).toMatch(/&k=[A-Za-z0-9_-]{43}$/);
  await keepOnline(sharer, 'fx-secret-notes.txt');
  await a.context.close();

  const kept = filesUnder(keepDir);
  expect(kept.length).toBeGreaterThan(0);
  for (const file of kept) {
    expect(file.path).not.toMatch(/secret|notes/);
    expect(file.bytes.includes(Buffer.from('KEEPER-PLAINTEXT-MARKER'))).toBe(false);
    expect(file.bytes.includes(Buffer.from('fx-secret-notes'))).toBe(false);
  }

  const b = await firefox.peer();
  const page = await openFirefoxApp(b.context, `${origin}${link.slice(link.indexOf('/#'))}`);
  await page.waitForFunction(() => document.querySelector('dialog') !== null, { timeout: 30_000 });
  await page.evaluate(() => {
    [...document.querySelectorAll<HTMLButtonElement>('dialog button')]
      .find((b) => b.textContent?.trim() === 'Download')
      ?.click();
  });
  await waitForState(page, 'fx-secret-notes.txt', 'seeding');
  expect(await saveInFirefox(page, 'fx-secret-notes.txt', b.downloads)).toBe(sha256(plain));
});
