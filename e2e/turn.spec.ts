// TURN: with a real coturn on loopback and a tracker that hands out its credentials, two tabs that tick
// `Connect through relay only` download from each other through the relay, and the connection's own statistics say so.
import { chromium, expect, test, type Browser, type BrowserContext, type Locator } from '@playwright/test';
import { existsSync } from 'node:fs';
import { LAUNCH_OPTIONS } from '../playwright.config';
import { recordPeerConnections, selectedCandidates } from './relay';
import { until } from '../shared/testing/until';
import { freePort, startCoturn, TURNSERVER, type Daemon } from '../signal-tracker/src/testing/daemons';
import {
  expectStatus,
  infoHashOf,
  openApp,
  randomFile,
  saveFile,
  shareFiles,
  startDownload,
  startTracker,
  tempDir,
  torrentItem,
  trackerSwarm,
  TRANSFER_TIMEOUT,
} from './helpers';

/** Chromium only contacts a TURN server on 127.0.0.1 with this flag (see the brief). */
function launchForRelay(): Promise<Browser> {
  return chromium.launch({
    ...LAUNCH_OPTIONS,
    args: [...LAUNCH_OPTIONS.args, '--allow-loopback-in-peer-connection'],
  });
}

// One such Chromium for the file; each person is a context of it (storage apart), closed after each test.
let relayBrowser: Browser | undefined;
const contexts: BrowserContext[] = [];
async function relayChromium(): Promise<Browser> {
  if (!relayBrowser?.isConnected()) relayBrowser = await launchForRelay();
  return relayBrowser;
}
test.afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
});
test.afterAll(async () => {
  await relayBrowser?.close();
  relayBrowser = undefined;
});

/** A person's browser on the app at `origin`, its connections recorded, with `Connect through relay only` set. */
async function openRelayPeer(browser: Browser, origin: string, relayOnly: boolean) {
  const context = await browser.newContext({ acceptDownloads: true });
  contexts.push(context);
  await context.addInitScript(recordPeerConnections);
  const page = await context.newPage();
  await openApp(page, `${origin}/`);
  const box = page.getByLabel('Connect through relay only');
  await box.setChecked(relayOnly);
  await expect(box).toBeChecked({ checked: relayOnly });
  return { context, page };
}

/** The path (`direct`, `relayed`) and short peer id of each row of a torrent item's `Peers` table. */
async function peerRows(item: Locator): Promise<Array<{ id: string; path: string }>> {
  const details = item.locator('details');
  if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
  const rows = item.getByRole('table', { name: 'Peers' }).locator('tbody tr');
  await expect(rows.first()).toBeVisible();
  return rows.evaluateAll((trs) =>
    trs.map((tr) => ({
      id: tr.querySelector('td.id')?.textContent?.trim() ?? '',
      path: tr.querySelector('td.path')?.textContent?.trim() ?? '',
    })),
  );
}

test('two tabs with Connect through relay only download through coturn', async ({ baseURL }) => {
  test.skip(!existsSync(TURNSERVER), 'coturn is not installed (apt-get install coturn)');
  const secret = 'e2e-turn-secret';
  let turn: Daemon | undefined;
  const port = await freePort();
  let tracker: Awaited<ReturnType<typeof startTracker>> | undefined;
  const browser = await relayChromium();
  try {
    turn = await startCoturn(secret);
    tracker = await startTracker(port, [
      '--turn-urls',
      `turn:127.0.0.1:${turn.port}?transport=udp`,
      '--turn-secret',
      secret,
    ]);
    expect(baseURL).toBeTruthy();
    const origin = `http://127.0.0.1:${port}`;
    const a = await openRelayPeer(browser, origin, true);
    const b = await openRelayPeer(browser, origin, true);
    const dir = tempDir();
    const file = randomFile(dir, 'relayed.bin', 256 * 1024);
    const magnet = await shareFiles(a.page, file.path, 'relayed.bin');
    await startDownload(b.page, magnet);
    const item = torrentItem(b.page, 'relayed.bin');
    await expectStatus(item, 'Seeding', TRANSFER_TIMEOUT);
    expect((await saveFile(b.page, item, 'relayed.bin')).sha256).toBe(file.sha256);
    for (const page of [a.page, b.page]) {
      const pairs = await selectedCandidates(page);
      expect(pairs.length).toBeGreaterThan(0);
      for (const pair of pairs) expect(pair).toEqual({ policy: 'relay', local: 'relay' });
    }
    // The peer row says so too.
    const rows = await peerRows(item);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows)
      expect(row).toEqual({ id: expect.stringMatching(/^[0-9a-f]{6}$/), path: 'relayed' });
    // The choice is remembered.
    await b.page.reload();
    await expect(b.page.getByLabel('Connect through relay only')).toBeChecked();
  } finally {
    tracker?.kill('SIGKILL');
    await turn?.stop();
  }
});

test('a tab open longer than its TURN credential lives still downloads through the relay', async () => {
  test.skip(!existsSync(TURNSERVER), 'coturn is not installed (apt-get install coturn)');
  const secret = 'e2e-turn-expiry';
  let turn: Daemon | undefined;
  const port = await freePort();
  let tracker: Awaited<ReturnType<typeof startTracker>> | undefined;
  const browser = await relayChromium();
  try {
    turn = await startCoturn(secret);
    // Credentials that live 4 s; a burst large enough that the tabs' refreshes are never refused here.
    tracker = await startTracker(port, [
      ...['--turn-urls', `turn:127.0.0.1:${turn.port}?transport=udp`, '--turn-secret', secret],
      ...['--turn-ttl', '4', '--turn-burst', '1000'],
    ]);
    const origin = `http://127.0.0.1:${port}`;
    const a = await openRelayPeer(browser, origin, true);
    const b = await openRelayPeer(browser, origin, true);
    // Every credential the tabs were handed when they opened has expired before the share begins.
    const opened = Math.floor(Date.now() / 1000);
    await until(() => Math.floor(Date.now() / 1000) > opened + 5, {
      what: 'the first credentials expired',
      timeoutMs: 10_000,
      intervalMs: 200,
    });
    const dir = tempDir();
    const file = randomFile(dir, 'after-expiry.bin', 256 * 1024);
    const magnet = await shareFiles(a.page, file.path, 'after-expiry.bin');
    await startDownload(b.page, magnet);
    const item = torrentItem(b.page, 'after-expiry.bin');
    await expectStatus(item, 'Seeding', TRANSFER_TIMEOUT);
    expect((await saveFile(b.page, item, 'after-expiry.bin')).sha256).toBe(file.sha256);
    for (const pair of await selectedCandidates(b.page))
      expect(pair).toEqual({ policy: 'relay', local: 'relay' });
  } finally {
    tracker?.kill('SIGKILL');
    await turn?.stop();
  }
});

test('relay only with a TURN server that does not answer: the downloader names it within 20 s, and it goes once relay-only is off', async () => {
  const silent = await freePort(); // nothing listens there
  const port = await freePort();
  const relay = `turn:127.0.0.1:${silent}?transport=udp`;
  let tracker: Awaited<ReturnType<typeof startTracker>> | undefined;
  const browser = await relayChromium();
  try {
    tracker = await startTracker(port, ['--turn-urls', relay, '--turn-secret', 'e2e-silent-relay']);
    const origin = `http://127.0.0.1:${port}`;
    const seeder = await openRelayPeer(browser, origin, false);
    const file = randomFile(tempDir(), 'unrelayed.bin', 300_000);
    const magnet = await shareFiles(seeder.page, file.path, 'unrelayed.bin');
    const leecher = await openRelayPeer(browser, origin, true);
    await startDownload(leecher.page, magnet);
    const item = torrentItem(leecher.page, 'unrelayed.bin');
    const message = item.getByRole('alert').filter({ hasText: `The relay server ${relay} did not answer` });
    await expect(message).toBeVisible({ timeout: 20_000 });
    // It says what to do about it.
    await expect(message).toContainText('Untick “Connect through relay only”');
    await expectStatus(item, 'Fetching metadata', 1000);
    // The tracker counts the seeder all the while.
    expect((await trackerSwarm(leecher.page, origin, infoHashOf(magnet)))?.complete).toBe(1);
    // Its cause gone (relay-only off), the message goes, and the download goes through directly.
    await leecher.page.getByLabel('Connect through relay only').uncheck();
    await expect(message).toHaveCount(0, { timeout: 5_000 });
    await expectStatus(item, 'Seeding', TRANSFER_TIMEOUT);
    expect((await saveFile(leecher.page, item, 'unrelayed.bin')).sha256).toBe(file.sha256);
    const rows = await peerRows(item);
    expect(rows.map((row) => row.path)).toContain('direct');
  } finally {
    tracker?.kill('SIGKILL');
  }
});

test('without TURN on the tracker, the relay choice is not offered', async ({ page }) => {
  await openApp(page);
  await expect(page.getByLabel('Connect through relay only')).toHaveCount(0);
});
