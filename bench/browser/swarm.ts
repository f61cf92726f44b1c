// Figure 2: one seeding tab and five downloading tabs, 64 MiB: the time until all five finish, against the
// client-server time (five times one tab downloading alone from the same seed), and the share of bytes the
// leechers got from each other. Six contexts of one Chromium (storage in memory, like private windows).
import { rmSync } from 'node:fs';
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { LAUNCH_OPTIONS } from '../../playwright.config';
import { browserVersion, buildApp, serveApp } from '../lib/app';
import { failedFigure, figure, noGoal, type Bench } from '../lib/figure';
import { openApp, share, timedDownload } from './app-steps';
import { firstLine, randomFileOf } from '../lib/session';

const MiB = 1024 * 1024;
const LEECHERS = 5;
const TIMEOUT_MS = 240_000;

async function numbers(page: Page): Promise<{ uploaded: number; downloaded: number }> {
  const item = page.locator('li[data-infohash]').first();
  return {
    uploaded: Number(await item.getAttribute('data-uploaded')),
    downloaded: Number(await item.getAttribute('data-downloaded')),
  };
}

export const swarmBench: Bench = {
  name: 'swarm',
  figures: 'a swarm of 1 seed and 5 tabs',
  async run(context) {
    context.browserVersion ??= await browserVersion();
    const size = 64 * MiB;
    const name = 'bench-swarm-64MiB.bin';
    const server = await serveApp(buildApp(context.log));
    const file = randomFileOf(size, name);
    const browser = await chromium.launch(LAUNCH_OPTIONS);
    const contexts: BrowserContext[] = [];
    const open = async () => {
      const ctx = await browser.newContext();
      contexts.push(ctx);
      const page = await ctx.newPage();
      await openApp(page, server.url);
      return { ctx, page };
    };
    const timeName = `swarm 1 seed + ${LEECHERS} tabs, 64 MiB, time until all finish`;
    const shareName = 'swarm: share of bytes leechers got from each other';
    const fail = (error: unknown) =>
      [timeName, shareName].map((name) => failedFigure(name, '', '—', noGoal, firstLine(error)));
    try {
      const seed = await open();
      const magnet = await share(seed.page, file.path, name, 60_000);
      // One tab alone: what the seed gives one downloader.
      const solo = await open();
      const soloSeconds = (await timedDownload(solo.page, magnet, TIMEOUT_MS)).seconds;
      await solo.ctx.close();
      const seedBefore = (await numbers(seed.page)).uploaded;
      context.log(`  one tab alone: ${soloSeconds.toFixed(1)} s`);
      const leechers = [];
      for (let i = 0; i < LEECHERS; i++) leechers.push(await open());
      const results = await Promise.all(
        leechers.map((leecher) => timedDownload(leecher.page, magnet, TIMEOUT_MS)),
      );
      const seconds =
        (Math.max(...results.map((r) => r.done)) - Math.min(...results.map((r) => r.start))) / 1000;
      // The UI refreshes every 500 ms: let the totals catch up before reading them.
      await new Promise((resolve) => setTimeout(resolve, 1200));
      const seedUploaded = (await numbers(seed.page)).uploaded - seedBefore;
      const counts = await Promise.all(leechers.map((l) => numbers(l.page)));
      const leecherDownloaded = counts.reduce((sum, n) => sum + n.downloaded, 0);
      const fromPeers = Math.max(0, 1 - seedUploaded / leecherDownloaded);
      const seedNote = `seed uploaded ${(seedUploaded / MiB).toFixed(1)} MiB of ${(leecherDownloaded / MiB).toFixed(1)} MiB the leechers downloaded`;
      context.log(`  swarm: all ${LEECHERS} done in ${seconds.toFixed(1)} s; ${seedNote}`);
      return [
        figure(
          timeName,
          seconds,
          's',
          { name: `client-server (${LEECHERS} x one tab alone)`, value: LEECHERS * soloSeconds },
          noGoal,
          `one tab alone took ${soloSeconds.toFixed(1)} s; below 1x the swarm beats the seed serving everyone`,
        ),
        figure(
          shareName,
          100 * fromPeers,
          '%',
          { name: `ideal (N-1)/N`, value: (100 * (LEECHERS - 1)) / LEECHERS },
          noGoal,
          seedNote,
        ),
      ];
    } catch (error) {
      return fail(error);
    } finally {
      for (const ctx of contexts) await ctx.close().catch(() => {});
      await browser.close();
      rmSync(file.dir, { recursive: true, force: true });
      await server.close();
    }
  },
};
