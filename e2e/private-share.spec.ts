// Private shares: `Encrypt for people with the link` seals the files under a key that only the share
// link's fragment carries. A tab with the share link saves and plays the real files; a tab with the magnet link
// alone, and the tracker, get only ciphertext and one opaque name; a wrong key is refused in plain words; a reload
// mid-download resumes.
import { expect, test, type Page } from '@playwright/test';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openBundle, serveBundlePage } from './webtorrent-bundle';
import {
  expectStatus,
  infoHashOf,
  itemNumbers,
  openApp,
  openPeer,
  persistentPeer,
  openDetails,
  randomFile,
  saveFile,
  sha256,
  startDownload,
  tempDir,
  torrentItem,
  TRANSFER_TIMEOUT,
} from './helpers';
import { pickFolderInPage } from './picked-folder';
import { heldPath, heldPiecePath, pieceToHold, reloadMidway } from './hold';

const OPAQUE = 'private share';

/** The service worker's URL of a private share's one file of ciphertext (web/src/sw/file-response.ts). */
function cipherUrl(magnet: string): string {
  return `/files/${infoHashOf(magnet)}/0/${encodeURIComponent(OPAQUE)}`;
}
const MARKER = 'PLAINTEXT-MARKER-7f3a9c ';
const CLIP = fileURLToPath(new URL('./fixtures/clip.webm', import.meta.url));

/** Checks `Encrypt for people with the link`, shares `files` and returns the magnet and the share link. */
async function sharePrivately(
  page: Page,
  input: 'Share files' | 'Share a folder',
  what: string | string[],
  name: string,
) {
  await page.getByLabel('Encrypt for people with the link').check();
  await page.getByLabel(input).setInputFiles(what);
  const item = torrentItem(page, name);
  await expectStatus(item, 'Seeding', 60_000);
  const magnet = await item.getByLabel('Magnet link').inputValue();
  await item.getByRole('button', { name: 'Copy share link' }).click();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  return { item, magnet, link };
}

async function sharer(browser: import('@playwright/test').Browser, path = '/') {
  const context = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await context.newPage();
  const frames = trackerFrames(page);
  await openApp(page, path);
  return { context, page, frames };
}

/** Every frame the page sends to a tracker (WebSocket), as text. */
function trackerFrames(page: Page): string[] {
  const frames: string[] = [];
  page.on('websocket', (socket) =>
    socket.on('framesent', (frame) => frames.push(typeof frame.payload === 'string' ? frame.payload : '')),
  );
  return frames;
}

test('a tab with the share link saves the real files; the magnet link alone gets ciphertext and no names', async ({
  browser,
}) => {
  const dir = tempDir();
  const root = join(dir, 'trip');
  mkdirSync(join(root, 'photos'), { recursive: true });
  const notes = Buffer.from(MARKER.repeat(4000));
  writeFileSync(join(root, 'notes-secret.txt'), notes);
  const photo = randomFile(root, 'photos/beach.bin', 300 * 1024 + 17);

  const a = await sharer(browser);
  const { item, magnet, link } = await sharePrivately(a.page, 'Share a folder', root, 'trip');
  const infoHashHex = infoHashOf(magnet);
  expect(magnet).not.toMatch(/trip|notes|beach/);
  expect(link).toMatch(/&k=[A-Za-z0-9_-]{43}$/);
  expect(link.startsWith(`${new URL(a.page.url()).origin}/#`)).toBe(true);
  // The magnet link says it cannot open the files alone.
  await openDetails(item);
  await item.getByRole('button', { name: 'Copy magnet link' }).click();
  await expect(item.getByText(/The magnet link alone cannot open these files/).first()).toBeVisible();
  expect(await a.page.evaluate(() => navigator.clipboard.readText())).toBe(magnet);

  // B opens the share link: the confirmation, then the real names once the manifest is decrypted.
  const b = await openPeer(browser, link.slice(link.indexOf('/#')));
  const bFrames = trackerFrames(b.page);
  await expect(b.page.getByRole('dialog')).toContainText('An encrypted share');
  await b.page.getByRole('dialog').getByRole('button', { name: 'Download', exact: true }).click();
  const bItem = torrentItem(b.page, 'trip');
  await expectStatus(bItem, 'Seeding', TRANSFER_TIMEOUT);
  // Fetched whole: no per-file choice is offered for a private share.
  await expect(bItem.getByRole('checkbox', { name: /^Download / })).toHaveCount(0);
  expect(await saveFile(b.page, bItem, 'notes-secret.txt')).toEqual({
    sha256: sha256(notes),
    size: notes.length,
  });
  expect(await saveFile(b.page, bItem, 'photos/beach.bin')).toEqual({
    sha256: photo.sha256,
    size: photo.bytes.length,
  });
  // `Save all to a folder` decrypts too: the real tree, byte for byte, in the folder the user picks (a real directory
  // handle of the origin's private file system).
  await pickFolderInPage(b.page);
  await bItem.getByRole('button', { name: 'Save all to a folder' }).click();
  const savedTree = () =>
    b.page.evaluate(async () => {
      try {
        const trip = await (
          await (await navigator.storage.getDirectory()).getDirectoryHandle('picked')
        ).getDirectoryHandle('trip');
        const bytesOf = async (folder: FileSystemDirectoryHandle, name: string) => [
          ...new Uint8Array(await (await (await folder.getFileHandle(name)).getFile()).arrayBuffer()),
        ];
        return {
          notes: await bytesOf(trip, 'notes-secret.txt'),
          beach: await bytesOf(await trip.getDirectoryHandle('photos'), 'beach.bin'),
        };
      } catch {
        return undefined; // not all written yet
      }
    });
  await expect
    .poll(
      async () => {
        const tree = await savedTree();
        return tree && [sha256(new Uint8Array(tree.notes)), sha256(new Uint8Array(tree.beach))];
      },
      { timeout: 30_000 },
    )
    .toEqual([sha256(notes), photo.sha256]);

  // C has the magnet link only: it downloads, verifies and seeds the ciphertext like any torrent, and reads nothing.
  // Its item says the share is encrypted and that the share link is needed, and offers no save of the ciphertext.
  const c = await openPeer(browser);
  await startDownload(c.page, magnet);
  const cItem = torrentItem(c.page, OPAQUE);
  await expectStatus(cItem, 'Seeding', TRANSFER_TIMEOUT);
  await expect(cItem.getByRole('alert').filter({ hasText: /Encrypted[\s\S]*share link/ })).toBeVisible();
  await expect(cItem.getByRole('button', { name: /^Save/ })).toHaveCount(0);
  await expect(cItem.getByRole('button', { name: 'Copy share link' })).toHaveCount(0);
  // What C stores is ciphertext: read through the service worker's file URL, it holds nothing of the files.
  const cipher = Buffer.from(
    await c.page.evaluate(
      async (url) => [...new Uint8Array(await (await fetch(url)).arrayBuffer())],
      cipherUrl(magnet),
    ),
  );
  expect(cipher.length).toBeGreaterThan(notes.length + photo.bytes.length);
  expect(cipher.includes(Buffer.from(MARKER))).toBe(false);
  expect(cipher.includes(photo.bytes.subarray(1000, 1064))).toBe(false);
  expect(cipher.toString('latin1')).not.toMatch(/trip|notes|beach/);
  // The metadata C fetched from the swarm names nothing real either.
  await openDetails(cItem);
  const [torrentFile] = await Promise.all([
    c.page.waitForEvent('download'),
    cItem.getByRole('button', { name: 'Download .torrent' }).click(),
  ]);
  const metadata = readFileSync(await torrentFile.path()).toString('latin1');
  expect(metadata).toContain(OPAQUE);
  expect(metadata).not.toMatch(/trip|notes|beach|photos/);
  // The tracker's view of the swarm: the info hash and the peers' totals, nothing else to read.
  const stats = await c.page.request.get('/stats.json', {
    headers: { authorization: 'Bearer e2e-stats-token' },
  });
  const text = await stats.text();
  expect(text).toContain(infoHashHex);
  expect(text).not.toMatch(/trip|notes|beach/);
  // What the sharer and the tab with the key sent the tracker: announces of the info hash, no key, no name.
  const key = link.slice(link.lastIndexOf('&k=') + 3);
  const sent = [...a.frames, ...bFrames];
  expect(sent.some((frame) => frame.includes('"announce"'))).toBe(true);
  for (const frame of sent) {
    expect(frame).not.toContain(key);
    expect(frame).not.toMatch(/trip|notes|beach/);
  }

  // The choice is remembered between visits.
  await a.page.reload();
  await openApp(a.page);
  await expect(a.page.getByLabel('Encrypt for people with the link')).toBeChecked();
  await expect(torrentItem(a.page, 'trip')).toBeVisible();
  await a.context.close();
  await b.context.close();
  await c.context.close();
});

test('a wrong or damaged key is refused in plain words, and no file is offered', async ({ browser }) => {
  const file = randomFile(tempDir(), 'secret.bin', 100 * 1024);
  const a = await sharer(browser);
  const { link } = await sharePrivately(a.page, 'Share files', file.path, 'secret.bin');
  const key = link.slice(link.lastIndexOf('&k=') + 3);
  const wrong = (key[0] === 'A' ? 'B' : 'A') + key.slice(1);
  const fragment = link.slice(link.indexOf('/#'), link.lastIndexOf('&k='));

  const b = await openPeer(browser, `${fragment}&k=${wrong}`);
  await b.page.getByRole('dialog').getByRole('button', { name: 'Download', exact: true }).click();
  const item = torrentItem(b.page, OPAQUE);
  await expect(item.getByText("Error: This link's key does not open these files")).toBeVisible({
    timeout: TRANSFER_TIMEOUT,
  });
  await expect(item.getByRole('button', { name: /^Save / })).toHaveCount(0);
  // The broken link is marked as failed, and nothing of it is offered to pass on: no share link, no QR code.
  await expect(item.getByRole('alert').filter({ hasText: 'This share link did not work' })).toBeVisible();
  await expect(item.getByRole('button', { name: 'Copy share link' })).toHaveCount(0);
  await openDetails(item);
  await expect(item.getByRole('img', { name: /QR code/ })).toHaveCount(0);

  // A key cut short in transit is refused before anything is contacted.
  const c = await openPeer(browser, `${fragment}&k=${key.slice(0, 30)}`);
  await expect(c.page.getByText("This link's key does not open these files")).toBeVisible();
  await expect(c.page.getByRole('dialog')).toHaveCount(0);
  await a.context.close();
  await b.context.close();
  await c.context.close();
});

test('an encrypted video plays while it downloads', async ({ browser }) => {
  // The sharer serves every piece but one near 92 % (e2e/hold.ts; the manifest's pieces come first, so it is a
  // little before 92 % of the video): the download stays short of its end.
  const a = await sharer(browser, heldPiecePath(pieceToHold(CLIP)));
  const { link } = await sharePrivately(a.page, 'Share files', CLIP, 'clip.webm');
  const b = await openPeer(browser, link.slice(link.indexOf('/#')));
  await b.page.getByRole('dialog').getByRole('button', { name: 'Download', exact: true }).click();
  const item = torrentItem(b.page, 'clip.webm');
  const play = item.getByRole('button', { name: 'Play clip.webm' });
  await expect(play).toBeVisible({ timeout: 30_000 });
  await play.click();
  const video = item.getByLabel('clip.webm', { exact: true });
  await expect
    .poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 60_000 })
    .toBeGreaterThan(2);
  const numbers = await itemNumbers(item);
  expect(numbers.have).toBeLessThan(numbers.pieces);
  await a.context.close();
  await b.context.close();
});

test('a tab that joined by the share link resumes after a reload mid-download, and saves the file', async ({
  browser,
}) => {
  // 1 MiB in 16 KiB pieces; the sharer serves a quarter of them until the reload is done (e2e/hold.ts).
  const file = randomFile(tempDir(), 'resume-private.bin', 1024 * 1024);
  const a = await sharer(browser, heldPath(16));
  const { link } = await sharePrivately(a.page, 'Share files', file.path, 'resume-private.bin');

  const { context: b, page } = await persistentPeer();
  await openApp(page, link.slice(link.indexOf('/#')));
  await page.getByRole('dialog').getByRole('button', { name: 'Download', exact: true }).click();
  const item = torrentItem(page, 'resume-private.bin');
  // The key and the real name come back from this browser's storage after the reload.
  await reloadMidway(page, item, a.page, 16);
  const saved = await saveFile(page, item, 'resume-private.bin');
  expect(saved).toEqual({ sha256: file.sha256, size: file.bytes.length });
  await b.close();
  await a.context.close();
});

// `wtContent` resolves with what the bundle downloaded: the torrent's name, its files' paths, the first file as text.
const CONTENT_SCRIPT = `
  window.wtContent = (magnet) =>
    new Promise((resolve, reject) => {
      client.add(magnet, (torrent) => {
        torrent.on('error', reject);
        const finish = async () => {
          const bytes = new Uint8Array(await torrent.files[0].arrayBuffer());
          const text = Array.from(bytes, (b) => String.fromCharCode(b)).join('');
          resolve({ name: torrent.name, paths: torrent.files.map((f) => f.path), text, size: bytes.length });
        };
        if (torrent.done) finish();
        else torrent.once('done', finish);
      });
    });`;

test("a private share: WebTorrent's bundle, given the magnet link, downloads only ciphertext under an opaque name", async ({
  browser,
}) => {
  const bundle = await serveBundlePage(CONTENT_SCRIPT);
  try {
    const marker = 'PRIVATE-PLAINTEXT-MARKER ';
    const dir = tempDir();
    const path = join(dir, 'diary-secret.txt');
    writeFileSync(path, marker.repeat(5000));
    const ours = await openPeer(browser);
    await ours.page.getByLabel('Encrypt for people with the link').check();
    await ours.page.getByLabel('Share files').setInputFiles(path);
    const item = torrentItem(ours.page, 'diary-secret.txt');
    await expectStatus(item, 'Seeding', 60_000);
    const magnet = await item.getByLabel('Magnet link').inputValue();

    const context = await browser.newContext();
    const page = await context.newPage();
    await openBundle(page, bundle.url);
    const got = await page.evaluate(
      (link) =>
        (
          window as unknown as {
            wtContent(m: string): Promise<{ name: string; paths: string[]; text: string; size: number }>;
          }
        ).wtContent(link),
      magnet,
    );
    expect(got.name).toBe('private share');
    expect(got.paths).toEqual(['private share']);
    expect(got.size).toBeGreaterThan(marker.length * 5000);
    expect(got.text).not.toContain(marker);
    expect(got.text).not.toContain('diary');
    await context.close();
    await ours.context.close();
  } finally {
    bundle.close();
  }
});
