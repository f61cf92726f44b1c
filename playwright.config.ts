import { defineConfig } from '@playwright/test';
import { existsSync } from 'node:fs';

// Use the system Chromium when there is one (CI and this machine), else Playwright's own browser.
const systemChromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const executablePath = existsSync(systemChromium) ? systemChromium : undefined;
export const E2E_PORT = Number(process.env.E2E_PORT ?? 8321);
/** The stats token of the trackers the tests start: their /stats.json lists swarms only with it. */
export const E2E_STATS_TOKEN = 'e2e-stats-token';

/** Chromium for WebRTC between pages on this machine (see the brief); tests that launch their own use it too. */
export const LAUNCH_OPTIONS = {
  executablePath,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-features=WebRtcHideLocalIpsWithMdns',
  ],
};

/** The tests' tracker of each half of the specs: `half` 0 or 1. */
function trackerServer(half: number) {
  const port = E2E_PORT + half;
  return {
    command: `node signal-tracker --port ${port} --host 127.0.0.1 --stats-token ${E2E_STATS_TOKEN}`,
    url: `http://127.0.0.1:${port}/health`,
    reuseExistingServer: false,
    timeout: 30_000,
  };
}

export default defineConfig({
  testDir: 'e2e',
  // A test that needs more says why beside its own timeout.
  timeout: 60_000,
  // Most of a browser test's time is spent waiting (a channel opening, a video playing, a gather timing out), so the
  // specs run in two halves side by side, each half one test at a time against its own tracker: no swarm of one
  // half meets the other's, though both share the made-once media.
  workers: 2,
  retries: 0,
  // The JSON report's per-test durations are summed up by scripts/test-durations.ts after each CI run.
  reporter: [['list'], ['json', { outputFile: 'test-durations/playwright.json' }]],
  use: { launchOptions: LAUNCH_OPTIONS },
  projects: [
    // The halves split the specs by the first letter of their names, which keeps their summed durations close.
    {
      name: 'a-o',
      testMatch: /(^|\/)[a-o][^/]*\.spec\.ts$/,
      workers: 1,
      use: { baseURL: `http://127.0.0.1:${E2E_PORT}` },
    },
    {
      name: 'p-z',
      testMatch: /(^|\/)[p-z][^/]*\.spec\.ts$/,
      workers: 1,
      use: { baseURL: `http://127.0.0.1:${E2E_PORT + 1}` },
    },
  ],
  webServer: [trackerServer(0), trackerServer(1)],
});
