// TURN: with a real coturn on loopback and a tracker that hands out its credentials, two tabs that tick
// `Connect through relay only` download from each other through the relay, and the connection's own statistics say so.
import { chromium, expect, test, type Page } from '@playwright/test';
import { existsSync } from 'node:fs';
import { LAUNCH_OPTIONS } from '../playwright.config';
import { freePort, startCoturn, TURNSERVER, type Daemon } from '../signal-tracker/src/testing/daemons';
import {
  expectStatus,
  openApp,
  randomFile,
  saveFile,
  shareFiles,
  startDownload,
  startTracker,
  tempDir,
  torrentItem,
  TRANSFER_TIMEOUT,
} from './helpers';

test.skip(!existsSync(TURNSERVER), 'coturn is not installed (apt-get install coturn)');
test.describe.configure({ timeout: 180_000 });

/** Records every RTCPeerConnection the page makes, so the test can read their statistics. */
function recordPeerConnections(): void {
  const Native = window.RTCPeerConnection;
  const made: RTCPeerConnection[] = [];
  (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections = made;
  window.RTCPeerConnection = class extends Native {
    constructor(config?: RTCConfiguration) {
      super(config);
      made.push(this);
    }
  } as typeof RTCPeerConnection;
}

/** For each connected RTCPeerConnection of the page: its policy and the local candidate type of its selected pair. */
async function selectedCandidates(page: Page): Promise<Array<{ policy: string; local: string }>> {
  return page.evaluate(async () => {
    const list = (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections;
    const out: Array<{ policy: string; local: string }> = [];
    for (const pc of list) {
      if (pc.connectionState !== 'connected') continue;
      const stats = await pc.getStats();
      // The selected pair, the standard way (the transport names it); `nominated` alone is not set on every side.
      let pairId: string | undefined;
      stats.forEach((report: { type: string; selectedCandidatePairId?: string }) => {
        if (report.type === 'transport' && report.selectedCandidatePairId)
          pairId = report.selectedCandidatePairId;
      });
      if (!pairId) {
        stats.forEach((report: { type: string; id: string; state?: string; nominated?: boolean }) => {
          if (report.type === 'candidate-pair' && report.state === 'succeeded' && report.nominated)
            pairId = report.id;
        });
      }
      const pair = pairId ? (stats.get(pairId) as { localCandidateId?: string } | undefined) : undefined;
      const candidate = pair?.localCandidateId
        ? (stats.get(pair.localCandidateId) as { candidateType?: string } | undefined)
        : undefined;
      const local = candidate?.candidateType ?? 'none';
      out.push({ policy: pc.getConfiguration().iceTransportPolicy ?? 'all', local });
    }
    return out;
  });
}

test('two tabs with Connect through relay only download through coturn', async ({ baseURL }) => {
  const secret = 'e2e-turn-secret';
  let turn: Daemon | undefined;
  const port = await freePort();
  let tracker: Awaited<ReturnType<typeof startTracker>> | undefined;
  // Chromium only contacts a TURN server on 127.0.0.1 with this flag (see the brief).
  const browser = await chromium.launch({
    ...LAUNCH_OPTIONS,
    args: [...LAUNCH_OPTIONS.args, '--allow-loopback-in-peer-connection'],
  });
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
    const open = async () => {
      const context = await browser.newContext({ acceptDownloads: true });
      await context.addInitScript(recordPeerConnections);
      const page = await context.newPage();
      await openApp(page, `${origin}/`);
      const relayOnly = page.getByLabel('Connect through relay only');
      await relayOnly.check();
      await expect(relayOnly).toBeChecked();
      return { context, page };
    };
    const a = await open();
    const b = await open();
    const dir = tempDir();
    const file = randomFile(dir, 'relayed.bin', 2 * 1024 * 1024);
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
    // The choice is remembered.
    await b.page.reload();
    await expect(b.page.getByLabel('Connect through relay only')).toBeChecked();
  } finally {
    await browser.close();
    tracker?.kill('SIGKILL');
    await turn?.stop();
  }
});

test('without TURN on the tracker, the relay choice is not offered', async ({ page }) => {
  await openApp(page);
  await expect(page.getByLabel('Connect through relay only')).toHaveCount(0);
});
