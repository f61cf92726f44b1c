// Firefox's service worker answers the share target's POST too (Firefox installs no app, but a worker once installed
// receives any navigation to its scope): another site's form posted to /share-target there holds and shares
// nothing, and a post of the app's own origin waits for `Share`. Firefox runs through puppeteer-core (e2e/firefox.ts).
import { expect, test } from '@playwright/test';
import type { Page as FirefoxPage } from 'puppeteer-core';
import {
  firefoxAvailable,
  firefoxPerFile,
  openFirefoxApp,
  serviceWorkerControlsFirefox,
  waitForApp,
  waitForState,
} from './firefox';
import { otherSite, submitShareForm } from './other-site';

test.skip(!firefoxAvailable, 'firefox-esr is not installed (apt-get install firefox-esr)');

const firefox = firefoxPerFile();

/** The names of the torrents listed, and whether a dialog is shown. */
const shown = (page: FirefoxPage) =>
  page.evaluate(() => ({
    torrents: [...document.querySelectorAll('li.torrent')].map((li) => li.getAttribute('aria-label')),
    dialog: document.querySelector('dialog') !== null,
  }));

test('in Firefox, another site’s form posted to the share target shares nothing', async () => {
  const appUrl = test.info().project.use.baseURL!;
  const page = await openFirefoxApp((await firefox.peer()).context, appUrl);
  await serviceWorkerControlsFirefox(page);
  const appOrigin = new URL(appUrl).origin;
  const site = await otherSite(appOrigin);
  await page.goto(site.url);
  await page.waitForFunction((origin) => location.origin === origin, {}, appOrigin);
  await waitForApp(page);
  site.server.close();
  // Where the service worker sent the browser (the navigation's own address, whatever the page did to it since): the
  // first screen, not the page that takes held files.
  expect(await page.evaluate(() => performance.getEntriesByType('navigation')[0].name)).toBe(`${appOrigin}/`);
  // A share of the app's own page, held until Share: once it seeds, the planted file would have been listed too.
  await page.evaluate(submitShareForm, { name: 'asked-for.bin', extra: {} });
  const share = await page.waitForSelector('dialog ::-p-aria([name="Share"][role="button"])', {
    timeout: 30_000,
  });
  expect((await shown(page)).torrents).toEqual([]);
  await share!.click();
  await waitForState(page, 'asked-for.bin', 'seeding');
  expect(await shown(page)).toMatchObject({ torrents: ['asked-for.bin'], dialog: false });
});
