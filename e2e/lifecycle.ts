// A Chromium of its own whose tabs can be hidden, throttled and frozen as a real browser's are. Playwright's launch
// keeps every page visible and awake (it passes --disable-background-timer-throttling,
// --disable-backgrounding-occluded-windows, --disable-renderer-backgrounding and turns on focus emulation, which
// holds a page visible), so this one is started by hand and attached over CDP without Playwright's defaults.
import {
  chromium,
  type Browser,
  type BrowserContext,
  type CDPSession,
  type Locator,
  type Page,
} from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { until } from '../shared/testing/until';
import { LAUNCH_OPTIONS } from '../playwright.config';
import { tempDir } from './helpers';

/**
 * Chromium's intensive wake-up throttling (timers of a page hidden for 5 minutes run once a minute) after this many
 * seconds hidden instead of 300; the plain 1 s throttling of hidden pages is on by default once Playwright's
 * switches are left out.
 */
const INTENSIVE_AFTER_S = 10;

const throttling = (seconds: number) =>
  `--enable-features=IntensiveWakeUpThrottling:grace_period_seconds/${seconds}`;

/** Where and how the lifecycle tab's Chromium runs. */
export interface LifecycleOptions {
  /** How Chromium starts (netem's chromiumInNode for a tab in an emulated node); LAUNCH_OPTIONS by default. */
  launch?: { executablePath?: string; args: string[] };
  /** Makes the browser's debugging port reachable from here (netem's forwardToNode into a node); as it is by
   * default. */
  reach?: (port: number) => Promise<{ port: number; close(): Promise<void> }>;
  /** Seconds hidden before intensive wake-up throttling starts (INTENSIVE_AFTER_S by default). */
  intensiveAfterS?: number;
}

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
  /** Puts files in a file input by their paths over CDP, as Playwright's setInputFiles does for a browser it
   * launched (it refuses files over 50 MB to one it attached to). */
  setInputFiles(input: Locator, paths: string[]): Promise<void>;
  /** Presses `Save <path>` and returns the saved bytes' SHA-256 and size. */
  save(button: ReturnType<Page['getByRole']>): Promise<{ sha256: string; size: number }>;
  close(): Promise<void>;
}

/** Starts the browser with one tab open at `url` (an absolute address). */
export async function lifecycleTab(url: string, options: LifecycleOptions = {}): Promise<LifecycleTab> {
  const { launch = LAUNCH_OPTIONS, reach = sameSide, intensiveAfterS = INTENSIVE_AFTER_S } = options;
  const profile = tempDir('swarmdrop-lifecycle-');
  const child = spawn(
    launch.executablePath ?? chromium.executablePath(),
    [
      ...launch.args,
      throttling(intensiveAfterS),
      '--headless',
      '--remote-debugging-port=0',
      `--user-data-dir=${profile}`,
    ],
    // Its own process group: Debian's /usr/bin/chromium is a script whose browser outlives a signal to the script.
    { stdio: 'ignore', detached: true },
  );
  let browser: Browser;
  let reached: Reached | undefined;
  try {
    ({ browser, reached } = await attach(profile, reach));
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
  return tabControls(
    browser,
    context,
    page,
    session,
    () => {
      stopGroup(child);
      void reached?.close();
    },
    profile,
  );
}

type Reached = Awaited<ReturnType<NonNullable<LifecycleOptions['reach']>>>;

const sameSide = (port: number): Promise<Reached> => Promise.resolve({ port, close: async () => {} });

/** Connects to the browser through the port and path it wrote in its profile (`DevToolsActivePort`). */
async function attach(
  profile: string,
  reach: NonNullable<LifecycleOptions['reach']>,
): Promise<{ browser: Browser; reached: Reached }> {
  const portFile = join(profile, 'DevToolsActivePort');
  const written = () => (existsSync(portFile) ? readFileSync(portFile, 'utf8').split('\n') : []);
  await until(() => (written()[1] ?? '').startsWith('/devtools/'), { timeoutMs: 20_000 });
  const [port, path] = written();
  const reached = await reach(Number(port));
  try {
    const browser = await chromium.connectOverCDP(`ws://127.0.0.1:${reached.port}${path}`, {
      noDefaults: true,
    });
    return { browser, reached };
  } catch (error) {
    await reached.close();
    throw error;
  }
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
  stop: () => void,
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
    setInputFiles: (input, paths) => filesOverCdp(session, input, paths),
    seen: () => page.evaluate(() => (globalThis as { lifecycleSeen?: string[] }).lifecycleSeen ?? []),
    save: (button) => saveThroughCdp(browser, page, button, profile),
    async close() {
      await browser.close().catch(() => undefined);
      stop();
    },
  };
}

/** Marks the input, finds it through CDP's own evaluation (whose object id DOM.setFileInputFiles takes), and sets
 * its files; Chromium fires `input` and `change` as for a user's choice. */
async function filesOverCdp(session: CDPSession, input: Locator, paths: string[]): Promise<void> {
  const mark = `cdp-files-${Date.now()}`;
  await input.evaluate((element, value) => element.setAttribute('data-cdp-files', value), mark);
  const { result } = await session.send('Runtime.evaluate', {
    expression: `document.querySelector('[data-cdp-files="${mark}"]')`,
  });
  if (!result.objectId) throw new Error('the file input is gone');
  await session.send('DOM.setFileInputFiles', { files: paths, objectId: result.objectId });
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
