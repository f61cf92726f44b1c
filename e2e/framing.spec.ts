// Served files can't be framed: a page of another origin that frames a file the service worker serves gets the
// browser's refusal, not the file, while the app itself still plays and saves what it serves.
import { expect, test, type Frame, type Page } from '@playwright/test';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { infoHashOf, openPeer, saveFile, shareFiles, tempDir, torrentItem } from './helpers';

const CLIP = fileURLToPath(new URL('./fixtures/clip.webm', import.meta.url));
const SECRET = 'the words only the user should see';

/** Another origin on this machine (same host, another port): a page that frames `target`. */
async function framingSite(target: string) {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>framer</title><iframe id="victim" src="${target}"></iframe>`);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The frame that loaded `target` (or the error page standing in for it), once the framing page has loaded (its
 * load waits for its frames'). */
async function framedContent(page: Page, target: string): Promise<{ frame: Frame; text: string }> {
  await page.waitForLoadState('load');
  const frame = page.frames().find((f) => f !== page.mainFrame());
  if (!frame) throw new Error('the framing page has no frame');
  const text = frame.url() === target ? await frame.locator('body').innerText() : '';
  return { frame, text };
}

test('a served file framed by another origin is refused; the app still plays and saves it', async ({
  browser,
  baseURL,
}) => {
  const dir = tempDir();
  const secretPath = join(dir, 'secret.txt');
  writeFileSync(secretPath, SECRET);
  const app = await openPeer(browser);
  const magnet = await shareFiles(app.page, secretPath, 'secret.txt');
  await shareFiles(app.page, CLIP, 'clip.webm');
  const target = new URL(`/files/${infoHashOf(magnet)}/0/secret.txt`, baseURL).href;

  // The app's own origin reads the file through its service worker: the URL is served.
  expect(await app.page.evaluate(async (url) => (await fetch(url)).text(), target)).toBe(SECRET);

  const site = await framingSite(target);
  try {
    const framer = await app.context.newPage();
    const refusals: string[] = [];
    framer.on('console', (message) => {
      if (/frame-ancestors|X-Frame-Options/i.test(message.text())) refusals.push(message.text());
    });
    await framer.goto(site.url);
    const { frame, text } = await framedContent(framer, target);
    expect(text).not.toContain(SECRET);
    expect(frame.url()).not.toBe(target);
    expect(refusals.length).toBeGreaterThan(0);
  } finally {
    await site.close();
  }

  // The app's own playback and save of served files still work under the same headers.
  const clip = torrentItem(app.page, 'clip.webm');
  await clip.getByRole('button', { name: 'Play clip.webm' }).click();
  const video = clip.getByLabel('clip.webm', { exact: true });
  await expect
    .poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 30_000 })
    .toBeGreaterThan(1);
  const saved = await saveFile(app.page, torrentItem(app.page, 'secret.txt'), 'secret.txt');
  expect(saved.size).toBe(SECRET.length);
  await app.context.close();
});
