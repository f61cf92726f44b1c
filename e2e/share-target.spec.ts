// The share target takes only what the system's share sheet sends, and shares nothing before `Share`. Another site
// can post a form with a file to /share-target once the app's service worker is installed in the browser (here, the
// app visited once in the same context): the page of another origin (127.0.0.2, a different site from the app's
// 127.0.0.1) submits one on load, in the fields the manifest names; nothing is held, listed or announced, and the
// user's `Encrypt for people with the link` stays as it was. A page that hides its referrer looks like the share sheet
// to the service worker: its files get as far as the confirmation, and no further before `Share`. A form with an
// `encrypt` field holds nothing. A navigation POST of the app's own origin stands in for the share sheet (whose
// launch a test cannot make): its files are shown with `Share` and `Cancel`, under the user's own encryption setting.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { expectStatus, openPeer, type Peer, serviceWorkerControls, torrentItem, torrents } from './helpers';
import { otherSite, submitShareForm } from './other-site';

/** Posts a multipart form as a share sheet does, from the page's own origin, navigating the page. */
async function postShare(page: Page, name: string, extra: Record<string, string> = {}): Promise<void> {
  await page.evaluate(submitShareForm, { name, extra });
}

/**
 * A browser with the app visited once (its service worker installed), then sent to another site whose page posts to
 * the share target; resolves once the post has landed on the app's origin.
 */
async function postedFromOtherSite(browser: Browser, hideReferrer: boolean): Promise<Peer> {
  const peer = await openPeer(browser);
  await serviceWorkerControls(peer.page);
  const appOrigin = new URL(peer.page.url()).origin;
  const site = await otherSite(appOrigin, hideReferrer);
  await peer.page.goto(site.url);
  await peer.page.waitForURL((url) => url.origin === appOrigin);
  site.server.close();
  return peer;
}

const held = (page: Page) => page.getByRole('dialog');
/** The torrents listed: the items of `Torrents` named by their torrent (a card's own lists' items have no name). */
const listed = (page: Page) => torrents(page).getByRole('listitem', { name: /./ });
const encryptBox = (page: Page) => page.getByLabel('Encrypt for people with the link');

test('another site’s form posted to the share target shares nothing and changes no setting', async ({
  browser,
}) => {
  const peer = await postedFromOtherSite(browser, false);
  await expect(peer.page.getByText('Starting…')).toHaveCount(0, { timeout: 30_000 });
  await expect(held(peer.page)).toHaveCount(0);
  await expect(encryptBox(peer.page)).not.toBeChecked();
  // A share the app did take, shared and seeding: the planted file, had it been taken, would have been listed first.
  await postShare(peer.page, 'asked-for.bin');
  await held(peer.page).getByRole('button', { name: 'Share' }).click();
  await expectStatus(torrentItem(peer.page, 'asked-for.bin'), 'Seeding', 60_000);
  await expect(listed(peer.page)).toHaveCount(1);
  await expect(torrentItem(peer.page, 'planted.bin')).toHaveCount(0);
  await expect(encryptBox(peer.page)).not.toBeChecked();
  await peer.context.close();
});

test('another site’s form that hides its referrer gets no further than the confirmation', async ({
  browser,
}) => {
  const peer = await postedFromOtherSite(browser, true);
  // The service worker cannot tell this from the share sheet's launch: the files are shown, and wait.
  await expect(held(peer.page).getByRole('list', { name: 'Files' })).toHaveText('planted.bin (13 B)');
  await expect(listed(peer.page)).toHaveCount(0);
  await held(peer.page).getByRole('button', { name: 'Cancel' }).click();
  await expect(held(peer.page)).toHaveCount(0);
  await expect(listed(peer.page)).toHaveCount(0);
  await expect(encryptBox(peer.page)).not.toBeChecked();
  await peer.context.close();
});

test('the share sheet’s files wait for Share, under the user’s own encryption setting; Cancel drops them', async ({
  browser,
}) => {
  const peer = await openPeer(browser);
  await serviceWorkerControls(peer.page);
  await encryptBox(peer.page).check();
  await postShare(peer.page, 'dropped.bin');
  await expect(held(peer.page).getByRole('list', { name: 'Files' })).toHaveText('dropped.bin (4.00 KiB)');
  await held(peer.page).getByRole('button', { name: 'Cancel' }).click();
  await expect(held(peer.page)).toHaveCount(0);
  await expect(listed(peer.page)).toHaveCount(0);
  // A form that tries to choose the encryption itself is no share sheet's: nothing is held.
  await postShare(peer.page, 'chooses.bin', { encrypt: '0' });
  await peer.page.waitForURL((url) => url.pathname === '/');
  await expect(peer.page.getByText('Starting…')).toHaveCount(0, { timeout: 30_000 });
  await expect(held(peer.page)).toHaveCount(0);
  await postShare(peer.page, 'shared.bin');
  await expect(held(peer.page)).toContainText(
    'Encrypted: only people with the share link can open the files',
  );
  await held(peer.page).getByRole('button', { name: 'Share' }).click();
  // An encrypted share is listed under its real name once its key opens it, on the sender's side at once.
  const item = torrentItem(peer.page, 'shared.bin');
  await expectStatus(item, 'Seeding', 60_000);
  await expect(item.getByText(/^Encrypted:/)).toHaveCount(1);
  await expect(listed(peer.page)).toHaveCount(1);
  await peer.context.close();
});
