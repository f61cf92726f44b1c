// Firefox inside an emulated node, driven by puppeteer-core over WebDriver BiDi (as e2e/firefox.ts does on
// loopback). Puppeteer's own launch would dial the debugging port from the root namespace, which cannot reach the
// node, so Firefox is started in the node and puppeteer connects through a forward on the same port number (the
// remote agent checks the port its client names in the Host header).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import puppeteer, { type Browser } from 'puppeteer-core';
import type { Emulator } from './emulator';
import { forwardToNode } from './forward';

export interface FirefoxInNode {
  browser: Browser;
  close(): Promise<void>;
}

export interface FirefoxOptions {
  /** The emulated hosts the pages open over http, given a secure context as loopback has one. */
  secureHosts: string[];
  prefs?: Record<string, string | number | boolean>;
  executablePath?: string;
}

const LISTENING = /WebDriver BiDi listening on ws:\/\/[^:]+:(\d+)/;
const START_TIMEOUT_MS = 30_000;

function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function writeProfile(options: FirefoxOptions): string {
  const profile = mkdtempSync(join(tmpdir(), 'sdnet-firefox-'));
  const prefs = {
    'dom.securecontext.allowlist': options.secureHosts.join(','),
    // Host candidates are real addresses, as on loopback (see the brief).
    'media.peerconnection.ice.obfuscate_host_addresses': false,
    // The allowlist makes the page a secure context, yet its own http URLs stay insecure content: Firefox would
    // upgrade a player's request (display content: audio, video, images) to https, where nothing listens.
    'security.mixed_content.upgrade_display_content': false,
    'browser.shell.checkDefaultBrowser': false,
    'datareporting.policy.dataSubmissionEnabled': false,
    'toolkit.telemetry.reportingpolicy.firstRun': false,
    'browser.startup.homepage_override.mstone': 'ignore',
    ...options.prefs,
  };
  const lines = Object.entries(prefs).map(
    ([name, value]) => `user_pref(${JSON.stringify(name)}, ${JSON.stringify(value)});`,
  );
  writeFileSync(join(profile, 'user.js'), lines.join('\n') + '\n');
  return profile;
}

/** A headless Firefox in `nodeName`, connected. */
export async function launchFirefoxInNode(
  emulator: Emulator,
  nodeName: string,
  options: FirefoxOptions,
): Promise<FirefoxInNode> {
  const port = await freeLoopbackPort();
  const executable = options.executablePath ?? process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
  const profile = writeProfile(options);
  const args = ['--headless', '--no-remote', '--profile', profile, `--remote-debugging-port=${port}`];
  const firefox = emulator.spawnIn(nodeName, executable, [...args, 'about:blank'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('Firefox in the emulated node did not start')),
      START_TIMEOUT_MS,
    );
    firefox.once('exit', (code) =>
      reject(new Error(`Firefox in the emulated node exited with code ${code}`)),
    );
    createInterface({ input: firefox.stderr! }).on('line', (line) => {
      if (LISTENING.exec(line)?.[1] !== String(port)) return;
      clearTimeout(timer);
      resolve();
    });
  });
  const forward = await forwardToNode(emulator, nodeName, port, { localPort: port });
  const browser = await puppeteer.connect({
    browserWSEndpoint: `ws://127.0.0.1:${port}/session`,
    protocol: 'webDriverBiDi',
  });
  return {
    browser,
    close: async () => {
      const running = firefox.exitCode === null && firefox.signalCode === null;
      const exited = running ? new Promise((resolve) => firefox.once('exit', resolve)) : Promise.resolve();
      await browser.close().catch(() => firefox.kill('SIGKILL'));
      await exited;
      await forward.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
