// Figure 8: a swarm that fills every uplink. One downloading tab and four seeding tabs, each seeder's `Upload limit`
// at 2048 KiB/s: the download rate against the sum of the limits (8 MiB/s), and WebTorrent's bundle under four
// seeders throttled the same way (`throttleUpload`) in the same run. Every tab is its own Chromium process with a
// persistent profile. What this measures is the protocol (requests in flight against each peer's rate, choking,
// endgame), not the CPU: the channel could carry several times the limits.
import { rmSync } from 'node:fs';
import { setUploadLimit } from '../../e2e/helpers';
import { browserVersion, buildApp, serveApp } from '../lib/app';
import { atLeast, figure, type Bench } from '../lib/figure';
import { openApp, share, timedDownload } from './app-steps';
import { attempt, firstLine, randomFileOf, withTabs } from '../lib/session';
import { bundleServer, openBundle, wtDownload, wtSeed, wtThrottleUpload } from './webtorrent';

const KiB = 1024;
const MiB = 1024 * KiB;
const SEEDERS = 4;
const LIMIT_KIB = 2048;
const TIMEOUT_MS = 300_000;

/** MiB/s of one tab downloading from SEEDERS app tabs, each at LIMIT_KIB. */
async function ours(
  serverUrl: string,
  file: { path: string },
  name: string,
  size: number,
  log: (message: string) => void,
): Promise<{ rate: number; afterFirst: number | null }> {
  return withTabs(
    SEEDERS + 1,
    async (tabs) => {
      const [leech, ...seeds] = tabs;
      const magnets: string[] = [];
      for (const seed of seeds) {
        await openApp(seed.page, serverUrl);
        await setUploadLimit(seed.page, LIMIT_KIB);
        magnets.push(await share(seed.page, file.path, name, TIMEOUT_MS));
      }
      const hashes = new Set(magnets.map((magnet) => /xt=urn:btih:([0-9a-f]{40})/i.exec(magnet)?.[1]));
      if (hashes.size !== 1)
        throw new Error(`the seeders made ${hashes.size} different torrents of one file`);
      await openApp(leech.page, serverUrl);
      const { seconds, firstSeconds } = await timedDownload(leech.page, magnets[0], TIMEOUT_MS);
      // From the first verified piece on (the connections made): the rate the protocol holds, a little high as the
      // UI shows the first piece up to 500 ms late.
      const after = seconds > firstSeconds ? seconds - firstSeconds : null;
      log(
        `  ours: ${(size / MiB).toFixed(0)} MiB from ${SEEDERS} limited seeders in ${seconds.toFixed(1)} s` +
          (after !== null ? `, ${after.toFixed(1)} s after the first piece` : ''),
      );
      return { rate: size / MiB / seconds, afterFirst: after !== null ? size / MiB / after : null };
    },
    { log },
  );
}

/** MiB/s of WebTorrent's bundle downloading from SEEDERS bundle tabs, each throttled to LIMIT_KIB. */
async function webtorrent(
  trackerUrl: string,
  file: { path: string },
  name: string,
  size: number,
  log: (message: string) => void,
): Promise<number> {
  const bundle = await bundleServer(file.path);
  try {
    return await withTabs(
      SEEDERS + 1,
      async (tabs) => {
        const [leech, ...seeds] = tabs;
        const magnets: string[] = [];
        for (const seed of seeds) {
          await openBundle(seed.page, bundle.url);
          await wtThrottleUpload(seed.page, LIMIT_KIB * KiB);
          magnets.push(await wtSeed(seed.page, name, trackerUrl));
        }
        await openBundle(leech.page, bundle.url);
        const result = await wtDownload(leech.page, magnets[0]);
        if (result.length !== size) throw new Error(`WebTorrent got ${result.length} bytes, not ${size}`);
        log(`  WebTorrent: downloaded in ${(result.doneMs / 1000).toFixed(1)} s`);
        return size / MiB / (result.doneMs / 1000);
      },
      { log },
    );
  } finally {
    bundle.close();
  }
}

export const uplinksBench: Bench = {
  name: 'uplinks',
  flags: {
    '--tiny': '32 MiB: a smoke',
  },
  figures: 'a swarm that fills every uplink',
  async run(context) {
    context.browserVersion ??= await browserVersion();
    // --tiny: a smoke run (the ramp-up weighs much more than in the full run: not a figure to keep).
    const size = context.flags.has('--tiny') ? 32 * MiB : 128 * MiB;
    const name = `bench-uplinks-${size / MiB}MiB.bin`;
    const sum = (SEEDERS * LIMIT_KIB) / KiB;
    const limitName = `uplinks: ${SEEDERS} seeders at ${LIMIT_KIB} KiB/s, ${size / MiB} MiB, vs the sum of the limits`;
    const rivalName = `uplinks: ${SEEDERS} seeders at ${LIMIT_KIB} KiB/s, ${size / MiB} MiB, vs the rival`;
    const sumBase = { name: 'sum of the upload limits', value: sum };
    const server = await serveApp(buildApp(context.log));
    const file = randomFileOf(size, name);
    try {
      const ourRate = await attempt(context.log, 'our app', () =>
        ours(server.url, file, name, size, context.log),
      );
      const rivalRate = await attempt(context.log, 'WebTorrent', () =>
        webtorrent(server.trackerUrl, file, name, size, context.log),
      );
      const rival = rivalRate instanceof Error ? null : rivalRate;
      const our = ourRate instanceof Error ? undefined : ourRate;
      const why = ourRate instanceof Error ? `our app: ${firstLine(ourRate)}` : undefined;
      const afterFirst =
        our?.afterFirst != null ? `; ours ${(our.afterFirst / sum).toFixed(2)}x after the first piece` : '';
      const rivalNote =
        rival === null
          ? `WebTorrent: ${firstLine(rivalRate)}`
          : `WebTorrent ${(rival / sum).toFixed(2)}x the sum`;
      const [rate, wtBase] = [our?.rate ?? null, { name: 'WebTorrent bundle', value: rival }];
      return [
        figure(limitName, rate, 'MiB/s', sumBase, atLeast(0.9), rivalNote + afterFirst, why),
        figure(rivalName, rate, 'MiB/s', wtBase, atLeast(1), undefined, why),
      ];
    } finally {
      rmSync(file.dir, { recursive: true, force: true });
      await server.close();
    }
  },
};
