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

export default defineConfig({
  testDir: 'e2e',
  // A test that needs more says why beside its own timeout.
  timeout: 60_000,
  workers: 1,
  retries: 0,
  // The JSON report's per-test durations are summed up by scripts/test-durations.ts after each CI run.
  reporter: [['list'], ['json', { outputFile: 'test-durations/playwright.json' }]],
  use: {
    baseURL: `http://127.0.0.1:${E2E_PORT}`,
    launchOptions: LAUNCH_OPTIONS,
  },
  webServer: {
    command: `node signal-tracker --port ${E2E_PORT} --host 127.0.0.1 --stats-token ${E2E_STATS_TOKEN}`,
    url: `http://127.0.0.1:${E2E_PORT}/health`,
    reuseExistingServer: false,
    timeout: 30_000,
  },
});
