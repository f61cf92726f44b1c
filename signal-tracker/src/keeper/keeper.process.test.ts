// The Node host on WebRTC through the tracker, and a tracker with a keeper in a temporary folder, its keeper in a
// process of its own, and Node peers on WebRTC in the tabs' place: the sharer asks for a keep, leaves once the keeper
// has every piece, and a newcomer downloads the share from the keeper alone, byte for byte; refusals come back in
// words; a restarted tracker resumes its keeps; `Stop keeping` takes the keeper out of the swarm.
import { readdir } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../../../shared/testing/until';
import { startServer } from '../server';
import { askKeep, KeeperScene, keepStatus, LIMITS, post, untilKept } from './testing/keeper-scene';

const scene = new KeeperScene();
afterEach(() => scene.cleanup());

describe('joinRtcSwarm: the Node host on WebRTC through the tracker', () => {
  it('a leecher downloads a torrent from a seeder it met through the tracker, byte for byte', async () => {
    const server = await startServer({ port: 0, host: '127.0.0.1', staticDir: null, logError: () => {} });
    scene.scratch.keep(server, (running) => running.close());
    const share = await scene.share(3);
    await scene.peer(server, share.torrent, share.source);
    await scene.downloadFromSwarm(server, share);
  });
});

describe('the keeper', () => {
  it('keeps a share after its sharer leaves; a newcomer downloads it from the keeper alone', async () => {
    const keepFolder = await scene.folder();
    const server = await scene.tracker(keepFolder);
    const share = await scene.share();
    const sharer = await scene.peer(server, share.torrent, share.source);
    const kept = await askKeep(server, share.request);
    expect(kept.status).toBe(200);
    await untilKept(server, share.infoHash);
    await sharer.leave();
    await scene.downloadFromSwarm(server, share);

    const refused = await post(server, '/keep/stop', { infoHash: share.infoHash, stopToken: 'guess' });
    expect(refused).toEqual({
      status: 403,
      body: { ok: false, error: 'Only the tab that asked the keeper can stop keeping this share.' },
    });
    expect(await readdir(keepFolder)).toContain(share.infoHash);

    // `Stop keeping`: the keeper leaves the swarm (only the newcomer is left in it) and deletes the share.
    const peersInSwarm = () =>
      server.tracker.swarmStats(() => '').find((swarm) => swarm.infoHash === share.infoHash)?.peers.length;
    expect(peersInSwarm()).toBe(2);
    const stopped = await post(server, '/keep/stop', {
      infoHash: share.infoHash,
      stopToken: kept.body.stopToken,
    });
    expect(stopped).toEqual({ status: 200, body: { ok: true } });
    expect(await readdir(keepFolder)).not.toContain(share.infoHash);
    await until(() => peersInSwarm() === 1, { what: 'the keeper leaves the swarm', timeoutMs: 10_000 });
  });

  it('refuses in words: no token, a share too large', async () => {
    const server = await scene.tracker(await scene.folder(), { ...LIMITS, perAddressBytes: 64 * 1024 });
    const share = await scene.share();
    await scene.peer(server, share.torrent, share.source);
    const ask = async (token: string) => (await askKeep(server, { ...share.request, token })).body.error;
    expect(await ask('wrong')).toBe('This keeper only keeps shares for people who have its token.');
    expect(await ask(share.request.token)).toMatch(
      /^This share takes .*; the keeper keeps shares of at most 64 KB\.$/,
    );
  });

  it('resumes its shares from its folder after a restart', async () => {
    const keepFolder = await scene.folder();
    const first = await scene.tracker(keepFolder);
    const share = await scene.share(9);
    const sharer = await scene.peer(first, share.torrent, share.source);
    expect((await askKeep(first, share.request)).status).toBe(200);
    await untilKept(first, share.infoHash);
    await sharer.leave();
    await first.close();

    const second = await scene.tracker(keepFolder);
    await untilKept(second, share.infoHash, 'the restarted keeper seeds the share again, its pieces kept');
    await scene.downloadFromSwarm(second, share);
  });

  it('deletes a share and leaves its swarm at its expiry', async () => {
    const keepFolder = await scene.folder();
    const server = await scene.tracker(keepFolder, { ...LIMITS, hours: 2 / 3600 });
    const share = await scene.share(11);
    await scene.peer(server, share.torrent, share.source);
    expect((await askKeep(server, share.request)).status).toBe(200);
    expect(await readdir(keepFolder)).toContain(share.infoHash);
    await until(async () => !(await readdir(keepFolder)).includes(share.infoHash), {
      what: 'the share is deleted at its expiry',
      timeoutMs: 20_000,
      intervalMs: 200,
    });
    expect(await keepStatus(server, share.infoHash)).toEqual({
      error: 'The keeper does not keep this share.',
    });
  });
});
