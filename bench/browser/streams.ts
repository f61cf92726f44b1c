// Files as streams: the time from a file chosen to its magnet link (20 MiB and 1 GiB, copied into IndexedDB
// and read in place from a file handle), the browser's memory growth while a 1 GiB file saves through the service
// worker against the Blob path in the same run; then the playback against WebTorrent's streaming (playback.ts).
// `--tiny` shrinks the sizes to a smoke run of a few minutes; `--only=` chooses among the parts.
import { rmSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { browserVersion, buildApp, persistentTab, serveApp, type Tab } from '../lib/app';
import {
  figure,
  limitFigure,
  median,
  noGoal,
  type Bench,
  type BenchContext,
  type Figure,
} from '../lib/figure';
import { browserRss } from '../lib/processes';
import { openApp, share } from './app-steps';
import { PLAYBACK_PARTS, playbackFigures } from './playback';
import { wantsPart } from '../lib/flags';
import { randomFileOf } from '../lib/session';

const MiB = 1024 * 1024;
const MB = 1e6;
/** The goal for the memory growth while saving 1 GiB through the service worker. */
const SAVE_GROWTH_LIMIT_MB = 200;

interface Sizes {
  small: number;
  large: number;
  runs: number;
}

/** The page's picker hands out the handle of `name` in the origin private file system (as the e2e does). */
async function stubPicker(page: Page, name: string): Promise<void> {
  await page.addInitScript((file: string) => {
    (window as unknown as { showOpenFilePicker: () => Promise<FileSystemFileHandle[]> }).showOpenFilePicker =
      async () => [await (await navigator.storage.getDirectory()).getFileHandle(file)];
  }, name);
}

/** Writes `size` random bytes to `name` in the page's origin private file system, 8 MiB at a time. */
async function writePrivateFile(page: Page, name: string, size: number): Promise<void> {
  await page.evaluate(
    async ({ file, total }) => {
      const handle = await (await navigator.storage.getDirectory()).getFileHandle(file, { create: true });
      const writable = await handle.createWritable();
      const chunk = new Uint8Array(8 * 1024 * 1024);
      for (let at = 0; at < total; at += chunk.length) {
        for (let i = 0; i < chunk.length; i += 65536) crypto.getRandomValues(chunk.subarray(i, i + 65536));
        await writable.write(chunk.subarray(0, Math.min(chunk.length, total - at)));
      }
      await writable.close();
    },
    { file: name, total: size },
  );
}

/** Marks (page clock) the first click or file chosen from now on, and returns a wait for the magnet link. */
async function markChoice(page: Page): Promise<() => Promise<number>> {
  await page.evaluate(() => {
    const w = window as unknown as { chosenAt?: number };
    delete w.chosenAt;
    // (No named functions in here: tsx would wrap them in a helper the page does not have.)
    for (const type of ['change', 'click'])
      document.addEventListener(type, () => (w.chosenAt ??= performance.now()), {
        capture: true,
        once: true,
      });
  });
  return async () => {
    const handle = await page.waitForFunction(
      () => {
        const item = document.querySelector<HTMLElement>('li.torrent[data-state="seeding"]');
        const magnet = item?.querySelector<HTMLInputElement>('input[id^="magnet-"]')?.value ?? '';
        const error = document.querySelector('li.torrent[data-state="error"]');
        if (error) return `error: ${error.textContent}`;
        const w = window as unknown as { chosenAt?: number };
        return magnet.startsWith('magnet:') && w.chosenAt !== undefined ? performance.now() - w.chosenAt : 0;
      },
      undefined,
      { timeout: 600_000, polling: 10 },
    );
    const value = (await handle.jsonValue()) as number | string;
    if (typeof value === 'string') throw new Error(value);
    return value;
  };
}

/** Milliseconds from a `size`-byte file chosen to its magnet link, in a fresh profile. */
export async function shareTime(url: string, size: number, inPlace: boolean): Promise<number> {
  const tab = await persistentTab();
  const file = inPlace ? undefined : randomFileOf(size, 'bench.bin');
  try {
    if (inPlace) await stubPicker(tab.page, 'bench.bin');
    await openApp(tab.page, url);
    if (inPlace) await writePrivateFile(tab.page, 'bench.bin', size);
    const done = await markChoice(tab.page);
    // `Share files` pressed as a person does: where the browser hands out handles, the app reads the file in place.
    if (inPlace)
      await tab.page.locator('label', { has: tab.page.getByLabel('Share files', { exact: true }) }).click();
    else await tab.page.getByLabel('Share files').setInputFiles(file!.path);
    return await done();
  } finally {
    await tab.close();
    if (file) rmSync(file.dir, { recursive: true, force: true });
  }
}

/**
 * The peak growth of the browser's memory (every process of its profile) while `save` runs, over the level just
 * before it; sampled every 200 ms.
 */
async function memoryGrowth(tab: Tab, save: () => Promise<void>): Promise<number> {
  const { profileDir } = tab;
  const before = browserRss(profileDir);
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, browserRss(profileDir))), 200);
  try {
    await save();
  } finally {
    clearInterval(timer);
  }
  peak = Math.max(peak, browserRss(profileDir));
  return peak - before;
}

/** Shares a `size`-byte file in a fresh profile and saves it with `Save` (streams unless `blockStreams`). */
async function saveGrowth(url: string, size: number, blockStreams: boolean): Promise<number> {
  const tab = await persistentTab(blockStreams ? { serviceWorkers: 'block' } : {});
  const file = randomFileOf(size, 'saved.bin');
  try {
    await openApp(tab.page, url);
    if (!blockStreams)
      await tab.page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, {
        timeout: 30_000,
      });
    await share(tab.page, file.path, 'saved.bin', 600_000);
    const item = tab.page.getByRole('listitem', { name: 'saved.bin', exact: true });
    return await memoryGrowth(tab, async () => {
      const [saved] = await Promise.all([
        tab.page.waitForEvent('download', { timeout: 120_000 }),
        item.getByRole('button', { name: 'Save saved.bin', exact: true }).click(),
      ]);
      // Until the file is on disk (the saved copy is read back by nobody: its path is enough).
      await saved.path();
    });
  } finally {
    await tab.close();
    rmSync(file.dir, { recursive: true, force: true });
  }
}

/** Save's memory growth through the service worker, against the whole file held by the Blob path. */
async function saveFigure(url: string, size: number, log: (message: string) => void): Promise<Figure> {
  const streamed = await saveGrowth(url, size, false);
  const blob = await saveGrowth(url, size, true);
  log(
    `  save ${size / MiB} MiB: +${(streamed / MB).toFixed(0)} MB streamed, +${(blob / MB).toFixed(0)} MB as a Blob`,
  );
  return limitFigure(
    `save ${size / MiB} MiB: browser memory growth, through the service worker`,
    streamed / MB,
    'MB',
    { name: 'Blob path (no service worker)', value: blob / MB },
    SAVE_GROWTH_LIMIT_MB,
    'peak RSS of every process of the profile over the level before Save',
  );
}

async function shareFigures(context: BenchContext, url: string, sizes: Sizes): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const [label, size] of [
    [`${sizes.small / MiB} MiB`, sizes.small],
    [`${sizes.large / MiB} MiB`, sizes.large],
  ] as const) {
    const runs = size === sizes.small ? sizes.runs : 1;
    const copied: number[] = [];
    const inPlace: number[] = [];
    for (let run = 0; run < runs; run++) {
      copied.push(await shareTime(url, size, false));
      inPlace.push(await shareTime(url, size, true));
    }
    context.log(
      `  share ${label}: copied ${copied.map(Math.round).join(', ')} ms; in place ${inPlace.map(Math.round).join(', ')} ms`,
    );
    figures.push(
      figure(
        `share ${label}: file chosen to magnet link, read in place (file handle)`,
        median(inPlace) / 1000,
        's',
        { name: 'copied into IndexedDB', value: median(copied) / 1000 },
        noGoal,
        `median of ${runs}; ${(size / MB / (median(inPlace) / 1000)).toFixed(0)} MB/s in place, ${(size / MB / (median(copied) / 1000)).toFixed(0)} MB/s copied`,
      ),
    );
  }
  return figures;
}

export const streamsBench: Bench = {
  name: 'streams',
  flags: {
    '--tiny': 'smaller files and videos, one session each: a smoke',
    '--sessions=N': 'sessions of each client for the first frames and seeks (5)',
    '--log-reads': "logs our player's reads up to its first frame and from a seek",
  },
  parts: {
    share: 'a file shared in place against copied, 20 MiB and 1 GiB',
    save: 'browser memory through a 1 GiB Save, through the service worker against a Blob',
    ...PLAYBACK_PARTS,
  },
  figures: 'files as streams: share time, save memory, play; playback against WebTorrent',
  async run(context) {
    context.browserVersion ??= await browserVersion();
    const tiny = context.flags.has('--tiny');
    const sizes: Sizes = tiny
      ? { small: 2 * MiB, large: 8 * MiB, runs: 1 }
      : { small: 20 * MiB, large: 1024 * MiB, runs: 3 };
    const server = await serveApp(buildApp(context.log));
    const url = new URL('/', server.url).href;
    try {
      const figures = wantsPart(context.flags, 'share') ? await shareFigures(context, url, sizes) : [];
      if (wantsPart(context.flags, 'save')) figures.push(await saveFigure(url, sizes.large, context.log));
      figures.push(...(await playbackFigures(context, server)));
      return figures;
    } finally {
      await server.close();
    }
  },
};
