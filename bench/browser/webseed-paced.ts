// The web-seed download at a real server's rate: the same torrent and range server as the unlimited figure
// (webseed.ts), the server sending at PACED_BYTES_PER_SECOND shared by every answer in flight (a fast CDN's rate for
// one client), the app's download against a plain `fetch` from that same paced server in the same fresh Chromium.
// What it shows: whether the app's per-byte work (assembly, hashing, storage) keeps up with a server's rate, which
// the unlimited loopback figure cannot show on two shared cores. 3 runs (medians, a bootstrap interval of the ratio,
// the load average); --tiny: 1 run.
import { loadavg } from 'node:os';
import type { RangeServer } from '../../shared/testing/range-server';
import { atLeast, failedFigure, type Figure } from '../lib/figure';
import { appRun, downloadFigure, DOWNLOAD_GOAL, type AppRun, type SeedDownload } from './webseed-app';

/** 400 Mbit/s. */
export const PACED_BYTES_PER_SECOND = 50_000_000;

/** The paced figure: `rounds` fresh-Chromium runs of the plain fetch and the app's download. */
export async function pacedFigure(
  appOrigin: string,
  server: RangeServer,
  download: SeedDownload,
  rounds: number,
  log: (message: string) => void,
): Promise<Figure> {
  const mib = download.size / (1024 * 1024);
  const name = `webseed: ${mib} MiB from a web seed alone at ${(PACED_BYTES_PER_SECOND * 8) / 1e6} Mbit/s`;
  server.pace = PACED_BYTES_PER_SECOND;
  try {
    const loadBefore = loadavg()[0];
    const runs: AppRun[] = [];
    for (let round = 0; round < rounds; round++) {
      const run = await appRun(appOrigin, server, download);
      log(`  webseed paced run ${round + 1}: ${JSON.stringify(run)}`);
      runs.push(run);
    }
    const load = `1-minute load average ${loadBefore.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after`;
    const sent = `the range server on loopback sending ${PACED_BYTES_PER_SECOND / 1e6} MB/s shared by its answers`;
    return downloadFigure(name, runs, mib, sent, load);
  } catch (error) {
    return failedFigure(name, 'MiB/s', 'a plain fetch', atLeast(DOWNLOAD_GOAL), (error as Error).message);
  } finally {
    server.pace = undefined;
  }
}
