// A stranger who knows a hybrid share's two hashes tries to split its swarm (docs/security.md, "Peer ids per
// torrent"): it binds the v2 hash to junk, reads the seeding tab's peer id from its offers in the v1 swarm, and
// announces the v2 hash under it first. The tab takes a new id, claims it under both hashes before any offer shows
// it, and a tab that knows only the v2 hash (a btmh-only magnet) still downloads the file byte-identical from it.
import { expect, test } from '@playwright/test';
import { formatMagnet, parseMagnet } from '../shared/codec/magnet';
import { until } from '../shared/testing/until';
import {
  expectStatus,
  openApp,
  openPeer,
  persistentPeer,
  randomFile,
  saveFile,
  shareFiles,
  startDownload,
  tempDir,
  torrentItem,
  trackerSwarm,
  TRANSFER_TIMEOUT,
} from './helpers';
import { Squatter } from './squatter';

test("a stranger who squats a hybrid share's v2 hash under the tab's peer id cannot cut btmh-only peers off the tab", async ({
  browser,
  baseURL,
}) => {
  const dir = tempDir();
  const file = randomFile(dir, 'split.bin', 1024 * 1024 + 333);
  // The seeding tab keeps its share on disk: the stranger sets up while it is closed, and meets it on its return.
  const seeder = await persistentPeer();
  await openApp(seeder.page, '/');
  const hybrid = parseMagnet(await shareFiles(seeder.page, file.path, 'split.bin'));
  expect(hybrid.infoHashV2Hex).toBeDefined();
  await seeder.page.close();
  // A blank page of the same profile asks the tracker (no app in it yet, so no engine).
  const page = await seeder.context.newPage();
  await expect
    .poll(async () => (await trackerSwarm(page, baseURL!, hybrid.infoHashHex))?.peers.length ?? 0)
    .toBe(0);

  const trackerUrl = baseURL!.replace(/^http/, 'ws') + '/';
  const stranger = new Squatter(trackerUrl, hybrid.infoHashHex, hybrid.infoHashV2Hex!);
  try {
    await stranger.setUp();
    await openApp(page, '/');
    await expectStatus(torrentItem(page, 'split.bin'), 'Seeding');
    // The attack as the issue tells it: the tab's first id, read from its offer, announced first under the v2 hash.
    await until(() => stranger.squats.length > 0, { timeoutMs: 30_000, what: "the stranger's first squat" });
    expect(stranger.squats[0]).toMatchObject({ taken: true });

    const leecher = await openPeer(browser);
    await startDownload(leecher.page, formatMagnet({ infoHashV2: hybrid.infoHashV2, v2Only: true }));
    const item = torrentItem(leecher.page, 'split.bin');
    await expectStatus(item, 'Seeding', TRANSFER_TIMEOUT);
    expect(await saveFile(leecher.page, item, 'split.bin')).toEqual({
      sha256: file.sha256,
      size: file.bytes.length,
    });
    // The stranger read the tab's next id from its offers too, too late: the tab held it under both hashes.
    await until(() => stranger.squats.length > 1, { timeoutMs: 30_000, what: "the stranger's second squat" });
    expect(stranger.squats.slice(1).filter((squat) => squat.taken)).toEqual([]);
    expect(stranger.squats[1].reason).toMatch(/peer_id is in use/);
    await leecher.context.close();
  } finally {
    stranger.close();
    await seeder.context.close();
  }
});
