// A swarm that outlives its tracker (peer exchange, docs/protocols.md "Peer exchange and relayed signalling"): seven
// tabs, one seeding, join one after another through a tracker that lets each announce carry one offer, so each tab is
// introduced to few others; then the tracker dies. The tabs meet the rest through their neighbours, which relay the
// offers and answers; every downloading tab ends connected to at least five of the six others, most of those
// connections never introduced by the tracker, and with the file byte-identical. The tracker comes back and nothing
// breaks. The seeder serves a quarter of the pieces until the test releases it (e2e/hold.ts), so nobody finishes, and
// wants peers, while the swarm grows without the tracker.
import { expect, test, type Locator } from '@playwright/test';
import { choosePieceLength } from '../shared/codec/metainfo';
import { freePort } from '../signal-tracker/src/testing/daemons';
import { heldPath, releaseHold } from './hold';
import {
  expectStatus,
  openPeer,
  randomFile,
  saveFile,
  shareFiles,
  startDownload,
  tempDir,
  torrentItem,
  type Peer,
} from './helpers';
import { TestTrackers } from './trackers';
import { TrimmedTracker } from './trimmed-tracker';

/** 3 MiB, a quarter of its pieces served before the release. */
const SIZE = 3 * 1024 * 1024;
const HELD = Math.floor(SIZE / choosePieceLength(SIZE) / 4);
const DOWNLOADERS = 6;

const trackers = new TestTrackers();
let relay: TrimmedTracker | undefined;
test.afterEach(async () => {
  await relay?.stop();
  await trackers.stopAll();
});

const peersOf = async (item: Locator) => Number((await item.getAttribute('data-peers')) ?? 0);

// Each tab sees the tracker back at its next reconnect, whose backoff doubles while it is down (up to 60 s).
test.setTimeout(120_000);

test('seven tabs go on meeting each other through their neighbours once the tracker dies, and it comes back', async ({
  browser,
}) => {
  const real = await trackers.start([]);
  relay = new TrimmedTracker(real.port, await freePort());
  await relay.start();
  const file = randomFile(tempDir(), 'pex.bin', SIZE);
  const seeder = await openPeer(browser, new URL(heldPath(HELD), relay.origin).href);
  const magnet = await shareFiles(seeder.page, file.path, 'pex.bin');

  // The tabs open first, then join one after another: each is connected to someone the tracker introduced before
  // the next joins, and the tracker dies once the last has, so it makes few introductions beyond one a tab.
  // One at a time: six engines starting at once on a loaded machine can take longer than openApp waits.
  const opened: Peer[] = [];
  for (let i = 0; i < DOWNLOADERS; i++) opened.push(await openPeer(browser, relay.origin));
  const tabs: Array<Peer & { item: Locator }> = [];
  for (const tab of opened) {
    await startDownload(tab.page, magnet);
    const item = torrentItem(tab.page, 'pex.bin');
    await expect.poll(() => peersOf(item), { timeout: 30_000 }).toBeGreaterThanOrEqual(1);
    tabs.push({ ...tab, item });
  }

  await relay.stop();
  const introduced = relay.introductions;
  for (const tab of tabs) {
    await expect(tab.item.getByText(/tracker is down: it goes on meeting people through/)).toBeVisible({
      timeout: 30_000,
    });
  }
  for (const tab of tabs) {
    await expect.poll(() => peersOf(tab.item), { timeout: 60_000 }).toBeGreaterThanOrEqual(5);
  }
  // Each introduction is one connection, counted by both its tabs: most connections were made through the swarm.
  const degrees = await Promise.all(tabs.map((tab) => peersOf(tab.item)));
  const connections =
    (degrees.reduce((a, b) => a + b, 0) + (await peersOf(torrentItem(seeder.page, 'pex.bin')))) / 2;
  expect(introduced).toBeLessThan(connections / 2);
  test.info().annotations.push({
    type: 'swarm',
    description: `${connections} connections, ${introduced} introduced by the tracker; degrees ${degrees.join(' ')}`,
  });

  await relay.start();
  for (const tab of tabs)
    await expect(tab.item.getByText(/tracker is down/)).toHaveCount(0, { timeout: 60_000 });
  await releaseHold(seeder.page);
  for (const tab of tabs) {
    await expectStatus(tab.item, 'Seeding');
    expect((await saveFile(tab.page, tab.item, 'pex.bin')).sha256).toBe(file.sha256);
  }
  for (const tab of [seeder, ...tabs]) await tab.context.close();
});
