import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import puppeteer from 'puppeteer-core';
import { startPath, startTracker, forwardToNode } from '/work/wt/netem/netem/index.ts';
const { createServer } = await import('node:net'); const probe = createServer(); await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r())); const PORT = (probe.address() as { port: number }).port; probe.close();
const e = await startPath({ rttMs: 50 }, ['tracker', 'ff']);
try {
  const tracker = await startTracker(e, 'tracker');
  const profile = mkdtempSync(join(tmpdir(), 'sdnet-ff-'));
  const prefs = {
    'media.peerconnection.ice.obfuscate_host_addresses': false,
    'dom.securecontext.allowlist': e.node('tracker').address,
    'remote.active-protocols': 1,
    'browser.shell.checkDefaultBrowser': false,
    'datareporting.policy.dataSubmissionEnabled': false,
    'toolkit.telemetry.reportingpolicy.firstRun': false,
    'browser.startup.homepage_override.mstone': 'ignore',
  };
  writeFileSync(join(profile, 'user.js'), Object.entries(prefs).map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});`).join('\n'));
  const ff = e.spawnIn('ff', '/usr/bin/firefox-esr', ['--headless', '--no-remote', '--profile', profile, `--remote-debugging-port=${PORT}`, 'about:blank'], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve) => createInterface({ input: ff.stderr! }).on('line', (l) => { if (l.includes('WebDriver BiDi listening')) { console.log(l); resolve(); } }));
  const fwd = await forwardToNode(e, 'ff', PORT, { localPort: PORT });
  const browser = await puppeteer.connect({ browserWSEndpoint: `ws://127.0.0.1:${fwd.port}/session`, protocol: 'webDriverBiDi' });
  const page = await browser.newPage();
  await page.goto(tracker.origin);
  await page.waitForFunction(() => !document.body.innerText.includes('Starting…'), { timeout: 30_000 });
  console.log('secure', await page.evaluate(() => window.isSecureContext), await page.evaluate(() => !!navigator.serviceWorker));
  await browser.close();
  await fwd.close();
  await tracker.stop();
} finally {
  await e.stop();
}
