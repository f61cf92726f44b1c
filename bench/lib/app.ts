// The app (and the benchmark page) built into a temporary folder, served by our own signal-tracker, and
// Chromium launched with the flags of the brief.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { LAUNCH_OPTIONS } from '../../playwright.config';
import type { BenchContext } from './figure';
import { startServer, type RunningServer } from '../../signal-tracker/src/server';

let built: string | undefined;

/** Builds the app, its service worker and bench.html once per run (about 10 s), into a temporary folder. */
export function buildApp(log: (message: string) => void): string {
  if (built) return built;
  const outDir = mkdtempSync(join(tmpdir(), 'swarmdrop-bench-dist-'));
  process.on('exit', () => rmSync(outDir, { recursive: true, force: true }));
  log(`  building the app and bench.html into ${outDir}`);
  buildInto(outDir, process.cwd());
  built = outDir;
  return outDir;
}

/** Vite's build of the sources in `cwd` into `outDir`, and the service worker (files as streams: Save, Play), as
 * `npm run build` does. */
function buildInto(outDir: string, cwd: string): void {
  const options = { cwd, stdio: ['ignore', 'inherit', 'inherit'] as ['ignore', 'inherit', 'inherit'] };
  const config = ['--config', 'bench/vite.config.ts', '--outDir', outDir, '--logLevel', 'error'];
  execFileSync('npx', ['vite', 'build', ...config], options);
  execFileSync('node', ['scripts/build-sw.mjs', join(outDir, 'sw.js')], options);
}

export async function serveApp(staticDir: string): Promise<RunningServer> {
  return startServer({ port: 0, host: '127.0.0.1', staticDir, logError: () => {} });
}

export interface Tab {
  context: BrowserContext;
  page: Page;
  /** The profile folder (its browser process names it on its command line). */
  profileDir: string;
  /** What went wrong with the browser before close() (a crashed page, a context closed under us), if anything. */
  readonly lost: string | undefined;
  close(): Promise<void>;
}

/** How Chromium starts: its executable and flags (e.g. inside an emulated network node, netem's chromiumInNode). */
export interface ChromiumLaunch {
  executablePath: string;
  args: string[];
}

/** A tab in its own Chromium process with a persistent profile (real on-disk IndexedDB); `launch` instead of
 * LAUNCH_OPTIONS' executable and flags. */
export async function persistentTab({ launch }: { launch?: ChromiumLaunch } = {}): Promise<Tab> {
  const dir = mkdtempSync(join(tmpdir(), 'swarmdrop-bench-profile-'));
  const context = await chromium.launchPersistentContext(dir, {
    ...LAUNCH_OPTIONS,
    ...launch,
    acceptDownloads: true,
  });
  // The window Chromium opened at launch, unless it is already gone (then a page of our own).
  const first = context.pages().find((candidate) => !candidate.isClosed());
  const page = first ?? (await context.newPage());
  let closing = false;
  let lost: string | undefined;
  const started = Date.now();
  const note = (what: string) => {
    if (!closing) lost ??= `${what} ${((Date.now() - started) / 1000).toFixed(1)} s after launch`;
  };
  page.on('crash', () => note('the page crashed'));
  page.on('close', () => note('the page closed'));
  context.on('close', () => note('the browser closed'));
  return {
    context,
    page,
    profileDir: dir,
    get lost() {
      return lost;
    },
    async close() {
      closing = true;
      await context.close().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function browserVersion(): Promise<string> {
  const browser = await chromium.launch(LAUNCH_OPTIONS);
  const version = `Chromium ${browser.version()}`;
  await browser.close();
  return version;
}

/** bench.html (web/src/bench) in a tab of its own, once its worker is ready. */
export interface BenchPage {
  /** Runs one request in the page's worker (web/src/bench/messages.ts): its figures by name. */
  run(request: object): Promise<Record<string, number>>;
  close(): Promise<void>;
}

type BenchWindow = { bench: { ready: boolean; run(request: object): Promise<Record<string, number>> } };

/** Builds and serves the app with bench.html, and opens it in a tab with a persistent profile. */
export async function benchPage(context: BenchContext): Promise<BenchPage> {
  context.browserVersion ??= await browserVersion();
  const server = await serveApp(buildApp(context.log));
  const tab = await persistentTab();
  const close = async () => {
    await tab.close();
    await server.close();
  };
  try {
    await tab.page.goto(new URL('/bench.html', server.url).href);
    await tab.page.waitForFunction(() => (window as unknown as BenchWindow).bench?.ready === true);
  } catch (error) {
    await close();
    throw error;
  }
  const run = (request: object) =>
    tab.page.evaluate((r) => (window as unknown as BenchWindow).bench.run(r), request);
  return { run, close };
}
