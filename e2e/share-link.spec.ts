// A share link opened in the address bar contacts nobody until the user presses Download in the confirmation.
import { expect, test } from '@playwright/test';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { E2E_STATS_TOKEN } from '../playwright.config';
import { openApp, torrentItem } from './helpers';

/** A tracker of the attacker's: it only records who connects and what they announce. */
async function listeningTracker() {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  const announces: Array<Record<string, unknown>> = [];
  let connections = 0;
  server.on('connection', (socket) => {
    connections++;
    socket.on('message', (data) => announces.push(JSON.parse(String(data)) as Record<string, unknown>));
  });
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    get connections() {
      return connections;
    },
    announces,
    close: () => {
      for (const client of server.clients) client.terminate();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

test('opening a share link announces nothing before Download, then announces to the trackers it named', async ({
  page,
  baseURL,
}) => {
  const evil = await listeningTracker();
  // Count the app's requests for persistent storage.
  await page.addInitScript(() => {
    const w = window as unknown as { persistCalls: number };
    w.persistCalls = 0;
    const storage = navigator.storage;
    const original = storage.persist.bind(storage);
    storage.persist = () => {
      w.persistCalls++;
      return original();
    };
  });
  const hash = 'e7'.repeat(20);
  const magnet = `magnet:?xt=urn:btih:${hash}&dn=holiday.mkv&xl=1234567&tr=${encodeURIComponent(evil.url)}`;
  await openApp(page, `/#${encodeURIComponent(magnet)}`);

  const dialog = page.getByRole('dialog', { name: 'Download “holiday.mkv”?' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText(hash);
  await expect(dialog).toContainText('1.18 MiB');
  const trackers = dialog.getByRole('list', { name: 'Trackers to announce to' });
  await expect(trackers.getByRole('listitem')).toHaveText([evil.url, `ws://${new URL(baseURL!).host}/`]);

  // Nothing is contacted while the user reads: no tracker connection, no swarm, no torrent, no storage request.
  await page.waitForTimeout(2000);
  expect(evil.connections).toBe(0);
  const stats = await page.request.get(new URL('/stats.json', baseURL).href, {
    headers: { authorization: `Bearer ${E2E_STATS_TOKEN}` },
  });
  const swarms = ((await stats.json()) as { swarms: Array<{ infoHash: string }> }).swarms;
  expect(swarms.map((swarm) => swarm.infoHash)).not.toContain(hash);
  await expect(page.getByRole('list', { name: 'Torrents' }).getByRole('listitem')).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { persistCalls: number }).persistCalls)).toBe(0);

  await dialog.getByRole('button', { name: 'Download', exact: true }).click();
  await expect(dialog).toHaveCount(0);
  await expect(torrentItem(page, 'holiday.mkv')).toBeVisible();
  await expect
    .poll(() => evil.announces.some((m) => m.action === 'announce'), { timeout: 20_000 })
    .toBe(true);
  expect(await page.evaluate(() => (window as unknown as { persistCalls: number }).persistCalls)).toBe(1);
  await evil.close();
});

test('Cancel in the confirmation adds nothing and contacts nobody', async ({ page }) => {
  const evil = await listeningTracker();
  const magnet = `magnet:?xt=urn:btih:${'a1'.repeat(20)}&tr=${encodeURIComponent(evil.url)}`;
  await openApp(page, `/#${encodeURIComponent(magnet)}`);
  const dialog = page.getByRole('dialog', { name: `Download “${'a1'.repeat(20)}”?` });
  await expect(dialog).toContainText('unknown until the metadata arrives');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);
  await page.waitForTimeout(1000);
  expect(evil.connections).toBe(0);
  await expect(page.getByRole('list', { name: 'Torrents' }).getByRole('listitem')).toHaveCount(0);
  await evil.close();
});
