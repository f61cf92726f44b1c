import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { launchFirefoxInNode } from './firefox';
import { emulatorUnavailable } from './namespaces';
import { startPath } from './path';

const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
const unavailable = emulatorUnavailable() ?? (existsSync(FIREFOX) ? undefined : `no Firefox at ${FIREFOX}`);
const title = unavailable
  ? `Firefox in an emulated node (skipped: ${unavailable})`
  : 'Firefox in an emulated node';

// The page tells who asked for it: the server sees the address the request came from.
const SERVER = `require('node:http').createServer((request, response) => {
  response.setHeader('content-type', 'text/html');
  response.end('<p id="from">' + request.socket.remoteAddress + '</p>');
}).listen(8000, process.argv[1], () => console.log('up'));`;

describe.skipIf(unavailable !== undefined)(title, () => {
  it('opens a page across the emulated path, from its own address, in a secure context', async () => {
    const emulator = await startPath({ rttMs: 20 }, ['web', 'firefox']);
    try {
      const web = emulator.node('web');
      const server = emulator.spawnIn('web', process.execPath, ['-e', SERVER, web.address], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      await new Promise((resolve) => server.stdout!.once('data', resolve));
      const firefox = await launchFirefoxInNode(emulator, 'firefox', { secureHosts: [web.address] });
      try {
        const page = await firefox.browser.newPage();
        await page.goto(`http://${web.address}:8000/`);
        expect(await page.evaluate(() => document.getElementById('from')?.textContent)).toBe(
          emulator.node('firefox').address,
        );
        expect(await page.evaluate(() => window.isSecureContext)).toBe(true);
      } finally {
        await firefox.close();
      }
    } finally {
      await emulator.stop();
    }
  });
});
