// A Firefox tab put in the background as a user does it: another tab of the same window brought to the front
// (WebDriver BiDi `browsingContext.activate`, puppeteer's `bringToFront`). Headless Firefox then reports the tab
// behind as hidden (`visibilitychange`) and clamps its page timers as it does any background tab's: to one a second
// (`dom.min_background_timeout_value_without_budget_throttling`; the budget on top, `dom.timeout.*budget*`, is off
// for a page with an open WebSocket or RTCPeerConnection, as the app's always has). Dedicated workers' timers are
// clamped the same way only where `dom.workers.throttling.enabled` is on (Nightly's default, off in release and ESR).
import type { Browser, Page } from 'puppeteer-core';

/** How often the page timer that counts the throttling asks to run. */
const TICK_MS = 50;

/** The visibility states a page went through, recorded in the page from the moment `recordVisibility` runs. */
export async function recordVisibility(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __seen: string[] };
    w.__seen = [];
    document.addEventListener('visibilitychange', () => w.__seen.push(document.visibilityState));
  });
}

export async function seenVisibility(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __seen: string[] }).__seen);
}

export async function visibilityState(page: Page): Promise<string> {
  return page.evaluate(() => document.visibilityState);
}

/** Starts a chained `TICK_MS` page timer in `page` that counts its runs: a visible tab's runs about twenty a
 * second, a background tab's at most one. */
export async function startTicking(page: Page): Promise<void> {
  await page.evaluate((ms) => {
    const w = window as unknown as { __ticks: number };
    w.__ticks = 0;
    const tick = () => {
      w.__ticks += 1;
      setTimeout(tick, ms);
    };
    tick();
  }, TICK_MS);
}

export async function ticks(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { __ticks: number }).__ticks);
}

/** The same count from a timer of a dedicated worker the page starts: it posts each run to the page. */
export async function startWorkerTicking(page: Page): Promise<void> {
  await page.evaluate((ms) => {
    const w = window as unknown as { __workerTicks: number; __tickWorker: Worker };
    w.__workerTicks = 0;
    const source = `const tick = () => { postMessage(0); setTimeout(tick, ${ms}); }; tick();`;
    w.__tickWorker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
    w.__tickWorker.onmessage = () => {
      w.__workerTicks += 1;
    };
  }, TICK_MS);
}

export async function workerTicks(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { __workerTicks?: number }).__workerTicks ?? 0);
}

/** A tab in front of `page`, in the same window. */
export interface FrontTab {
  page: Page;
  /** The runs since the tab was hidden of the front tab's page timer, the hidden tab's, and its worker's (0 where
   * `startWorkerTicking` did not run). */
  ticksSinceHidden(): Promise<{ front: number; hidden: number; hiddenWorker: number }>;
}

/** Hides `page` behind a new tab of its window brought to the front; both tabs count their page timers from here. */
export async function hideBehindNewTab(browser: Browser, page: Page): Promise<FrontTab> {
  const front = await browser.newPage();
  await front.goto('data:text/html,<title>In front</title><p>In front</p>');
  await startTicking(front);
  await front.bringToFront();
  const hiddenAt = await ticks(page);
  const workerAt = await workerTicks(page);
  return {
    page: front,
    async ticksSinceHidden() {
      return {
        front: await ticks(front),
        hidden: (await ticks(page)) - hiddenAt,
        hiddenWorker: (await workerTicks(page)) - workerAt,
      };
    },
  };
}
