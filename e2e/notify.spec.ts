// A notification when a download finishes, for people who turned it on: the permission is asked only then, and the
// notice names the torrent (shown through the service worker's registration, where the test reads it back).
import { expect, test } from '@playwright/test';
import { WORKER_WAIT_MS } from '../web/src/app/notify';
import {
  TRANSFER_TIMEOUT,
  expectStatus,
  openApp,
  openPeer,
  randomFile,
  seriousViolations,
  shareFiles,
  startDownload,
  tempDir,
  torrentItem,
} from './helpers';

test('a finished download is notified once the setting is on and the permission granted', async ({
  browser,
  baseURL,
}) => {
  const file = randomFile(tempDir(), 'notified.bin', 200_000);
  const a = await openPeer(browser);
  const magnet = await shareFiles(a.page, file.path, 'notified.bin');
  // Nothing asks for the permission before the setting is turned on.
  expect(await a.page.evaluate(() => Notification.permission)).toBe('default');

  const context = await browser.newContext();
  await context.grantPermissions(['notifications'], { origin: baseURL });
  const page = await context.newPage();
  await openApp(page);
  const setting = page.getByRole('checkbox', { name: 'Tell me when a download finishes' });
  await setting.check();
  await expect(setting).toBeChecked();
  expect(await seriousViolations(page)).toEqual([]);
  await startDownload(page, magnet);
  await expectStatus(torrentItem(page, 'notified.bin'), 'Seeding', TRANSFER_TIMEOUT);
  await expect
    .poll(
      () =>
        page.evaluate(async () => {
          const registration = await navigator.serviceWorker.getRegistration();
          return (await registration?.getNotifications())?.map((shown) => [shown.title, shown.body]) ?? [];
        }),
      // A notice waits for the service worker to become active (at most WORKER_WAIT_MS), as on a fresh start.
      { timeout: WORKER_WAIT_MS + 10_000 },
    )
    .toEqual([['Download finished', 'notified.bin']]);
  await a.context.close();
  await context.close();
});
