// Steps through the app's real UI (the accessible names of the brief), as a user would.
import type { Page } from '@playwright/test';

export async function openApp(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByText('Starting…').waitFor({ state: 'detached', timeout: 30_000 });
}

/** Shares `path` through `Share files`; resolves with the magnet link once the torrent seeds. */
export async function share(page: Page, path: string, name: string, timeoutMs: number): Promise<string> {
  await page.getByLabel('Share files').setInputFiles(path);
  const item = page.getByRole('list', { name: 'Torrents' }).getByRole('listitem', { name, exact: true });
  await item.getByText('Seeding', { exact: true }).waitFor({ timeout: timeoutMs });
  return item.getByLabel('Magnet link').inputValue();
}

/**
 * Starts a watcher in the page: the times (Date.now) when the torrent item first shows a verified piece and when
 * it turns to seeding. The app publishes its torrent list every 500 ms, so both are late by up to that much.
 */
async function watchItem(page: Page): Promise<void> {
  await page.evaluate(() => {
    const marks: { first?: number; done?: number; error?: string } = {};
    (window as unknown as { benchMarks: typeof marks }).benchMarks = marks;
    const timer = setInterval(() => {
      const item = document.querySelector<HTMLElement>('li[data-infohash]');
      if (!item) return;
      if (marks.first === undefined && Number(item.dataset.have) >= 1) marks.first = Date.now();
      if (item.dataset.state === 'seeding') {
        marks.done = Date.now();
        marks.first ??= marks.done;
        clearInterval(timer);
      }
      if (item.dataset.state === 'error') {
        marks.error = item.querySelector('.status')?.textContent ?? 'error';
        clearInterval(timer);
      }
    }, 20);
  });
}

export async function download(page: Page, magnet: string): Promise<number> {
  await page.getByLabel('Magnet link or info hash').fill(magnet);
  const start = Date.now();
  await page.getByRole('button', { name: 'Download', exact: true }).click();
  return start;
}

/** A download through the UI: from its start to the first verified piece and to `Seeding`, in seconds. */
export interface Downloaded {
  start: number;
  done: number;
  seconds: number;
  firstSeconds: number;
}

/**
 * Downloads in `page` (open at the app) the magnet link `begin`, or what `begin()` starts (e.g. a .torrent opened);
 * throws when it is not complete within `timeoutMs`.
 */
export async function timedDownload(
  page: Page,
  begin: string | (() => Promise<void>),
  timeoutMs: number,
): Promise<Downloaded> {
  await watchItem(page);
  const start = typeof begin === 'string' ? await download(page, begin) : Date.now();
  if (typeof begin !== 'string') await begin();
  await page
    .waitForFunction(
      () => {
        const m = (window as unknown as { benchMarks?: { done?: number; error?: string } }).benchMarks;
        return m?.done !== undefined || m?.error !== undefined;
      },
      undefined,
      { timeout: timeoutMs, polling: 100 },
    )
    .catch(() => {});
  const marks = await page.evaluate(
    () =>
      ({ ...(window as unknown as { benchMarks: object }).benchMarks }) as {
        first?: number;
        done?: number;
        error?: string;
      },
  );
  if (marks.done === undefined) {
    const item = page.locator('li[data-infohash]').first();
    const have = await item.getAttribute('data-have', { timeout: 1000 }).catch(() => null);
    throw new Error(
      marks.error ?? `not complete after ${timeoutMs / 1000} s (${have ?? '?'} pieces verified)`,
    );
  }
  const first = marks.first ?? marks.done;
  return {
    start,
    done: marks.done,
    seconds: (marks.done - start) / 1000,
    firstSeconds: (first - start) / 1000,
  };
}
