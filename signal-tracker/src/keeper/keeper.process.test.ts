// The Node host on WebRTC through the tracker, and a tracker with a keeper in a temporary folder, its keeper in a process of its own, and Node peers on WebRTC in
// the tabs' place: the sharer asks for a keep, leaves once the keeper has every piece, and a newcomer downloads the
// share from the keeper alone, byte for byte; refusals come back in words; a restarted tracker resumes its keeps.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeHost } from '../../../node-host/node-host';
import { makeTorrent } from '../../../node-host/make-torrent';
import { joinRtcSwarm } from '../../../node-host/rtc-swarm';
import {
  cornerCaseFiles,
  readTree,
  removeFolder,
  tempFolder,
  writeFixture,
} from '../../../node-host/testing/fixtures';
import { until } from '../../../shared/testing/until';
import { startServer, type RunningServer } from '../server';
import type { KeeperLimits } from './keep-policy';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const MB = 1024 * 1024;
const LIMITS: KeeperLimits = { quotaBytes: 8 * MB, perAddressBytes: 4 * MB, hours: 24, token: 'open-sesame' };
let clientCount = 0;

async function folder(): Promise<string> {
  const path = await tempFolder('keeper');
  cleanups.push(() => removeFolder(path));
  return path;
}

async function tracker(keepFolder: string, limits = LIMITS, port = 0): Promise<RunningServer> {
  const server = await startServer({
    port,
    host: '127.0.0.1',
    staticDir: null,
    logError: () => {},
    keeper: { folder: keepFolder, limits },
  });
  cleanups.push(() => server.close());
  return server;
}

/** A peer in a tab's place: the torrent of `folderPath`'s files, in that swarm through the tracker. */
async function peer(server: RunningServer, torrent: Uint8Array, folderPath: string) {
  const host = new NodeHost();
  const added = await host.add({ torrent, folder: folderPath });
  const swarm = joinRtcSwarm(added, {
    tracker: `${server.trackerUrl}?client=${clientCount++}`,
    peerId: host.peerId,
  });
  const leave = async () => {
    await swarm.stop();
    await host.stop();
  };
  cleanups.push(leave);
  return { torrent: added, leave };
}

async function post(server: RunningServer, path: string, body: unknown) {
  const response = await fetch(new URL(path, server.url), { method: 'POST', body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A keep request, asked again while the tracker has not seen the sharer's announce yet or the keeper is starting. */
async function askKeep(server: RunningServer, body: unknown) {
  let answer = await post(server, '/keep', body);
  await until(
    async () => {
      if (answer.status !== 409 && answer.status !== 503) return true;
      answer = await post(server, '/keep', body);
      return false;
    },
    { what: 'the keeper answers the keep request', timeoutMs: 20_000, intervalMs: 200 },
  );
  return answer;
}

async function status(server: RunningServer, infoHash: string) {
  const response = await fetch(new URL(`/keep/status?infoHash=${infoHash}`, server.url));
  return (await response.json()) as { progress?: number; kept?: boolean };
}

async function share(seed = 5) {
  const source = await folder();
  const root = await writeFixture(source, 'share', cornerCaseFiles(32 * 1024), seed);
  const torrent = await makeTorrent(root, { kind: 'v1', pieceLength: 32 * 1024 });
  const { readTorrent } = await import('../../../node-host/torrent-source');
  const infoHash = (await readTorrent(torrent)).info.infoHashHex;
  return { source, root, torrent, infoHash, base64: Buffer.from(torrent).toString('base64') };
}

/** A newcomer with an empty folder downloads the share from whoever is in the swarm. */
async function downloadFromSwarm(server: RunningServer, torrent: Uint8Array, root: string) {
  const target = await folder();
  const newcomer = await peer(server, torrent, target);
  await new Promise<void>((resolve) => newcomer.torrent.once('done', resolve));
  expect(await readTree(join(target, 'share'))).toEqual(await readTree(root));
}

describe('joinRtcSwarm: the Node host on WebRTC through the tracker', () => {
  it('a leecher downloads a torrent from a seeder it met through the tracker, byte for byte', async () => {
    const server = await startServer({ port: 0, host: '127.0.0.1', staticDir: null, logError: () => {} });
    cleanups.push(() => server.close());
    const { source, root, torrent } = await share(3);
    await peer(server, torrent, source);
    await downloadFromSwarm(server, torrent, root);
  });
});

describe('the keeper', () => {
  it('keeps a share after its sharer leaves; a newcomer downloads it from the keeper alone', async () => {
    const keepFolder = await folder();
    const server = await tracker(keepFolder);
    const { source, root, torrent, infoHash, base64 } = await share();
    const sharer = await peer(server, torrent, source);
    const request = { infoHash, torrent: base64, token: 'open-sesame' };
    const kept = await askKeep(server, request);
    expect(kept.status).toBe(200);
    await until(async () => (await status(server, infoHash)).kept === true, {
      what: 'the keeper has every piece',
      timeoutMs: 30_000,
      intervalMs: 200,
    });
    await sharer.leave();
    await downloadFromSwarm(server, torrent, root);

    const refused = await post(server, '/keep/stop', { infoHash, stopToken: 'guess' });
    expect(refused).toEqual({
      status: 403,
      body: { ok: false, error: 'Only the tab that asked the keeper can stop keeping this share.' },
    });
    expect(await readdir(keepFolder)).toContain(infoHash);
  });

  it('refuses in words: no token, a share too large, a share no tab is sharing', async () => {
    const server = await tracker(await folder(), { ...LIMITS, perAddressBytes: 64 * 1024 });
    const { source, torrent, infoHash, base64 } = await share();
    const noSeeder = await post(server, '/keep', { infoHash, torrent: base64, token: 'open-sesame' });
    expect(noSeeder.body.error).toBe('The keeper can only keep a share that this tab is sharing now.');
    await peer(server, torrent, source);
    const ask = async (token: string) =>
      (await askKeep(server, { infoHash, torrent: base64, token })).body.error;
    expect(await ask('wrong')).toBe('This keeper only keeps shares for people who have its token.');
    expect(await ask('open-sesame')).toMatch(
      /^This share is .*; the keeper keeps shares of at most 64 KB\.$/,
    );
  });

  it('resumes its shares from its folder after a restart', async () => {
    const keepFolder = await folder();
    const first = await tracker(keepFolder);
    const { source, root, torrent, infoHash, base64 } = await share(9);
    const sharer = await peer(first, torrent, source);
    expect((await askKeep(first, { infoHash, torrent: base64, token: 'open-sesame' })).status).toBe(200);
    await until(async () => (await status(first, infoHash)).kept === true, {
      what: 'the keeper has every piece',
      timeoutMs: 30_000,
      intervalMs: 200,
    });
    await sharer.leave();
    await first.close();

    const second = await tracker(keepFolder);
    await until(async () => (await status(second, infoHash)).kept === true, {
      what: 'the restarted keeper seeds the share again, its pieces kept',
      timeoutMs: 20_000,
      intervalMs: 200,
    });
    await downloadFromSwarm(second, torrent, root);
  });

  it('deletes a share and leaves its swarm at its expiry', async () => {
    const keepFolder = await folder();
    const server = await tracker(keepFolder, { ...LIMITS, hours: 2 / 3600 });
    const { source, torrent, infoHash, base64 } = await share(11);
    await peer(server, torrent, source);
    expect((await askKeep(server, { infoHash, torrent: base64, token: 'open-sesame' })).status).toBe(200);
    expect(await readdir(keepFolder)).toContain(infoHash);
    await until(async () => !(await readdir(keepFolder)).includes(infoHash), {
      what: 'the share is deleted at its expiry',
      timeoutMs: 20_000,
      intervalMs: 200,
    });
    expect(await status(server, infoHash)).toEqual({ error: 'The keeper does not keep this share.' });
  });
});
