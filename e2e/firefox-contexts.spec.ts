// What `firefoxPerFile` (e2e/firefox.ts) rests on: two browser contexts of one Firefox are two people. What one
// context's app stored (IndexedDB, the origin-private file system, its service worker) is not there for the other,
// each saves into its own download folder, and the two engines share a file between them as two browsers would.
import { expect, test } from '@playwright/test';
import { readdirSync } from 'node:fs';
import type { BrowserContext } from 'puppeteer-core';
import {
  downloadInFirefox,
  firefoxAvailable,
  firefoxPerFile,
  openControlledFirefoxApp,
  openFirefoxApp,
  saveInFirefox,
  shareInFirefox,
  waitForState,
} from './firefox';
import { randomFile, tempDir } from './helpers';

test.skip(!firefoxAvailable, 'firefox-esr is not installed (apt-get install firefox-esr)');
const firefox = firefoxPerFile();

/** What the origin holds, as a page of it that is not the app sees it (the app would register its worker). */
async function storedAt(context: BrowserContext, url: string) {
  const page = await context.newPage();
  await page.goto(url);
  return page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    const files: string[] = [];
    for await (const name of (root as unknown as { keys(): AsyncIterable<string> }).keys()) files.push(name);
    return {
      databases: (await indexedDB.databases()).map((db) => db.name),
      files,
      workers: (await navigator.serviceWorker.getRegistrations()).length,
      controlled: navigator.serviceWorker.controller !== null,
    };
  });
}

test('two contexts of one Firefox keep their storage, service worker and downloads apart, and share as two peers', async ({
  baseURL,
}) => {
  const a = await firefox.peer();
  const b = await firefox.peer();
  const sharer = await openControlledFirefoxApp(a.context, `${baseURL}/`);
  const file = randomFile(tempDir(), 'between-contexts.bin', 200_000);
  const magnet = await shareInFirefox(sharer, file.path, file.name);

  const outsideApp = `${baseURL}/favicon.svg`;
  const seenByA = await storedAt(a.context, outsideApp);
  expect(seenByA.databases.length).toBeGreaterThan(0);
  expect(seenByA.files.length).toBeGreaterThan(0);
  expect(seenByA).toMatchObject({ workers: 1, controlled: true });
  expect(await storedAt(b.context, outsideApp)).toEqual({
    databases: [],
    files: [],
    workers: 0,
    controlled: false,
  });

  const recipient = await openFirefoxApp(b.context, `${baseURL}/`);
  await downloadInFirefox(recipient, magnet);
  await waitForState(recipient, file.name, 'seeding');
  expect(await saveInFirefox(recipient, file.name, b.downloads)).toBe(file.sha256);
  expect(readdirSync(a.downloads)).toEqual([]);
  expect(await saveInFirefox(sharer, file.name, a.downloads)).toBe(file.sha256);
  expect(readdirSync(b.downloads)).toEqual([file.name]);
});
