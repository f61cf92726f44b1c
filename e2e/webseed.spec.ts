// Web seeds (BEP 19) in Chromium, what only a browser shows: a .torrent whose `url-list` names two range servers on
// loopback (shared/testing/range-server.ts, started here), one serving the files and one sending no CORS header. The
// download completes byte-identical from the first alone, through the worker's fetch with a lone Range header (so no
// CORS preflight: no OPTIONS request reaches either server), never asking for a pad or empty file; the browser's CORS
// rule refuses the second, which the card's details name in words. The fault matrix (a 503 with Retry-After, a range
// answered with 200, redirects, a redirect loop, a file sent on to a server without CORS, altered bytes, a budget, a
// single-file URL) is the fetcher's and the engine's: web/src/net/web-seed-matrix.process.test.ts over real HTTP and
// lab/sim/web-seed-faults.test.ts in virtual time. Firefox: firefox-webseed.spec.ts; an https:// page:
// webseed-https.spec.ts.
import { expect, test } from '@playwright/test';
import type { RangeServer } from '../shared/testing/range-server';
import { expectStatus, openDetails, openPeer, saveFile, sha256, tempDir, torrentItem } from './helpers';
import { NO_CORS_WORDS, expectCleanRequests, twoSeedTorrent } from './webseed-scenarios';
import { NAME } from './webseed-torrent';

const servers: RangeServer[] = [];
test.afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

test('a download from a web seed alone completes byte-identical, with no preflight and no pad or empty file asked, and a seed that does not let this site read it is named in words', async ({
  browser,
}) => {
  const { path, data, good, noCors } = await twoSeedTorrent(tempDir(), (started) => servers.push(started));
  const peer = await openPeer(browser);
  await peer.page.getByLabel('Open .torrent file').setInputFiles(path);
  const item = torrentItem(peer.page, NAME);
  await openDetails(item);
  await expect(item.getByText(NO_CORS_WORDS)).toBeVisible();
  await expectStatus(item, 'Seeding');
  for (const [name, bytes] of data) {
    if (bytes.length === 0) continue;
    expect(await saveFile(peer.page, item, name)).toEqual({ sha256: sha256(bytes), size: bytes.length });
  }
  expectCleanRequests(good);
  expectCleanRequests(noCors);
  await peer.context.close();
});
