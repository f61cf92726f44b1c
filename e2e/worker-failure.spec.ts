// The engine worker failing in a real browser: the page says so, starts a new worker, and the new worker reloads
// the torrents from IndexedDB and serves them again. The failure is the `error` event a worker's uncaught exception
// raises on its Worker object; the test dispatches it on the app's engine worker, found by recording the Workers the
// page constructs.
import { expect, test } from '@playwright/test';
import { expectStatus, hashDownload, openApp, randomFile, shareFiles, tempDir, torrentItem } from './helpers';

declare global {
  interface Window {
    engineWorkers: Worker[];
  }
}

test('a worker that fails is replaced, the page says so, and its torrents come back from storage', async ({
  page,
}) => {
  await page.addInitScript(() => {
    const Native = window.Worker;
    window.engineWorkers = [];
    window.Worker = class extends Native {
      constructor(url: string | URL, options?: WorkerOptions) {
        super(url, options);
        // The engine worker only: the page starts a hash worker beside it (worker/hash/hash-link.ts).
        if (options?.name !== 'hash') window.engineWorkers.push(this);
      }
    };
  });
  const dir = tempDir();
  const file = randomFile(dir, 'kept.bin', 200_000);
  await openApp(page);
  await shareFiles(page, file.path, 'kept.bin');
  const item = torrentItem(page, 'kept.bin');
  await expectStatus(item, 'Seeding', 20_000);
  expect(await page.evaluate(() => window.engineWorkers.length)).toBe(1);

  await page.evaluate(() => {
    window.engineWorkers[0].dispatchEvent(
      new ErrorEvent('error', { message: 'Uncaught Error: test failure' }),
    );
  });

  await expect(page.getByRole('alert').filter({ hasText: 'The engine stopped' })).toContainText(
    'test failure',
  );
  expect(await page.evaluate(() => window.engineWorkers.length)).toBe(2);
  // The new worker restores the share from IndexedDB: it seeds again and its file saves byte-identical.
  await expectStatus(item, 'Seeding', 20_000);
  const save = item.getByRole('button', { name: 'Save kept.bin', exact: true });
  const [saved] = await Promise.all([page.waitForEvent('download'), save.click()]);
  expect((await hashDownload(saved)).sha256).toBe(file.sha256);
});
