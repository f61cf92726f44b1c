// Relay-only over a delayed path: coturn in the core of an emulated network (netem/, docs/netem.md), the tracker
// handing out its credentials, and two tabs in two other nodes with `Connect through relay only` ticked, 100 ms
// apart through the relay with some loss on each access link. The share completes byte-identical, every connection's
// selected pair is relayed, and the relay's node carried the file both ways. Correctness only; the figures are the
// `wan-relay` bench's.
import { chromium, expect, test, type Browser, type Page } from '@playwright/test';
import { LAUNCH_OPTIONS } from '../playwright.config';
import {
  chromiumInNode,
  emulatorUnavailable,
  startPath,
  startTracker,
  startTurn,
  turnUnavailable,
  type EmulatedTracker,
  type EmulatedTurn,
  type Emulator,
} from '../netem';
import { openApp, randomFile, saveFile, shareFiles, startDownload, tempDir, torrentItem } from './helpers';
import { recordPeerConnections, selectedCandidates } from './relay';

const unavailable = emulatorUnavailable() ?? turnUnavailable();
/** 100 ms between the tabs through the relay (the relay sits in the core, with no delay of its own), 0.5 % loss. */
const PATH = { rttMs: 100, loss: 0.005 };
/** The loss and its packets repeat from run to run. */
const SEED = 44;
// 1 MiB, some 800 packets through the relay, meets about 4 losses each way at 0.5 %; the rate over the path is the
// bench's figure.
const SIZE = 1024 * 1024;
const SECRET = 'e2e-wan-relay-secret';

test.describe('relay only through coturn over an emulated delayed path', () => {
  test.skip(unavailable !== undefined, `skipped: ${unavailable}`);

  let emulator: Emulator;
  let turn: EmulatedTurn;
  let tracker: EmulatedTracker;
  const browsers: Browser[] = [];

  test.beforeAll(async () => {
    emulator = await startPath(PATH, ['tracker', 'seeder', 'downloader'], { seed: SEED, core: ['turn'] });
    turn = await startTurn(emulator, 'turn', SECRET);
    tracker = await startTracker(emulator, 'tracker', 8000, [
      '--turn-urls',
      turn.url,
      '--turn-secret',
      SECRET,
    ]);
  });

  test.afterAll(async () => {
    for (const browser of browsers) await browser.close();
    await tracker?.stop();
    await turn?.stop();
    await emulator?.stop();
  });

  /** A tab in `node` on the app, its connections recorded, with `Connect through relay only` ticked. */
  async function relayOnlyTab(node: string): Promise<Page> {
    const browser = await chromium.launch(
      chromiumInNode(emulator.node(node), LAUNCH_OPTIONS, [tracker.origin]),
    );
    browsers.push(browser);
    const context = await browser.newContext({ acceptDownloads: true, baseURL: tracker.origin });
    await context.addInitScript(recordPeerConnections);
    const page = await context.newPage();
    await openApp(page);
    const box = page.getByLabel('Connect through relay only');
    await box.check();
    await expect(box).toBeChecked();
    return page;
  }

  test('a relay-only download over 100 ms and 0.5 % loss completes byte-identical, relayed', async () => {
    const file = randomFile(tempDir(), 'wan-relay.bin', SIZE);
    const [seeder, downloader] = await Promise.all([relayOnlyTab('seeder'), relayOnlyTab('downloader')]);
    const magnet = await shareFiles(seeder, file.path, 'wan-relay.bin');
    await startDownload(downloader, magnet);
    const item = torrentItem(downloader, 'wan-relay.bin');
    expect(await saveFile(downloader, item, 'wan-relay.bin')).toEqual({ sha256: file.sha256, size: SIZE });
    for (const page of [seeder, downloader]) {
      const pairs = await selectedCandidates(page);
      expect(pairs.length).toBeGreaterThan(0);
      for (const pair of pairs) expect(pair).toEqual({ policy: 'relay', local: 'relay' });
    }
    // The relay's node received the file from the seeder and sent it on to the downloader.
    const { nodes } = await emulator.stats();
    expect(nodes.turn.down.bytes).toBeGreaterThan(SIZE);
    expect(nodes.turn.up.bytes).toBeGreaterThan(SIZE);
    // And the path really lost packets on the way.
    expect(nodes.seeder.up.lost).toBeGreaterThan(0);
  });
});
