// The keeper's routes from another site, in Firefox (through puppeteer-core): a page of another site (127.0.0.2)
// posts a keep with a valid proof, as JSON dressed in the one type a cross-site form or a no-cors fetch can send
// (text/plain), and as the JSON the keeper takes (which needs a CORS preflight the tracker never grants). The
// visitor's browser sends what it can from the visitor's address; the keeper keeps nothing. The same request from
// the app's own origin is then taken, so what the other site sent was a keep the keeper would have kept.
import { expect, test } from '@playwright/test';
import { readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeTorrent } from '../node-host/make-torrent';
import { cornerCaseFiles, writeFixture } from '../node-host/testing/fixtures';
import { readTorrent } from '../node-host/torrent-source';
import type { Challenge } from '../signal-tracker/src/keeper/keep-proof';
import { proofFor } from '../signal-tracker/src/keeper/testing/keep-proofs';
import { freePort } from '../signal-tracker/src/testing/daemons';
import { firefoxAvailable, firefoxPerFile } from './firefox';
import { startTracker, tempDir } from './helpers';

test.skip(!firefoxAvailable, 'firefox-esr is not installed (apt-get install firefox-esr)');
const firefox = firefoxPerFile();

const cleanups: Array<() => unknown> = [];
test.afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A page of another site that sends `body` to `keepUrl` as a text/plain form, a no-cors fetch and a JSON fetch. */
function attackPage(keepUrl: string, body: string): string {
  // A text/plain form sends `name=value`: the JSON's last string swallows the `=`, so the body parses as the keep.
  const name = `${body.slice(0, -1)},"pad":"`;
  return `<!doctype html><title>Another site</title><body><script>
    const keepUrl = ${JSON.stringify(keepUrl)};
    const body = ${JSON.stringify(body)};
    window.sent = Promise.allSettled([
      fetch(keepUrl, { method: 'POST', mode: 'no-cors', body, headers: { 'content-type': 'text/plain' } }),
      fetch(keepUrl, { method: 'POST', body, headers: { 'content-type': 'application/json' } }),
    ]).then((results) => results.map((result) => result.status));
    window.submitForm = () => {
      const form = Object.assign(document.createElement('form'), {
        method: 'POST', action: keepUrl, enctype: 'text/plain' });
      form.append(Object.assign(document.createElement('input'), { name: ${JSON.stringify(name)}, value: '"}' }));
      document.body.append(form);
      form.submit();
    };
  </script></body>`;
}

test('in Firefox, another site’s page cannot make the visitor’s browser keep a share', async () => {
  const keepDir = tempDir('swarmdrop-keep-');
  const port = await freePort();
  const tracker = await startTracker(port, ['--keep-dir', keepDir, '--keep-hours', '24']);
  cleanups.push(() => tracker.kill('SIGTERM'));
  const appOrigin = `http://127.0.0.1:${port}`;

  const source = tempDir('swarmdrop-share-');
  const root = await writeFixture(source, 'share', cornerCaseFiles(32 * 1024), 21);
  const torrent = await makeTorrent(root, { kind: 'v1', pieceLength: 32 * 1024 });
  const infoHash = (await readTorrent(torrent)).info.infoHashHex;
  const request = { infoHash, torrent: Buffer.from(torrent).toString('base64') };
  const postKeep = (body: unknown) =>
    fetch(`${appOrigin}/keep`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', origin: appOrigin },
    });
  const asked = await postKeep(request);
  expect(asked.status).toBe(428);
  const { challenge } = (await asked.json()) as { challenge: Challenge };
  const proven = { ...request, proof: await proofFor(source, torrent, challenge) };

  const page = attackPage(`${appOrigin}/keep`, JSON.stringify(proven));
  const site = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end(page));
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.2', resolve));
  cleanups.push(() => site.close());
  const tab = await (await firefox.peer()).context.newPage();
  await tab.goto(`http://127.0.0.2:${(site.address() as AddressInfo).port}/`);
  // Both fetches settle: the no-cors one is sent (its answer is opaque); the JSON one waits on its preflight.
  await tab.evaluate(() => (window as unknown as { sent: Promise<string[]> }).sent);
  await tab.evaluate(() => (window as unknown as { submitForm(): void }).submitForm());
  await tab.waitForFunction(() => location.href.endsWith('/keep'), { timeout: 10_000 });
  expect(readdirSync(keepDir).filter((name) => /^[0-9a-f]{40}$/.test(name))).toEqual([]);

  // The very request, from the app's own origin, is a keep the keeper takes.
  const kept = await postKeep(proven);
  expect(kept.status).toBe(200);
  expect(readdirSync(keepDir)).toContain(infoHash);
});
