// e2e/pex.spec.ts in Firefox: seven Firefox contexts, one seeding, join through a tracker that lets each announce
// carry one offer; the tracker dies, and the tabs meet the rest through their neighbours (sd_pex's relayed
// signalling), each downloading tab reaching five of the six others, most never introduced by the tracker; the
// tracker comes back and each finishes with the file byte-identical.
import { expect, test } from '@playwright/test';
import type { Page } from 'puppeteer-core';
import { choosePieceLength } from '../shared/codec/metainfo';
import { until } from '../shared/testing/until';
import { freePort } from '../signal-tracker/src/testing/daemons';
import {
  downloadInFirefox,
  firefoxAvailable,
  firefoxPerFile,
  openFirefoxApp,
  saveInFirefox,
  shareInFirefox,
  waitForState,
  type FirefoxPeer,
} from './firefox';
import { heldPath } from './hold';
import { randomFile, tempDir } from './helpers';
import { TestTrackers } from './trackers';
import { TrimmedTracker } from './trimmed-tracker';

test.skip(!firefoxAvailable, 'firefox-esr is not installed (apt-get install firefox-esr)');
const firefox = firefoxPerFile();

const SIZE = 3 * 1024 * 1024;
const HELD = Math.floor(SIZE / choosePieceLength(SIZE) / 4);
const DOWNLOADERS = 6;
const NAME = 'pex-firefox.bin';

const trackers = new TestTrackers();
let relay: TrimmedTracker | undefined;
test.afterEach(async () => {
  await relay?.stop();
  await trackers.stopAll();
});

/** The card's connected peers. */
function peersOf(page: Page): Promise<number> {
  return page.evaluate((name) => {
    const item = [...document.querySelectorAll('li.torrent')].find(
      (li) => li.getAttribute('aria-label') === name,
    );
    return Number(item?.getAttribute('data-peers') ?? 0);
  }, NAME);
}

const says = (page: Page, words: string) =>
  page.evaluate((words) => document.body.innerText.includes(words), words);

// Each tab sees the tracker back at its next reconnect, whose backoff doubles while it is down (up to 60 s).
test.setTimeout(120_000);

test('seven Firefox tabs go on meeting each other through their neighbours once the tracker dies', async () => {
  const real = await trackers.start([]);
  relay = new TrimmedTracker(real.port, await freePort());
  await relay.start();
  const file = randomFile(tempDir(), NAME, SIZE);
  const seeder = await openFirefoxApp(
    (await firefox.peer()).context,
    new URL(heldPath(HELD), relay.origin).href,
  );
  const magnet = await shareInFirefox(seeder, file.path, NAME);

  const peers: FirefoxPeer[] = [];
  for (let i = 0; i < DOWNLOADERS; i++) peers.push(await firefox.peer());
  // One at a time: six engines starting at once on a loaded machine can take longer than the app's start waits.
  const pages: Page[] = [];
  for (const peer of peers) pages.push(await openFirefoxApp(peer.context, relay.origin));
  for (const page of pages) {
    await downloadInFirefox(page, magnet);
    await until(async () => (await peersOf(page)) >= 1, { what: 'a first peer', timeoutMs: 30_000 });
  }

  await relay.stop();
  const introduced = relay.introductions;
  for (const page of pages) {
    await until(() => says(page, 'tracker is down: it goes on meeting people through'), {
      what: 'the card to say the tracker is down',
      timeoutMs: 30_000,
    });
  }
  for (const page of pages) {
    await until(async () => (await peersOf(page)) >= 5, {
      what: 'five of the six others',
      timeoutMs: 60_000,
    });
  }
  const degrees = await Promise.all(pages.map(peersOf));
  const connections = (degrees.reduce((a, b) => a + b, 0) + (await peersOf(seeder))) / 2;
  expect(introduced).toBeLessThan(connections / 2);
  test.info().annotations.push({
    type: 'swarm',
    description: `${connections} connections, ${introduced} introduced by the tracker; degrees ${degrees.join(' ')}`,
  });

  await relay.start();
  for (const page of pages) {
    await until(async () => !(await says(page, 'tracker is down')), {
      what: 'the tracker back on the card',
      timeoutMs: 60_000,
    });
  }
  await seeder.evaluate(() => {
    const channel = new BroadcastChannel('swarmdrop-serve-hold');
    channel.postMessage('release');
    channel.close();
  });
  for (const [i, page] of pages.entries()) {
    await waitForState(page, NAME, 'seeding');
    expect(await saveInFirefox(page, NAME, peers[i]!.downloads)).toBe(file.sha256);
  }
});
