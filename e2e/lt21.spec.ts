// A libtorrent-2.1-shaped WebRTC peer (node-host/testing/lt21-peer.ts: node-datachannel, one STUN server, gathered
// descriptions, 20-byte offer ids, 10 offers an announce, label `webtorrent`, one write in flight) and a real
// Chromium tab, through SwarmDrop's tracker, with coturn as the STUN server both are given: v1 and hybrid, the tab
// seeding to the peer and the peer seeding to the tab, byte-identical.
import { chromium, expect, test, type Browser } from '@playwright/test';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { LAUNCH_OPTIONS } from '../playwright.config';
import { makeTorrent, type TorrentKind } from '../node-host/make-torrent';
import { Scratch, treeDifferences } from '../node-host/testing/fixtures';
import { carriesCandidates } from '../node-host/testing/lt21-peer';
import type { Lt21ProcessArgs } from '../node-host/testing/lt21-process';
import { formatMagnet, fromHex } from '../shared/codec/magnet';
import { readTorrent } from '../node-host/torrent-source';
import { binaryAvailable, freePort, startCoturn, TURNSERVER } from '../signal-tracker/src/testing/daemons';
import {
  expectStatus,
  openApp,
  randomFile,
  saveFile,
  startDownload,
  startTracker,
  tempDir,
  torrentItem,
  TRANSFER_TIMEOUT,
} from './helpers';
import { startLt21Process } from '../node-host/testing/node-process';

test.skip(!binaryAvailable(TURNSERVER), 'coturn (the STUN server) is not installed');

const scratch = new Scratch('lt21-e2e');
test.afterEach(() => scratch.cleanup());

/** Chromium only contacts a STUN or TURN server on 127.0.0.1 with this flag (see the brief): one such Chromium for the
 * file, a fresh context of it per test. */
let loopbackStunBrowser: Promise<Browser> | undefined;
function launchWithLoopbackStun(): Promise<Browser> {
  loopbackStunBrowser ??= chromium.launch({
    ...LAUNCH_OPTIONS,
    args: [...LAUNCH_OPTIONS.args, '--allow-loopback-in-peer-connection'],
  });
  return loopbackStunBrowser;
}
test.afterAll(async () => {
  await (await loopbackStunBrowser)?.close();
  loopbackStunBrowser = undefined;
});

/** A tracker whose /config.json gives the app one STUN server (coturn), a folder of two files and its torrent. */
async function world(kind: TorrentKind) {
  const coturn = scratch.keep(await startCoturn('lt21-e2e-secret'), (daemon) => daemon.stop());
  const stun = `stun:127.0.0.1:${coturn.port}`;
  const port = await freePort();
  const tracker = await startTracker(port, ['--ice-servers', JSON.stringify([{ urls: stun }])]);
  scratch.keep(tracker, async (child) => void child.kill('SIGTERM'));
  const source = tempDir('swarmdrop-lt21-');
  const root = join(source, `lt21-${kind}`);
  mkdirSync(root);
  const files = [
    randomFile(root, 'first.bin', 700 * 1024 + 123),
    randomFile(root, 'second.bin', 1300 * 1024 + 7),
  ];
  const torrent = await makeTorrent(root, { kind, pieceLength: 64 * 1024 });
  const torrentPath = join(source, `lt21-${kind}.torrent`);
  writeFileSync(torrentPath, torrent);
  const context = scratch.keep(
    await (await launchWithLoopbackStun()).newContext({ acceptDownloads: true }),
    (c) => c.close(),
  );
  const page = await context.newPage();
  await openApp(page, `http://127.0.0.1:${port}/`);
  return { stun, origin: `ws://127.0.0.1:${port}/`, source, root, files, torrent, torrentPath, page };
}

/** The peer in a process of its own: node-datachannel's global state is never shared with this worker. */
async function lt21(args: Lt21ProcessArgs) {
  const peer = await startLt21Process(args);
  return scratch.keep(peer, (p) => p.stop());
}

/** The candidates in every description of the tab's that reached the peer (offers relayed to it, answers to its
 * offers), or that none did: why a connection that never opened did not (it stops the peer). */
async function candidatesSeen(peer: Awaited<ReturnType<typeof lt21>>): Promise<string> {
  const { seen } = await peer.report();
  const candidates = (sdp: string) => sdp.split(/\r?\n/).filter((line) => line.startsWith('a=candidate:'));
  const described = (kind: string, sdps: string[]) =>
    sdps.map((sdp, i) => `the tab's ${kind} ${i + 1}: ${candidates(sdp).join(' | ') || 'no candidate'}`);
  const lines = [...described('offer', seen.offers), ...described('answer', seen.answers)];
  const opened = `channels opened: ${seen.opened.offered} offered by the peer, ${seen.opened.answered} answered`;
  const refused = `tracker messages the peer would refuse: ${seen.refused.join('; ') || 'none'}`;
  return [lines.join('\n') || 'no offer or answer of the tab reached the peer', opened, refused].join('\n');
}

/** Every description with its candidates in its SDP: gathering was complete before it left. */
function gatheredWhole(sdps: string[]): void {
  expect(sdps.length).toBeGreaterThan(0);
  expect(sdps.filter((sdp) => !carriesCandidates(sdp))).toEqual([]);
}

for (const kind of ['v1', 'hybrid'] as const) {
  test(`a ${kind} torrent the tab seeds downloads to a libtorrent-2.1-shaped peer, byte-identical`, async () => {
    const w = await world(kind);
    await w.page.getByLabel('Torrent to seed').setInputFiles(w.torrentPath);
    await w.page.getByLabel('Folder to seed it from').setInputFiles(w.root);
    await expectStatus(torrentItem(w.page, `lt21-${kind}`), 'Seeding', 60_000);

    const target = tempDir('swarmdrop-lt21-got-');
    const peer = await lt21({ tracker: w.origin, stun: w.stun, torrent: w.torrentPath, folder: target });
    await peer.done();
    const { seen } = await peer.report();
    expect(await treeDifferences(w.root, join(target, `lt21-${kind}`))).toEqual([]);
    // Both sides offer on their announces, so either may be the one answered: the peer's offers (non-trickle, label
    // `webtorrent`) answered by the tab, or the tab's offers answered by the peer. Every description either way
    // carried its candidates.
    expect(seen.opened.offered + seen.opened.answered).toBeGreaterThan(0);
    gatheredWhole([...seen.answers, ...seen.offers]);
    expect(seen.refused).toEqual([]);
  });

  test(`a ${kind} torrent a libtorrent-2.1-shaped peer seeds downloads to the tab, byte-identical`, async () => {
    const w = await world(kind);
    const peer = await lt21({ tracker: w.origin, stun: w.stun, torrent: w.torrentPath, folder: w.source });
    const { info, v2InfoHashHex } = await readTorrent(w.torrent);
    const magnet = formatMagnet({
      infoHash: fromHex(info.infoHashHex),
      ...(v2InfoHashHex ? { infoHashV2: fromHex(v2InfoHashHex) } : {}),
      name: `lt21-${kind}`,
      trackers: [w.origin],
    });
    await startDownload(w.page, magnet);
    const item = torrentItem(w.page, `lt21-${kind}`);
    await expectStatus(item, 'Seeding', TRANSFER_TIMEOUT).catch(async (error: Error) => {
      throw new Error(`${error.message}\n${await candidatesSeen(peer)}`);
    });
    for (const file of w.files) {
      const path = file.path.slice(w.root.length + 1);
      expect(await saveFile(w.page, item, path)).toEqual({ sha256: file.sha256, size: file.bytes.length });
    }
    const { seen } = await peer.report();
    // The tab offered with its candidates in each offer, and the peer answered it.
    expect(seen.opened.answered).toBeGreaterThan(0);
    gatheredWhole(seen.offers);
    expect(seen.refused).toEqual([]);
  });
}
