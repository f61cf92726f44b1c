// A link cannot aim the tab at services on the user's own device: trackers a magnet names on loopback (in any of the
// forms the URL parser turns into 127.0.0.1) are dropped before Download contacts anything, and the confirmation
// says which and why. The app is presented as a public site here: Chromium resolves `swarmdrop.test` to the tests'
// server on 127.0.0.1, so the app's own origin is a name (public), not a loopback address.
import { chromium, expect, test, type Browser, type Page } from '@playwright/test';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { WebSocketServer } from 'ws';
import { LAUNCH_OPTIONS } from '../playwright.config';
import { openApp, startDownload, torrentItem } from './helpers';

const APP_HOST = 'swarmdrop.test';
/** A tracker with a public-looking name (mapped to 127.0.0.1 like the app): a link's tracker the rule keeps. */
const PUBLIC_TRACKER_HOST = 'tracker.swarmdrop.test';

/** A local service: counts every TCP connection that reaches it, whatever it carries. */
async function countingService(
  host = '127.0.0.1',
): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const sockets = new Set<import('node:net').Socket>();
  const server: Server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  });
  try {
    server.listen(0, host);
    await once(server, 'listening');
  } catch {
    // A machine without an IPv6 loopback cannot be reached on ::1 by the tab either; the port still counts.
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
  }
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A tracker of a public-looking name: it records the announces it hears (the tab's announcing has happened). */
async function namedTracker(): Promise<{ url: string; announces: () => number; close: () => Promise<void> }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  let announces = 0;
  server.on('connection', (socket) =>
    socket.on('message', (data) => {
      if ((JSON.parse(String(data)) as { action?: string }).action === 'announce') announces++;
    }),
  );
  return {
    url: `ws://${PUBLIC_TRACKER_HOST}:${(server.address() as AddressInfo).port}/`,
    announces: () => announces,
    close: () => {
      for (const client of server.clients) client.terminate();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Loopback spelled every way a link could, each aimed at its own counting service (on the address it reaches). */
const LOOPBACK_FORMS: Array<{ listen: string; url: (port: number) => string }> = [
  { listen: '127.0.0.1', url: (p) => `ws://127.0.0.1:${p}/announce?secret=1` },
  { listen: '127.0.0.1', url: (p) => `ws://localhost:${p}/` },
  { listen: '127.0.0.1', url: (p) => `ws://2130706433:${p}/` },
  { listen: '127.0.0.1', url: (p) => `ws://0x7f.1:${p}/` },
  { listen: '127.0.0.1', url: (p) => `ws://127.1:${p}/` },
  { listen: '127.0.0.1', url: (p) => `ws://[::ffff:127.0.0.1]:${p}/` },
  { listen: '::1', url: (p) => `ws://[::1]:${p}/` },
  { listen: '127.0.0.1', url: (p) => `wss://0.0.0.0:${p}/` },
  { listen: '127.0.0.1', url: (p) => `ws://api.localhost:${p}/` },
];

async function publicBrowser(port: number): Promise<Browser> {
  return chromium.launch({
    ...LAUNCH_OPTIONS,
    args: [
      ...LAUNCH_OPTIONS.args,
      `--host-resolver-rules=MAP ${APP_HOST} 127.0.0.1, MAP ${PUBLIC_TRACKER_HOST} 127.0.0.1`,
      // A name over plain HTTP is no secure context; the app needs one (workers, storage, SubtleCrypto).
      `--unsafely-treat-insecure-origin-as-secure=http://${APP_HOST}:${port}`,
    ],
  });
}

interface Setup {
  browser: Browser;
  page: Page;
  services: Awaited<ReturnType<typeof countingService>>[];
  named: Awaited<ReturnType<typeof namedTracker>>;
  link: (hash: string, name: string) => string;
  close: () => Promise<void>;
}

async function setUp(baseURL: string | undefined): Promise<Setup> {
  const port = Number(new URL(baseURL!).port);
  const services = await Promise.all(LOOPBACK_FORMS.map((form) => countingService(form.listen)));
  const named = await namedTracker();
  const browser = await publicBrowser(port);
  const page = await browser.newPage();
  await openApp(page, `http://${APP_HOST}:${port}/`);
  // The public-looking tracker comes last: once it heard an announce, every earlier tracker was tried, if ever.
  const trackers = [...LOOPBACK_FORMS.map((form, i) => form.url(services[i].port)), named.url];
  const link = (hash: string, name: string) =>
    `magnet:?xt=urn:btih:${hash}&dn=${name}${trackers.map((t) => `&tr=${encodeURIComponent(t)}`).join('')}`;
  return {
    browser,
    page,
    services,
    named,
    link,
    close: async () => {
      await browser.close();
      await Promise.all([...services.map((s) => s.close()), named.close()]);
    },
  };
}

test('a pasted magnet naming loopback trackers in every form reaches none of them', async ({ baseURL }) => {
  const setup = await setUp(baseURL);
  try {
    await startDownload(setup.page, setup.link('c3'.repeat(20), 'aimed.bin'));
    await expect(torrentItem(setup.page, 'aimed.bin')).toBeVisible();
    const dropped = setup.page.getByRole('list', { name: 'Trackers not contacted' }).getByRole('listitem');
    await expect(dropped).toHaveCount(LOOPBACK_FORMS.length);
    await expect(dropped.filter({ hasText: 'an address on this device' })).toHaveCount(
      LOOPBACK_FORMS.length - 1,
    );
    await expect(dropped.filter({ hasText: '0.0.0.0' })).toContainText('an address that reaches this device');
    await expect.poll(setup.named.announces, { timeout: 20_000 }).toBeGreaterThan(0);
    expect(setup.services.map((s) => s.connections())).toEqual(setup.services.map(() => 0));
  } finally {
    await setup.close();
  }
});

test('the confirmation of a share link names the loopback trackers it drops, and Download reaches none', async ({
  baseURL,
}) => {
  const setup = await setUp(baseURL);
  try {
    const { page } = setup;
    const port = new URL(baseURL!).port;
    await page.goto(
      `http://${APP_HOST}:${port}/#${encodeURIComponent(setup.link('d4'.repeat(20), 'aimed2.bin'))}`,
    );
    const dialog = page.getByRole('dialog', { name: 'Download “aimed2.bin”?' });
    await expect(dialog).toBeVisible({ timeout: 30_000 });
    await expect(
      dialog.getByRole('list', { name: 'Trackers to announce to' }).getByRole('listitem'),
    ).toHaveText([setup.named.url, `ws://${APP_HOST}:${port}/`]);
    const dropped = dialog.getByRole('list', { name: 'Trackers not contacted' }).getByRole('listitem');
    await expect(dropped).toHaveCount(LOOPBACK_FORMS.length);
    await expect(dropped.first()).toContainText(`ws://127.0.0.1:${setup.services[0].port}/announce?secret=1`);
    await expect(dropped.first()).toContainText('an address on this device');
    await expect(dropped.filter({ hasText: 'localhost' }).first()).toContainText('an address on this device');
    await dialog.getByRole('button', { name: 'Download', exact: true }).click();
    await expect(torrentItem(page, 'aimed2.bin')).toBeVisible();
    await expect.poll(setup.named.announces, { timeout: 20_000 }).toBeGreaterThan(0);
    expect(setup.services.map((s) => s.connections())).toEqual(setup.services.map(() => 0));
  } finally {
    await setup.close();
  }
});
