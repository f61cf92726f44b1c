// The time from `Download` to the first verified piece in our leecher's page, as exact as the page can see it: the
// engine worker's broadcast of a verified piece that a stream waits for (the player's first pieces, on
// web/src/lib/messages/fresh-pieces.ts), else the torrent item's count of verified pieces, which the app publishes
// every 500 ms (so late by up to that much). Either is at or after the piece's verification: the figure is never
// early.
import type { Page } from '@playwright/test';
import { FRESH_PIECES_CHANNEL } from '../../web/src/lib/messages/fresh-pieces';

/** Waits this long after the session for a first piece it has not seen (it has played, so one came). */
const READ_TIMEOUT_MS = 30_000;

/** The page's watcher. A string, run as it is: tsx would wrap a named function in a helper the page does not have. */
const WATCH_SCRIPT = (channel: string) => `(() => {
  const w = {};
  window.benchFirstPiece = w;
  document.addEventListener('click', (event) => {
    const button = event.target instanceof Element ? event.target.closest('button') : null;
    if (button && button.textContent.trim() === 'Download') w.clicked ??= performance.now();
  }, { capture: true });
  const fresh = new BroadcastChannel(${JSON.stringify(channel)});
  let timer;
  const mark = () => {
    if (w.clicked === undefined || w.verifiedMs !== undefined) return;
    w.verifiedMs = performance.now() - w.clicked;
    fresh.close();
    clearInterval(timer);
  };
  fresh.onmessage = (event) => {
    if (event.data && event.data.type === 'piece-verified') mark();
  };
  timer = setInterval(() => {
    const item = document.querySelector('li[data-infohash]');
    if (item && Number(item.dataset.have) >= 1) mark();
  }, 20);
})()`;

/** Reads `read(page)` until it gives a time, for at most READ_TIMEOUT_MS. */
export async function firstPieceOf(
  page: Page,
  read: (page: Page) => Promise<number | undefined>,
): Promise<number> {
  const deadline = Date.now() + READ_TIMEOUT_MS;
  for (;;) {
    const ms = await read(page);
    if (ms !== undefined) return ms;
    if (Date.now() > deadline) throw new Error('no verified piece seen');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Starts watching our leecher's page (before `Download` is pressed); the reader gives the time once known. */
export async function watchFirstPiece(page: Page): Promise<() => Promise<number>> {
  await page.evaluate(WATCH_SCRIPT(FRESH_PIECES_CHANNEL));
  const read = (p: Page) =>
    p.evaluate(
      () => (window as unknown as { benchFirstPiece: { verifiedMs?: number } }).benchFirstPiece.verifiedMs,
    );
  return () => firstPieceOf(page, read);
}
