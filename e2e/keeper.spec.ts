// The keeper: a tracker started with --keep-dir in a temporary folder. Tab A shares a file and presses `Keep online`;
// once the card says the tab can close, A closes; a fresh tab B downloads the file byte-identical from the keeper
// alone. A keeper that wants a token refuses a tab without it, in words.
import { expect, test } from '@playwright/test';
import { freePort } from '../signal-tracker/src/testing/daemons';
import {
  expectStatus,
  openPeer,
  randomFile,
  saveFile,
  shareFiles,
  startDownload,
  startTracker,
  tempDir,
  torrentItem,
  TRANSFER_TIMEOUT,
} from './helpers';

test('a kept share downloads from the keeper after its tab has closed', async ({ browser }) => {
  const port = await freePort();
  const tracker = await startTracker(port, ['--keep-dir', tempDir('swarmdrop-keep-'), '--keep-hours', '24']);
  try {
    const origin = `http://127.0.0.1:${port}/`;
    const a = await openPeer(browser, origin);
    const file = randomFile(tempDir(), 'kept.bin', 3 * 1024 * 1024);
    const magnet = await shareFiles(a.page, file.path, 'kept.bin');
    const shared = torrentItem(a.page, 'kept.bin');
    await shared.getByRole('button', { name: 'Keep online for 24 hours' }).click();
    await expect(shared.getByRole('status').filter({ hasText: /keeper|Kept/ })).toHaveText(
      /^Kept online until \d\d:\d\d: this tab can close$/,
      { timeout: TRANSFER_TIMEOUT },
    );
    await a.context.close();

    const b = await openPeer(browser, origin);
    await startDownload(b.page, magnet);
    const item = torrentItem(b.page, 'kept.bin');
    await expectStatus(item, 'Seeding', TRANSFER_TIMEOUT);
    expect((await saveFile(b.page, item, 'kept.bin')).sha256).toBe(file.sha256);
    await b.context.close();
  } finally {
    tracker.kill('SIGTERM');
  }
});

test('a keeper with a token refuses a tab without it, in words', async ({ browser }) => {
  const port = await freePort();
  const tracker = await startTracker(port, [
    '--keep-dir',
    tempDir('swarmdrop-keep-'),
    '--keep-token',
    'sesame',
  ]);
  try {
    const a = await openPeer(browser, `http://127.0.0.1:${port}/`);
    const file = randomFile(tempDir(), 'unkept.bin', 64 * 1024);
    await shareFiles(a.page, file.path, 'unkept.bin');
    const shared = torrentItem(a.page, 'unkept.bin');
    await shared.getByRole('button', { name: 'Keep online for 24 hours' }).click();
    await expect(shared.getByRole('alert')).toHaveText(
      'This keeper only keeps shares for people who have its token.',
    );
    await a.context.close();
  } finally {
    tracker.kill('SIGTERM');
  }
});
