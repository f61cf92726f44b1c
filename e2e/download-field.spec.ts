// The download field takes the share link the app itself copies: the installed app has no address bar, so pasting
// the link there is how it opens one.
import { expect, test } from '@playwright/test';
import { WRONG_KEY_MESSAGE } from '../shared/private-share/private-share';
import { openPeer, randomFile, saveFile, shareFiles, startDownload, tempDir, torrentItem } from './helpers';

test('a share link pasted into the download field downloads its files, byte-identical', async ({
  browser,
}) => {
  const file = randomFile(tempDir(), 'field-notes.bin', 3 * 1024 * 1024 + 12_345);
  const sharer = await openPeer(browser);
  const receiver = await openPeer(browser);
  try {
    await shareFiles(sharer.page, file.path, 'field-notes.bin');
    // The page's copy lands in the page: no clipboard permission needed.
    await sharer.page.evaluate(() => {
      navigator.clipboard.writeText = async (text: string) => {
        (window as unknown as { copied?: string }).copied = text;
      };
    });
    const shared = torrentItem(sharer.page, 'field-notes.bin');
    await shared.getByRole('button', { name: 'Copy share link' }).click();
    const link = await sharer.page.waitForFunction(() => (window as unknown as { copied?: string }).copied);
    const shareLink = (await link.jsonValue()) as string;
    expect(shareLink).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#magnet%3A/);

    await startDownload(receiver.page, shareLink);
    await expect(receiver.page.getByRole('alert')).toHaveCount(0);
    const item = torrentItem(receiver.page, 'field-notes.bin');
    expect(await saveFile(receiver.page, item, 'field-notes.bin')).toEqual({
      sha256: file.sha256,
      size: file.bytes.length,
    });
  } finally {
    await sharer.context.close();
    await receiver.context.close();
  }
});

test("a share link whose key was cut on its way is refused in the key's words, and nothing is added", async ({
  page,
}) => {
  await page.goto('/');
  const magnet = `magnet:?xt=urn:btih:${'c4'.repeat(20)}&dn=private%20share`;
  await startDownload(page, `http://127.0.0.1/#${encodeURIComponent(magnet)}&k=AAAAAAAAAA`);
  await expect(page.getByRole('alert')).toHaveText(WRONG_KEY_MESSAGE);
  await expect(page.locator('li.torrent')).toHaveCount(0);
});
