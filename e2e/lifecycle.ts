// A Chromium of its own whose tabs can be hidden, throttled and frozen as a real browser's are. Playwright's launch
// keeps every page visible and awake (it passes --disable-background-timer-throttling,
// --disable-backgrounding-occluded-windows, --disable-renderer-backgrounding and turns on focus emulation, which
// holds a page visible), so this one is started by hand and attached over CDP without Playwright's defaults.
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { until } from '../shared/testing/until';
import { LAUNCH_OPTIONS } from '../playwright.config';
import { tempDir } from './helpers';

/**
 * Chromium's intensive wake-up throttling (timers of a page hidden for 5 minutes run once a minute) after 10 s
 * instead of 5 minutes; the plain 1 s budget throttling of hidden pages is on by default once Playwright's
 * switches are left out.
 */
const THROTTLING = '--enable-features=IntensiveWakeUpThrottling:grace_period_seconds/10';

export interface LifecycleTab {
  page: Page;
  /** Puts another tab in front: this one is hidden (`visibilitychange`, timers throttled). */
  hide(): Promise<void>;
  /** Brings this tab back to the front. */
  show(): Promise<void>;
  /** Freezes the (hidden) tab as Chromium does a background tab: no task runs, its worker's neither. */
  freeze(): Promise<void>;
  resume(): Promise<void>;
  /** What the page lived through: `hidden`, `visible`, `freeze`, `resume`, in order. */
  seen(): Promise<string[]>;
  /** Presses `Save <path>` and returns the saved bytes' SHA-256 and size. */
  save(button: ReturnType<Page['getByRole']>): Promise<{ sha256: string; size: number }>;
  close(): Promise<void>;
}

/** Starts the browser with one tab open at `url` (an absolute address). */
export async function lifecycleTab(url: string): Promise<LifecycleTab> {
  const profile = tempDir('swarmdrop-lifecycle-');
  const child = spawn(
    LAUNCH_OPTIONS.executablePath ?? chromium.executablePath(),
    [
      ...LAUNCH_OPTIONS.args,
      THROTTLING,
      '--headless',
      '--remote-debugging-port=0',
      `--user-data-dir=${profile}`,
    ],
    // Its own process group: Debian's /usr/bin/chromium is a script whose browser outlives a signal to the script.
    { stdio: 'ignore', detached: true },
  );
  let browser: Browser;
  try {
    browser = await attach(profile);
  } catch (error) {
    stopGroup(child);
    throw error;
  }
  const context = browser.contexts()[0]!;
  // What the page lived through, so a test can tell it was hidden and frozen indeed.
  await context.addInitScript(() => {
    const seen: string[] = [];
    (globalThis as { lifecycleSeen?: string[] }).lifecycleSeen = seen;
    for (const type of ['freeze', 'resume', 'visibilitychange'])
      document.addEventListener(type, () =>
        seen.push(type === 'visibilitychange' ? document.visibilityState : type),
      );
  });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(url);
  const session = await context.newCDPSession(page);
  return tabControls(browser, context, page, session, child, profile);
}

async function attach(profile: string): Promise<Browser> {
  const portFile = join(profile, 'DevToolsActivePort');
  await until(() => existsSync(portFile) && readFileSync(portFile, 'utf8').includes('\n'), {
    timeoutMs: 20_000,
  });
  const port = readFileSync(portFile, 'utf8').split('\n')[0];
  return chromium.connectOverCDP(`http://127.0.0.1:${port}`, { noDefaults: true });
}

/** Stops the browser and every process it started, by the group of the process this file spawned. */
function stopGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function tabControls(
  browser: Browser,
  context: BrowserContext,
  page: Page,
  session: CDPSession,
  child: ChildProcess,
  profile: string,
): LifecycleTab {
  let cover: Page | undefined;
  return {
    page,
    async hide() {
      cover ??= await context.newPage();
      await cover.bringToFront();
      await until(async () => (await page.evaluate(() => document.visibilityState)) === 'hidden');
    },
    async show() {
      await page.bringToFront();
      await until(async () => (await page.evaluate(() => document.visibilityState)) === 'visible');
    },
    async freeze() {
      await session.send('Page.setWebLifecycleState', { state: 'frozen' });
    },
    async resume() {
      await session.send('Page.setWebLifecycleState', { state: 'active' });
    },
    seen: () => page.evaluate(() => (globalThis as { lifecycleSeen?: string[] }).lifecycleSeen ?? []),
    save: (button) => saveThroughCdp(browser, page, button, profile),
    async close() {
      await browser.close().catch(() => undefined);
      stopGroup(child);
    },
  };
}

/** Saves a download into the profile's folder through CDP (Playwright's download events need its defaults). */
async function saveThroughCdp(
  browser: Browser,
  page: Page,
  button: ReturnType<Page['getByRole']>,
  profile: string,
): Promise<{ sha256: string; size: number }> {
  const session = await browser.newBrowserCDPSession();
  const downloadPath = join(profile, 'downloads');
  await session.send('Browser.setDownloadBehavior', {
    behavior: 'allowAndName',
    downloadPath,
    eventsEnabled: true,
  });
  const done = new Promise<string>((resolve, reject) => {
    session.on('Browser.downloadProgress', (event) => {
      if (event.state === 'completed') resolve(event.guid);
      if (event.state === 'canceled') reject(new Error('the download was canceled'));
    });
  });
  await button.click();
  const bytes = readFileSync(join(downloadPath, await done));
  await session.detach();
  void page;
  return { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
}
